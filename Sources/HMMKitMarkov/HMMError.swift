import HMMKitFileSystem
import HMMKitMixtures

/// Failures of a ``HiddenMarkovModel`` caused by its parameters, its data or its files.
public enum HMMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The Markov chain or a sequence was refused by the chain's kernels (bad lengths, a
    /// sequence too short for the topology, a sequence of probability zero, …).
    case markov(MarkovError)
    /// State `state`'s emission density could not be built or updated (e.g. a covariance that
    /// is not positive definite).
    case emission(state: Int, MixtureError)
    /// Frame `frame` of sequence `sequence` holds NaN, ±∞ or a value beyond
    /// ``/HMMKitNumerics/InputLimits/maximumFeatureMagnitude`` in column `column`.
    case nonFiniteData(sequence: Int, frame: Int, column: Int, value: Double)
    /// Parameters or data of inconsistent shapes.
    case shapeMismatch(String)
    /// The states' mixtures, taken together (one state's failure is ``emission(state:_:)``),
    /// refused the operation: they cannot form one emission model (they differ in dimension,
    /// component count or covariance type, or there are none), or statistics of another shape were
    /// given to them; the mixtures' own error.
    case mixtures(MixtureError)
    /// Options or arguments that cannot be used (e.g. no sequences, zero states).
    case invalidArgument(String)
    /// A model file that cannot be read or written, or that is not an HMM file (foreign, newer, a
    /// missing or out-of-range field); `problem` says which.
    case file(path: String, problem: FileProblem)
    /// The model file at `path` was read, but its parameters do not make a model; the error says
    /// which parameter and why.
    indirect case invalidModel(path: String, HMMError)

    public var description: String {
        switch self {
        case .markov(let error): return "\(error)"
        case let .emission(state, error): return "the emission density of state \(state): \(error)"
        case let .nonFiniteData(sequence, frame, column, value):
            return "sequence \(sequence), frame \(frame), column \(column) is \(value); \(FeatureValues.rule)"
        case .shapeMismatch(let message): return "HMM shapes do not match: \(message)"
        case .mixtures(let error): return "HMM shapes do not match: \(error)"
        case .invalidArgument(let message): return "invalid HMM argument: \(message)"
        case let .file(path, problem): return problem.message(path: path)
        case let .invalidModel(path, error): return "\(path): \(error)"
        }
    }
}
