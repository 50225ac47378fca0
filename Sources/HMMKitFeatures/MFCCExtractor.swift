import HMMKitNumerics
import RealModule

/// Computes MFCC features of one utterance at a time, as its ``FeatureConfiguration`` says.
///
/// An extractor owns its FFT, DCT and scratch buffers, so it is **not** shared between threads:
/// make one per worker (``FrontEnd`` does). Work per frame allocates nothing.
/// The pipeline, in order: scale → dither → [signal pre-emphasis] → frames → DC removal →
/// [raw energy] → [frame pre-emphasis] → window → [windowed energy] → FFT
/// (``/HMMKitNumerics/RealFourierTransform``) → power/magnitude → mel filterbank →
/// [noise subtraction, ``SpectralSubtraction``] → log → [dB floor over the
/// utterance] → DCT-II (``/HMMKitNumerics/DiscreteCosineTransform``) → lifter → [energy in c0] → deltas → CMVN.
///
/// What is clipped, as in Kaldi: the logarithm is taken of `max(energy, floor)` for every mel
/// energy (``LogCompression``'s floor or `amin`) and for the frame energy, and the log energy is
/// raised to `log(energy floor)` when one is set (``EnergyCoefficient``); CMVN only centres a
/// column whose deviation is 0 or too small to divide by. Nothing else is clipped: samples whose
/// magnitude times ``FeatureConfiguration/inputScale`` exceeds ``/HMMKitNumerics/InputLimits/maximumScaledAmplitude``
/// are refused (``FeatureError/sampleOutOfRange(source:index:value:inputScale:)``), which with the
/// limits on frame and FFT length keeps every energy and spectrum finite even in `Float`; and a
/// result holding NaN or an infinity is refused rather than returned.
public final class MFCCExtractor<Scalar: MatrixScalar> {
    /// The configuration this extractor runs.
    public let configuration: FeatureConfiguration
    /// The backend of its FFT and DCT.
    public let backend: ComputeBackend
    /// Samples per frame.
    public let frameLength: Int
    /// Samples between frame starts.
    public let frameShift: Int
    /// The FFT length.
    public let fftSize: Int
    /// The mel filterbank of the configuration (its own ``FeatureConfiguration/vtlnWarp``, if any).
    public let filterbank: MelFilterbank
    /// The banks of this front end at other VTLN warps (possibly shared with other extractors).
    public let filterbanks: MelFilterbankCache

    let window: [Scalar]
    /// The bank the frames go through (``filterbank``, or one at another warp), in `Scalar`.
    private(set) var filterWeights: [Scalar]
    private(set) var filterFirstBins: [Int]
    private(set) var filterOffsets: [Int]
    /// The warp factor of the bank in use (nil: the configuration's own).
    private var warpFactor: Double?
    private let lifterCoefficients: [Scalar]
    let fft: RealFourierTransform<Scalar>
    private let dct: DiscreteCosineTransform<Scalar>
    /// ``laneCount`` frames of ``frameLength`` samples, one after another.
    var laneFrames: [Scalar]
    /// ``laneCount`` power spectra of `fftSize / 2 + 1` bins, one after another.
    var laneSpectra: [Scalar]

    /// An extractor for `configuration` on `backend`, taking its mel filterbanks from
    /// `filterbanks` (a cache of the same configuration, shared between extractors so that each
    /// warp's bank is built once), or from a cache of its own.
    /// - Throws: ``FeatureError/invalidConfiguration(_:)`` naming the bad field: whatever
    ///   ``FeatureConfiguration/validate()`` refuses, and a mel filter that covers no FFT bin.
    public init(configuration: FeatureConfiguration, backend: ComputeBackend = .default,
                filterbanks: MelFilterbankCache? = nil) throws(FeatureError) {
        precondition(filterbanks.map { $0.configuration == configuration } ?? true,
                     "MFCCExtractor: the filterbank cache belongs to another configuration")
        // Every size below is derived from fields that validate() has range-checked.
        let filterbanks = if let filterbanks { filterbanks } else { try MelFilterbankCache(configuration: configuration) }
        let (length, shift, fftSize) = configuration.resolvedSizes
        self.configuration = configuration
        self.backend = backend
        self.frameLength = length
        self.frameShift = shift
        self.fftSize = fftSize
        self.filterbanks = filterbanks
        self.filterbank = try filterbanks.filterbank(warpFactor: nil)
        window = configuration.window.coefficients(length: length).map { Scalar($0) }
        filterWeights = filterbank.weights.map { Scalar($0) }
        filterFirstBins = filterbank.firstBin
        filterOffsets = filterbank.weightOffsets
        lifterCoefficients = (0..<configuration.cepstrumCount).map { n in
            switch configuration.lifter {
            case .none: return 1
            case .htk(let l): return Scalar(1 + l / 2 * Double.sin(Double.pi * Double(n) / l))
            case .librosa(let l): return Scalar(1 + l / 2 * Double.sin(Double.pi * Double(n + 1) / l))
            }
        }
        fft = RealFourierTransform(length: fftSize, backend: backend)
        dct = DiscreteCosineTransform(
            inputLength: configuration.melBinCount, outputCount: configuration.cepstrumCount,
            normalization: configuration.dctNormalization == .orthonormal ? .orthonormal : .none, backend: backend)
        laneFrames = [Scalar](repeating: 0, count: Self.laneCount * length)
        laneSpectra = [Scalar](repeating: 0, count: Self.laneCount * (fftSize / 2 + 1))
    }

    /// The number of frames a signal of `sampleCount` samples gives (0 when it is shorter than
    /// one frame with ``EdgeHandling/snip``).
    public func frameCount(sampleCount n: Int) -> Int {
        switch configuration.edges {
        case .snip: return n < frameLength ? 0 : 1 + (n - frameLength) / frameShift
        case .center: return 1 + n / frameShift
        case .padEnd: return n <= frameLength ? 1 : 1 + (n - frameLength + frameShift - 1) / frameShift
        }
    }

    /// Features of one utterance: `[frames × dimension]`, the statics followed by the deltas,
    /// normalised as configured.
    /// - Parameters:
    ///   - samples: the signal at ``FeatureConfiguration/sampleRate``, ±1.0 full scale.
    ///   - source: a name for errors (the file path).
    ///   - utteranceIndex: mixes into the dither seed, so dither differs between files but not
    ///     between runs or thread counts.
    ///   - warpFactor: the VTLN warp of the filterbank (``MelFilterbankCache/filterbank(warpFactor:)``);
    ///     nil: the configuration's own.
    /// - Throws: ``FeatureError/nonFiniteSamples(source:index:)``,
    ///   ``FeatureError/sampleOutOfRange(source:index:value:inputScale:)`` for a sample too loud
    ///   to compute with (see ``FeatureConfiguration/checkAmplitude(of:source:)``),
    ///   ``FeatureError/tooFewFramesForDeltas(source:frames:needed:)`` for Savitzky-Golay deltas,
    ///   or ``FeatureError/nonFiniteFeatures(source:frame:column:)`` rather than return NaN.
    ///   ``FeatureError/invalidConfiguration(_:)`` for a warp factor the cut-offs cannot take.
    ///   A signal shorter than one frame (with snipped edges) gives zero frames, not an error.
    public func features(of samples: [Double], source: String = "signal", utteranceIndex: Int = 0,
                         warpFactor: Double? = nil) throws(FeatureError) -> Matrix<Scalar>
    {
        let statics = try staticFeatures(of: samples, source: source, utteranceIndex: utteranceIndex, warpFactor: warpFactor)
        var features = try DeltaComputer.appendDeltas(to: statics, style: configuration.deltas,
                                                      order: configuration.deltaOrder, source: source)
        CepstralNormalizer.normalize(&features, configuration.normalization)
        try Self.checkFinite(features, source: source)
        return features
    }

    /// Throws ``FeatureError/nonFiniteFeatures(source:frame:column:)`` at the first NaN or
    /// infinity of `features` (one pass; the input checks make this a last line of defence).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func checkFinite(_ features: Matrix<Scalar>, source: String) throws(FeatureError) {
        let columns = features.columnCount
        let bad = features.withUnsafeElements { ValueScan.firstBeyond($0, limit: .greatestFiniteMagnitude) }
        if let bad { throw .nonFiniteFeatures(source: source, frame: bad / max(columns, 1), column: bad % max(columns, 1)) }
    }

    /// The static cepstra of one utterance, `[frames × cepstrumCount]` (no deltas, no CMVN), through
    /// the filterbank at `warpFactor` (nil: the configuration's own).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func staticFeatures(of samples: [Double], source: String = "signal", utteranceIndex: Int = 0,
                               warpFactor: Double? = nil) throws(FeatureError) -> Matrix<Scalar>
    {
        if warpFactor != self.warpFactor { try useFilterbank(warpFactor: warpFactor) }
        try configuration.checkAmplitude(of: samples, source: source)
        let signal = preparedSignal(samples, utteranceIndex: utteranceIndex)
        let frames = frameCount(sampleCount: signal.count)
        let melCount = configuration.melBinCount
        var logMel = Matrix<Scalar>(rowCount: frames, columnCount: melCount)
        var energies = [Scalar](repeating: 0, count: frames)
        analyseFrames(signal, frames: frames, logMel: &logMel, energies: &energies)
        if let subtraction = configuration.noiseSubtraction {
            var includeEnergies = false
            if case .logEnergy = configuration.energy { includeEnergies = true }
            subtraction.apply(to: &logMel, energies: &energies, includeEnergies: includeEnergies)
        }
        compress(&logMel)
        return cepstra(of: logMel, energies: energies)
    }

    /// Makes the frames go through the bank at `factor` (nil: the configuration's own).
    private func useFilterbank(warpFactor factor: Double?) throws(FeatureError) {
        let bank = try filterbanks.filterbank(warpFactor: factor)
        filterWeights = bank.weights.map { Scalar($0) }
        filterFirstBins = bank.firstBin
        filterOffsets = bank.weightOffsets
        warpFactor = factor
    }

    /// Scaled, dithered and (for signal-scope pre-emphasis) pre-emphasised samples, computed in
    /// Double and stored once in `Scalar`.
    private func preparedSignal(_ samples: [Double], utteranceIndex: Int) -> [Scalar] {
        let scale = configuration.inputScale, count = samples.count
        let dither = configuration.dither
        var generator = DitherGenerator(seed: configuration.ditherSeed, stream: UInt64(utteranceIndex))
        let a = configuration.preemphasisScope == .signal ? configuration.preemphasis : 0
        if Scalar.self == Double.self, scale == 1, dither == 0, a == 0 {
            // Nothing to change (librosa's preset in Double): share the caller's storage.
            return unsafeBitCast(samples, to: [Scalar].self)
        }
        return [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            samples.withUnsafeBufferPointer { samples in
                if dither == 0 && a == 0 {
                    // Scaling alone (Kaldi's preset): the same products, in a loop that vectorises.
                    for i in 0..<count { buffer[i] = Scalar(samples[i] * scale) }
                    return
                }
                var previous = 0.0
                for i in 0..<count {
                    var value = samples[i] * scale
                    if dither > 0 { value += dither * generator.nextGaussian() }
                    // y[0] = x[0]; y[i] = x[i] − a·x[i−1] (python_speech_features keeps the first sample).
                    buffer[i] = Scalar(i == 0 || a == 0 ? value : value - a * previous)
                    previous = value
                }
            }
            initialized = count
        }
    }

    /// Log compression of the mel energies in place: natural log with a floor, or decibels with
    /// the utterance-wide `top_db` floor.
    private func compress(_ logMel: inout Matrix<Scalar>) {
        logMel.withUnsafeMutableElements { values in
            switch configuration.logarithm {
            case .natural(let floor):
                let floor = Scalar(floor)
                for i in 0..<values.count { values[i] = Scalar.log(max(values[i], floor)) }
            case let .decibel(amin, topDB):
                let amin = Scalar(amin)
                var largest = -Scalar.infinity
                // 10·log10(x) as (10 / ln 10)·ln(x): the natural log is about twice as fast in
                // glibc and differs by an ulp or two, far inside librosa's float32 noise.
                let decibelsPerNeper = Scalar(10 / Double.log(10))
                for i in 0..<values.count {
                    values[i] = decibelsPerNeper * Scalar.log(max(values[i], amin))
                    largest = max(largest, values[i])
                }
                if let topDB {
                    let floor = largest - Scalar(topDB)
                    for i in 0..<values.count where values[i] < floor { values[i] = floor }
                }
            }
        }
    }

    /// DCT-II of each row (one batched transform), liftering, and the log energy in c0 where configured.
    private func cepstra(of logMel: Matrix<Scalar>, energies: [Scalar]) -> Matrix<Scalar> {
        let frames = logMel.rowCount, count = configuration.cepstrumCount
        var cepstra = Matrix<Scalar>(rowCount: frames, columnCount: count)
        guard frames > 0 else { return cepstra }
        dct.transformRows(of: logMel, into: &cepstra)
        let energyFloor: Scalar
        switch configuration.logarithm {
        case .natural(let floor): energyFloor = Scalar(floor)
        case .decibel(let amin, _): energyFloor = Scalar(amin)
        }
        var replaceC0 = false, logEnergyFloor = -Scalar.infinity
        if case .logEnergy(_, let floor) = configuration.energy {
            replaceC0 = true
            if floor > 0 { logEnergyFloor = Scalar(Double.log(floor)) }
        }
        lifterCoefficients.withUnsafeBufferPointer { lifter in
            cepstra.withUnsafeMutableElements { out in
                for t in 0..<frames {
                    let row = out.baseAddress! + t * count
                    for n in 0..<count { row[n] *= lifter[n] }
                    if replaceC0 { row[0] = max(Scalar.log(max(energies[t], energyFloor)), logEnergyFloor) }
                }
            }
        }
        return cepstra
    }
}

/// Gaussian noise for dither: ``SplitMix64`` seeded by (seed, stream), Box–Muller.
struct DitherGenerator {
    private var generator: SplitMix64

    init(seed: UInt64, stream: UInt64) { generator = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03)) }

    mutating func nextGaussian() -> Double {
        let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
        let v = Double.random(in: 0..<1, using: &generator)
        return (-2 * Double.log(u)).squareRoot() * Double.cos(2 * Double.pi * v)
    }
}
