import HMMKitFileSystem
import HMMKitMarkov
import HMMKitMixtures

/// Failures of training on ``EMDriver``, statistics files and checkpoints. Each names what failed
/// (the sequence, the file, the option) and, where it helps, what to do.
///
/// Errors of the layers below keep their type: ``input(_:)`` carries the sequence source's own
/// error, ``hmm(_:)`` and ``mixture(_:)`` the model's, and ``file(path:problem:)`` a
/// ``/HMMKitFileSystem/FileProblem`` that tells a file that could not be read or written from one
/// whose contents cannot be used.
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Options or arguments that cannot be used.
    case invalidArgument(String)
    /// The ``SequenceSource`` failed; its own error, unchanged: a
    /// ``/HMMKitMatrixFiles/MatrixFileError`` for a missing or damaged `.npy` file, a
    /// ``/HMMKitMatrixFiles/KaldiArchiveError`` for a Kaldi table, a recording's problem for audio.
    /// (A source is any conforming type, so its errors form no closed set.)
    case input(any Error & Sendable)
    /// The corpus (or this process's shard of it) holds no usable sequence.
    case noData(String)
    /// A sequence has another number of columns than the model (or the sequences before it).
    case dimensionMismatch(sequence: String, expected: Int, found: Int)
    /// The model refused a sequence (too short for the topology, impossible, non-finite frames).
    case sequence(name: String, index: Int, problem: String)
    /// The HMM could not be built, updated or saved.
    case hmm(HMMError)
    /// The Gaussian mixture could not be built, updated or saved.
    case mixture(MixtureError)
    /// A statistics file or checkpoint that cannot be read or written
    /// (``/HMMKitFileSystem/FileProblem/access(_:)``), or whose contents cannot be used: foreign,
    /// damaged, newer, or from another model or configuration (``/HMMKitFileSystem/FileProblem/content(_:)``).
    case file(path: String, problem: FileProblem)
    /// Statistics that do not fit the model they are applied to.
    case statisticsMismatch(String)
    /// A collective operation between processes failed.
    case communication(String)
    /// The caller's `initialModel` (``EMDriver/start(resuming:initialModel:)``) failed with an
    /// error of its own layer (a recognizer's), carried unchanged for that caller to rethrow.
    case initialModel(any Error & Sendable)
    /// Rank 0 failed at work it does for every process (``TrainingCommunicator/shareFromRoot(_:)``);
    /// its message. Rank 0 reports the failure itself.
    case rootFailed(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return "invalid training argument: \(message)"
        case .input(let error): return "\(error)"
        case .noData(let message): return "no training data: \(message)"
        case let .dimensionMismatch(sequence, expected, found):
            return "sequence \(sequence) has \(found) columns; the model and the sequences before it have \(expected)"
        case let .sequence(name, index, problem): return "sequence \(name) (number \(index) of the corpus): \(problem)"
        case .hmm(let error): return "\(error)"
        case .mixture(let error): return "\(error)"
        case let .file(path, problem): return problem.message(path: path)
        case .statisticsMismatch(let message): return "statistics do not fit the model: \(message)"
        case .communication(let message): return "communication between processes failed: \(message)"
        case .initialModel(let error): return "\(error)"
        case .rootFailed(let message): return "rank 0 failed: \(message)"
        }
    }
}

extension TrainingError {
    /// Whether `lhs` and `rhs` are the same case with equal payloads; the errors of two
    /// ``input(_:)`` cases are equal when they are of one `Equatable` type and compare equal.
    public static func == (lhs: TrainingError, rhs: TrainingError) -> Bool {
        switch (lhs, rhs) {
        case let (.invalidArgument(a), .invalidArgument(b)), let (.noData(a), .noData(b)),
             let (.statisticsMismatch(a), .statisticsMismatch(b)), let (.communication(a), .communication(b)),
             let (.rootFailed(a), .rootFailed(b)):
            return a == b
        case let (.input(a), .input(b)), let (.initialModel(a), .initialModel(b)): return sameError(a, b)
        case let (.dimensionMismatch(a, b, c), .dimensionMismatch(d, e, f)): return (a, b, c) == (d, e, f)
        case let (.sequence(a, b, c), .sequence(d, e, f)): return (a, b, c) == (d, e, f)
        case let (.hmm(a), .hmm(b)): return a == b
        case let (.mixture(a), .mixture(b)): return a == b
        case let (.file(a, b), .file(c, d)): return a == c && b == d
        default: return false
        }
    }

    private static func sameError(_ a: any Error, _ b: any Error) -> Bool {
        func equal<E: Equatable>(_ a: E, _ b: any Error) -> Bool { (b as? E) == a }
        guard let a = a as Any as? any Equatable else { return false }
        return equal(a, b)
    }

    /// This error as the in-memory Gaussian-mixture trainer reports it: the model's own error, or
    /// an invalid argument. In memory, the driver's other failures (files, processes, empty or
    /// foreign data) cannot happen: the trainer checks its data first.
    var mixtureError: MixtureError {
        switch self {
        case .mixture(let error): return error
        case .invalidArgument(let message): return .invalidParameter(message)
        default: preconditionFailure("in-memory EM of a Gaussian mixture failed outside the model: \(self)")
        }
    }

    /// This error as the in-memory HMM trainer reports it (see ``mixtureError``).
    var hmmError: HMMError {
        switch self {
        case .hmm(let error): return error
        case .invalidArgument(let message): return .invalidArgument(message)
        default: preconditionFailure("in-memory Baum-Welch failed outside the model: \(self)")
        }
    }
}
