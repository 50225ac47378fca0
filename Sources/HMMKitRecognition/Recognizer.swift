import HMMKitTraining
import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitMarkov
import HMMKitNumerics
import HMMKitPhones
import Synchronization

/// An isolated-word recognizer: one GMM-HMM per label, all trained with one
/// ``RecognizerConfiguration``; new audio gets the label whose model gives it the highest
/// log-likelihood (plus the log prior of the label, if priors are used).
public struct Recognizer: Sendable {
    /// The front end and model shape every word model shares.
    public let configuration: RecognizerConfiguration
    /// The labels, in natural order.
    public let labels: [String]
    /// `models[i]` is the model of `labels[i]`; empty for a recognizer built from phones.
    public let models: [GMMHMM<Double>]
    /// For a recognizer built from phones (``PhoneUnits``), the phone models and lexicon that
    /// spell every label; nil for one whole-word model per label.
    public let phoneModels: PhoneModels?
    /// Training utterances per label (for priors and reports).
    public let trainingCounts: [Int]
    /// Per label, the training log-likelihood per frame after each iteration.
    public let trainingHistory: [[Double]]
    /// With VTLN, the warp factor chosen for each training speaker (`speaker@0.9` for the copy of
    /// a speaker's audio perturbed by 0.9; a file path for a recording without a speaker); empty
    /// without VTLN.
    public let trainingWarps: [String: Double]
    /// With ``RecognizerConfiguration/normalizationPriorFrames``, the training corpus's cepstral
    /// statistics that every recording's (and speaker's) own are added to before normalisation;
    /// nil without.
    public let normalizationPrior: CepstralPrior?
    /// With ``RecognizerConfiguration/unknownVoiceConfiguration``, the word models for unknown
    /// voices (``unknownVoiceRecognizer``); nil without.
    public let unknownVoice: UnknownVoiceModels?
    /// With ``RecognizerConfiguration/noisyVoiceConfiguration``, the word models for noisy
    /// recordings of unknown voices (``noisyVoiceRecognizer``); nil without.
    public let noisyVoice: UnknownVoiceModels?

    /// The word models a recognizer keeps for unknown voices: trained, like its own, on every
    /// training recording, but with its ``RecognizerConfiguration/unknownVoiceConfiguration``.
    public struct UnknownVoiceModels: Sendable {
        /// `models[i]` is the model of the recognizer's `labels[i]`.
        public let models: [GMMHMM<Double>]
        /// Per label, the training log-likelihood per frame after each iteration.
        public let trainingHistory: [[Double]]
        /// The training corpus's cepstral statistics of the per-recording normalisation.
        public let normalizationPrior: CepstralPrior?

        /// The models of `recognizer`, trained with the unknown-voice configuration.
        public init(_ recognizer: Recognizer) {
            models = recognizer.models
            trainingHistory = recognizer.trainingHistory
            normalizationPrior = recognizer.normalizationPrior
        }
    }

    /// A recognizer from trained models: one model and one training count per label (traps
    /// otherwise), in the order of `labels`. Without a `normalizationPrior` it normalises without
    /// one, and ``save(to:)`` refuses it if its configuration asks for one.
    public init(configuration: RecognizerConfiguration, labels: [String], models: [GMMHMM<Double>],
                trainingCounts: [Int], trainingHistory: [[Double]], trainingWarps: [String: Double] = [:],
                normalizationPrior: CepstralPrior? = nil, unknownVoice: UnknownVoiceModels? = nil,
                noisyVoice: UnknownVoiceModels? = nil, phoneModels: PhoneModels? = nil) {
        precondition(labels.count == (phoneModels == nil ? models.count : labels.count) && labels.count == trainingCounts.count
            && (phoneModels == nil || models.isEmpty), "one model (or phone models and no word model) and count per label")
        precondition(unknownVoice.map { $0.models.count == labels.count } ?? true, "one unknown-voice model per label")
        precondition(noisyVoice.map { $0.models.count == labels.count } ?? true, "one noisy-voice model per label")
        self.configuration = configuration
        self.labels = labels
        self.models = models
        self.phoneModels = phoneModels
        self.trainingCounts = trainingCounts
        self.trainingHistory = trainingHistory
        self.trainingWarps = trainingWarps
        self.normalizationPrior = normalizationPrior
        self.unknownVoice = unknownVoice
        self.noisyVoice = noisyVoice
    }

    /// This recognizer with `prior` as its ``normalizationPrior``.
    func with(normalizationPrior prior: CepstralPrior?) -> Recognizer {
        Recognizer(configuration: configuration, labels: labels, models: models, trainingCounts: trainingCounts,
                   trainingHistory: trainingHistory, trainingWarps: trainingWarps, normalizationPrior: prior,
                   unknownVoice: unknownVoice, noisyVoice: noisyVoice, phoneModels: phoneModels)
    }

    /// This recognizer with the unknown-voice models of `single`, a recognizer of the same labels
    /// trained with ``RecognizerConfiguration/unknownVoiceConfiguration``, and the noisy-voice
    /// models of `noisy`, trained with ``RecognizerConfiguration/noisyVoiceConfiguration``.
    func with(unknownVoice single: Recognizer?, noisyVoice noisy: Recognizer? = nil) -> Recognizer {
        Recognizer(configuration: configuration, labels: labels, models: models, trainingCounts: trainingCounts,
                   trainingHistory: trainingHistory, trainingWarps: trainingWarps, normalizationPrior: normalizationPrior,
                   unknownVoice: single.map(UnknownVoiceModels.init), noisyVoice: noisy.map(UnknownVoiceModels.init),
                   phoneModels: phoneModels)
    }

    /// The recognizer of unknown voices: the ``unknownVoice`` models with the
    /// ``RecognizerConfiguration/unknownVoiceConfiguration``; nil when the recognizer has none.
    public var unknownVoiceRecognizer: Recognizer? {
        guard let unknownVoice, let single = configuration.unknownVoiceConfiguration else { return nil }
        return recognizer(of: unknownVoice, configuration: single)
    }

    /// The recognizer of noisy unknown voices: the ``noisyVoice`` models with the
    /// ``RecognizerConfiguration/noisyVoiceConfiguration``; nil when the recognizer has none.
    public var noisyVoiceRecognizer: Recognizer? {
        guard let noisyVoice, let noisy = configuration.noisyVoiceConfiguration else { return nil }
        return recognizer(of: noisyVoice, configuration: noisy)
    }

    /// A recognizer of this one's labels from a further model set and its configuration.
    private func recognizer(of set: UnknownVoiceModels, configuration: RecognizerConfiguration) -> Recognizer {
        Recognizer(configuration: configuration, labels: labels, models: set.models, trainingCounts: trainingCounts,
                   trainingHistory: set.trainingHistory, normalizationPrior: set.normalizationPrior)
    }

    /// Progress of ``train(_:configuration:threadCount:unusable:phones:progress:)``.
    public enum Progress: Sendable {
        /// Features of `files` recordings computed (`copies` per file with speed perturbation).
        case features(files: Int, copies: Int, seconds: Double)
        /// A label's model finished an iteration.
        case iteration(label: String, iteration: Int, of: Int, logLikelihoodPerFrame: Double)
        /// A label's model is trained (`done` of `total` labels).
        case trained(label: String, done: Int, total: Int, seconds: Double)
        /// Every recording training cannot use (in whole or in part), once, before any model is
        /// trained; empty when all are usable.
        case unusable([UnusableRecording])
        /// VTLN: the training speakers' warp factors of pass `pass` (of `passes`) are chosen;
        /// the models are trained again on the warped features.
        case warps(pass: Int, of: Int, factors: [String: Double], seconds: Double)
        /// The recognizer's own models are trained; the unknown-voice models
        /// (``RecognizerConfiguration/unknownVoiceConfiguration``) are trained next, reporting as
        /// the first set did (but for the unusable recordings, already reported).
        case unknownVoiceModels
        /// The unknown-voice models are trained; the noisy-voice models
        /// (``RecognizerConfiguration/noisyVoiceConfiguration``) are trained next.
        case noisyVoiceModels
        /// MMI iteration `iteration` (of `of`) is done; its E-step's objective per utterance
        /// (`log P(correct word | x)`) and training accuracy, under the models it started from.
        case discriminative(iteration: Int, of: Int, objectivePerUtterance: Double, accuracy: Double)
    }

    /// Trains one model per label of `entries`: features of every recording in memory, then each
    /// label's GMM-HMM by `HMMTrainer` on ``/HMMKitTraining/EMDriver`` (with VTLN, warp passes around it);
    /// then, with ``RecognizerConfiguration/unknownVoiceConfiguration``, the unknown-voice models the same way.
    /// - Parameters:
    ///   - entries: the labelled training recordings.
    ///   - configuration: the front end, model shape and training options.
    ///   - threadCount: worker threads (features in parallel, then the labels' models in parallel).
    ///   - policy: what to do with recordings that cannot be used (every one is reported first
    ///     through `progress` as ``Progress/unusable(_:)``).
    ///   - phones: build the recognizer from phone models and a lexicon instead of one model per
    ///     label (``PhoneUnits``); nil (the default) for whole-word models.
    ///   - progress: called from worker threads.
    /// - Throws: ``RecognizerError/configuration(_:)``; ``RecognizerError/corpus(_:)`` listing every
    ///   unusable file and every label left without a usable file (before any training), or every
    ///   unusable file under ``UnusableRecordingPolicy/fail``; ``RecognizerError/model(label:_:)``.
    public static func train(_ entries: [CorpusEntry], configuration: RecognizerConfiguration,
                             threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
                             unusable policy: UnusableRecordingPolicy = .skip, phones: PhoneUnits? = nil,
                             progress: (@Sendable (Progress) -> Void)? = nil) throws(RecognizerError) -> Recognizer {
        // A recognizer from phones keeps one model set.
        var configuration = configuration.forTraining(on: entries)
        if phones != nil { configuration.unknownVoiceFrames = nil; configuration.noisyVoice = nil }
        let recognizer = try trainOneSet(entries, configuration: configuration, threadCount: threadCount, unusable: policy,
                                         phones: phones, progress: progress)
        guard let single = configuration.unknownVoiceConfiguration else { return recognizer }
        progress?(.unknownVoiceModels)
        let quietly: @Sendable (Progress) -> Void = { event in
            if case .unusable = event { return }
            progress?(event)
        }
        let unknownVoice = try trainOneSet(entries, configuration: single, threadCount: threadCount, unusable: policy, phones: nil,
                                           progress: quietly)
        guard let noisy = configuration.noisyVoiceConfiguration else { return recognizer.with(unknownVoice: unknownVoice) }
        progress?(.noisyVoiceModels)
        let noisyVoice = try trainOneSet(entries, configuration: noisy, threadCount: threadCount, unusable: policy, phones: nil,
                                         progress: quietly)
        return recognizer.with(unknownVoice: unknownVoice, noisyVoice: noisyVoice)
    }

    /// ``train(_:configuration:threadCount:unusable:phones:progress:)`` of one model set, with
    /// `configuration` as it is.
    static func trainOneSet(_ entries: [CorpusEntry], configuration: RecognizerConfiguration, threadCount: Int,
                            unusable policy: UnusableRecordingPolicy, phones: PhoneUnits?,
                            progress: (@Sendable (Progress) -> Void)?) throws(RecognizerError) -> Recognizer {
        let labels = try trainingLabels(entries, configuration: configuration)
        let minimumFrames: Int
        if let phones {
            minimumFrames = try phones.minimumFrames(labels, configuration: configuration)
        } else {
            do { minimumFrames = try configuration.minimumFrameCount() } catch { throw .wordModel(error) }
        }
        let started = Date()
        var recordings = try RecordingList(entries, configuration: configuration, perturbed: true, threadCount: threadCount)
        if let vtln = configuration.vtln {
            return try trainWithVTLN(entries, labels: labels, recordings: recordings, vtln: vtln, configuration: configuration,
                                     threadCount: threadCount, started: started, unusable: policy, progress: progress)
        }
        var features = recordings.rawFeatures()
        recordings = recordings.withTrainingPrior(features)
        recordings.normalize(&features)
        progress?(.features(files: entries.count, copies: recordings.frontEnd.speedFactors.count,
                            seconds: Date().timeIntervalSince(started)))
        try screen(entries, features: features, minimumFrames: minimumFrames, configuration: configuration, policy: policy,
                   progress: progress)
        if let phones {
            return try fitPhoneModels(entries, labels: labels, features: features, configuration: configuration, phones: phones,
                                      threadCount: threadCount, progress: progress).with(normalizationPrior: recordings.normalizationPrior)
        }
        let recognizer = try fitWordModels(entries, labels: labels, features: features, configuration: configuration,
                                           threadCount: threadCount, progress: progress)
        return try refinedDiscriminatively(recognizer, entries: entries, features: features, threadCount: threadCount, progress: progress)
            .with(normalizationPrior: recordings.normalizationPrior)
    }

    /// Reports every recording of `entries` that cannot be used (``Progress/unusable(_:)``), then
    /// applies `policy`.
    static func screen(_ entries: [CorpusEntry], features: [RecordingFeatures<Double>], minimumFrames: Int,
                       configuration: RecognizerConfiguration, policy: UnusableRecordingPolicy,
                       progress: (@Sendable (Progress) -> Void)?) throws(RecognizerError) {
        let unusable = TrainingUse.unusableRecordings(entries, features: features, minimumFrames: minimumFrames,
                                                      configuration: configuration)
        progress?(.unusable(unusable))
        try policy.enforce(unusable)
    }

    /// One word model per label, trained on the features of `entries` (their copies shorter than
    /// a model can score are left out; ``screen(_:features:minimumFrames:configuration:policy:progress:)``
    /// reports them).
    static func fitWordModels(_ entries: [CorpusEntry], labels: [String], features: [RecordingFeatures<Double>],
                              configuration: RecognizerConfiguration, threadCount: Int,
                              progress: (@Sendable (Progress) -> Void)?) throws(RecognizerError) -> Recognizer {
        let minimumFrames: Int
        do { minimumFrames = try configuration.minimumFrameCount() } catch { throw .wordModel(error) }
        var report: [String] = []
        var sequences: [[Matrix<Double>]] = Array(repeating: [], count: labels.count)
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var counts = [Int](repeating: 0, count: labels.count)
        for (entry, recording) in zip(entries, features) {
            let (usable, unusable) = TrainingUse.usableCopies(recording, of: entry, minimumFrames: minimumFrames,
                                                              configuration: configuration)
            report += unusable?.messages ?? []
            guard !usable.isEmpty else { continue }
            sequences[labelIndex[entry.label]!] += usable.map(\.frames)
            counts[labelIndex[entry.label]!] += 1
        }
        // Unusable files are reported; they stop training only when a label has nothing left.
        let empty = TrainingUse.emptyLabels(labels, counts: counts)
        guard empty.isEmpty else { throw .corpus(report + empty) }
        let perLabel = sequences
        let topology = configuration.topology
        let done = Atomic<Int>(0)
        // Largest word first, each worker taking the next word when it is free, so the last word
        // to finish is a small one. Each model is the same whichever worker trains it.
        let frameCounts = perLabel.map { $0.reduce(0) { $0 + $1.rowCount } }
        let fits = try ParallelWork.map(labels.count, threadCount: threadCount, order: .largestFirst(costs: frameCounts)) {
            (label) throws(RecognizerError) -> HMMFit<MixtureEmissions<Double>> in
            let begun = Date()
            let fit: HMMFit<MixtureEmissions<Double>>
            do throws(HMMError) {
                fit = try wordTrainer(configuration, topology: topology, frames: frameCounts[label]).fit(perLabel[label]) { step in
                    progress?(.iteration(label: labels[label], iteration: step.iteration, of: step.iterationCount,
                                         logLikelihoodPerFrame: step.meanLogLikelihood))
                }
            } catch { throw .model(label: labels[label], error) }
            progress?(.trained(label: labels[label], done: done.wrappingAdd(1, ordering: .relaxed).newValue,
                               total: labels.count, seconds: Date().timeIntervalSince(begun)))
            return fit
        }
        let models = fits.map(\.model)
        let histories = zip(fits, frameCounts).map { fit, frames in fit.logLikelihoodHistory.map { $0 / Double(frames) } }
        return Recognizer(configuration: configuration, labels: labels, models: models, trainingCounts: counts,
                          trainingHistory: histories)
    }

    /// The labels `entries` train models for, in natural order, after checking the configuration.
    /// - Throws: ``RecognizerError/configuration(_:)``; ``RecognizerError/corpus(_:)`` for fewer than two labels.
    static func trainingLabels(_ entries: [CorpusEntry], configuration: RecognizerConfiguration) throws(RecognizerError) -> [String] {
        let problems = configuration.problems()
        guard problems.isEmpty else { throw .configuration(problems) }
        let labels = NaturalOrder.sortedUnique(entries.map(\.label))
        guard labels.count >= 2 else {
            throw .corpus(["a recognizer needs at least two labels; the corpus has \(labels.count) (\(labels.joined(separator: ", ")))"])
        }
        return labels
    }

    /// The trainer of one word model.
    static func wordTrainer(_ configuration: RecognizerConfiguration, topology: MarkovTopology, frames: Int) -> HMMTrainer<Double> {
        var trainer = HMMTrainer<Double>(stateCount: configuration.stateCount, componentsPerState: configuration.componentsPerState,
                                         covarianceType: configuration.covarianceType, topology: topology)
        trainer.initialization = configuration.initialization
        trainer.seed = configuration.seed
        trainer.baumWelch.iterationCount = configuration.iterations
        trainer.baumWelch.tolerance = configuration.tolerancePerFrame * Double(frames)
        trainer.baumWelch.update.emissions.varianceFloor = configuration.varianceFloor
        if configuration.splitMixtures && configuration.componentsPerState > 1 {
            // Doublings spread over the first half of the iterations.
            var doublings = 0, m = 1
            while m < configuration.componentsPerState { m *= 2; doublings += 1 }
            trainer.mixtureGrowth = .splitting(iterationsPerSplit: max(1, configuration.iterations / (2 * doublings)))
        }
        return trainer
    }
}

extension RecognizerConfiguration {
    /// The fewest frames a word model of this configuration can score.
    func minimumFrameCount() throws(HMMError) -> Int {
        let chain = try HMMTrainer<Double>(stateCount: stateCount, topology: topology).initialChain(lengths: [stateCount])
        return chain.minimumFrameCount
    }
}
