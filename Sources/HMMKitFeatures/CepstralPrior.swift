import HMMKitNumerics

/// A prior for cepstral mean and variance normalisation: the statistics of a training corpus,
/// counted as ``frames`` frames. The statistics a recording (or a speaker) is normalised with are
/// its own plus the prior's (a MAP estimate of the speaker's mean and variance): a short
/// recording keeps much of the corpus normalisation, and so part of what its words have in
/// common across speakers, while a long one, or a speaker's many recordings, is normalised by
/// what it holds itself.
public struct CepstralPrior: Sendable, Codable, Equatable {
    /// The corpus statistics (their frame count is the corpus's, not the prior's weight).
    public var statistics: CepstralStatistics
    /// The weight of the prior in frames.
    public var frames: Int

    /// The prior of `statistics` counted as `frames` frames.
    public init(statistics: CepstralStatistics, frames: Int) {
        self.statistics = statistics
        self.frames = frames
    }

    /// The pooled statistics of every copy of `recordings` (in order) as a prior of `frames` frames.
    public init(pooling recordings: [RecordingFeatures<Double>], frames: Int) {
        var pooled: CepstralStatistics?
        for recording in recordings {
            for copy in recording.copies {
                if pooled == nil { pooled = CepstralStatistics(dimension: copy.frames.columnCount) }
                pooled!.add(copy.frames)
            }
        }
        self.init(statistics: pooled ?? CepstralStatistics(dimension: 0), frames: frames)
    }

    /// Problems that make the prior unusable (for one read from a file), empty when none.
    public func problems() -> [String] {
        var problems: [String] = []
        if frames < 0 { problems.append("frames is \(frames); it must be ≥ 0") }
        if statistics.frameCount < 1 { problems.append("its statistics count \(statistics.frameCount) frames; they must count at least 1") }
        let numbers = statistics.numbers
        if let bad = numbers.firstIndex(where: { !$0.isFinite }) {
            problems.append("statistic \(bad) is \(numbers[bad]); every statistic must be finite")
        }
        return problems
    }
}

extension CepstralStatistics {
    /// These statistics plus `prior`'s, the prior counted as its ``CepstralPrior/frames`` frames
    /// (unchanged for a prior of 0 frames, or one of another dimension or without frames).
    public func adding(_ prior: CepstralPrior) -> CepstralStatistics {
        let corpus = prior.statistics.numbers, own = numbers
        guard prior.frames > 0, prior.statistics.frameCount > 0, corpus.count == own.count else { return self }
        let scale = Double(prior.frames) / Double(prior.statistics.frameCount)
        var blended = own
        blended[0] += Double(prior.frames)
        for k in 1..<blended.count { blended[k] += scale * corpus[k] }
        return CepstralStatistics(numbers: blended[...])
    }
}
