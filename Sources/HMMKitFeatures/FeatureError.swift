import HMMKitAudio
import HMMKitNumerics

/// Failures of feature extraction, each naming the file (when there is one) and what to do.
public enum FeatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration value is out of range or inconsistent.
    case invalidConfiguration(String)
    /// The samples contain NaN or an infinity.
    case nonFiniteSamples(source: String, index: Int)
    /// A sample times the configuration's input scale exceeds
    /// ``/HMMKitNumerics/InputLimits/maximumScaledAmplitude``: the energies and spectra of such audio would
    /// overflow, so it is refused rather than clipped. `index` counts samples of the file (mono)
    /// from 0; `value` is the sample as read (full scale ±1.0).
    case sampleOutOfRange(source: String, index: Int, value: Double, inputScale: Double)
    /// A computed feature is NaN or infinite; nothing is written for this input. `frame` and
    /// `column` count from 0.
    case nonFiniteFeatures(source: String, frame: Int, column: Int)
    /// The audio file could not be decoded; the decoder's error names the file.
    case audio(AudioError)
    /// The audio of `source` could not be resampled to `sampleRate` Hz.
    case resampling(source: String, sampleRate: Double, ResamplingError)
    /// The speed-perturbed copy at `factor` of `source` could not be made (resampling from
    /// `rate · factor` to `rate` failed).
    case speedPerturbation(source: String, factor: Double, ResamplingError)
    /// The audio of `source` is shorter than one frame: it gives no features.
    case noFrames(source: String)
    /// Too few frames for the delta style asked for (librosa's Savitzky-Golay `interp` needs `width`).
    case tooFewFramesForDeltas(source: String, frames: Int, needed: Int)
    /// A noisy training copy could not be made (``NoiseMixer``); the mixer's error names the file.
    case noise(NoiseMixingError)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return "invalid feature configuration: \(message)"
        case let .nonFiniteSamples(source, index):
            return "\(source): sample \(index) is NaN or infinite; repair or drop this file"
        case let .sampleOutOfRange(source, index, value, scale):
            return "\(source): sample \(index) is \(value), which times the input scale \(scale) exceeds "
                + "±\(InputLimits.maximumScaledAmplitude), the loudest signal features are computed from without overflow "
                + "(full scale is ±1.0); repair or drop this file, or lower the input scale"
        case let .nonFiniteFeatures(source, frame, column):
            return "\(source): feature \(column) of frame \(frame) is NaN or infinite; nothing was written for this input "
                + "(check the audio and the front-end options)"
        case .audio(let error):
            return error.description
        case let .resampling(source, rate, error):
            return "\(source): cannot resample to \(rate) Hz: \(error)"
        case let .speedPerturbation(source, factor, error):
            return "\(source): speed perturbation \(factor): \(error)"
        case .noFrames(let source):
            return "\(source): shorter than one frame"
        case let .tooFewFramesForDeltas(source, frames, needed):
            return "\(source): \(frames) frame(s) is too short for Savitzky-Golay deltas over \(needed) frames; "
                + "use regression deltas or longer audio"
        case .noise(let error):
            return error.description
        }
    }
}
