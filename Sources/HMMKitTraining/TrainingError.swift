import HMMKitMarkov
import HMMKitMixtures

/// Failures of training on ``EMDriver``, statistics files and checkpoints. Each names what failed
/// (the sequence, the file, the option) and, where it helps, what to do.
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Options or arguments that cannot be used.
    case invalidArgument(String)
    /// The ``SequenceSource`` failed (an unreadable or damaged file); its own message.
    case input(String)
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
    /// A statistics file or checkpoint that cannot be read, written or used (foreign, damaged,
    /// newer, or from another model or configuration).
    case file(path: String, problem: String)
    /// Statistics that do not fit the model they are applied to.
    case statisticsMismatch(String)
    /// A collective operation between processes failed.
    case communication(String)
    /// Rank 0 failed at work it does for every process (``TrainingCommunicator/shareFromRoot(_:)``);
    /// its message. Rank 0 reports the failure itself.
    case rootFailed(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return "invalid training argument: \(message)"
        case .input(let message): return message
        case .noData(let message): return "no training data: \(message)"
        case let .dimensionMismatch(sequence, expected, found):
            return "sequence \(sequence) has \(found) columns; the model and the sequences before it have \(expected)"
        case let .sequence(name, index, problem): return "sequence \(name) (number \(index) of the corpus): \(problem)"
        case .hmm(let error): return "\(error)"
        case .mixture(let error): return "\(error)"
        case let .file(path, problem): return "\(path): \(problem)"
        case .statisticsMismatch(let message): return "statistics do not fit the model: \(message)"
        case .communication(let message): return "communication between processes failed: \(message)"
        case .rootFailed(let message): return "rank 0 failed: \(message)"
        }
    }
}

extension TrainingError {
    /// Runs `body`, a statistics type's own add or load, reporting its failure as statistics that
    /// do not fit (``statisticsMismatch(_:)``).
    static func mismatch(_ body: () throws -> Void) throws(TrainingError) {
        do { try body() } catch { throw .statisticsMismatch("\(error)") }
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
