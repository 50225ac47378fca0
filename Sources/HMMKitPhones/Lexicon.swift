import HMMKitFileSystem

/// The two lexicon layouts HMMKit reads.
public enum LexiconFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// CMUdict: `WORD  PH1 PH2 …`, alternates as `WORD(2)`, phones in ARPAbet with stress digits
    /// (`AH0`, `IY1`), comment lines starting `;;;`. Words are folded to lower case.
    case cmudict
    /// Kaldi's `lexicon.txt`: `word ph1 ph2 …`, one pronunciation per line, a word repeated for
    /// alternates; words and phones are case-sensitive and kept as written.
    case kaldi
}

/// How a lexicon file is read.
public struct LexiconOptions: Sendable, Hashable, Codable {
    /// The file's layout (default ``LexiconFormat/cmudict``).
    public var format: LexiconFormat = .cmudict
    /// Whether CMUdict stress digits stay on the vowels (`AH0` and `AH1` different phones) or
    /// are stripped (`AH`; the default, as monophone systems such as Kaldi's `train_mono.sh` on
    /// word-position-free phones usually do: stress triples the vowels and thins their data).
    public var keepsStress = false

    /// Options with the given format and stress handling.
    public init(format: LexiconFormat = .cmudict, keepsStress: Bool = false) {
        self.format = format
        self.keepsStress = keepsStress
    }
}

/// A pronunciation lexicon: each word's pronunciations (phone sequences), alternates in the
/// order the file lists them.
public struct Lexicon: Sendable, Hashable, Codable {
    /// The words, in the order they first appear.
    public let words: [String]
    /// Each word's pronunciations (at least one, none empty, no duplicates).
    public let pronunciations: [String: [[String]]]

    /// A lexicon from `(word, phones)` pairs; a word given twice gets alternate pronunciations
    /// (an exact duplicate is kept once).
    /// - Throws: ``LexiconError/invalidEntry(word:problem:)`` for an empty word, no phones, or a
    ///   word or phone holding white space.
    public init(_ entries: [(word: String, phones: [String])]) throws(LexiconError) {
        var words: [String] = [], pronunciations: [String: [[String]]] = [:]
        for (word, phones) in entries {
            guard !word.isEmpty, !word.contains(where: \.isWhitespace) else {
                throw .invalidEntry(word: word, problem: "a word must be non-empty and hold no white space")
            }
            guard !phones.isEmpty else { throw .invalidEntry(word: word, problem: "it has no phones") }
            if let phone = phones.first(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
                throw .invalidEntry(word: word, problem: "phone \"\(phone)\" is empty or holds white space")
            }
            if pronunciations[word] == nil { words.append(word) }
            if !(pronunciations[word] ?? []).contains(phones) { pronunciations[word, default: []].append(phones) }
        }
        self.words = words
        self.pronunciations = pronunciations
    }

    /// Every phone the lexicon uses, sorted.
    public var phones: [String] { Set(pronunciations.values.joined().joined()).sorted() }

    /// The pronunciations of `word`, or nil when the lexicon lacks it.
    public subscript(word: String) -> [[String]]? { pronunciations[word] }

    /// The words of `transcripts` that the lexicon lacks, each with the utterances that use it
    /// (in the order given), sorted by word; empty when every word is known.
    public func missingWords(in transcripts: [(utterance: String, words: [String])]) -> [MissingWord] {
        var missing: [String: [String]] = [:]
        for (utterance, words) in transcripts {
            for word in Set(words) where pronunciations[word] == nil { missing[word, default: []].append(utterance) }
        }
        return missing.keys.sorted().map { MissingWord(word: $0, utterances: missing[$0]!) }
    }

    /// Throws ``LexiconError/missingWords(_:)`` listing every word of `transcripts` the lexicon
    /// lacks (with the utterances that use it), and ``LexiconError/emptyTranscripts(_:)``
    /// listing every utterance without words.
    public func check(transcripts: [(utterance: String, words: [String])]) throws(LexiconError) {
        let empty = transcripts.filter { $0.words.isEmpty }.map(\.utterance)
        guard empty.isEmpty else { throw .emptyTranscripts(empty) }
        let missing = missingWords(in: transcripts)
        guard missing.isEmpty else { throw .missingWords(missing) }
    }
}

/// A transcript word the lexicon lacks and the utterances that use it.
public struct MissingWord: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The word.
    public var word: String
    /// The utterances whose transcripts hold it.
    public var utterances: [String]

    /// A missing word and its utterances.
    public init(word: String, utterances: [String]) {
        self.word = word
        self.utterances = utterances
    }

    public var description: String {
        let shown = utterances.prefix(5).joined(separator: ", ")
        let more = utterances.count > 5 ? " and \(utterances.count - 5) more" : ""
        return "\"\(word)\" (used by \(shown)\(more))"
    }
}
