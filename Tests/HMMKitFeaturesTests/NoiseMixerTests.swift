import Foundation
import HMMKitAudio
import HMMKitFeatures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Noise specifications and noisy copies: SNRs measured on the result, the colour of coloured
/// noise, seeding by the audio, and babble that never comes from the recording's own speaker.
@Suite("Noise mixing")
struct NoiseMixerTests {
    /// A clean test signal: a vowel-like sum of tones with a silent start, `count` samples at 8 kHz.
    static func speechLike(count: Int = 6000, pitch: Double = 140) -> [Double] {
        (0..<count).map { n in
            guard n >= 800 else { return 0 }
            let t = Double(n) / 8000
            return 0.3 * sin(2 * .pi * pitch * t) + 0.2 * sin(2 * .pi * 3 * pitch * t) + 0.05 * sin(2 * .pi * 17 * pitch * t)
        }
    }

    /// 10·log10 of the clean power over the power of what was added.
    static func measuredSNR(clean: [Double], noisy: [Double]) -> Double {
        let added = zip(noisy, clean).map { $0 - $1 }
        return 10 * log10(NoiseMixer.power(clean) / NoiseMixer.power(added))
    }

    @Test func parsesListsAndNamesTheBadToken() throws {
        #expect(try NoiseCondition.parseList("white:10, Babble:5,pink:-2.5,brown:60")
            == [NoiseCondition(.white, snr: 10), NoiseCondition(.babble, snr: 5), NoiseCondition(.pink, snr: -2.5),
                NoiseCondition(.brown, snr: 60)])
        #expect(try NoiseCondition.parseList("none").isEmpty)
        #expect(try NoiseCondition.parseList("").isEmpty)
        #expect(NoiseCondition.listDescription([NoiseCondition(.white, snr: 10), NoiseCondition(.pink, snr: 2.5)]) == "white:10,pink:2.5")
        let bad: [(String, NoiseSpecificationError)] = [
            ("white:10,hiss:5", .unknownKind(token: "hiss:5", kind: "hiss")),
            ("white:61", .snrOutOfRange(token: "white:61", snr: "61")),
            ("white:-10.5", .snrOutOfRange(token: "white:-10.5", snr: "-10.5")),
            ("babble:nan", .snrOutOfRange(token: "babble:nan", snr: "nan")),
            ("white:inf", .snrOutOfRange(token: "white:inf", snr: "inf")),
            ("white", .malformed(token: "white")),
            ("white:10,,pink:5", .malformed(token: "")),
            ("white:1:2", .malformed(token: "white:1:2")),
        ]
        for (text, expected) in bad {
            #expect(throws: expected) { try NoiseCondition.parseList(text) }
        }
        let message = "\(NoiseSpecificationError.unknownKind(token: "hiss:5", kind: "hiss"))"
        #expect(message.contains("hiss:5") && message.contains("white, pink, brown, babble"), "\(message)")
    }

    @Test func conditionsAreStoredAsTextAndCheckedWhenRead() throws {
        let conditions = [NoiseCondition(.white, snr: 10), NoiseCondition(.babble, snr: 2.5)]
        let bytes = try JSONEncoder().encode(conditions)
        #expect(String(decoding: bytes, as: UTF8.self) == #"["white:10","babble:2.5"]"#)
        #expect(try JSONDecoder().decode([NoiseCondition].self, from: bytes) == conditions)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([NoiseCondition].self, from: Data(#"["white:100"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([NoiseCondition].self, from: Data(#"["hum:10"]"#.utf8)) }
    }

    @Test(arguments: [NoiseKind.white, .pink, .brown])
    func generatedNoiseMeetsTheSNR(kind: NoiseKind) throws {
        let clean = Self.speechLike()
        let mixer = NoiseMixer(sampleRate: 8000, seed: 7)
        for snr in [-10.0, 0, 5, 10, 20, 60] {
            let noisy = try mixer.noisy(clean, condition: NoiseCondition(kind, snr: snr), path: "a.wav", speaker: "a")
            #expect(abs(Self.measuredSNR(clean: clean, noisy: noisy) - snr) < 0.1, "\(kind) at \(snr) dB")
        }
    }

    /// White noise's successive samples are independent, so the power of its first difference is
    /// twice its power; pink noise's are correlated (the ratio falls well below 1), brown noise's
    /// more still.
    @Test func colouredNoiseHasLessPowerAtHighFrequencies() {
        func differenceRatio(_ kind: NoiseKind) -> Double {
            var generator = SplitMix64(seed: 3)
            let noise = NoiseMixer.noise(kind, count: 100_000, generator: &generator)
            let differences = zip(noise.dropFirst(), noise).map { $0 - $1 }
            return NoiseMixer.power(differences) / NoiseMixer.power(noise)
        }
        let white = differenceRatio(.white), pink = differenceRatio(.pink), brown = differenceRatio(.brown)
        #expect(abs(white - 2) < 0.05, "white \(white)")
        #expect(pink < 0.8, "pink \(pink)")
        #expect(brown < 0.1 && brown < pink, "brown \(brown), pink \(pink)")
    }

    @Test func noiseIsSeededByTheAudioNotTheName() throws {
        let clean = Self.speechLike(), other = Self.speechLike(pitch: 150)
        let condition = NoiseCondition(.white, snr: 10)
        let mixer = NoiseMixer(sampleRate: 8000, seed: 1)
        let first = try mixer.noisy(clean, condition: condition, path: "a.wav", speaker: "a")
        #expect(try mixer.noisy(clean, condition: condition, path: "elsewhere/b.wav", speaker: nil) == first)
        #expect(try NoiseMixer(sampleRate: 8000, seed: 2).noisy(clean, condition: condition, path: "a.wav", speaker: "a") != first)
        #expect(try mixer.noisy(clean, condition: condition, conditionIndex: 1, path: "a.wav", speaker: "a") != first)
        let added = zip(first, clean).map { $0 - $1 }
        let otherNoisy = try mixer.noisy(other, condition: condition, path: "a.wav", speaker: "a")
        #expect(zip(otherNoisy, other).map { $0 - $1 } != added)
        let silent = [Double](repeating: 0, count: 100)
        #expect(try mixer.noisy(silent, condition: condition, path: "s.wav", speaker: nil) == silent)
    }

    /// Speaker "own" speaks 1 kHz tones, "other" 300 Hz: the babble added to an "own" recording
    /// holds the other speaker's tone only, meets the SNR, and without another speaker there is none.
    @Test func babbleNeverComesFromTheRecordingsOwnSpeaker() throws {
        let folder = try TemporaryFolder()
        var urls: [URL] = [], speakers: [String?] = []
        for (speaker, frequency) in [("own", 1000.0), ("other", 300.0)] {
            for take in 0..<3 {
                let url = folder.file("\(speaker)-\(take).wav")
                // Whole periods of both tones, so that looping adds no other frequency.
                let samples = (0..<(2400 + 800 * take)).map { 0.2 * sin(2 * .pi * frequency * Double($0) / 8000 + Double(take)) }
                try AudioFileWriter.write(AudioSignal(samples: samples, sampleRate: 8000), to: url, format: .wavFloat)
                urls.append(url)
                speakers.append(speaker)
            }
        }
        let pool = BabblePool(urls: urls, speakers: speakers)
        #expect(pool.eligible(for: urls[0].path, speaker: "own") == [3, 4, 5])
        #expect(pool.eligible(for: urls[0].path, speaker: nil) == [1, 2, 3, 4, 5])
        let clean = try AudioLoader.load(urls[0], sampleRate: 8000)
        let mixer = NoiseMixer(sampleRate: 8000, seed: 5, babblePool: pool)
        let noisy = try mixer.noisy(clean, condition: NoiseCondition(.babble, snr: 0), path: urls[0].path, speaker: "own")
        #expect(abs(Self.measuredSNR(clean: clean, noisy: noisy) - 0) < 0.1)
        let added = zip(noisy, clean).map { $0 - $1 }
        func amplitude(_ signal: [Double], at frequency: Double) -> Double {
            var c = 0.0, s = 0.0
            for (n, x) in signal.enumerated() {
                c += x * cos(2 * .pi * frequency * Double(n) / 8000)
                s += x * sin(2 * .pi * frequency * Double(n) / 8000)
            }
            return 2 * (c * c + s * s).squareRoot() / Double(signal.count)
        }
        let otherTone = amplitude(added, at: 300), ownTone = amplitude(added, at: 1000)
        #expect(otherTone > 0.1 && ownTone < 0.01 * otherTone, "300 Hz \(otherTone), 1 kHz \(ownTone)")
        let alone = NoiseMixer(sampleRate: 8000, seed: 5, babblePool: BabblePool(urls: Array(urls[0..<3]), speakers: Array(speakers[0..<3])))
        #expect(throws: NoiseMixingError.noBabbleSource(recording: urls[0].path, pool: 3)) {
            try alone.noisy(clean, condition: NoiseCondition(.babble, snr: 10), path: urls[0].path, speaker: "own")
        }
        #expect(throws: NoiseMixingError.noBabbleSource(recording: "x.wav", pool: nil)) {
            try NoiseMixer(sampleRate: 8000, seed: 0).noisy(clean, condition: NoiseCondition(.babble, snr: 10), path: "x.wav", speaker: nil)
        }
    }
}
