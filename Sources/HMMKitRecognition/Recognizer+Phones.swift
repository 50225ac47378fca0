import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitMarkov
import HMMKitNumerics
import HMMKitPhones
import HMMKitTraining

/// How a recognizer is built from phones: the lexicon that spells its words, the transcripts of
/// labels that are not words, the words it recognises, and the phones' topologies. The
/// configuration's front end, components per state, covariance type, iterations, tolerance,
/// variance floor and mixture splitting apply; its word-model states and topology do not.
public struct PhoneUnits: Sendable {
    /// The pronunciations.
    public var lexicon: Lexicon
    /// Transcripts of labels that are not themselves words (FSDD's `7` → `["seven"]`).
    public var labelWords: [String: [String]]
    /// The labels the recognizer chooses among; nil: the training labels together with every
    /// label of ``labelWords`` (or, without it, every word of the lexicon). A label needs no
    /// training recording, only a transcript whose phones were trained.
    public var vocabulary: [String]?
    /// The speech phones' topology (default 3 states, left to right).
    public var phoneTopology = PhoneTopology.phone
    /// Silence's topology (default 5 states with skips).
    public var silenceTopology = PhoneTopology.silence

    /// Units from a lexicon and label transcripts.
    public init(lexicon: Lexicon, labelWords: [String: [String]] = [:], vocabulary: [String]? = nil) {
        self.lexicon = lexicon
        self.labelWords = labelWords
        self.vocabulary = vocabulary
    }

    /// The labels the recognizer chooses among, in natural order.
    func recognizerLabels(training: [String]) -> [String] {
        NaturalOrder.sortedUnique(vocabulary ?? (training + (labelWords.isEmpty ? lexicon.words : Array(labelWords.keys))))
    }

    /// The transcript of `label`.
    func transcript(of label: String) -> [String] { PhoneModels.transcript(of: label, labelWords: labelWords) }

    /// The fewest frames any training label needs.
    /// - Throws: ``RecognizerError/corpus(_:)`` listing every label (training and recognised)
    ///   whose transcript has words missing from the lexicon, or none;
    ///   ``RecognizerError/configuration(_:)`` for VTLN or speaker adaptation (not built for phone models yet).
    func minimumFrames(_ training: [String], configuration: RecognizerConfiguration) throws(RecognizerError) -> Int {
        var problems: [String] = []
        if configuration.vtln != nil { problems.append("VTLN is not available with phone units yet; add --no-vtln") }
        if configuration.adaptation != nil { problems.append("speaker adaptation is not available with phone units yet; add --no-adaptation") }
        guard problems.isEmpty else { throw .configuration(problems) }
        let labels = recognizerLabels(training: training)
        let missing = lexicon.missingWords(in: labels.map { ("label \"\($0)\"", transcript(of: $0)) })
        let empty = labels.filter { transcript(of: $0).isEmpty }.map { "label \"\($0)\" has an empty transcript" }
        guard missing.isEmpty, empty.isEmpty else {
            throw .corpus(empty + missing.map { "word \($0) is missing from the lexicon" })
        }
        let inventory: PhoneInventory
        do { inventory = try self.inventory() } catch { throw .configuration([error.description]) }
        return training.compactMap { inventory.minimumFrames(of: transcript(of: $0), lexicon: lexicon) }.min() ?? 1
    }

    /// The phones of the lexicon with their topologies.
    func inventory() throws(LexiconError) -> PhoneInventory {
        try PhoneInventory(lexicon: lexicon, topology: phoneTopology, silenceTopology: silenceTopology)
    }
}

extension Recognizer {
    /// Phone models trained by embedded Baum-Welch on ``/HMMKitTraining/EMDriver`` from a flat
    /// start, on the features of `entries` (each copy shorter than its transcript needs is left
    /// out and reported; a label left without recordings is an error).
    static func fitPhoneModels(_ entries: [CorpusEntry], labels: [String], features: [RecordingFeatures<Double>],
                               configuration: RecognizerConfiguration, phones: PhoneUnits, threadCount: Int,
                               progress: (@Sendable (Progress) -> Void)?) throws(RecognizerError) -> Recognizer {
        let began = Date()
        let inventory: PhoneInventory
        do { inventory = try phones.inventory() } catch { throw .configuration([error.description]) }
        var report: [String] = [], counts: [String: Int] = [:]
        var sequences: [Matrix<Double>] = [], names: [String] = [], transcripts: [String] = []
        for (entry, recording) in zip(entries, features) {
            let minimum = inventory.minimumFrames(of: phones.transcript(of: entry.label), lexicon: phones.lexicon) ?? 1
            let (usable, unusable) = TrainingUse.usableCopies(recording, of: entry, minimumFrames: minimum, configuration: configuration)
            report += unusable?.messages ?? []
            guard !usable.isEmpty else { continue }
            for copy in usable {
                sequences.append(copy.frames)
                names.append(entry.path)
                transcripts.append(phones.transcript(of: entry.label).joined(separator: " "))
            }
            counts[entry.label, default: 0] += 1
        }
        let empty = TrainingUse.emptyLabels(labels, counts: labels.map { counts[$0] ?? 0 })
        guard empty.isEmpty else { throw .corpus(report + empty) }
        let fit: EMFit<PhoneModels>
        do {
            fit = try trainPhones(inventory: inventory, phones: phones, source: LabelledSequences(sequences, names: names,
                                                                                                    labels: transcripts),
                                  configuration: configuration, threadCount: threadCount, progress: progress)
        } catch { throw .training(error) }
        let recognizerLabels = phones.recognizerLabels(training: labels)
        let frames = Double(sequences.reduce(0) { $0 + $1.rowCount })
        let history = fit.history.map { $0.logLikelihood / frames }
        progress?(.trained(label: "phones", done: recognizerLabels.count, total: recognizerLabels.count,
                           seconds: Date().timeIntervalSince(began)))
        return Recognizer(configuration: configuration, labels: recognizerLabels, models: [],
                          trainingCounts: recognizerLabels.map { counts[$0] ?? 0 },
                          trainingHistory: Array(repeating: history, count: recognizerLabels.count), phoneModels: fit.model)
    }

    /// Embedded training on the one EM driver: flat start from `source`'s frames, then the
    /// configuration's iterations, with mixtures doubled by splitting over the first half of
    /// them (as the word trainer does) up to ``RecognizerConfiguration/componentsPerState``.
    static func trainPhones(inventory: PhoneInventory, phones: PhoneUnits, source: LabelledSequences,
                            configuration: RecognizerConfiguration, threadCount: Int,
                            progress: (@Sendable (Progress) -> Void)?) throws(TrainingError) -> EMFit<PhoneModels> {
        var update = HMMUpdateOptions()
        update.emissions.varianceFloor = configuration.varianceFloor
        let target = configuration.componentsPerState
        var doublings = 0, m = 1
        while m < target { m *= 2; doublings += 1 }
        let iterations = configuration.iterations
        let perSplit = configuration.splitMixtures && doublings > 0 ? max(1, iterations / (2 * doublings)) : 0
        var options = EMOptions(iterationCount: iterations, convergence: .totalLogLikelihoodGainPerFrame(configuration.tolerancePerFrame),
                                earliestStop: perSplit * doublings, threadCount: threadCount)
        options.chunking = .wholeCorpus
        var driver = EMDriver<PhoneModels>(updateOptions: update, options: options)
        driver.beforeIteration = { (iteration, model) throws(TrainingError) -> PhoneModels in
            let components = perSplit == 0 ? target : min(target, 1 << min(iteration / perSplit, 30))
            guard components > model.pool.componentsPerState else { return model }
            do { return try model.splitting(to: components) } catch { throw .input(error) }
        }
        let start = try driver.start(resuming: false) { () throws(TrainingError) -> PhoneModels in
            do {
                return try PhoneModels.flatStart(inventory: inventory, lexicon: phones.lexicon, labelWords: phones.labelWords,
                                                 frames: source.sequences, covariance: configuration.covarianceType)
            } catch { throw .input(error) }
        }
        return try driver.train(from: start, source: source) { step in
            progress?(.iteration(label: "phones", iteration: step.iteration, of: step.iterationCount,
                                 logLikelihoodPerFrame: step.meanLogLikelihood))
        }
    }

    /// ``scores(_:threadCount:)`` of a recognizer built from phones: each label's transcript
    /// compiled into a graph over the shared states, every sequence scored under every graph.
    func phoneScores(_ models: PhoneModels, frames: Matrix<Double>, lengths: [Int], threadCount: Int) throws(RecognizerError)
        -> [[Double]] {
        var graphs: [UtteranceGraph] = []
        for label in labels {
            do { graphs.append(try UtteranceGraph(words: models.transcript(of: label), models: models, utterance: "label \"\(label)\"")) }
            catch { throw .corpus([error.description]) }
        }
        do { return try models.logLikelihoods(of: frames, lengths: lengths, graphs: graphs, threadCount: threadCount) } catch {
            throw .corpus([error.description])
        }
    }
}

extension Recognizer {
    /// Forced alignment of labelled recordings with a recognizer built from phones: each
    /// recording's features as recognition computes them, its label's transcript, the Viterbi
    /// path through the transcript's graph (``/HMMKitPhones/PhoneModels/align(_:words:utterance:)``).
    /// - Returns: one result per entry, in order; a recording that cannot be aligned gives the
    ///   reason (unreadable audio, no frames, too short for its transcript, a word missing from
    ///   the lexicon), never nothing.
    /// - Throws: ``RecognizerError/configuration(_:)`` for a recognizer of whole-word models.
    public func align(_ entries: [CorpusEntry], speakers: SpeakerMode? = nil,
                      threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(RecognizerError)
        -> [Result<UtteranceAlignment, RecognizerError>] {
        guard let phoneModels else {
            throw .configuration(["alignment needs a recognizer built from phones (hmmkit train --units phone)"])
        }
        let recordings = try RecordingList(entries, speakers: speakers, configuration: configuration, perturbed: false,
                                           normalizationPrior: normalizationPrior, threadCount: threadCount)
        let features = recordings.features()
        let (usable, problems) = Self.usable(features)
        var results: [Result<UtteranceAlignment, RecognizerError>] = entries.indices.map { index in
            .failure(.audio(problems[index] ?? .noFrames(source: entries[index].path)))
        }
        let aligned = ParallelWork.map(usable.count, threadCount: threadCount) { position -> Result<UtteranceAlignment, RecognizerError> in
            let entry = entries[usable[position]]
            do {
                return .success(try phoneModels.align(features[usable[position]].copies[0].frames,
                                                      words: phoneModels.transcript(of: entry.label), utterance: entry.path))
            } catch {
                return .failure(.corpus(["\(entry.path): \(error)"]))
            }
        }
        for (position, index) in usable.enumerated() { results[index] = aligned[position] }
        return results
    }

    /// Seconds between frames of the recognizer's front end.
    public var frameShiftSeconds: Double { configuration.features.frameShiftSeconds }

    /// The times of `frameCount` frames from `firstFrame` (an aligned word or phone), from
    /// boundary to boundary (``/HMMKitFeatures/FeatureConfiguration/frameBoundarySeconds(_:)``).
    public func segmentSeconds(firstFrame: Int, frameCount: Int) -> (start: Double, duration: Double) {
        let start = configuration.features.frameBoundarySeconds(firstFrame)
        return (start, max(0, configuration.features.frameBoundarySeconds(firstFrame + frameCount) - start))
    }
}
