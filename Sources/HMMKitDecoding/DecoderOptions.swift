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

    /// Options with the given values (defaults as documented on each property).
    public init(beam: Double = 200, maximumActiveStates: Int = 7_000, insertionPenalty: Double = 0, grammarScale: Double = 1,
                blockFrames: Int = 256) {
        self.beam = beam
        self.maximumActiveStates = maximumActiveStates
        self.insertionPenalty = insertionPenalty
        self.grammarScale = grammarScale
        self.blockFrames = blockFrames
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

    /// The words, in order (silence left out).
    public var words: [Word]
    /// The best path's total score: acoustic log-likelihood plus scaled grammar weights and penalties.
    public var score: Double
    /// Frames of the utterance.
    public var frameCount: Int
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
