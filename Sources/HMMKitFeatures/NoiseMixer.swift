import Foundation
import HMMKitNumerics

/// The recordings babble is made of: files and their speakers. The caller decides what belongs
/// in it (for training, the training corpus; in leave-one-speaker-out, never the held-out
/// speaker); a recording's babble further leaves out its own speaker (``eligible(for:speaker:)``).
public struct BabblePool: Sendable {
    /// The audio files.
    public let urls: [URL]
    /// The speaker of each file (nil: unknown).
    public let speakers: [String?]
    /// The files' paths, as ``eligible(for:speaker:)`` compares them.
    let paths: [String]

    /// The pool of `urls`, spoken by `speakers` (one per file).
    public init(urls: [URL], speakers: [String?]) {
        precondition(urls.count == speakers.count, "BabblePool: \(urls.count) files but \(speakers.count) speakers")
        self.urls = urls
        self.speakers = speakers
        paths = urls.map { $0.path(percentEncoded: false) }
    }

    /// The positions of the pool whose speech may make the babble of the recording at `path`
    /// spoken by `speaker`: every file of another speaker, never the file itself; when `speaker`
    /// is nil, every other file (the pool's files of unknown speakers included).
    public func eligible(for path: String, speaker: String?) -> [Int] {
        urls.indices.filter { paths[$0] != path && (speaker == nil || speakers[$0] != speaker) }
    }
}

/// Why a noisy copy could not be made.
public enum NoiseMixingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Babble was asked for a recording that has no other speaker's readable recording to draw
    /// from (`pool` is the number of files the pool holds, nil without a pool).
    case noBabbleSource(recording: String, pool: Int?)

    public var description: String {
        switch self {
        case .noBabbleSource(let recording, let pool):
            guard let pool else { return "\(recording): babble noise needs a pool of other speakers' recordings (none given)" }
            return "\(recording): none of the \(pool) recordings of the babble pool is another speaker's readable, non-empty audio"
        }
    }
}

/// Makes noisy copies of recordings (``NoiseCondition``): noise of the condition's kind scaled so
/// that the power of the whole clean signal over the power of the noise is the condition's SNR,
/// added sample by sample. A recording's noise is determined by ``seed``, the condition, its
/// position in the caller's list of conditions and the recording's own samples (never its name,
/// its position in a corpus, the thread count or the order recordings are processed in), so the
/// same audio gets the same noise under any file name.
///
/// Coloured noise is white Gaussian noise filtered: pink by Paul Kellet's economy three-pole
/// filter (1/f within about ±0.5 dB over three decades below a quarter of the sample rate),
/// brown by a leaky integrator `y[n] = 0.98·y[n-1] + x[n]` (1/f² above about 0.003 of the sample
/// rate); both run ``filterWarmUp`` samples before the kept ones so that they start in their
/// steady state. Babble sums ``babbleTalkers`` recordings of the ``BabblePool`` eligible for the
/// recording (drawn without replacement, or all of them when fewer), each scaled to unit power,
/// started at a random sample and looped or cropped to the recording's length. A clean signal of
/// zero power is returned unchanged (no SNR defines the noise).
public struct NoiseMixer: Sendable {
    /// Recordings summed into babble.
    public static let babbleTalkers = 6
    /// Samples a colouring filter runs before the samples it keeps.
    public static let filterWarmUp = 4096

    /// The sample rate of the audio (babble recordings are resampled to it).
    public let sampleRate: Double
    /// The seed of every noise.
    public let seed: UInt64
    /// Where babble comes from (nil: babble cannot be made).
    public let babblePool: BabblePool?

    /// A mixer of audio at `sampleRate` Hz, its noise seeded by `seed`, its babble from `babblePool`.
    public init(sampleRate: Double, seed: UInt64, babblePool: BabblePool? = nil) {
        self.sampleRate = sampleRate
        self.seed = seed
        self.babblePool = babblePool
    }

    /// `samples`, the recording at `path` spoken by `speaker`, with `condition`'s noise added: the
    /// condition at `conditionIndex` of the caller's list (conditions at different positions get
    /// different noise).
    /// - Throws: ``NoiseMixingError/noBabbleSource(recording:pool:)`` for babble without a
    ///   recording to make it of.
    public func noisy(_ samples: [Double], condition: NoiseCondition, conditionIndex: Int = 0, path: String,
                      speaker: String?) throws(NoiseMixingError) -> [Double] {
        guard Self.power(samples) > 0 else { return samples }
        var generator = SplitMix64(seed: Self.noiseSeed(seed, samples: samples, condition: condition, index: conditionIndex))
        let noise: [Double]
        switch condition.kind {
        case .babble: noise = try babble(count: samples.count, path: path, speaker: speaker, generator: &generator)
        default: noise = Self.noise(condition.kind, count: samples.count, generator: &generator)
        }
        return Self.mix(samples, noise: noise, snr: condition.snr)
    }

    /// The mean square of `samples` (0 for none).
    public static func power(_ samples: [Double]) -> Double {
        samples.isEmpty ? 0 : samples.reduce(0) { $0 + $1 * $1 } / Double(samples.count)
    }

    /// `signal + g·noise` (same length), `g` chosen so that `power(signal) / power(g·noise)` is
    /// `snr` dB; `signal` itself when either power is 0.
    public static func mix(_ signal: [Double], noise: [Double], snr: Double) -> [Double] {
        precondition(signal.count == noise.count, "NoiseMixer.mix: \(signal.count) samples but \(noise.count) of noise")
        let signalPower = power(signal), noisePower = power(noise)
        guard signalPower > 0, noisePower > 0 else { return signal }
        let gain = (signalPower / (noisePower * pow(10, snr / 10))).squareRoot()
        var mixed = signal
        for index in mixed.indices { mixed[index] += gain * noise[index] }
        return mixed
    }

    /// `count` samples of white, pink or brown noise from `generator` (babble is made from
    /// recordings: ``noisy(_:condition:conditionIndex:path:speaker:)``).
    public static func noise(_ kind: NoiseKind, count: Int, generator: inout SplitMix64) -> [Double] {
        precondition(kind != .babble, "NoiseMixer.noise makes white, pink and brown noise; babble needs recordings")
        let warmUp = kind == .white ? 0 : filterWarmUp
        var white = [Double](repeating: 0, count: count + warmUp)
        var index = 0
        while index < white.count {
            // Box–Muller: two uniform numbers in (0, 1] give two independent standard normals.
            let u1 = Double((generator.next() >> 11) + 1) * 0x1p-53, u2 = Double(generator.next() >> 11) * 0x1p-53
            let radius = (-2 * log(u1)).squareRoot(), angle = 2 * Double.pi * u2
            white[index] = radius * cos(angle)
            if index + 1 < white.count { white[index + 1] = radius * sin(angle) }
            index += 2
        }
        switch kind {
        case .white, .babble: return white
        case .pink:
            var b0 = 0.0, b1 = 0.0, b2 = 0.0
            for index in white.indices {
                let x = white[index]
                b0 = 0.99765 * b0 + x * 0.0990460
                b1 = 0.96300 * b1 + x * 0.2965164
                b2 = 0.57000 * b2 + x * 1.0526913
                white[index] = b0 + b1 + b2 + x * 0.1848
            }
        case .brown:
            var y = 0.0
            for index in white.indices {
                y = 0.98 * y + white[index]
                white[index] = y
            }
        }
        return Array(white[warmUp...])
    }

    /// `count` samples of babble for the recording at `path` spoken by `speaker`.
    private func babble(count: Int, path: String, speaker: String?,
                        generator: inout SplitMix64) throws(NoiseMixingError) -> [Double] {
        guard let babblePool else { throw .noBabbleSource(recording: path, pool: nil) }
        var candidates = babblePool.eligible(for: path, speaker: speaker)
        var sum = [Double](repeating: 0, count: count)
        var talkers = 0, next = 0
        // A partial Fisher–Yates shuffle: the next candidate is drawn only when needed, so that a
        // file that cannot be read is replaced by the next draw.
        while talkers < Self.babbleTalkers && next < candidates.count {
            let pick = next + Int(generator.next() % UInt64(candidates.count - next))
            candidates.swapAt(next, pick)
            let url = babblePool.urls[candidates[next]]
            next += 1
            guard let speech = try? AudioLoader.load(url, sampleRate: sampleRate), !speech.isEmpty else { continue }
            let speechPower = Self.power(speech)
            guard speechPower > 0 else { continue }
            let scale = 1 / speechPower.squareRoot()
            var source = Int(generator.next() % UInt64(speech.count))
            for index in sum.indices {
                sum[index] += scale * speech[source]
                source += 1
                if source == speech.count { source = 0 }
            }
            talkers += 1
        }
        guard talkers > 0 else { throw .noBabbleSource(recording: path, pool: babblePool.urls.count) }
        return sum
    }

    /// The seed of the noise of `samples` under `condition`, the `index`th of a list: `seed`
    /// mixed with an FNV-1a hash of the samples' bits, the condition and its position.
    static func noiseSeed(_ seed: UInt64, samples: [Double], condition: NoiseCondition, index: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for sample in samples { hash = (hash ^ sample.bitPattern) &* 0x0000_0100_0000_01B3 }
        for byte in condition.description.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var mixer = SplitMix64(seed: seed ^ hash)
        var combined = SplitMix64(seed: mixer.next() ^ UInt64(truncatingIfNeeded: index))
        return combined.next()
    }
}
