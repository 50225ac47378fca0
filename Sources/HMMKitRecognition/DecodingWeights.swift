/// How connected-word decoding weighs a path's words against its acoustics, for one model set of
/// a recognizer (its own models, and separately its unknown-voice models): HTK `HVite -p` and
/// `-s`, Kaldi's word insertion penalty and LM scale. Decoding (`hmmkit decode`) takes them from
/// whichever model set decodes a file, unless the caller gives its own.
///
/// The two sets see features normalised differently (per speaker against per recording), so
/// the penalty that balances insertions against deletions is not the same for both
/// (BENCHMARKS.md, "Connected words: decoding weights per model set").
public struct DecodingWeights: Codable, Sendable, Equatable {
    /// Added to a path's natural-log score for each word it says (not for silence); negative
    /// values favour fewer, longer words. 0 by default: no preference, the value a recognizer
    /// has until one is chosen on held-out connected speech (`hmmkit train --insertion-penalty`).
    public var insertionPenalty: Double
    /// Multiplies the grammar's log weights (each of n alternatives `log(1/n)`). 1 by default. In
    /// a word loop every word has the same weight, so there it only adds to the penalty.
    public var grammarScale: Double

    /// Weights with the given values (defaults: penalty 0, grammar scale 1).
    public init(insertionPenalty: Double = 0, grammarScale: Double = 1) {
        self.insertionPenalty = insertionPenalty
        self.grammarScale = grammarScale
    }

    /// Every problem with the values, as sentences (empty: usable). `name` says whose weights they
    /// are in the sentences.
    public func problems(name: String = "decoding") -> [String] {
        var problems: [String] = []
        if !insertionPenalty.isFinite { problems.append("the \(name) insertion penalty must be finite (got \(insertionPenalty))") }
        if !(grammarScale >= 0) || !grammarScale.isFinite {
            problems.append("the \(name) grammar scale must be finite and ≥ 0 (got \(grammarScale))")
        }
        return problems
    }
}
