import HMMKitMarkov
import HMMKitMixtures

/// Why a speaker adaptation could not be computed or applied.
public enum AdaptationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Frames or statistics of another dimension than the models'.
    case dimensionMismatch(expected: Int, got: Int)
    /// Only diagonal-covariance models can be adapted (the statistics weight each dimension by one variance).
    case unsupportedCovariance(String)
    /// A frame holds NaN or ±∞.
    case nonFiniteFrame(sequence: Int, frame: Int)
    /// Statistics from another model set or dimension were combined, or a file held damaged ones.
    case incompatibleStatistics(String)
    /// A transform matrix with the wrong size or a non-finite element.
    case invalidTransform(String)
    /// A model or alignment given to the accumulator that does not fit (an unknown model index,
    /// alignment frames of another shape).
    case model(String)
    /// The model could not score the alignment frames (e.g. a sequence shorter than a
    /// left-to-right model); its own error.
    case scoring(HMMError)
    /// State `state`'s mixture could not score the alignment frames; its own error.
    case stateScoring(state: Int, MixtureError)

    public var description: String {
        switch self {
        case .dimensionMismatch(let expected, let got): return "adaptation: frames have \(got) dimensions, the models \(expected)"
        case .unsupportedCovariance(let type): return "adaptation: fMLLR needs diagonal-covariance models (got \(type))"
        case .nonFiniteFrame(let sequence, let frame): return "adaptation: sequence \(sequence), frame \(frame) holds NaN or infinity"
        case .incompatibleStatistics(let why): return "adaptation: incompatible statistics: \(why)"
        case .invalidTransform(let why): return "adaptation: invalid transform: \(why)"
        case .model(let why): return "adaptation: \(why)"
        case .scoring(let error): return "adaptation: \(error)"
        case let .stateScoring(state, error): return "adaptation: state \(state): \(error)"
        }
    }
}
