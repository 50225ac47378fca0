/// How ``Decoder`` searches: pruning (HTK `HVite -t` / Kaldi `--beam`, `--max-active`) and the
/// weight of the grammar against the acoustics (HTK `-s` and `-p`, Kaldi's LM scale and word
/// insertion penalty).
public struct DecoderOptions: Sendable, Equatable, Codable {
    /// Tokens whose log-likelihood falls more than this below the frame's best are dropped
    /// (natural log, unscaled acoustics). 200 by default: on the bundled digits a wider beam
    /// changed no answer (BENCHMARKS.md, "Connected words"). Must be > 0.
    public var beam: Double = 200
    /// At most this many HMM states stay active per frame (the best ones); 7,000 by default,
    /// Kaldi's `--max-active`. Must be ≥ 1.
    public var maximumActiveStates: Int = 7_000
    /// Added to a path's log score for each word it says (not for silence): negative values
    /// favour fewer, longer words. 0 by default.
    public var insertionPenalty: Double = 0
    /// Multiplies the grammar's log weights (each of n alternatives `log(1/n)`). 1 by default.
    public var grammarScale: Double = 1
    /// Frames whose emissions are scored together, one GEMM per word model per block. 256 by
    /// default: the block's scores stay in cache while the search reads them. Must be ≥ 1.
    public var blockFrames: Int = 256
    /// How many distinct word sequences to find, best first (HTK `HVite -n`): 1 by default, the
    /// best alone. Above 1 the search keeps that many tokens per state, each of a different word
    /// sequence, which is exact for the n best sequences when nothing is pruned
    /// (``Decoding/nBest``). Token memory grows n-fold and the frame loop's time somewhat more
    /// (each arc merges two sorted lists of n tokens where the 1-best search compares two scores);
    /// emission scoring does not grow (BENCHMARKS.md, "Connected words: n-best"). Must be ≥ 1.
    public var nBest: Int = 1

    /// Options with the given values (defaults as documented on each property).
    public init(beam: Double = 200, maximumActiveStates: Int = 7_000, insertionPenalty: Double = 0, grammarScale: Double = 1,
                blockFrames: Int = 256, nBest: Int = 1) {
        self.beam = beam
        self.maximumActiveStates = maximumActiveStates
        self.insertionPenalty = insertionPenalty
        self.grammarScale = grammarScale
        self.blockFrames = blockFrames
        self.nBest = nBest
    }

    private enum CodingKeys: String, CodingKey {
        case beam, maximumActiveStates, insertionPenalty, grammarScale, blockFrames, nBest
    }

    /// Decodes options; a missing `nBest` is 1.
    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        beam = try container.decode(Double.self, forKey: .beam)
        maximumActiveStates = try container.decode(Int.self, forKey: .maximumActiveStates)
        insertionPenalty = try container.decode(Double.self, forKey: .insertionPenalty)
        grammarScale = try container.decode(Double.self, forKey: .grammarScale)
        blockFrames = try container.decode(Int.self, forKey: .blockFrames)
        nBest = try container.decodeIfPresent(Int.self, forKey: .nBest) ?? 1
    }

    /// Encodes the options; `nBest` only when above 1, so that 1-best options read as before.
    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(beam, forKey: .beam)
        try container.encode(maximumActiveStates, forKey: .maximumActiveStates)
        try container.encode(insertionPenalty, forKey: .insertionPenalty)
        try container.encode(grammarScale, forKey: .grammarScale)
        try container.encode(blockFrames, forKey: .blockFrames)
        if nBest != 1 { try container.encode(nBest, forKey: .nBest) }
    }

    /// Every problem with the options, as sentences (empty: usable).
    public func problems() -> [String] {
        var problems: [String] = []
        if !(beam > 0) { problems.append("the beam must be > 0 (got \(beam))") }
        if maximumActiveStates < 1 { problems.append("the maximum number of active states must be ≥ 1 (got \(maximumActiveStates))") }
        if !insertionPenalty.isFinite { problems.append("the insertion penalty must be finite (got \(insertionPenalty))") }
        if !(grammarScale >= 0) || !grammarScale.isFinite { problems.append("the grammar scale must be finite and ≥ 0 (got \(grammarScale))") }
        if beam > 0 && -insertionPenalty >= beam {
            problems.append("the beam (\(beam)) must exceed the insertion penalty's size (\(-insertionPenalty)): a word after the first "
                + "would always fall outside it")
        }
        if blockFrames < 1 { problems.append("the block size must be ≥ 1 frame (got \(blockFrames))") }
        if nBest < 1 { problems.append("the n-best count must be ≥ 1 (got \(nBest))") }
        return problems
    }
}

/// The answer for one utterance: the best word sequence through the network, with each word's
/// frames and score.
public struct Decoding: Sendable, Equatable, Codable {
    /// One word of the answer.
    public struct Word: Sendable, Equatable, Codable {
        /// The word.
        public var word: String
        /// Its first frame.
        public var startFrame: Int
        /// The frame after its last (`startFrame..<endFrame`).
        public var endFrame: Int
        /// Its start in seconds (``startFrame`` × frame shift).
        public var startSeconds: Double
        /// Its end in seconds (``endFrame`` × frame shift).
        public var endSeconds: Double
        /// The natural-log likelihood of its frames under its model along the best path
        /// (acoustics only: no grammar weight or penalty).
        public var logLikelihood: Double
    }

    /// One of the n best word sequences: the words of its best path and that path's total score.
    public struct Hypothesis: Sendable, Equatable, Codable {
        /// The words, in order (silence left out), with their frames and acoustic scores along the path.
        public var words: [Word]
        /// The path's total score: acoustic log-likelihood plus scaled grammar weights and penalties.
        public var score: Double

        /// The words alone.
        public var transcript: [String] { words.map(\.word) }
    }

    /// The words, in order (silence left out).
    public var words: [Word]
    /// The best path's total score: acoustic log-likelihood plus scaled grammar weights and penalties.
    public var score: Double
    /// Frames of the utterance.
    public var frameCount: Int
    /// With ``DecoderOptions/nBest`` above 1, the n best distinct word sequences (silence left
    /// out), best first, each with its best path's words and total score; the first is
    /// ``words`` and ``score``. Fewer when fewer sequences reach the end within the beam; nil
    /// with the 1-best search.
    public var nBest: [Hypothesis]? = nil
    /// Whether a recognizer's unknown-voice models decoded it
    /// (`Recognizer.decode(_:speakers:network:silence:options:source:threadCount:)`);
    /// false from a ``Decoder`` of one model set.
    public var unknownVoice = false
    /// With VTLN, the warp factor of the features it was decoded from
    /// (`Recognizer.decode(_:speakers:with:threadCount:)`); nil without VTLN and from a
    /// ``Decoder`` alone.
    public var warpFactor: Double? = nil
    /// With speaker adaptation, whether its features were fMLLR-transformed (its speaker had
    /// enough frames); nil without adaptation and from a ``Decoder`` alone.
    public var adapted: Bool? = nil

    /// The words alone.
    public var transcript: [String] { words.map(\.word) }
}
