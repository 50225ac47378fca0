/// Counts of a corpus: recordings and seconds of audio per label and per speaker.
///
/// Durations are known when the corpus was loaded with a header or decode check
/// (``CorpusLoadOptions/AudioCheck``); otherwise the `seconds` fields are `nil`.
public struct CorpusSummary: Sendable, Equatable, Encodable, CustomStringConvertible {
    /// The recordings and audio of one label or speaker.
    public struct Count: Sendable, Equatable, Encodable {
        /// The label or speaker.
        public var name: String
        /// How many recordings.
        public var recordings: Int
        /// Their total length in seconds, when every one is known.
        public var seconds: Double?
    }

    /// Recordings in all.
    public var recordings: Int
    /// Total length in seconds, when every recording's is known.
    public var seconds: Double?
    /// Per label, in natural order.
    public var labels: [Count]
    /// Per known speaker, in natural order.
    public var speakers: [Count]
    /// Recordings whose speaker is unknown.
    public var recordingsWithoutSpeaker: Int
    /// The distinct sample rates in hertz, ascending (empty when unknown).
    public var sampleRates: [Double]
    /// The smallest and largest take numbers, when some recordings have one.
    public var takeRange: ClosedRange<Int>?

    /// How many speakers ``description`` lists before "… and N more".
    public static let listedSpeakerCount = 20

    /// The summary of `corpus`.
    public init(_ corpus: LabelledCorpus) {
        func count(_ name: String, _ entries: [CorpusEntry]) -> Count {
            Count(name: name, recordings: entries.count, seconds: Self.totalSeconds(entries))
        }
        let entries = corpus.entries
        recordings = entries.count
        seconds = Self.totalSeconds(entries)
        let byLabel = Dictionary(grouping: entries, by: \.label)
        labels = corpus.labels.map { count($0, byLabel[$0]!) }
        let bySpeaker = Dictionary(grouping: entries.filter { $0.speaker != nil }, by: { $0.speaker! })
        speakers = corpus.speakers.map { count($0, bySpeaker[$0]!) }
        recordingsWithoutSpeaker = entries.count { $0.speaker == nil }
        sampleRates = Set(entries.compactMap(\.sampleRate)).sorted()
        let takes = entries.compactMap(\.take)
        takeRange = takes.min().map { $0...takes.max()! }
    }

    /// The sum of `entries`' durations; `nil` if any is unknown.
    private static func totalSeconds(_ entries: [CorpusEntry]) -> Double? {
        var total = 0.0
        for entry in entries {
            guard let duration = entry.duration else { return nil }
            total += duration
        }
        return total
    }

    /// A few lines for a terminal: the totals, then the recordings (and seconds) of each label
    /// and of each speaker (the first ``listedSpeakerCount``).
    public var description: String {
        var head = "\(recordings) recordings, \(labels.count) labels, \(speakers.count) speakers"
        if let seconds { head += ", " + Self.format(seconds) + " s of audio" }
        if !sampleRates.isEmpty { head += " at " + sampleRates.map { "\(Self.formatRate($0)) Hz" }.joined(separator: ", ") }
        if let takeRange { head += ", takes \(takeRange.lowerBound)–\(takeRange.upperBound)" }
        var lines = [head]
        lines += Self.table(title: "label", labels, limit: labels.count)
        if !speakers.isEmpty {
            var rows = speakers
            if recordingsWithoutSpeaker > 0 {
                rows.append(Count(name: "(unknown)", recordings: recordingsWithoutSpeaker, seconds: nil))
            }
            lines += Self.table(title: "speaker", rows, limit: Self.listedSpeakerCount)
        }
        return lines.joined(separator: "\n")
    }

    private static func table(title: String, _ rows: [Count], limit: Int) -> [String] {
        let width = max(title.count, rows.prefix(limit).map(\.name.count).max() ?? 0)
        func left(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(0, count - text.count)) }
        func right(_ text: String, _ count: Int) -> String { String(repeating: " ", count: max(0, count - text.count)) + text }
        var lines = ["  \(left(title, width))  recordings  seconds"]
        for row in rows.prefix(limit) {
            lines.append("  \(left(row.name, width))  \(right(String(row.recordings), 10))  \(right(row.seconds.map(format) ?? "–", 7))")
        }
        if rows.count > limit { lines.append("  … and \(rows.count - limit) more") }
        return lines
    }

    /// Seconds with one decimal (`195.0`).
    private static func format(_ seconds: Double) -> String { "\((seconds * 10).rounded() / 10)" }

    /// A sample rate in hertz, without a fraction when whole (`8000`).
    private static func formatRate(_ rate: Double) -> String {
        rate == rate.rounded() && abs(rate) < 1e9 ? "\(Int(rate))" : "\(rate)"
    }
}

extension LabelledCorpus {
    /// Counts per label and per speaker, and the total duration when known.
    public var summary: CorpusSummary { CorpusSummary(self) }
}
