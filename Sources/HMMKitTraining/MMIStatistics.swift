import HMMKitMarkov
import HMMKitMixtures

/// The statistics of one MMI iteration over whole-word models (``DiscriminativeWordSet``), in one
/// flat buffer: every word's numerator statistics, every word's denominator statistics, then three
/// sums (utterances, the objective, utterances whose correct word had the highest posterior).
public struct MMIStatistics: AdditiveStatistics {
    /// The sums of every word's HMM over the utterances of that word (the ML statistics).
    public var numerator: ModelSetStatistics<HMMStatistics<GaussianMixtureStatistics>>
    /// The sums of every word's HMM over every utterance, each weighted by the word's posterior.
    public var denominator: ModelSetStatistics<HMMStatistics<GaussianMixtureStatistics>>
    /// Utterances accumulated.
    public var utteranceCount: Double = 0
    /// The MMI objective, `Σ_u log P(w_u | x_u)` (with boosting, the boosted one).
    public var objective: Double = 0
    /// Utterances whose correct word had the highest posterior.
    public var correctCount: Double = 0

    /// Zero statistics for the words of `numerator` and `denominator` (one layout, empty).
    public init(numerator: ModelSetStatistics<HMMStatistics<GaussianMixtureStatistics>>,
                denominator: ModelSetStatistics<HMMStatistics<GaussianMixtureStatistics>>) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public var values: [Double] { numerator.values + denominator.values + [utteranceCount, objective, correctCount] }
    /// The numerator's frames: every frame once.
    public var frameCount: Double { numerator.frameCount }
    /// The MMI objective (``objective``): what an MMI iteration increases, recorded by
    /// ``EMDriver`` in place of the log-likelihood.
    public var logLikelihood: Double { objective }

    public mutating func replaceAll(with values: [Double]) throws(TrainingError) {
        let split = numerator.values.count, end = split + denominator.values.count
        guard values.count == end + 3 else {
            throw .statisticsMismatch("expected \(end + 3) MMI statistics values, got \(values.count)")
        }
        try numerator.replaceAll(with: Array(values[..<split]))
        try denominator.replaceAll(with: Array(values[split..<end]))
        (utteranceCount, objective, correctCount) = (values[end], values[end + 1], values[end + 2])
    }

    public mutating func accumulate(_ other: MMIStatistics) throws(TrainingError) {
        try numerator.accumulate(other.numerator)
        try denominator.accumulate(other.denominator)
        utteranceCount += other.utteranceCount
        objective += other.objective
        correctCount += other.correctCount
    }

    public func consistencyProblem() -> String? {
        if let problem = numerator.consistencyProblem() { return "numerator: \(problem)" }
        if let problem = denominator.consistencyProblem() { return "denominator: \(problem)" }
        guard utteranceCount >= 0, correctCount >= 0, correctCount <= utteranceCount else {
            return "\(correctCount) correct of \(utteranceCount) utterances is impossible"
        }
        guard objective <= 0 else { return "the MMI objective is \(objective); a sum of log posteriors cannot be positive" }
        return nil
    }
}
