/// A Praat TextGrid of interval tiers (for example one tier of words and one of phones), written
/// in Praat's long text format, which Praat, praatio, Montreal Forced Aligner and ELAN read.
///
/// Tiers may leave gaps between their intervals; Praat wants every tier to cover the grid from
/// ``start`` to ``end`` without gaps, so ``text()`` fills each gap with an interval of empty text.
/// Two intervals whose boundaries differ by at most ``boundaryTolerance`` are taken to meet.
///
/// ```swift
/// let grid = TextGrid(end: 2.31, tiers: [TextGrid.Tier(name: "words", words: timedWords)])
/// try grid.write(to: "out/jackson-0001.TextGrid")
/// ```
public struct TextGrid: Sendable, Equatable {
    /// A stretch of time with its text (a word, a phone; empty for silence).
    public struct Interval: Sendable, Hashable {
        /// Start, in seconds.
        public var start: Double
        /// End, in seconds (after ``start``).
        public var end: Double
        /// The label; may be empty, may hold spaces and quotes (Praat's quoting is applied).
        public var text: String

        /// The interval from `start` to `end` seconds labelled `text`.
        public init(start: Double, end: Double, text: String) {
            self.start = start
            self.end = end
            self.text = text
        }
    }

    /// A named interval tier: intervals in time order, not overlapping.
    public struct Tier: Sendable, Equatable {
        /// The tier's name (`"words"`, `"phones"`).
        public var name: String
        /// The intervals, in time order.
        public var intervals: [Interval]

        /// A tier named `name` holding `intervals`.
        public init(name: String, intervals: [Interval]) {
            self.name = name
            self.intervals = intervals
        }

        /// A tier of the timed words `words` (one utterance's, in time order), each an interval
        /// from its start to its end.
        public init(name: String, words: [TimedWord]) {
            self.init(name: name, intervals: words.map { Interval(start: $0.start, end: $0.end, text: $0.word) })
        }
    }

    /// Boundaries closer than this, in seconds, are the same boundary (a microsecond: far below
    /// one sample at any audio rate, far above the rounding of `start + duration`).
    public static let boundaryTolerance = 1e-6

    /// Where the grid starts, in seconds (usually 0).
    public var start: Double
    /// Where the grid ends, in seconds: the recording's length.
    public var end: Double
    /// The tiers, top to bottom.
    public var tiers: [Tier]

    /// A grid from `start` to `end` seconds with `tiers`.
    public init(start: Double = 0, end: Double, tiers: [Tier]) {
        self.start = start
        self.end = end
        self.tiers = tiers
    }

    /// The grid in Praat's long text format (`File type = "ooTextFile"`), gaps filled with empty
    /// intervals, times with up to 6 digits after the point.
    ///
    /// - Throws: ``TranscriptError`` (file `"<TextGrid>"`; line = the tier's position from 1) for
    ///   a grid that does not end after it starts, and for every interval that is not finite,
    ///   has no length, lies outside the grid or overlaps the one before it.
    public func text() throws(TranscriptError) -> String {
        try text(file: "<TextGrid>")
    }

    /// Writes ``text()`` to `path` atomically.
    /// - Throws: ``TranscriptError`` naming `path`: a bad interval (nothing is written) or a failed write.
    public func write(to path: String) throws(TranscriptError) {
        try TextLines.write(text(file: path), to: path)
    }

    private func text(file: String) throws(TranscriptError) -> String {
        var problems: [TranscriptProblem] = []
        guard start.isFinite, end.isFinite, end > start else {
            throw TranscriptError(file: file, .badTimes(what: "the grid", start: start, end: end, reason: "must be finite and end after it starts"))
        }
        var filledTiers: [[Interval]] = []
        for (position, tier) in tiers.enumerated() {
            var filled: [Interval] = []
            var cursor = start
            for interval in tier.intervals {
                func fail(_ reason: String) {
                    problems.append(TranscriptProblem(line: position + 1, kind: .badTimes(
                        what: "tier \"\(tier.name)\": interval \"\(interval.text)\"", start: interval.start, end: interval.end, reason: reason)))
                }
                let tolerance = Self.boundaryTolerance
                guard interval.start.isFinite, interval.end.isFinite else { fail("times must be finite"); continue }
                guard interval.end - interval.start > tolerance else { fail("has no length (Praat needs end > start)"); continue }
                guard interval.start >= start - tolerance, interval.end <= end + tolerance else {
                    fail("lies outside the grid (\(start) s to \(end) s)")
                    continue
                }
                guard interval.start >= cursor - tolerance else { fail("overlaps the interval before it (which ends at \(cursor) s)"); continue }
                if interval.start - cursor > tolerance { filled.append(Interval(start: cursor, end: interval.start, text: "")) }
                // Snap boundaries within the tolerance onto the previous end and the grid's end.
                filled.append(Interval(start: interval.start - cursor <= tolerance ? cursor : interval.start,
                                       end: end - interval.end <= tolerance ? end : interval.end, text: interval.text))
                cursor = filled[filled.count - 1].end
            }
            if end - cursor > Self.boundaryTolerance || filled.isEmpty { filled.append(Interval(start: cursor, end: end, text: "")) }
            filledTiers.append(filled)
        }
        if !problems.isEmpty { throw TranscriptError(file: file, problems: problems) }

        func time(_ value: Double) -> String { FixedPoint.trimmed(value, 6) }
        var lines = ["File type = \"ooTextFile\"", "Object class = \"TextGrid\"", "",
                     "xmin = \(time(start)) ", "xmax = \(time(end)) ",
                     tiers.isEmpty ? "tiers? <absent> " : "tiers? <exists> "]
        if !tiers.isEmpty {
            lines += ["size = \(tiers.count) ", "item []: "]
        }
        for (position, (tier, intervals)) in zip(tiers, filledTiers).enumerated() {
            lines += ["    item [\(position + 1)]:", "        class = \"IntervalTier\" ",
                      "        name = \(Self.quoted(tier.name)) ",
                      "        xmin = \(time(start)) ", "        xmax = \(time(end)) ",
                      "        intervals: size = \(intervals.count) "]
            for (number, interval) in intervals.enumerated() {
                lines += ["        intervals [\(number + 1)]:", "            xmin = \(time(interval.start)) ",
                          "            xmax = \(time(interval.end)) ", "            text = \(Self.quoted(interval.text)) "]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as a Praat string: in double quotes, each `"` doubled.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
