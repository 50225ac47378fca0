import HMMKitFileSystem

/// One bad line of a lexicon file.
public struct LexiconLineProblem: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The line number, from 1.
    public var line: Int
    /// The offending token (the whole line when no single token is at fault).
    public var token: String
    /// What is wrong and what would be right.
    public var problem: String

    /// A problem on `line` with `token`.
    public init(line: Int, token: String, problem: String) {
        self.line = line
        self.token = token
        self.problem = problem
    }

    public var description: String { "line \(line): \"\(token)\": \(problem)" }
}

/// What goes wrong reading a lexicon or checking transcripts against it.
public enum LexiconError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read.
    case file(FileAccessError)
    /// Lines of the file at `path` are malformed; every one is listed.
    case malformed(path: String, lines: [LexiconLineProblem])
    /// The file at `path` has no entries.
    case empty(path: String)
    /// An entry given in code is invalid.
    case invalidEntry(word: String, problem: String)
    /// Transcript words the lexicon lacks, every one with the utterances that use it.
    case missingWords([MissingWord])
    /// Utterances whose transcript has no words.
    case emptyTranscripts([String])
    /// Phones of the lexicon that the phone models have no model for.
    case unmodelledPhones([String])

    public var description: String {
        switch self {
        case .file(let error): return error.description
        case let .malformed(path, lines):
            let shown = lines.prefix(20).map { "  \($0)" }.joined(separator: "\n")
            let more = lines.count > 20 ? "\n  … and \(lines.count - 20) more" : ""
            return "\(path): \(lines.count) malformed line\(lines.count == 1 ? "" : "s"):\n\(shown)\(more)"
        case .empty(let path): return "\(path): the lexicon has no entries"
        case let .invalidEntry(word, problem): return "lexicon entry \"\(word)\": \(problem)"
        case .missingWords(let words):
            return "\(words.count) word\(words.count == 1 ? "" : "s") missing from the lexicon: "
                + words.map(\.description).joined(separator: "; ") + "; add them to the lexicon or fix the transcripts"
        case .emptyTranscripts(let utterances):
            return "\(utterances.count) utterance\(utterances.count == 1 ? " has" : "s have") an empty transcript: "
                + utterances.prefix(20).joined(separator: ", ") + (utterances.count > 20 ? " …" : "")
        case .unmodelledPhones(let phones):
            return "the lexicon uses phones the phone models do not have: \(phones.joined(separator: " ")); "
                + "train models for them or use the lexicon the models were trained with"
        }
    }
}
