import HMMKitFileSystem

/// The reading and writing every line-based format here shares: whole-file reads and atomic
/// writes through `AtomicFile`, UTF-8 checks, and tokens split on spaces and tabs.
enum TextLines {
    /// The text of the file at `path`.
    /// - Throws: ``TranscriptError`` with an ``TranscriptProblem/Kind/access(_:)`` or
    ///   ``TranscriptProblem/Kind/notText`` problem.
    static func read(_ path: String) throws(TranscriptError) -> String {
        let bytes: [UInt8]
        do {
            bytes = try AtomicFile.read(path).bytes
        } catch {
            throw TranscriptError(file: path, .access(error))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw TranscriptError(file: path, .notText) }
        return text
    }

    /// Writes `text` to `path` atomically and durably.
    /// - Throws: ``TranscriptError`` with an ``TranscriptProblem/Kind/access(_:)`` problem.
    static func write(_ text: String, to path: String) throws(TranscriptError) {
        do {
            try AtomicFile.write(Array(text.utf8), to: path)
        } catch {
            throw TranscriptError(file: path, .access(error))
        }
    }

    /// Each line's number (from 1) and its tokens (split on spaces and tabs), a UTF-8 byte order
    /// mark and `\r\n` ends accepted. Lines without tokens are included (with none).
    static func tokenizedLines(_ text: String) -> [(line: Int, tokens: [Substring])] {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        var lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.enumerated().map { (index, line) in (index + 1, line.split(whereSeparator: isSeparator)) }
    }

    /// Spaces, tabs and the other whitespace a token must not hold.
    static func isSeparator(_ character: Character) -> Bool { character.isWhitespace }

    /// Whether `token` can be written as one field: not empty and without whitespace.
    static func isToken(_ token: String) -> Bool { !token.isEmpty && !token.contains(where: isSeparator) }
}
