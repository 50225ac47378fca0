/// Every knob of the MFCC front end, with the defaults of Kaldi's `compute-mfcc-feats` unless
/// a comment says otherwise. The three presets (``FeatureConfiguration/kaldi(sampleRate:)``,
/// ``FeatureConfiguration/librosa(sampleRate:)``, ``FeatureConfiguration/psf(sampleRate:)``) set them to reproduce each
/// reference tool; see FeaturePresets.swift for the exact parameters.
///
/// The configuration is saved with every model, so recognition always runs the front end the
/// model was trained with.
public struct FeatureConfiguration: Codable, Sendable, Equatable {
    // MARK: Input

    /// The rate features are computed at, in Hz; audio at another rate is resampled to it.
    public var sampleRate: Double = 16_000
    /// Samples are multiplied by this before anything else. Audio is read as ±1.0 full scale;
    /// Kaldi and python_speech_features work on 16-bit integer values, hence 32,768 in their presets.
    public var inputScale: Double = 32_768

    // MARK: Framing

    /// The length of one analysis frame.
    public var frameLength: FrameSize = .milliseconds(25)
    /// The step between the starts of consecutive frames.
    public var frameShift: FrameSize = .milliseconds(10)
    /// How the first and last frames meet the ends of the signal.
    public var edges: EdgeHandling = .snip
    /// Standard deviation of Gaussian noise added to every sample (in input-scale units) before
    /// framing; 0 turns dither off (the default here, unlike Kaldi's 1.0: results are then exact
    /// and reproducible). The noise is seeded by ``ditherSeed`` and the utterance's index.
    public var dither: Double = 0
    /// The seed of the dither noise.
    public var ditherSeed: UInt64 = 0

    // MARK: Per-frame signal processing

    /// Subtract each frame's mean before anything else (Kaldi's `remove_dc_offset`).
    public var removeDCOffset: Bool = true
    /// The pre-emphasis coefficient `a` in `y[n] = x[n] − a·x[n−1]`; 0 turns it off.
    public var preemphasis: Double = 0.97
    /// Whether pre-emphasis runs on each frame (Kaldi: `x[0] −= a·x[0]`) or on the whole signal
    /// before framing (python_speech_features: the first sample is kept).
    public var preemphasisScope: PreemphasisScope = .perFrame
    /// The analysis window.
    public var window: WindowFunction = .povey
    /// The FFT length: the frame length rounded up to a power of two, or a given length.
    public var fftSize: FFTSize = .roundedUpToPowerOfTwo

    // MARK: Spectrum and filterbank

    /// Power (`|X|²`) or magnitude (`|X|`) spectrum into the filterbank.
    public var spectrum: SpectrumKind = .power
    /// Divide the spectrum by the FFT length (python_speech_features' `1/NFFT·|X|²`).
    public var divideSpectrumByFFTSize: Bool = false
    /// The mel filterbank's layout: how triangles are placed on FFT bins.
    public var filterbank: FilterbankStyle = .kaldi
    /// The mel scale: HTK's `1127·ln(1 + f/700)` or Slaney's (linear below 1 kHz, log above).
    public var melScale: MelScale = .htk
    /// Scaling of each filter: none, or Slaney's area normalisation `2 / (f_right − f_left)`.
    public var filterNormalization: FilterNormalization = .none
    /// The number of mel filters (Kaldi's default: 23).
    public var melBinCount: Int = 23
    /// The lowest filter edge, in Hz (Kaldi's default: 20).
    public var lowFrequency: Double = 20
    /// The highest filter edge, in Hz; 0 or negative means an offset from Nyquist (Kaldi's convention).
    public var highFrequency: Double = 0
    /// Vocal-tract-length normalisation: the filterbank's frequency axis warped by Kaldi's
    /// piecewise-linear function (``VTLNWarp``). nil (the default) or a factor of exactly 1 leave
    /// the filterbank as it is.
    public var vtlnWarp: VTLNWarp? = nil
    /// Spectral subtraction of each utterance's own noise floor from the mel energies (and the
    /// frame energy) before the logarithm (``SpectralSubtraction``); nil (the default) leaves them
    /// as they are. Configurations written before it existed load with nil.
    public var noiseSubtraction: SpectralSubtraction? = nil

    // MARK: Log and cepstrum

    /// How filterbank energies become log energies.
    public var logarithm: LogCompression = .natural(floor: Double(Float.ulpOfOne))
    /// DCT-II scaling of the cepstra.
    public var dctNormalization: DCTNormalization = .orthonormal
    /// The number of cepstral coefficients kept (13).
    public var cepstrumCount: Int = 13
    /// Cepstral liftering.
    public var lifter: Lifter = .htk(22)
    /// What the first coefficient holds: c0, or a log energy in its place.
    public var energy: EnergyCoefficient = .logEnergy(source: .rawSignal, floor: 0)

    // MARK: Dynamic features and normalisation

    /// How deltas are computed, and how many orders (2: Δ and ΔΔ).
    public var deltas: DeltaStyle = .regression(window: 2)
    /// The number of delta orders appended (0, 1 or 2).
    public var deltaOrder: Int = 2
    /// Cepstral mean (and variance) normalisation per utterance, after deltas.
    public var normalization: CepstralNormalization = .none

    /// Kaldi's `compute-mfcc-feats` defaults (dither off) with `add-deltas`.
    public init() {}

    /// The number of values per frame: cepstra × (1 + delta orders).
    public var dimension: Int { cepstrumCount * (1 + deltaOrder) }
}

/// A duration given in milliseconds or in samples.
public enum FrameSize: Codable, Sendable, Equatable {
    /// A duration in milliseconds, rounded to whole samples at the sample rate (Kaldi's
    /// `frame-length`, `frame-shift`).
    case milliseconds(Double)
    /// A number of samples (librosa's `n_fft`, `hop_length`).
    case samples(Int)

    /// The length in samples at `sampleRate` (Kaldi rounds `rate · ms / 1000` to the nearest
    /// integer, halves up, as python_speech_features does). A duration beyond `Int`'s range
    /// saturates to `Int.min` or `Int.max` and NaN gives 0, rather than trapping;
    /// ``FeatureConfiguration/validate()`` refuses all of these.
    public func samples(atRate sampleRate: Double) -> Int {
        switch self {
        case .samples(let count): return count
        case .milliseconds(let ms):
            let exact = (sampleRate * ms / 1000 + 0.5).rounded(.down)
            if exact.isNaN { return 0 }
            if exact >= 0x1p63 { return Int.max }
            if exact < -0x1p63 { return Int.min }
            return Int(exact)
        }
    }
}

/// How frames meet the ends of the signal.
public enum EdgeHandling: String, Codable, Sendable, CaseIterable {
    /// Kaldi's `snip_edges`: only frames that fit entirely; `1 + (n − length) / shift` frames.
    case snip
    /// librosa's `center=True`: the signal is padded with `fftSize / 2` zeros on both sides and
    /// frame t is centred on sample `t·shift`; `1 + n / shift` frames.
    case center
    /// python_speech_features: `1 + ⌈(n − length) / shift⌉` frames (at least 1), the last one
    /// padded with zeros.
    case padEnd
}

/// Where pre-emphasis is applied.
public enum PreemphasisScope: String, Codable, Sendable {
    /// To each frame, after its DC offset is removed (Kaldi).
    case perFrame
    /// Once to the whole signal before framing (python_speech_features).
    case signal
}

/// The analysis window, `w[i]` for `i = 0 … N−1`.
public enum WindowFunction: String, Codable, Sendable, CaseIterable {
    /// Kaldi: `0.54 − 0.46·cos(2πi/(N−1))`.
    case hamming
    /// Kaldi: `0.5 − 0.5·cos(2πi/(N−1))` (symmetric).
    case hann
    /// librosa/SciPy `get_window('hann', N)`: `0.5 − 0.5·cos(2πi/N)` (periodic).
    case periodicHann
    /// Kaldi's default: `(0.5 − 0.5·cos(2πi/(N−1)))^0.85`.
    case povey
    /// All ones (python_speech_features' default).
    case rectangular
    /// Kaldi: `0.42 − 0.5·cos(2πi/(N−1)) + 0.08·cos(4πi/(N−1))`.
    case blackman
}

/// The FFT length.
public enum FFTSize: Codable, Sendable, Equatable {
    /// The frame length rounded up to a power of two (Kaldi's `round_to_power_of_two`).
    case roundedUpToPowerOfTwo
    /// A given length, at least the frame length.
    case exactly(Int)
}

/// The spectrum fed to the filterbank.
public enum SpectrumKind: String, Codable, Sendable {
    /// `|X(f)|²` (Kaldi, librosa's default `power=2`).
    case power
    /// `|X(f)|`.
    case magnitude
}

/// How the mel triangles are laid on the FFT bins.
public enum FilterbankStyle: String, Codable, Sendable, CaseIterable {
    /// Kaldi's `MelBanks`: weights computed in the mel domain for bins `0 ..< fftSize/2`
    /// (the Nyquist bin is left out), triangles open at both ends.
    case kaldi
    /// python_speech_features' `get_filterbanks`: filter edges rounded down to integer bins
    /// `⌊(fftSize + 1)·f / rate⌋`, weights linear in bin index.
    case integerBins
    /// librosa's `filters.mel`: triangles in Hz over the bins' exact frequencies, edges evenly
    /// spaced on the mel scale.
    case hertzTriangles
}

/// The mel scale.
public enum MelScale: String, Codable, Sendable {
    /// `m = 1127·ln(1 + f/700)` (HTK, Kaldi; python_speech_features' `2595·log10` is the same curve).
    case htk
    /// Slaney's Auditory Toolbox scale: linear (3 mels per 200/3 Hz… ) below 1 kHz, logarithmic above (librosa's default).
    case slaney
}

/// Scaling of each filter.
public enum FilterNormalization: String, Codable, Sendable {
    /// Triangles of peak 1 (HTK, Kaldi, python_speech_features).
    case none
    /// Slaney: each triangle scaled by `2 / (f_right − f_left)`, so that filters have equal area.
    case slaneyArea
}

/// How filterbank energies are compressed.
public enum LogCompression: Codable, Sendable, Equatable {
    /// `ln(max(e, floor))`. Kaldi floors at `FLT_EPSILON`; python_speech_features replaces
    /// exact zeros by `DBL_EPSILON` (equivalent for non-negative energies).
    case natural(floor: Double)
    /// librosa's `power_to_db`: `10·log10(max(e, amin))`, then values more than `topDB` below the
    /// utterance's maximum are raised to it (`topDB` nil: no clipping).
    case decibel(amin: Double, topDB: Double?)
}

/// DCT-II scaling.
public enum DCTNormalization: String, Codable, Sendable {
    /// Orthonormal rows (SciPy's `norm='ortho'`), as all three presets use.
    case orthonormal
    /// `2 Σ x[n] cos(…)`, unscaled (SciPy's default, FFTW's `REDFT10`).
    case none
}

/// Cepstral liftering, `c[n] ← c[n]·(1 + (L/2)·sin(π·(n + offset)/L))`.
public enum Lifter: Codable, Sendable, Equatable {
    /// No liftering (librosa).
    case none
    /// HTK / Kaldi / python_speech_features: `1 + (L/2)·sin(πn/L)`.
    case htk(Double)
    /// librosa: `1 + (L/2)·sin(π(n+1)/L)`.
    case librosa(Double)
}

/// What the first cepstral coefficient holds.
public enum EnergyCoefficient: Codable, Sendable, Equatable {
    /// c0 from the DCT.
    case c0
    /// c0 replaced by a log energy, floored at `floor` when `floor > 0` (Kaldi's `energy_floor`;
    /// the energy itself is always kept above `FLT_EPSILON` or `DBL_EPSILON` before the log).
    case logEnergy(source: EnergySource, floor: Double)
}

/// Which signal the frame energy is measured on.
public enum EnergySource: String, Codable, Sendable {
    /// Kaldi `raw_energy=true`: after DC removal, before pre-emphasis and window.
    case rawSignal
    /// Kaldi `raw_energy=false`: after the window.
    case windowedSignal
    /// python_speech_features: the sum of the (scaled) power spectrum.
    case powerSpectrum
}

/// How delta features are computed.
public enum DeltaStyle: Codable, Sendable, Equatable {
    /// Kaldi `add-deltas` / HTK regression: `Σⱼ j·x[t+j] / Σⱼ j²` over `j = −N…N` with edge
    /// frames replicated; order 2 applies the convolved filter once to the statics.
    case regression(window: Int)
    /// python_speech_features: the regression delta applied again to the deltas for order 2
    /// (edges replicated at each step).
    case repeatedRegression(window: Int)
    /// librosa `feature.delta(mode='interp')`: a Savitzky-Golay derivative over `width` frames,
    /// polynomial order = delta order; the first and last `width/2` frames take the fit's value.
    case savitzkyGolay(width: Int)
}

/// Cepstral mean and variance normalisation.
public enum CepstralNormalization: String, Codable, Sendable, CaseIterable {
    /// Features as computed.
    case none
    /// Subtract the utterance's mean of every dimension.
    case utteranceMean
    /// Subtract the mean and divide by the standard deviation of every dimension.
    case utteranceMeanAndVariance
}
