import Foundation
import HMMKitFileSystem

extension Lexicon {
    /// Reads a lexicon file (CMUdict or Kaldi `lexicon.txt`, by `options`).
    /// - Throws: ``LexiconError/file(_:)`` when it cannot be read, ``LexiconError/malformed(path:lines:)``
    ///   listing every bad line (number, token, problem), ``LexiconError/empty(path:)``.
    public static func load(from path: String, options: LexiconOptions = LexiconOptions()) throws(LexiconError) -> Lexicon {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(path, limit: 256 << 20).bytes } catch { throw .file(error) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed(path: path, lines: [LexiconLineProblem(line: 1, token: "", problem: "the file is not UTF-8 text")])
        }
        return try Lexicon(text: text, path: path, options: options)
    }

    /// A lexicon from the text of a file (`path` names it in errors).
    /// - Throws: ``LexiconError/malformed(path:lines:)`` listing every bad line, ``LexiconError/empty(path:)``.
    public init(text: String, path: String, options: LexiconOptions = LexiconOptions()) throws(LexiconError) {
        var entries: [(word: String, phones: [String])] = [], problems: [LexiconLineProblem] = []
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = offset + 1
            let content = line
            if options.format == .cmudict && content.hasPrefix(";;;") { continue }
            let tokens = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let head = tokens.first else { continue }
            let reading = options.format == .cmudict
                ? Self.cmudictEntry(head: head, phones: tokens.dropFirst(), line: number, keepsStress: options.keepsStress)
                : Self.kaldiEntry(head: head, phones: tokens.dropFirst(), line: number)
            switch reading {
            case .success(let entry): entries.append(entry)
            case .failure(let problem): problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw .malformed(path: path, lines: problems) }
        guard !entries.isEmpty else { throw .empty(path: path) }
        try self.init(entries)
    }

    private typealias Reading = Result<(word: String, phones: [String]), LexiconLineProblem>

    /// `WORD` or `WORD(n)` with n ≥ 2, then ARPAbet-style phones: letters, one optional stress digit 0–2.
    private static func cmudictEntry(head: String, phones: ArraySlice<String>, line: Int, keepsStress: Bool) -> Reading {
        var word = Substring(head)
        if head.hasSuffix(")"), let open = head.lastIndex(of: "(") {
            let variant = head[head.index(after: open)..<head.index(before: head.endIndex)]
            guard let number = Int(variant), number >= 1 else {
                return .failure(LexiconLineProblem(line: line, token: head,
                                                   problem: "an alternate pronunciation is marked WORD(n) with n a number ≥ 1"))
            }
            word = head[..<open]
        }
        guard !word.isEmpty else { return .failure(LexiconLineProblem(line: line, token: head, problem: "the word is empty")) }
        guard !phones.isEmpty else {
            return .failure(LexiconLineProblem(line: line, token: head, problem: "the word has no phones; write WORD  PH1 PH2 …"))
        }
        var result: [String] = []
        for phone in phones {
            let letters = phone.last.map { "012".contains($0) } == true ? phone.dropLast() : Substring(phone)
            guard !letters.isEmpty, letters.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                return .failure(LexiconLineProblem(line: line, token: phone,
                                                   problem: "a CMUdict phone is ARPAbet letters with at most one stress digit 0, 1 or 2"))
            }
            result.append(keepsStress ? phone.uppercased() : letters.uppercased())
        }
        return .success((word.lowercased(), result))
    }

    /// `word ph1 ph2 …`, as written.
    private static func kaldiEntry(head: String, phones: ArraySlice<String>, line: Int) -> Reading {
        guard !phones.isEmpty else {
            return .failure(LexiconLineProblem(line: line, token: head, problem: "the word has no phones; write word ph1 ph2 …"))
        }
        return .success((head, Array(phones)))
    }
}

extension Lexicon {
    /// Reads the transcripts of labels that are not words: one `label word1 word2 …` per line
    /// (FSDD's `7 seven`); blank lines are skipped.
    /// - Throws: ``LexiconError/file(_:)``; ``LexiconError/malformed(path:lines:)`` listing every
    ///   line with a label but no word, or a label given twice.
    public static func loadLabelWords(from path: String) throws(LexiconError) -> [String: [String]] {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(path, limit: 64 << 20).bytes } catch { throw .file(error) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed(path: path, lines: [LexiconLineProblem(line: 1, token: "", problem: "the file is not UTF-8 text")])
        }
        var words: [String: [String]] = [:], problems: [LexiconLineProblem] = []
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let label = tokens.first else { continue }
            if tokens.count < 2 {
                problems.append(LexiconLineProblem(line: offset + 1, token: label, problem: "the label has no words; write label word1 word2 …"))
            } else if words.updateValue(Array(tokens.dropFirst()), forKey: label) != nil {
                problems.append(LexiconLineProblem(line: offset + 1, token: label, problem: "the label is given twice"))
            }
        }
        guard problems.isEmpty else { throw .malformed(path: path, lines: problems) }
        guard !words.isEmpty else { throw .empty(path: path) }
        return words
    }
}
