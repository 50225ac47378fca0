/// What was said in one utterance: its id and its words in order.
public struct Transcript: Sendable, Hashable {
    /// The utterance id (Kaldi's `utt-id`): not empty, no whitespace.
    public var id: String
    /// The words, in order; empty for an utterance in which nothing was said (or recognised).
    public var words: [String]

    /// The transcript of utterance `id`.
    public init(id: String, words: [String]) {
        self.id = id
        self.words = words
    }
}

/// The transcripts of a set of utterances, in a Kaldi `text` file's form: one line per utterance,
/// `utt-id word word …`, fields separated by spaces or tabs.
///
/// Ids are unique and non-empty; no id or word holds whitespace. The order is the file's (or the
/// order given); ``subscript(id:)`` finds an utterance by id.
///
/// ```swift
/// let reference = try TranscriptSet.read(path: "data/test/text")
/// try TranscriptSet([Transcript(id: "jackson-0001", words: ["7", "3"])]).write(to: "out/text")
/// ```
public struct TranscriptSet: Sendable, Equatable {
    /// The transcripts, in order.
    public let transcripts: [Transcript]
    private let indexByID: [String: Int]

    /// The transcripts `transcripts`, checked.
    ///
    /// - Throws: ``TranscriptError`` (file `"<transcripts>"`, line = position from 1) for an empty
    ///   id, an id or word with whitespace, or an id given twice; every problem at once.
    public init(_ transcripts: [Transcript]) throws(TranscriptError) {
        var problems: [TranscriptProblem] = []
        var index: [String: Int] = [:]
        for (position, transcript) in transcripts.enumerated() {
            let line = position + 1
            if transcript.id.isEmpty {
                problems.append(TranscriptProblem(line: line, kind: .emptyID))
            } else if !TextLines.isToken(transcript.id) {
                problems.append(TranscriptProblem(line: line, kind: .whitespaceInToken(field: "utterance id", value: transcript.id)))
            } else if let first = index[transcript.id] {
                problems.append(TranscriptProblem(line: line, kind: .duplicateID(id: transcript.id, firstLine: first + 1)))
            } else {
                index[transcript.id] = position
            }
            for word in transcript.words where !TextLines.isToken(word) {
                problems.append(TranscriptProblem(line: line, kind: .whitespaceInToken(field: "word", value: word)))
            }
        }
        if !problems.isEmpty { throw TranscriptError(file: "<transcripts>", problems: problems) }
        self.transcripts = transcripts
        indexByID = index
    }

    /// The utterance ids, in order.
    public var ids: [String] { transcripts.map(\.id) }

    /// The number of utterances.
    public var count: Int { transcripts.count }

    /// The words of utterance `id`, or `nil` when the set has no such utterance.
    public subscript(id id: String) -> [String]? { indexByID[id].map { transcripts[$0].words } }

    /// Reads the Kaldi `text` file at `path` (see ``parse(_:file:)``).
    /// - Throws: ``TranscriptError``: the file cannot be read, is not UTF-8, or has bad lines.
    public static func read(path: String) throws(TranscriptError) -> TranscriptSet {
        try parse(TextLines.read(path), file: path)
    }

    /// The transcripts in `text`, Kaldi `text` format: each non-blank line is an utterance id
    /// followed by its words (none for an empty transcript), separated by spaces or tabs.
    /// Blank lines are skipped.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the name used in errors.
    /// - Throws: ``TranscriptError`` listing every duplicate id with the line it first appeared on.
    public static func parse(_ text: String, file: String) throws(TranscriptError) -> TranscriptSet {
        var transcripts: [Transcript] = []
        var firstLine: [String: Int] = [:]
        var problems: [TranscriptProblem] = []
        for (line, tokens) in TextLines.tokenizedLines(text) {
            guard let id = tokens.first.map(String.init) else { continue }
            if let first = firstLine[id] {
                problems.append(TranscriptProblem(line: line, kind: .duplicateID(id: id, firstLine: first)))
                continue
            }
            firstLine[id] = line
            transcripts.append(Transcript(id: id, words: tokens.dropFirst().map(String.init)))
        }
        if !problems.isEmpty { throw TranscriptError(file: file, problems: problems) }
        do {
            return try TranscriptSet(transcripts)
        } catch {
            // Tokens split on whitespace are never empty and never hold it, and duplicates were
            // caught above, so the checked initialiser cannot fail here.
            preconditionFailure("TranscriptSet.parse: \(error)")
        }
    }

    /// The set in Kaldi `text` format: `id word word …`, one line each, `\n` after every line.
    public var kaldiText: String {
        var text = ""
        for transcript in transcripts {
            text += transcript.id
            for word in transcript.words { text += " " + word }
            text += "\n"
        }
        return text
    }

    /// Writes ``kaldiText`` to `path` atomically.
    /// - Throws: ``TranscriptError`` with an ``TranscriptProblem/Kind/access(_:)`` problem.
    public func write(to path: String) throws(TranscriptError) {
        try TextLines.write(kaldiText, to: path)
    }
}
