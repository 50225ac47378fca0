// The three reference front ends, each reproducing its tool's usual settings exactly
// (checked against fixtures made by Tools/references/make_feature_references.py).

extension FeatureConfiguration {
    /// Kaldi's `compute-mfcc-feats` defaults followed by `add-deltas` (kaldi-native-fbank's
    /// `MfccOptions()` and `compute_deltas(order 2, window 2)`), dither off:
    /// 25 ms / 10 ms frames, snip edges, DC removal, raw log energy in place of c0
    /// (`ln max(Σx², FLT_EPSILON)` before pre-emphasis and window), pre-emphasis 0.97 per frame,
    /// Povey window, FFT 256 at 8 kHz (the frame rounded up to a power of two), power spectrum,
    /// 23 HTK-mel bins from 20 Hz to Nyquist with weights in the mel domain, natural log floored at
    /// `FLT_EPSILON`, orthonormal DCT-II, 13 cepstra, lifter 22; deltas by regression over ±2
    /// frames (ΔΔ is the convolved 9-tap filter), edges replicated. Input in 16-bit integer units.
    public static func kaldi(sampleRate: Double = 16_000) -> FeatureConfiguration {
        var configuration = FeatureConfiguration()
        configuration.sampleRate = sampleRate
        return configuration
    }

    /// `librosa.feature.mfcc` + `librosa.feature.delta` as HMMKit's peers run them:
    /// input as ±1.0 floats, `n_fft` = 256 at 8 kHz (the 25 ms frame rounded up to a power of two),
    /// `win_length` 25 ms, `hop_length` 10 ms, periodic Hann window centred in the FFT frame,
    /// `center=True` with zero padding, power spectrum, 26 Slaney-mel filters from 0 Hz to Nyquist
    /// with Slaney area normalisation (`htk=False, norm='slaney'`), `power_to_db(ref=1, amin=1e-10,
    /// top_db=80)`, orthonormal DCT-II, 13 cepstra, no lifter, no pre-emphasis or DC removal;
    /// deltas by Savitzky-Golay over 5 frames in `interp` mode (`width=5`).
    public static func librosa(sampleRate: Double = 22_050) -> FeatureConfiguration {
        var configuration = FeatureConfiguration()
        configuration.sampleRate = sampleRate
        configuration.inputScale = 1
        configuration.edges = .center
        configuration.removeDCOffset = false
        configuration.preemphasis = 0
        configuration.window = .periodicHann
        configuration.filterbank = .hertzTriangles
        configuration.melScale = .slaney
        configuration.filterNormalization = .slaneyArea
        configuration.melBinCount = 26
        configuration.lowFrequency = 0
        configuration.highFrequency = 0
        configuration.logarithm = .decibel(amin: 1e-10, topDB: 80)
        configuration.lifter = .none
        configuration.energy = .c0
        configuration.deltas = .savitzkyGolay(width: 5)
        return configuration
    }

    /// python_speech_features `mfcc` + `delta` applied twice, as HMMKit's peers run them:
    /// input in 16-bit integer units, pre-emphasis 0.97 on the whole signal, 25 ms / 10 ms frames
    /// with the last frame zero-padded, rectangular window, no DC removal, FFT 256 at 8 kHz,
    /// power spectrum divided by the FFT length, 26 filters on integer FFT bins
    /// `⌊(nfft+1)·f/rate⌋` from 0 Hz to Nyquist (HTK mel), natural log, orthonormal DCT-II,
    /// 13 cepstra, lifter 22, c0 replaced by the log of the summed power spectrum; deltas by
    /// regression over ±2 frames, ΔΔ as the delta of the delta.
    public static func psf(sampleRate: Double = 16_000) -> FeatureConfiguration {
        var configuration = FeatureConfiguration()
        configuration.sampleRate = sampleRate
        configuration.edges = .padEnd
        configuration.removeDCOffset = false
        configuration.preemphasisScope = .signal
        configuration.window = .rectangular
        configuration.divideSpectrumByFFTSize = true
        configuration.filterbank = .integerBins
        configuration.melBinCount = 26
        configuration.lowFrequency = 0
        configuration.highFrequency = 0
        configuration.logarithm = .natural(floor: Double.ulpOfOne)
        configuration.energy = .logEnergy(source: .powerSpectrum, floor: 0)
        configuration.deltas = .repeatedRegression(window: 2)
        return configuration
    }

    /// A named preset.
    public enum Preset: String, Codable, Sendable, CaseIterable {
        /// Kaldi's `compute-mfcc-feats` + `add-deltas` (``FeatureConfiguration/kaldi(sampleRate:)``).
        case kaldi
        /// librosa's `feature.mfcc` + `feature.delta` (``FeatureConfiguration/librosa(sampleRate:)``).
        case librosa
        /// python_speech_features' `mfcc` + `delta` (``FeatureConfiguration/psf(sampleRate:)``).
        case psf

        /// The preset's configuration at `sampleRate`.
        public func configuration(sampleRate: Double) -> FeatureConfiguration {
            switch self {
            case .kaldi: return .kaldi(sampleRate: sampleRate)
            case .librosa: return .librosa(sampleRate: sampleRate)
            case .psf: return .psf(sampleRate: sampleRate)
            }
        }
    }
}
