/// How to divide a corpus into a training part and a test part, as a value or as the text a
/// command line takes (``parse(_:)``; ``description`` gives the text back).
///
/// | text | split |
/// |---|---|
/// | `takes:5-49/0-4` | takes 5–49 train, takes 0–4 test (FSDD's convention); each side a comma list of `a-b` or `a` |
/// | `speaker:george` or `speakers:george,lucas` | the named speakers test, everyone else trains |
/// | `fraction:0.2` | 20 % of each label's recordings test, chosen at random for a seed |
public enum CorpusSplitSpecification: Sendable, Equatable, CustomStringConvertible {
    /// Entries whose take lies in one of `train`'s ranges train, in one of `test`'s test; others
    /// are left out. Every entry needs a take number. The two lists must not overlap.
    case takes(train: [ClosedRange<Int>], test: [ClosedRange<Int>])
    /// The named speakers' entries test; all others (including those of unknown speaker) train.
    case speakers(test: [String])
    /// A fraction of each label's entries tests (stratified), chosen by a seeded shuffle;
    /// `test` is in the open interval (0, 1).
    case fraction(test: Double)

    /// FSDD's conventional split: takes 5–49 train, takes 0–4 test.
    public static let fsdd = CorpusSplitSpecification.takes(train: [5...49], test: [0...4])

    /// The specification written as `text` (see the table above); names are case-sensitive,
    /// the kind is not.
    ///
    /// - Throws: ``CorpusArgumentError`` naming what is wrong: an unknown kind, a malformed or
    ///   negative or reversed range, overlapping train and test takes, an empty speaker list, a
    ///   fraction outside (0, 1).
    public static func parse(_ text: String) throws(CorpusArgumentError) -> CorpusSplitSpecification {
        func fail(_ reason: String) -> CorpusArgumentError { CorpusArgumentError(argument: text, reason: reason) }
        guard let colon = text.firstIndex(of: ":") else {
            throw fail("no `kind:` prefix")
        }
        let kind = text[..<colon].lowercased()
        let value = Substring(text[text.index(after: colon)...]).trimmingSpaces
        switch kind {
        case "takes", "take":
            let sides = value.split(separator: "/", omittingEmptySubsequences: false)
            guard sides.count == 2 else { throw fail("expected TRAIN/TEST take ranges, e.g. takes:5-49/0-4") }
            let train = try ranges(sides[0], in: text), test = try ranges(sides[1], in: text)
            for a in train {
                for b in test where a.overlaps(b) {
                    throw fail("train takes \(format(a)) and test takes \(format(b)) overlap; a take cannot be in both parts")
                }
            }
            return .takes(train: train, test: test)
        case "speaker", "speakers":
            let names = CorpusSelection.names(inList: String(value))
            guard !names.isEmpty else { throw fail("no speaker named, e.g. speaker:george") }
            return .speakers(test: names)
        case "fraction":
            guard let fraction = Double(value), fraction > 0, fraction < 1 else {
                throw fail("the test fraction must be a number between 0 and 1 (exclusive), e.g. fraction:0.2")
            }
            return .fraction(test: fraction)
        default:
            throw fail("unknown split kind \"\(kind)\"")
        }
    }

    /// The text ``parse(_:)`` reads back to `self`: `takes:5-49/0-4`, `speakers:george`, `fraction:0.2`.
    public var description: String {
        switch self {
        case let .takes(train, test):
            "takes:\(train.map(Self.format).joined(separator: ","))/\(test.map(Self.format).joined(separator: ","))"
        case let .speakers(test): "speakers:\(test.joined(separator: ","))"
        case let .fraction(test): "fraction:\(test)"
        }
    }

    /// True when `take` is in one of `ranges`.
    static func contains(_ ranges: [ClosedRange<Int>], _ take: Int) -> Bool { ranges.contains { $0.contains(take) } }

    private static func format(_ range: ClosedRange<Int>) -> String {
        range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
    }

    /// `a-b` or `a`, comma-separated, each a non-negative whole number, `a ≤ b`.
    private static func ranges(_ text: Substring, in argument: String) throws(CorpusArgumentError) -> [ClosedRange<Int>] {
        func fail(_ reason: String) -> CorpusArgumentError { CorpusArgumentError(argument: argument, reason: reason) }
        var result: [ClosedRange<Int>] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            guard (1...2).contains(bounds.count),
                  let low = FileNameFields.takeNumber(bounds[0]), let high = FileNameFields.takeNumber(bounds.last!) else {
                throw fail("\"\(part)\" is not a take range: write a-b or a, with whole numbers ≥ 0 (e.g. 5-49)")
            }
            guard low <= high else { throw fail("the take range \(low)-\(high) is reversed; write \(high)-\(low)") }
            result.append(low...high)
        }
        return result
    }
}

/// A command-line value that cannot be read (a split specification), with what is wrong and
/// which forms are accepted.
public struct CorpusArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text as given.
    public var argument: String
    /// What is wrong with it.
    public var reason: String

    /// An error for `argument` (the text as given), saying what is wrong with it.
    public init(argument: String, reason: String) {
        self.argument = argument
        self.reason = reason
    }

    /// `"invalid split \"<argument>\": <reason>; use takes:TRAIN/TEST, speaker:NAME[,NAME…] or fraction:F"`.
    public var description: String {
        "invalid split \"\(argument)\": \(reason); use takes:TRAIN/TEST (e.g. takes:5-49/0-4), "
            + "speaker:NAME[,NAME…] (e.g. speaker:george) or fraction:F (e.g. fraction:0.2)"
    }
}
