import HMMKitCorpus
import HMMKitMarkov
import HMMKitTraining

/// Failures of training, recognition and recognizer files.
public enum RecognizerError: Error, Sendable, CustomStringConvertible {
    /// Bad configuration values (every problem listed).
    case configuration([String])
    /// The corpus cannot train a recognizer (every problem listed, with the file or line).
    case corpus([String])
    /// A word model failed to train or score.
    case model(label: String, HMMError)
    /// Audio that cannot be recognized (unreadable, shorter than one frame, …).
    case audio(String)
    /// A recognizer file that cannot be read or written.
    case file(path: String, problem: String)
    /// Streaming training failed: a recording that changed since the survey, a checkpoint of
    /// another configuration, a failure between processes (the ``/HMMKitTraining/TrainingError`` says which).
    case training(TrainingError)

    public var description: String {
        func list(_ items: [String]) -> String {
            let shown = items.prefix(20).map { "  - \($0)" }.joined(separator: "\n")
            return items.count > 20 ? shown + "\n  … and \(items.count - 20) more" : shown
        }
        switch self {
        case .configuration(let problems): return "invalid recognizer configuration:\n" + list(problems)
        case .corpus(let problems): return "the corpus cannot be used (\(problems.count) problem(s)):\n" + list(problems)
        case let .model(label, error): return "the model of \"\(label)\": \(error)"
        case .audio(let message): return message
        case let .file(path, problem): return "\(path): \(problem)"
        case .training(let error): return "\(error)"
        }
    }
}
