import HMMKitPhones
import HMMKitRecognition

/// Why an utterance (or a decoder) could not be decoded.
public indirect enum DecodingError: Error, Sendable, CustomStringConvertible {
    /// The grammar or network cannot be decoded with.
    case grammar(GrammarError)
    /// Unusable ``DecoderOptions`` (every problem listed).
    case options([String])
    /// Features of another dimension than the models'.
    case dimension(expected: Int, got: Int)
    /// A feature value that is NaN or infinite.
    case nonFiniteFeature(frame: Int, column: Int)
    /// Fewer frames than the shortest path through the grammar needs.
    case tooShort(frames: Int, minimumFrames: Int)
    /// Every path to the grammar's end was pruned away (or none fits the frames).
    case noPathSurvived(frames: Int, beam: Double)
    /// The recognizer's front end, its models or an audio file failed.
    case recognizer(RecognizerError)
    /// Phone models that cannot spell the vocabulary (words missing from the lexicon, listed).
    case phones(PhoneModelError)
    /// A recognizer this decoder cannot use as it is, with the reason.
    case unsupportedRecognizer(String)
    /// The problem `error` with the file `path`.
    case file(path: String, DecodingError)

    /// The problem in one sentence, naming the file, line and token where known.
    public var description: String {
        switch self {
        case .grammar(let error): return error.description
        case .options(let problems): return "decoder options: " + problems.joined(separator: "; ")
        case .dimension(let expected, let got): return "the features have \(got) columns but the models expect \(expected)"
        case .nonFiniteFeature(let frame, let column): return "feature \(column) of frame \(frame) is not a finite number"
        case .tooShort(let frames, let minimumFrames):
            return "\(frames) frames are too few for the grammar: its shortest word sequence needs \(minimumFrames)"
        case .noPathSurvived(let frames, let beam):
            return "no path reached the end of the grammar after \(frames) frames with beam \(beam); try a wider beam "
                + "or more active states"
        case .recognizer(let error): return "\(error)"
        case .phones(let error): return error.description
        case .unsupportedRecognizer(let reason): return reason
        case .file(let path, let error): return "\(path): \(error)"
        }
    }
}
