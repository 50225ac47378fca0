import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

/// The E-step settings of MMI training (``DiscriminativeWordSet``).
public struct MMIEStepOptions: EStepSettings, Hashable {
    /// κ: the word posteriors are `P(w | x) ∝ p(x | w)^κ` (default 0.1). Smaller values flatten
    /// them, so that more competing words take part.
    public var acousticScale: Double = 0.1
    /// b: boosted MMI (Povey et al. 2008) raises every wrong word's score by `b` nats before
    /// the posteriors are taken (default 0: plain MMI).
    public var boost: Double = 0
    /// Denominator posteriors below this are left out (their statistics would weigh less than
    /// this fraction of one utterance; default 1e-5).
    public var posteriorFloor: Double = 1e-5
    /// The forward-backward implementation and blocks of each word's E-step.
    public var hmm = HMMEStepOptions()

    /// The defaults: κ 0.1, no boosting, a posterior floor of 1e-5.
    public init() {}

    /// Settings with the given acoustic scale and boosting.
    public init(acousticScale: Double, boost: Double = 0) {
        self.acousticScale = acousticScale
        self.boost = boost
    }
}

/// The M-step options of MMI training.
public struct MMIUpdateOptions: Sendable, Hashable {
    /// E and τ of the extended Baum-Welch update.
    public var extendedBaumWelch: ExtendedBaumWelchOptions
    /// Variances kept at least this fraction of each word's global variance (nil: none).
    public var varianceFloor: Double?

    /// Options with E, τ and the variance floor.
    public init(extendedBaumWelch: ExtendedBaumWelchOptions = ExtendedBaumWelchOptions(), varianceFloor: Double? = nil) {
        self.extendedBaumWelch = extendedBaumWelch
        self.varianceFloor = varianceFloor
    }
}

/// What one MMI iteration did.
public struct MMIUpdateReport: Sendable, Hashable {
    /// Utterances of the iteration's E-step.
    public var utteranceCount: Double
    /// The MMI objective per utterance, `Σ_u log P(w_u | x_u) / U`, under the models the
    /// E-step used.
    public var objectivePerUtterance: Double
    /// The share of utterances whose correct word had the highest posterior (training accuracy).
    public var accuracy: Double
    /// The extended Baum-Welch updates of all words together.
    public var extendedBaumWelch: ExtendedBaumWelchReport
}

/// Whole-word GMM-HMMs trained discriminatively by maximum mutual information (MMI, optionally
/// boosted): the objective `Σ_u log P(w_u | x_u)` with `P(w | x) ∝ p(x | w)^κ` over every word of
/// the set (a uniform prior), which for isolated words is exact, with no lattice. Each
/// utterance adds its correct word's forward-backward statistics to the numerator and every
/// word's, weighted by that word's posterior, to the denominator; the M-step is the extended
/// Baum-Welch update of means and variances (``/HMMKitMixtures/ExtendedBaumWelch``), with
/// I-smoothing towards the numerator's ML statistics; mixture weights and transitions are kept.
///
/// It is an ``EMModel``, so ``EMDriver`` runs it like ML training — in memory or streamed, on
/// threads and MPI ranks (one all-reduce of ``MMIStatistics``), with checkpoints — typically for
/// a few iterations after ML training of the same words.
public struct DiscriminativeWordSet<Scalar: MatrixScalar>: EMModel {
    /// The word models, one per label.
    public let words: ModelSet<GMMHMM<Scalar>>

    /// The words `labels` with their ML-trained `models` (in the order of `labels`).
    /// - Throws: ``TrainingError/invalidArgument(_:)`` as ``ModelSet/init(labels:models:stopping:)`` does.
    public init(labels: [String], models: [GMMHMM<Scalar>]) throws(TrainingError) {
        words = try ModelSet(labels: labels, models: models)
    }

    public static var fileFormat: String { "HMMKit.DiscriminativeWordSet" }
    public var dimension: Int { words.dimension }

    public var statisticsLayout: StatisticsLayout {
        let layout = words.statisticsLayout
        return StatisticsLayout(modelFormat: "\(Self.fileFormat) of \(layout.modelFormat)", states: layout.states,
                                components: layout.components, dimension: layout.dimension, covariance: layout.covariance,
                                valueCount: 2 * layout.valueCount + 3)
    }

    public func emptyStatistics() -> MMIStatistics {
        MMIStatistics(numerator: words.emptyStatistics(), denominator: words.emptyStatistics())
    }

    /// The numerator (each word over its own utterances), the word posteriors of every utterance
    /// (forward scores of every word), and the denominator (each word over the utterances where
    /// its posterior reaches ``MMIEStepOptions/posteriorFloor``, weighted by it).
    /// - Throws: ``TrainingError/sequence(name:index:problem:)`` for an utterance without a label
    ///   or with a label the set has no model for; ``TrainingError/hmm(_:)`` from the word models.
    public func statistics(of chunk: SequenceChunk<Scalar>, options: MMIEStepOptions, threadCount: Int, backend: ComputeBackend)
        throws(TrainingError) -> MMIStatistics
    {
        var statistics = emptyStatistics()
        guard !chunk.lengths.isEmpty else { return statistics }
        statistics.numerator = try words.statistics(of: chunk, options: options.hmm, threadCount: threadCount, backend: backend)
        let n = chunk.lengths.count, wordCount = words.models.count
        var scores: [[Double]] = []
        for model in words.models {
            do {
                scores.append(try model.logLikelihoods(of: chunk.frames, lengths: chunk.lengths, implementation: options.hmm.implementation,
                                                       threadCount: threadCount, partition: options.hmm.partition,
                                                       unscorableAsNegativeInfinity: true))
            } catch { throw .hmm(error) }
        }
        // Labels were checked by the numerator's E-step.
        let index = Dictionary(uniqueKeysWithValues: words.labels.enumerated().map { ($1, $0) })
        var posteriors = [[Double]](repeating: [Double](repeating: 0, count: n), count: wordCount)
        var row = [Double](repeating: 0, count: wordCount)
        for sequence in 0..<n {
            let correct = index[chunk.labels[sequence]!]!
            var best = -Double.infinity
            for word in 0..<wordCount {
                best = max(best, scores[word][sequence])
                row[word] = options.acousticScale * scores[word][sequence] + (word == correct ? 0 : options.boost)
            }
            let top = row.max()!
            let logTotal = top + log(row.reduce(0) { $0 + exp($1 - top) })
            for word in 0..<wordCount { posteriors[word][sequence] = exp(row[word] - logTotal) }
            statistics.utteranceCount += 1
            statistics.objective += min(0, row[correct] - logTotal)
            if scores[correct][sequence] >= best { statistics.correctCount += 1 }
        }
        for word in 0..<wordCount {
            let kept = (0..<n).filter { posteriors[word][$0] >= options.posteriorFloor }
            guard !kept.isEmpty else { continue }
            let part = chunk.subchunk(kept)
            do {
                statistics.denominator.parts[word] = try words.models[word].statistics(
                    of: part.frames, lengths: part.lengths, weights: kept.map { posteriors[word][$0] },
                    implementation: options.hmm.implementation, threadCount: threadCount, partition: options.hmm.partition)
            } catch { throw Self.named(.hmm(error), in: part) }
        }
        return statistics
    }

    public static func named(_ error: TrainingError, in chunk: SequenceChunk<Scalar>) -> TrainingError {
        GMMHMM<Scalar>.named(error, in: chunk)
    }

    /// Every word's means and variances by the extended Baum-Welch update; a word with neither
    /// numerator nor denominator frames is kept.
    public func reestimated(from statistics: MMIStatistics, options: MMIUpdateOptions, backend: ComputeBackend)
        throws(TrainingError) -> (model: DiscriminativeWordSet, report: MMIUpdateReport)
    {
        guard statistics.values.count == emptyStatistics().values.count else {
            throw .statisticsMismatch("\(statistics.values.count) values for a word set whose MMI statistics have "
                + "\(emptyStatistics().values.count)")
        }
        var report = ExtendedBaumWelchReport(), updated: [GMMHMM<Scalar>] = []
        for (word, model) in words.models.enumerated() {
            let numerator = statistics.numerator.parts[word], denominator = statistics.denominator.parts[word]
            guard numerator.frameCount > 0 || denominator.frameCount > 0 else {
                updated.append(model)
                continue
            }
            do {
                let (emissions, part) = try model.emissions.discriminativelyUpdated(
                    numerator: numerator.emissions, denominator: denominator.emissions, options: options.extendedBaumWelch,
                    varianceFloor: options.varianceFloor)
                updated.append(try GMMHMM(chain: model.chain, emissions: emissions))
                report.add(part)
            } catch { throw .hmm(error) }
        }
        let utterances = statistics.utteranceCount
        return (try DiscriminativeWordSet(labels: words.labels, models: updated),
                MMIUpdateReport(utteranceCount: utterances, objectivePerUtterance: statistics.objective / max(utterances, 1),
                                accuracy: statistics.correctCount / max(utterances, 1), extendedBaumWelch: report))
    }

    public func fileContents() throws(TrainingError) -> [UInt8] { try words.fileContents() }

    public init(fileContents: [UInt8], path: String, backend: ComputeBackend) throws(TrainingError) {
        let set = try ModelSet<GMMHMM<Scalar>>(fileContents: fileContents, path: path, backend: backend)
        try self.init(labels: set.labels, models: set.models)
    }
}
