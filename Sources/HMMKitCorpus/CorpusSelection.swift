#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which entries of a corpus to use: all filters must accept an entry for it to be kept.
///
/// Glob patterns are shell patterns (`*`, `?`, `[…]`, matched by `fnmatch(3)`): a pattern
/// without `/` is matched against the file name (`*_jackson_*` keeps FSDD's jackson), a pattern
/// with `/` against the whole absolute path (`*/yes/*`).
public struct CorpusSelection: Sendable, Equatable {
    /// Keep only files matching at least one of these patterns; empty keeps every file.
    public var include: [String]
    /// Drop files matching any of these patterns.
    public var exclude: [String]
    /// Keep only these speakers' recordings (recordings of unknown speaker are dropped); empty keeps all.
    public var speakers: [String]
    /// Keep only recordings of these labels; empty keeps all.
    public var labels: [String]

    /// A selection; the defaults keep everything.
    public init(include: [String] = [], exclude: [String] = [], speakers: [String] = [], labels: [String] = []) {
        self.include = include
        self.exclude = exclude
        self.speakers = speakers
        self.labels = labels
    }

    /// True when the selection keeps everything.
    public var keepsEverything: Bool { include.isEmpty && exclude.isEmpty && speakers.isEmpty && labels.isEmpty }

    /// The names of a comma-separated list, spaces around names trimmed and empty names dropped
    /// (`"george, lucas"` → `["george", "lucas"]`), for `--only-speakers` and `--labels` options.
    public static func names(inList text: String) -> [String] {
        text.split(separator: ",").map { String(Substring($0).trimmingSpaces) }.filter { !$0.isEmpty }
    }

    /// True when `entry` passes every filter.
    public func accepts(_ entry: CorpusEntry) -> Bool {
        if !include.isEmpty && !include.contains(where: { Self.matches($0, entry) }) { return false }
        if exclude.contains(where: { Self.matches($0, entry) }) { return false }
        if !speakers.isEmpty && !(entry.speaker.map(speakers.contains) ?? false) { return false }
        if !labels.isEmpty && !labels.contains(entry.label) { return false }
        return true
    }

    /// The entries `self` keeps, in their order, and a problem for each named speaker or label
    /// that no entry has (a typo would otherwise select nothing, or less than meant, silently).
    func apply(to entries: [CorpusEntry], corpus: String) -> (kept: [CorpusEntry], problems: [CorpusProblem]) {
        var problems: [CorpusProblem] = []
        let knownSpeakers = NaturalOrder.sortedUnique(entries.compactMap(\.speaker))
        for name in speakers where !knownSpeakers.contains(name) {
            problems.append(CorpusProblem(path: corpus, kind: .unknownSpeaker(name: name, known: knownSpeakers)))
        }
        let knownLabels = NaturalOrder.sortedUnique(entries.map(\.label))
        for name in labels where !knownLabels.contains(name) {
            problems.append(CorpusProblem(path: corpus, kind: .unknownLabel(name: name, known: knownLabels)))
        }
        return (entries.filter(accepts), problems)
    }

    /// `fnmatch(3)` of `pattern` against the entry's file name, or its path when the pattern has a `/`.
    static func matches(_ pattern: String, _ entry: CorpusEntry) -> Bool {
        let subject = pattern.contains("/") ? entry.path : entry.fileName
        return fnmatch(pattern, subject, 0) == 0
    }
}
