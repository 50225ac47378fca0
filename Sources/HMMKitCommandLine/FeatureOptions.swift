import ArgumentParser
import HMMKit

extension FeatureConfiguration.Preset: ExpressibleByArgument {}
extension EdgeHandling: ExpressibleByArgument {}
extension WindowFunction: ExpressibleByArgument {}
extension FilterbankStyle: ExpressibleByArgument {}
extension MelScale: ExpressibleByArgument {}
extension FilterNormalization: ExpressibleByArgument {}
extension PreemphasisScope: ExpressibleByArgument {}
extension SpectrumKind: ExpressibleByArgument {}
extension ComputeBackend: ExpressibleByArgument {}
extension Precision: ExpressibleByArgument {}

/// `--cmvn` values.
enum CMVNOption: String, ExpressibleByArgument, CaseIterable {
    case none, utterance
    case utteranceVariance = "utterance-variance"

    var normalization: CepstralNormalization {
        switch self {
        case .none: return .none
        case .utterance: return .utteranceMean
        case .utteranceVariance: return .utteranceMeanAndVariance
        }
    }
}

/// `--energy` values.
enum EnergyOption: String, ExpressibleByArgument, CaseIterable {
    case c0, raw, windowed, spectrum
}

/// `--log` values.
enum LogOption: String, ExpressibleByArgument, CaseIterable {
    case natural, decibel
}

/// `--deltas` values.
enum DeltaOption: String, ExpressibleByArgument, CaseIterable {
    case regression, repeated
    case savitzkyGolay = "savitzky-golay"
}

/// `--lifter-style` values.
enum LifterStyle: String, ExpressibleByArgument, CaseIterable {
    case htk, librosa
}

/// The front end's options, shared by every command that computes features. A preset sets
/// everything; each other option, when given, overrides the preset's value.
struct FeatureOptions: ParsableArguments {
    @Option(help: "Front-end preset: kaldi (compute-mfcc-feats + add-deltas), librosa (feature.mfcc + delta), psf (python_speech_features).")
    var preset: FeatureConfiguration.Preset = .kaldi

    @Option(name: .customLong("sample-rate"), help: "Rate features are computed at, in Hz; other audio is resampled (libsoxr HQ).")
    var sampleRate: Double = 16_000

    @Option(help: "Cepstral mean/variance normalisation per utterance: none, utterance, utterance-variance.")
    var cmvn: CMVNOption = .none

    @Option(help: "Frame length in milliseconds (preset: 25).")
    var frameLengthMs: Double?
    @Option(help: "Frame shift in milliseconds (preset: 10).")
    var frameShiftMs: Double?
    @Option(help: "Frame length in samples (overrides --frame-length-ms).")
    var frameLengthSamples: Int?
    @Option(help: "Frame shift in samples (overrides --frame-shift-ms).")
    var frameShiftSamples: Int?
    @Option(help: "Edge handling: snip (Kaldi), center (librosa), padEnd (python_speech_features).")
    var edges: EdgeHandling?
    @Option(help: "Dither standard deviation in input units (0 = off, the default; seeded by --dither-seed).")
    var dither: Double?
    @Option(help: "Seed of the dither noise.")
    var ditherSeed: UInt64?
    @Option(help: "Remove each frame's DC offset: true or false (kaldi: true).")
    var removeDc: Bool?
    @Option(help: "Pre-emphasis coefficient, 0 = off (kaldi, psf: 0.97).")
    var preemphasis: Double?
    @Option(help: "Pre-emphasis on each frame (perFrame, Kaldi) or on the whole signal (signal, psf).")
    var preemphasisScope: PreemphasisScope?
    @Option(help: "Window: hamming, hann, periodicHann, povey, rectangular, blackman.")
    var window: WindowFunction?
    @Option(help: "FFT length (default: the frame length rounded up to a power of two).")
    var fftSize: Int?
    @Option(help: "Spectrum into the filterbank: power or magnitude.")
    var spectrum: SpectrumKind?
    @Option(help: "Divide the spectrum by the FFT length: true or false (psf: true).")
    var divideSpectrum: Bool?
    @Option(help: "Filterbank layout: kaldi, integerBins (psf), hertzTriangles (librosa).")
    var filterbank: FilterbankStyle?
    @Option(help: "Mel scale: htk or slaney.")
    var melScale: MelScale?
    @Option(help: "Filter normalisation: none or slaneyArea.")
    var filterNormalization: FilterNormalization?
    @Option(help: "Number of mel filters (kaldi: 23, librosa/psf: 26).")
    var melBins: Int?
    @Option(help: "Lowest filter edge in Hz (kaldi: 20).")
    var lowFrequency: Double?
    @Option(help: "Highest filter edge in Hz; 0 or negative = offset from Nyquist.")
    var highFrequency: Double?
    @Option(help: "VTLN warp factor of the filterbank (Kaldi's --vtln-warp; 1 = none, the default).")
    var vtlnWarp: Double?
    @Option(help: "VTLN lower cut-off in Hz (Kaldi's --vtln-low).")
    var vtlnLow: Double = VTLNWarp.kaldiLowCutoff
    @Option(help: "VTLN upper cut-off in Hz; negative = offset from Nyquist (Kaldi's --vtln-high).")
    var vtlnHigh: Double = VTLNWarp.kaldiHighCutoff
    @Option(help: "Log compression: natural or decibel.")
    var log: LogOption?
    @Option(help: "Floor of the natural log's argument, or amin of decibels.")
    var logFloor: Double?
    @Option(help: "Decibels only: clip values more than this many dB below the utterance maximum (negative = off).")
    var topDb: Double?
    @Option(help: "Number of cepstral coefficients (13).")
    var cepstra: Int?
    @Option(help: "Cepstral lifter coefficient, 0 = none (kaldi, psf: 22).")
    var lifter: Double?
    @Option(help: "Lifter formula: htk (1 + L/2 sin(πn/L)) or librosa (n + 1).")
    var lifterStyle: LifterStyle = .htk
    @Option(help: "First coefficient: c0, or a log energy: raw (before window), windowed, spectrum.")
    var energy: EnergyOption?
    @Option(help: "Floor of the log energy (Kaldi's energy_floor; 0 = none).")
    var energyFloor: Double = 0
    @Option(help: "Delta style: regression (Kaldi/HTK), repeated (psf), savitzky-golay (librosa).")
    var deltas: DeltaOption?
    @Option(help: "Delta window: ±N frames for regression, width for Savitzky-Golay.")
    var deltaWindow: Int?
    @Option(help: "Number of delta orders appended: 0, 1 or 2.")
    var deltaOrder: Int?
    @Option(help: "Input scale: samples (±1.0) are multiplied by this (kaldi, psf: 32768; librosa: 1).")
    var inputScale: Double?

    /// Every numeric option against its declared range (bounds from ``InputLimits``), then the
    /// configuration they make as a whole (``FeatureConfiguration/validate()``): a value out of
    /// range is bad usage (exit 64), caught before anything is sized from it.
    func validate() throws {
        let rateLimit = InputLimits.maximumSampleRate, nyquistLimit = rateLimit / 2
        var problems: [String] = []
        func check<T: Comparable>(_ flag: String, _ value: T?, _ range: ClosedRange<T>, _ unit: String = "") {
            guard let value, !range.contains(value) else { return }
            problems.append("--\(flag) must be in \(range.lowerBound)…\(range.upperBound)\(unit) (got \(value))")
        }
        func checkPositive(_ flag: String, _ value: Double?, atMost limit: Double, _ unit: String) {
            guard let value, !(value > 0 && value <= limit) else { return }
            problems.append("--\(flag) must be positive and at most \(limit)\(unit) (got \(value))")
        }
        func checkFinite(_ flag: String, _ value: Double?) {
            guard let value, !value.isFinite else { return }
            problems.append("--\(flag) must be a finite number (got \(value))")
        }
        checkPositive("sample-rate", sampleRate, atMost: rateLimit, " Hz")
        // The longest frame at the lowest useful rate; the exact bound in samples follows below.
        let longestMilliseconds = 1000 * Double(InputLimits.maximumFrameLength)
        checkPositive("frame-length-ms", frameLengthMs, atMost: longestMilliseconds, " ms")
        checkPositive("frame-shift-ms", frameShiftMs, atMost: longestMilliseconds, " ms")
        check("frame-length-samples", frameLengthSamples, 1...InputLimits.maximumFrameLength)
        check("frame-shift-samples", frameShiftSamples, 1...InputLimits.maximumFrameLength)
        check("dither", dither, 0...InputLimits.maximumDither)
        check("preemphasis", preemphasis, 0...1)
        check("fft-size", fftSize, 1...InputLimits.maximumFFTSize)
        check("mel-bins", melBins, 1...InputLimits.maximumMelBinCount)
        check("low-frequency", lowFrequency, 0...nyquistLimit, " Hz")
        check("high-frequency", highFrequency, -nyquistLimit...nyquistLimit, " Hz")
        check("vtln-warp", vtlnWarp, InputLimits.vtlnWarpFactors)
        check("vtln-low", vtlnLow, 0...nyquistLimit, " Hz")
        check("vtln-high", vtlnHigh, -nyquistLimit...nyquistLimit, " Hz")
        check("log-floor", logFloor, InputLimits.logarithmFloors)
        checkFinite("top-db", topDb)
        check("cepstra", cepstra, 1...InputLimits.maximumMelBinCount)
        if let lifter, lifter != 0 { check("lifter", lifter, InputLimits.lifterCoefficients) }
        check("energy-floor", energyFloor, 0...Double.greatestFiniteMagnitude)
        check("delta-window", deltaWindow, 1...(2 * InputLimits.maximumDeltaWindow + 1))
        check("delta-order", deltaOrder, 0...2)
        check("input-scale", inputScale, InputLimits.minimumInputScale...InputLimits.maximumInputScale)
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
        do {
            try configuration().validate()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The preset at the requested rate with every given option applied.
    func configuration() -> FeatureConfiguration {
        var c = preset.configuration(sampleRate: sampleRate)
        c.normalization = cmvn.normalization
        if let frameLengthMs { c.frameLength = .milliseconds(frameLengthMs) }
        if let frameShiftMs { c.frameShift = .milliseconds(frameShiftMs) }
        if let frameLengthSamples { c.frameLength = .samples(frameLengthSamples) }
        if let frameShiftSamples { c.frameShift = .samples(frameShiftSamples) }
        if let edges { c.edges = edges }
        if let dither { c.dither = dither }
        if let ditherSeed { c.ditherSeed = ditherSeed }
        if let removeDc { c.removeDCOffset = removeDc }
        if let preemphasis { c.preemphasis = preemphasis }
        if let preemphasisScope { c.preemphasisScope = preemphasisScope }
        if let window { c.window = window }
        if let fftSize { c.fftSize = .exactly(fftSize) }
        if let spectrum { c.spectrum = spectrum }
        if let divideSpectrum { c.divideSpectrumByFFTSize = divideSpectrum }
        if let filterbank { c.filterbank = filterbank }
        if let melScale { c.melScale = melScale }
        if let filterNormalization { c.filterNormalization = filterNormalization }
        if let melBins { c.melBinCount = melBins }
        if let lowFrequency { c.lowFrequency = lowFrequency }
        if let highFrequency { c.highFrequency = highFrequency }
        if let inputScale { c.inputScale = inputScale }
        if let vtlnWarp { c.vtlnWarp = VTLNWarp(factor: vtlnWarp, lowCutoff: vtlnLow, highCutoff: vtlnHigh) }
        switch (log, c.logarithm) {
        case (.natural?, _), (nil, .natural):
            c.logarithm = .natural(floor: logFloor ?? c.logarithm.floorValue)
        case (.decibel?, _), (nil, .decibel):
            let clip: Double?
            if let topDb {
                clip = topDb < 0 ? nil : topDb
            } else if case .decibel(_, let presetClip) = c.logarithm {
                clip = presetClip
            } else {
                clip = 80  // librosa's default top_db
            }
            c.logarithm = .decibel(amin: logFloor ?? (log == nil ? c.logarithm.floorValue : 1e-10), topDB: clip)
        }
        if let cepstra { c.cepstrumCount = cepstra }
        if let lifter { c.lifter = lifter == 0 ? .none : (lifterStyle == .htk ? .htk(lifter) : .librosa(lifter)) }
        if let energy {
            switch energy {
            case .c0: c.energy = .c0
            case .raw: c.energy = .logEnergy(source: .rawSignal, floor: energyFloor)
            case .windowed: c.energy = .logEnergy(source: .windowedSignal, floor: energyFloor)
            case .spectrum: c.energy = .logEnergy(source: .powerSpectrum, floor: energyFloor)
            }
        } else if case .logEnergy(let source, _) = c.energy, energyFloor > 0 {
            c.energy = .logEnergy(source: source, floor: energyFloor)
        }
        if deltas != nil || deltaWindow != nil {
            let style = deltas ?? c.deltas.option
            let window = deltaWindow ?? c.deltas.windowValue
            switch style {
            case .regression: c.deltas = .regression(window: window)
            case .repeated: c.deltas = .repeatedRegression(window: window)
            case .savitzkyGolay: c.deltas = .savitzkyGolay(width: window)
            }
        }
        if let deltaOrder { c.deltaOrder = deltaOrder }
        return c
    }
}

extension LogCompression {
    var floorValue: Double {
        switch self {
        case .natural(let floor): return floor
        case .decibel(let amin, _): return amin
        }
    }
}

extension DeltaStyle {
    var option: DeltaOption {
        switch self {
        case .regression: return .regression
        case .repeatedRegression: return .repeated
        case .savitzkyGolay: return .savitzkyGolay
        }
    }

    var windowValue: Int {
        switch self {
        case .regression(let n), .repeatedRegression(let n): return n
        case .savitzkyGolay(let width): return width
        }
    }

    /// The same style reaching `frames` frames on each side (a Savitzky-Golay width of 2 × frames + 1).
    func withWindow(_ frames: Int) -> DeltaStyle {
        switch self {
        case .regression: return .regression(window: frames)
        case .repeatedRegression: return .repeatedRegression(window: frames)
        case .savitzkyGolay: return .savitzkyGolay(width: 2 * frames + 1)
        }
    }
}
