/// Time-marked words in the CTM format of NIST's sclite and Kaldi: one word a line,
/// `utterance channel start duration word [confidence]`, times in seconds.
///
/// Lines starting with `;;` (NIST comments) and blank lines are skipped when reading.
///
/// ```swift
/// let words = try CTMFile.read(path: "exp/decode/words.ctm")
/// try CTMFile.write(words, to: "out/words.ctm", decimals: 3)
/// ```
public enum CTMFile {
    /// Reads the CTM file at `path` (see ``parse(_:file:)``).
    /// - Throws: ``TranscriptError``: the file cannot be read, is not UTF-8, or has bad lines.
    public static func read(path: String) throws(TranscriptError) -> [TimedWord] {
        try parse(TextLines.read(path), file: path)
    }

    /// The timed words in `text`, in line order.
    ///
    /// Each line has five or six fields separated by spaces or tabs: utterance, channel, start
    /// (finite, ≥ 0), duration (finite, ≥ 0), word, and an optional confidence (0…1).
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the name used in errors.
    /// - Throws: ``TranscriptError`` listing every line with the wrong number of fields or a
    ///   bad number.
    public static func parse(_ text: String, file: String) throws(TranscriptError) -> [TimedWord] {
        var words: [TimedWord] = []
        var problems: [TranscriptProblem] = []
        for (line, tokens) in TextLines.tokenizedLines(text) {
            guard let first = tokens.first, !first.hasPrefix(";;") else { continue }
            guard tokens.count == 5 || tokens.count == 6 else {
                problems.append(TranscriptProblem(line: line, kind: .fieldCount(
                    found: tokens.count, expected: "5 or 6: utterance channel start duration word [confidence]")))
                continue
            }
            let before = problems.count
            func number(_ index: Int, _ field: String, in range: ClosedRange<Double>, _ rangeText: String) -> Double {
                let token = tokens[index]
                guard let value = Double(token) else {
                    problems.append(TranscriptProblem(line: line, kind: .badNumber(field: field, value: String(token), reason: "is not a number")))
                    return 0
                }
                guard value.isFinite, range.contains(value) else {
                    problems.append(TranscriptProblem(line: line, kind: .badNumber(field: field, value: String(token), reason: "must be \(rangeText)")))
                    return 0
                }
                return value
            }
            let start = number(2, "start", in: 0...Double.greatestFiniteMagnitude, "finite and ≥ 0 (seconds)")
            let duration = number(3, "duration", in: 0...Double.greatestFiniteMagnitude, "finite and ≥ 0 (seconds)")
            let confidence = tokens.count == 6 ? number(5, "confidence", in: 0...1, "in 0…1") : nil
            guard problems.count == before else { continue }
            words.append(TimedWord(utterance: String(tokens[0]), channel: String(tokens[1]), start: start,
                                   duration: duration, word: String(tokens[4]), confidence: confidence))
        }
        if !problems.isEmpty { throw TranscriptError(file: file, problems: problems) }
        return words
    }

    /// `words` as CTM text: one line each, times with `decimals` digits after the point
    /// (Kaldi writes 2; 3 is milliseconds), the confidence with 4 when present.
    ///
    /// - Throws: ``TranscriptError`` (file `"<ctm>"`, line = position from 1) for an empty or
    ///   whitespace-holding utterance, channel or word, a negative or non-finite time, or a
    ///   confidence outside 0…1; every problem at once.
    /// - Precondition: `decimals` in 0…9.
    public static func text(_ words: [TimedWord], decimals: Int = 3) throws(TranscriptError) -> String {
        try text(words, decimals: decimals, file: "<ctm>")
    }

    /// Writes `words` to `path` atomically as ``text(_:decimals:)`` formats them.
    /// - Throws: ``TranscriptError`` naming `path`: a bad word (nothing is written) or a failed write.
    public static func write(_ words: [TimedWord], to path: String, decimals: Int = 3) throws(TranscriptError) {
        try TextLines.write(text(words, decimals: decimals, file: path), to: path)
    }

    private static func text(_ words: [TimedWord], decimals: Int, file: String) throws(TranscriptError) -> String {
        precondition((0...9).contains(decimals), "CTMFile: decimals must lie in 0…9 (got \(decimals))")
        var problems: [TranscriptProblem] = []
        var text = ""
        for (position, word) in words.enumerated() {
            let line = position + 1
            for (field, value) in [("utterance", word.utterance), ("channel", word.channel), ("word", word.word)]
            where !TextLines.isToken(value) {
                problems.append(TranscriptProblem(line: line, kind: value.isEmpty && field == "utterance"
                    ? .emptyID : .whitespaceInToken(field: field, value: value)))
            }
            if !(word.start.isFinite && word.start >= 0 && word.duration.isFinite && word.duration >= 0) {
                problems.append(TranscriptProblem(line: line, kind: .badTimes(
                    what: "word \"\(word.word)\"", start: word.start, end: word.end, reason: "times must be finite and ≥ 0")))
            }
            if let confidence = word.confidence, !(0...1).contains(confidence) {
                problems.append(TranscriptProblem(line: line, kind: .badNumber(
                    field: "confidence", value: "\(confidence)", reason: "must be in 0…1")))
            }
            text += "\(word.utterance) \(word.channel) \(FixedPoint.format(word.start, decimals)) "
                + "\(FixedPoint.format(word.duration, decimals)) \(word.word)"
            if let confidence = word.confidence { text += " " + FixedPoint.format(confidence, 4) }
            text += "\n"
        }
        if !problems.isEmpty { throw TranscriptError(file: file, problems: problems) }
        return text
    }
}
