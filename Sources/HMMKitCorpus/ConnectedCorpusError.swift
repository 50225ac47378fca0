import HMMKitAudio
import HMMKitTranscripts

/// Why ``ConnectedCorpusBuilder`` cannot build a corpus; nothing is written for the problems
/// found before the audio is read (options, speakers, names, sample rates).
public enum ConnectedCorpusError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An option lies outside its range (``ConnectedCorpusOptions/Limits``).
    case invalidOption(name: String, value: String, expected: String)
    /// The corpus has no recordings.
    case emptyCorpus(corpus: String)
    /// Recordings without a speaker: utterances join one speaker's recordings only.
    case noSpeaker(files: [String])
    /// A label or speaker cannot be a word of a transcript or part of an utterance id: it holds
    /// whitespace or `/`, or starts with `.`.
    case unusableName(file: String, field: String, value: String)
    /// Two recordings at different rates and no output rate chosen.
    case mixedSampleRates(file: String, rate: Double, otherFile: String, otherRate: Double)
    /// A recording could not be read, or an utterance could not be written.
    case audio(AudioError)
    /// A recording could not be resampled to the output rate.
    case resampling(file: String, ResamplingError)
    /// The transcripts, word times or manifest could not be written.
    case transcripts(TranscriptError)
    /// The output folder cannot be made.
    case cannotCreateFolder(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidOption(name, value, expected):
            return "connected corpus: \(name) must lie in \(expected) (got \(value))"
        case let .emptyCorpus(corpus):
            return "\(corpus): no recordings to join"
        case let .noSpeaker(files):
            let shown = files.prefix(3).joined(separator: ", ") + (files.count > 3 ? ", …" : "")
            return "\(files.count) recording(s) have no speaker (\(shown)); utterances join one speaker's recordings, "
                + "so use a manifest with a speaker column or label_speaker_take file names"
        case let .unusableName(file, field, value):
            return "\(file): \(field) \"\(value)\" cannot name a word or an utterance (no whitespace, no /, no leading .)"
        case let .mixedSampleRates(file, rate, otherFile, otherRate):
            return "\(file) is at \(rate) Hz but \(otherFile) at \(otherRate) Hz; choose the output rate (--sample-rate) to resample them"
        case .audio(let error): return error.description
        case let .resampling(file, error): return "\(file): \(error)"
        case .transcripts(let error): return error.description
        case let .cannotCreateFolder(path, reason): return "\(path): cannot create the output folder (\(reason))"
        }
    }
}
