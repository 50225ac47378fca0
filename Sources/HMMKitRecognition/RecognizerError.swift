import HMMKitFileSystem
import HMMKitAdaptation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitFileSystem
import HMMKitMarkov
import HMMKitTraining

/// Failures of training, recognition and recognizer files.
public enum RecognizerError: Error, Sendable, CustomStringConvertible {
    /// Bad configuration values (every problem listed).
    case configuration([String])
    /// The configuration's front end cannot run (a feature setting out of range or inconsistent).
    case frontEnd(FeatureError)
    /// The HMM trainer refuses the configuration's word-model shape (state count, topology,
    /// mixture-split schedule).
    case wordModel(HMMError)
    /// Speaker adaptation (fMLLR) could not be estimated or applied.
    case adaptation(AdaptationError)
    /// The corpus cannot train a recognizer (every problem listed, with the file or line).
    case corpus([String])
    /// A word model failed to train or score, or its part of a recognizer file does not make a model.
    case model(label: String, HMMError)
    /// Feature sequences that cannot be scored together (of other widths than the models, or
    /// holding NaN or ±∞).
    case sequences(HMMError)
    /// Audio that gives no features to recognize (unreadable, shorter than one frame, samples
    /// out of range, …); the front end's error names the file.
    case audio(FeatureError)
    /// The features of the audio at `path` (`frames` of them) score −∞ under every word model:
    /// shorter than the models' `minimumFrames`, or too unlike all of them.
    case unscorable(path: String, frames: Int, minimumFrames: Int)
    /// A recognizer file that cannot be read or written (``/HMMKitFileSystem/FileProblem/access(_:)``),
    /// or that is not a usable recognizer: foreign, newer, damaged (``/HMMKitFileSystem/FileProblem/content(_:)``).
    case file(path: String, problem: FileProblem)
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
        case .frontEnd(let error): return "invalid recognizer configuration:\n" + list([error.description])
        case .wordModel(let error): return "invalid recognizer configuration:\n" + list([error.description])
        case .adaptation(let error): return error.description
        case .corpus(let problems): return "the corpus cannot be used (\(problems.count) problem(s)):\n" + list(problems)
        case let .model(label, error): return "the model of \"\(label)\": \(error)"
        case .sequences(let error): return error.description
        case .audio(let error): return error.description
        case let .unscorable(path, frames, minimum):
            return "\(path): \(frames) frame(s), too short or too unlike every word model to be scored "
                + "(the models need at least \(minimum) frames)"
        case let .file(path, problem): return problem.message(path: path)
        case .training(let error): return "\(error)"
        }
    }
}
