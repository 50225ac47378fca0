/// Unsupervised speaker adaptation at recognition time: feature-space MLLR (``/HMMKitAdaptation``).
///
/// The recordings of one speaker (a recording without a speaker is its own group) are recognized;
/// each is then aligned to the model of the word it was recognized as, the alignments give the
/// fMLLR statistics of the speaker against the word models, and the speaker's features are
/// transformed by the estimated `A·x + b` and recognized again. ``passes`` rounds; later rounds
/// align with the transformed features and gather statistics on the original ones (Kaldi's
/// two-pass fMLLR decoding). A speaker with fewer than ``minimumFrames`` frames is left
/// unadapted: a full 39-dimensional transform has 1,560 parameters.
///
/// Each pass corrects answers that the next alignment then uses; the default of 4 passes was
/// chosen by leave-one-speaker-out on FSDD (BENCHMARKS.md, "Speaker adaptation: fMLLR").
public struct SpeakerAdaptationOptions: Codable, Sendable, Equatable {
    /// Rounds of align, estimate, recognize again.
    public var passes: Int
    /// Frames a speaker needs before a transform is estimated.
    public var minimumFrames: Int
    /// Sweeps of the row-by-row transform update per estimate.
    public var iterations: Int

    /// Options with the given values (defaults: 4 passes, 1,000 frames, 20 sweeps).
    public init(passes: Int = 4, minimumFrames: Int = 1000, iterations: Int = 20) {
        self.passes = passes
        self.minimumFrames = minimumFrames
        self.iterations = iterations
    }

    /// Every problem with the values (empty when usable).
    func problems() -> [String] {
        var problems: [String] = []
        if passes < 1 { problems.append("adaptation passes must be at least 1 (got \(passes))") }
        if minimumFrames < 0 { problems.append("the adaptation's minimum frame count must be ≥ 0 (got \(minimumFrames))") }
        if iterations < 1 { problems.append("adaptation iterations must be at least 1 (got \(iterations))") }
        return problems
    }
}
