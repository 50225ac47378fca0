/// Failures of feature extraction, each naming the file (when there is one) and what to do.
public enum FeatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration value is out of range or inconsistent.
    case invalidConfiguration(String)
    /// The samples contain NaN or an infinity.
    case nonFiniteSamples(source: String, index: Int)
    /// Audio could not be read or resampled (the underlying message names the file).
    case audio(source: String, message: String)
    /// Too few frames for the delta style asked for (librosa's Savitzky-Golay `interp` needs `width`).
    case tooFewFramesForDeltas(source: String, frames: Int, needed: Int)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return "invalid feature configuration: \(message)"
        case let .nonFiniteSamples(source, index):
            return "\(source): sample \(index) is NaN or infinite; repair or drop this file"
        case let .audio(_, message):
            return message  // AudioError's and the resampler's messages already name the file
        case let .tooFewFramesForDeltas(source, frames, needed):
            return "\(source): \(frames) frame(s) is too short for Savitzky-Golay deltas over \(needed) frames; "
                + "use regression deltas or longer audio"
        }
    }
}
