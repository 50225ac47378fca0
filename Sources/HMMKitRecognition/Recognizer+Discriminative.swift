import HMMKitCorpus
import HMMKitFeatures
import HMMKitMarkov
import HMMKitNumerics
import HMMKitTraining

/// Discriminative training (``RecognizerConfiguration/discriminativeTraining``): MMI iterations on
/// ``/HMMKitTraining/EMDriver`` after the ML-trained word models, over the same features.
extension Recognizer {
    /// `recognizer` with its word models refined by ``DiscriminativeTrainingOptions/iterations``
    /// MMI iterations over the usable copies of `features` (those ML training used); the
    /// configuration's variance floor holds in every update. Without
    /// ``RecognizerConfiguration/discriminativeTraining``, `recognizer` unchanged.
    /// - Throws: ``RecognizerError/training(_:)``.
    static func refinedDiscriminatively(_ recognizer: Recognizer, entries: [CorpusEntry], features: [RecordingFeatures<Double>],
                                        threadCount: Int, progress: (@Sendable (Progress) -> Void)?) throws(RecognizerError) -> Recognizer {
        let configuration = recognizer.configuration
        guard let options = configuration.discriminativeTraining else { return recognizer }
        let minimumFrames: Int
        do { minimumFrames = try configuration.minimumFrameCount() } catch { throw .wordModel(error) }
        var sequences: [Matrix<Double>] = [], labels: [String] = [], names: [String] = []
        for (entry, recording) in zip(entries, features) {
            for copy in TrainingUse.usableCopies(recording, of: entry, minimumFrames: minimumFrames, configuration: configuration).copies {
                sequences.append(copy.frames)
                labels.append(entry.label)
                names.append(entry.path)
            }
        }
        var driver = EMDriver<DiscriminativeWordSet<Double>>(
            updateOptions: MMIUpdateOptions(extendedBaumWelch: options.extendedBaumWelch, varianceFloor: configuration.varianceFloor))
        driver.options.iterationCount = options.iterations
        // A fixed number of iterations: the objective is not a likelihood to converge on.
        driver.options.convergence = .totalLogLikelihoodGain(-.infinity)
        driver.options.threadCount = threadCount
        driver.eStepOptions = MMIEStepOptions(acousticScale: options.acousticScale, boost: options.boost)
        do {
            let start = TrainingStart.fresh(try DiscriminativeWordSet(labels: recognizer.labels, models: recognizer.models))
            let fit = try driver.train(from: start, source: InMemorySequences(sequences, names: names, labels: labels)) { step in
                progress?(.discriminative(iteration: step.iteration, of: step.iterationCount,
                                          objectivePerUtterance: step.report.objectivePerUtterance, accuracy: step.report.accuracy))
            }
            return Recognizer(configuration: configuration, labels: recognizer.labels, models: fit.model.words.models,
                              trainingCounts: recognizer.trainingCounts, trainingHistory: recognizer.trainingHistory,
                              trainingWarps: recognizer.trainingWarps, normalizationPrior: recognizer.normalizationPrior)
        } catch { throw .training(error) }
    }
}
