import Foundation
import HMMKitCorpus
import HMMKitMarkov
import HMMKitNumerics
import HMMKitTraining

/// How ``Recognizer/trainStreaming(_:configuration:options:events:)`` runs.
public struct StreamingRecognizerOptions: Sendable {
    /// Worker threads of this process: the features of a batch of recordings (on the reading
    /// thread's behalf) and the E-step. Results do not depend on it.
    public var threadCount: Int = ProcessInfo.processInfo.activeProcessorCount
    /// How each pass is cut into chunks (results depend on it a little: summation order).
    public var chunking = ChunkingPolicy()
    /// Frames of the seeded initialisation sample over all labels, each label taking an equal
    /// share (default 200,000: 20,000 per word for ten words). A label whose frames fit its share
    /// is initialised from all of them, exactly as in memory.
    public var initialisationFrames = 200_000
    /// Where rank 0 writes the checkpoint after every iteration (nil: no checkpoints).
    public var checkpointURL: URL?
    /// Continue from the checkpoint at ``checkpointURL`` when there is one (a run of the same
    /// corpus and options); start afresh otherwise.
    public var resume = false
    /// The processes training together (default this one alone; `MPICommunicator` for MPI).
    public var communicator: any TrainingCommunicator = SingleProcess()
    /// The numerical backend of the E-step and M-step.
    public var backend: ComputeBackend = .default
    /// What to do with recordings that cannot be used (every rank applies it to the survey).
    public var unusable: UnusableRecordingPolicy = .skip
    /// A folder where training keeps features on disk, as Kaldi keeps `feats.ark`, so that they
    /// are computed once and read back: each Baum-Welch pass its features, and with VTLN the warp
    /// search every candidate factor's (computed for the speakers' statistics, read back to
    /// score). Default: the system's temporary folder; nil: every iteration computes its
    /// features again, and the warp search computes them twice.
    ///
    /// Disk use, per process: the features of its shard's sequences (8 bytes per number: frames
    /// × dimension × 8, plus each sequence's name) during a pass; during the warp search, that
    /// times the number of candidate factors (kept only when that fits in four fifths of the
    /// folder's free space). The files have no name (``/HMMKitTraining/SequenceCacheFile``): each
    /// is freed when its pass ends, and by the system when the process ends in any way. A cache
    /// that cannot be written (a full disk) is given up and its features computed instead.
    public var featureCacheDirectory: URL? = FileManager.default.temporaryDirectory

    /// The defaults: every core, no checkpoint, this process alone, the default backend.
    public init() {}
}

/// What streaming recognizer training reports as it goes (on every process; only rank 0 reads
/// the corpus for the survey and the initialisation sample).
public enum StreamingRecognizerEvent: Sendable {
    /// The first pass is done: recordings surveyed, usable sequences (speed copies) and their
    /// frames, every recording that cannot be used in whole or in part (training goes on without
    /// it unless ``StreamingRecognizerOptions/unusable`` is ``UnusableRecordingPolicy/fail``), seconds taken.
    case surveyed(recordings: Int, sequences: Int, frames: Int, unusable: [UnusableRecording], seconds: Double)
    /// Rank 0 initialised the word models from a sample of `sampledFrames` of `corpusFrames` frames.
    case initialised(sampledFrames: Int, corpusFrames: Int)
    /// Training resumes from a checkpoint after `completedIterations` iterations.
    case resumed(completedIterations: Int)
    /// An iteration is done (every word that still trains); the report has one entry per such word.
    case iteration(EMProgress<[String: HMMUpdateReport]>)
    /// VTLN: the training speakers' warp factors of pass `pass` (of `passes`) are chosen, in
    /// `seconds`; the word models are trained again on the warped features.
    case warps(pass: Int, of: Int, factors: [String: Double], seconds: Double)
    /// The recognizer's own models are trained; the unknown-voice models
    /// (``RecognizerConfiguration/unknownVoiceConfiguration``) are trained next, with a survey of
    /// their own (not reported again) and then the events above.
    case unknownVoiceModels
    /// The unknown-voice models are trained; the noisy-voice models
    /// (``RecognizerConfiguration/noisyVoiceConfiguration``) are trained next, with a survey of their own.
    case noisyVoiceModels
}

/// The result of streaming recognizer training.
public struct StreamingRecognizerFit: Sendable {
    /// The recognizer (the same file format and contents as
    /// ``Recognizer/train(_:configuration:threadCount:unusable:phones:progress:)`` makes).
    public var recognizer: Recognizer
    /// Every iteration over the words still training, including those of a run resumed from.
    public var history: [IterationRecord]
    /// Why training stopped: the iteration budget, or every word converged.
    public var stopReason: StopReason
}

extension Recognizer {
    /// Trains one model per label of `entries` as ``train(_:configuration:threadCount:unusable:phones:progress:)``
    /// does, with the corpus streamed instead of held in memory: the features are computed a batch
    /// of recordings at a time and kept on disk for the pass's later iterations
    /// (``StreamingRecognizerOptions/featureCacheDirectory``; without it every iteration decodes
    /// the audio and computes them again), so memory holds the models, a batch and a few chunks
    /// (``/HMMKitTraining/ChunkingPolicy``) whatever the corpus size.
    ///
    /// 1. A survey pass (rank 0) decodes every recording once: every unusable recording is
    ///    reported at once before training, as in memory, and per-speaker CMVN gets its statistics;
    ///    the features it computes are rank 0's cache of the first pass.
    /// 2. Rank 0 initialises each word model from a seeded sample of its label's sequences
    ///    (``StreamingRecognizerOptions/initialisationFrames``), or resumes from the checkpoint.
    /// 3. Baum-Welch over a ``/HMMKitTraining/ModelSet`` of all words (``/HMMKitTraining/EMDriver``):
    ///    one pass per iteration for all words, mixtures split on the same schedule, each word
    ///    stopping on its own tolerance (``/HMMKitTraining/MemberStopping``), statistics summed across processes, a checkpoint
    ///    after every iteration.
    ///
    /// 4. With ``RecognizerConfiguration/unknownVoiceConfiguration``, steps 1–3 again for the
    ///    unknown-voice models (their checkpoint beside the first, its name ending in
    ///    ``unknownVoiceCheckpointSuffix``); then, with
    ///    ``RecognizerConfiguration/noisyVoiceConfiguration``, for the noisy-voice models
    ///    (``noisyVoiceCheckpointSuffix``).
    ///
    /// When every label's frames fit its share of the sample and the chunks hold the whole corpus,
    /// the recognizer is the in-memory one bit for bit; with smaller chunks only the order of
    /// additions differs.
    ///
    /// With VTLN the word models are trained in passes around this (``VTLNOptions``), as in memory.
    /// - Throws: ``RecognizerError/configuration(_:)``; ``RecognizerError/corpus(_:)`` listing every
    ///   problem before training; ``RecognizerError/training(_:)`` for a checkpoint of another
    ///   configuration, a recording that changed since the survey, or a failure between processes.
    public static func trainStreaming(_ entries: [CorpusEntry], configuration: RecognizerConfiguration,
                                      options: StreamingRecognizerOptions = StreamingRecognizerOptions(),
                                      events: ((StreamingRecognizerEvent) -> Void)? = nil) throws(RecognizerError) -> StreamingRecognizerFit {
        let configuration = configuration.forTraining(on: entries)
        var fit = try trainStreamingOneSet(entries, configuration: configuration, options: options, events: events)
        guard let single = configuration.unknownVoiceConfiguration else { return fit }
        events?(.unknownVoiceModels)
        func checkpointed(_ suffix: String) -> StreamingRecognizerOptions {
            var own = options
            own.checkpointURL = options.checkpointURL.map { $0.deletingLastPathComponent().appendingPathComponent(
                $0.lastPathComponent + suffix) }
            return own
        }
        let quietly: (StreamingRecognizerEvent) -> Void = { event in
            if case .surveyed = event { return }
            events?(event)
        }
        let unknownVoice = try trainStreamingOneSet(entries, configuration: single, options: checkpointed(unknownVoiceCheckpointSuffix),
                                                    events: quietly)
        var noisyVoice: StreamingRecognizerFit?
        if let noisy = configuration.noisyVoiceConfiguration {
            events?(.noisyVoiceModels)
            noisyVoice = try trainStreamingOneSet(entries, configuration: noisy, options: checkpointed(noisyVoiceCheckpointSuffix),
                                                  events: quietly)
        }
        fit.recognizer = fit.recognizer.with(unknownVoice: unknownVoice.recognizer, noisyVoice: noisyVoice?.recognizer)
        return fit
    }

    /// What the checkpoint of the noisy-voice models adds to the name of the recognizer's own.
    public static let noisyVoiceCheckpointSuffix = ".noisy-voice"

    /// What the checkpoint of the unknown-voice models adds to the name of the recognizer's own
    /// (``StreamingRecognizerOptions/checkpointURL``).
    public static let unknownVoiceCheckpointSuffix = ".unknown-voice"

    /// ``trainStreaming(_:configuration:options:events:)`` of one model set, with `configuration` as it is.
    static func trainStreamingOneSet(_ entries: [CorpusEntry], configuration: RecognizerConfiguration,
                                     options: StreamingRecognizerOptions,
                                     events: ((StreamingRecognizerEvent) -> Void)?) throws(RecognizerError) -> StreamingRecognizerFit {
        let labels = try trainingLabels(entries, configuration: configuration)
        guard configuration.discriminativeTraining == nil else {
            throw .configuration(["discriminative (MMI) training runs with in-memory training only; train without streaming"])
        }
        let minimumFrames: Int
        do { minimumFrames = try configuration.minimumFrameCount() } catch { throw .wordModel(error) }
        let communicator = options.communicator
        let began = Date()
        // Rank 0 surveys the corpus and, unless a run will be resumed, draws the initialisation
        // samples in the same pass (kept on rank 0, which initialises the models).
        let sampling = TrainingSurvey.Sampling(frameBudget: max(1, options.initialisationFrames / labels.count), seed: configuration.seed)
        let passStateURL = configuration.vtln == nil ? nil : options.checkpointURL.map(VTLNPassState.url(besideCheckpoint:))
        let resumable = options.resume && [options.checkpointURL, passStateURL].contains {
            $0.map { FileManager.default.fileExists(atPath: $0.path) } == true
        }
        var rootSamples: [String: SequenceSample<Double>]?
        // Rank 0's survey computes the first pass's features of its shard: kept, they are that pass's cache.
        let firstPassCache = try options.featureCacheDirectory.map { folder throws(RecognizerError) in
            do throws(TrainingError) { return (shard: communicator.shard, file: try SequenceCacheFile(folder: folder)) } catch {
                throw .training(error)
            }
        }
        let survey: TrainingSurvey = try sharedByRoot(communicator) { () throws(RecognizerError) in
            let (survey, samples) = try TrainingSurvey.run(entries, labels: labels, configuration: configuration, minimumFrames: minimumFrames,
                                                           threadCount: options.threadCount, batchSize: 64 * max(options.threadCount, 1),
                                                           sampling: resumable ? nil : sampling, cache: firstPassCache)
            rootSamples = samples
            return survey
        }
        events?(.surveyed(recordings: entries.count, sequences: survey.sequenceCounts.reduce(0, +),
                          frames: survey.frameCounts.reduce(0, +), unusable: survey.unusable, seconds: Date().timeIntervalSince(began)))
        try options.unusable.enforce(survey.unusable)
        var source = try RecordingSequenceSource(entries: entries, configuration: configuration, survey: survey,
                                                 minimumFrames: minimumFrames, threadCount: options.threadCount)
        source.cache = firstPassCache
        if let vtln = configuration.vtln {
            return try trainStreamingWithVTLN(source, labels: labels, vtln: vtln, options: options, rootSamples: &rootSamples,
                                              passStateURL: passStateURL, events: events)
        }
        let fit = try trainWordSet(source, labels: labels, options: options, resuming: options.resume,
                                   rootSamples: &rootSamples, events: events)
        let recognizer = Recognizer(configuration: configuration, labels: labels, models: fit.model.models,
                                    trainingCounts: survey.recordingCounts,
                                    trainingHistory: fit.model.histories.map { $0.map { $0.logLikelihood / $0.frameCount } },
                                    normalizationPrior: survey.normalization.prior)
        return StreamingRecognizerFit(recognizer: recognizer, history: fit.history, stopReason: fit.stopReason)
    }

    /// Trains all word models together on `source`: from the checkpoint when `resuming` finds
    /// one, else from models rank 0 initialises from each label's sample (`rootSamples`, drawn by
    /// the survey, or drawn from `source` now). `fingerprint` adds to the checkpoint's identity;
    /// `starting` runs on rank 0 before a fresh start's initialisation.
    static func trainWordSet(_ source: RecordingSequenceSource, labels: [String], options: StreamingRecognizerOptions,
                             resuming: Bool, fingerprint: [String: String] = [:],
                             rootSamples: inout [String: SequenceSample<Double>]?,
                             starting: (() throws(TrainingError) -> Void)? = nil,
                             events: ((StreamingRecognizerEvent) -> Void)?) throws(RecognizerError) -> EMFit<ModelSet<GMMHMM<Double>>> {
        let configuration = source.configuration
        var trainer = try wordSetTrainer(source.entries, configuration: configuration, options: options, labelFilter: source.trainingLabels)
        trainer.fingerprint.options.merge(fingerprint) { _, added in added }
        var source = source
        if source.cache == nil, let folder = options.featureCacheDirectory {
            do { source.cache = (options.communicator.shard, try SequenceCacheFile(folder: folder)) } catch { throw .training(error) }
        }
        // The pass's features are not needed after it.
        defer { source.cache?.file.discard() }
        let sampling = TrainingSurvey.Sampling(frameBudget: max(1, options.initialisationFrames / labels.count), seed: configuration.seed)
        var initialisationFailure: RecognizerError?
        do throws(TrainingError) {
            let start = try trainer.start(resuming: resuming) { () throws(TrainingError) in
                try starting?()
                var samples: [String: SequenceSample<Double>]
                if let drawn = rootSamples {
                    samples = drawn
                    rootSamples = nil
                } else {
                    samples = try SequenceSample.drawByLabel(from: source, frameBudget: sampling.frameBudget, seed: sampling.seed)
                }
                events?(.initialised(sampledFrames: samples.values.reduce(0) { $0 + $1.frameCount },
                                     corpusFrames: samples.values.reduce(0) { $0 + $1.corpusFrameCount }))
                do throws(RecognizerError) {
                    return try initialWordModels(labels, samples: &samples, configuration: configuration)
                } catch {
                    initialisationFailure = error
                    throw .initialModel(error)
                }
            }
            if start.resumed { events?(.resumed(completedIterations: start.completedIterations)) }
            return try trainer.train(from: start, source: source) { events?(.iteration($0)) }
        } catch {
            throw initialisationFailure ?? .training(error)
        }
    }

    /// The trainer of all word models together: every word's trainer has the same update and
    /// mixture-split schedule (applied before the planned iterations); only its tolerance depends
    /// on its frames, which ``initialWordModels(_:samples:configuration:)`` puts in the set.
    static func wordSetTrainer(_ entries: [CorpusEntry], configuration: RecognizerConfiguration,
                               options: StreamingRecognizerOptions, labelFilter: LabelFilter)
        throws(RecognizerError) -> EMDriver<ModelSet<GMMHMM<Double>>>
    {
        let hmmTrainer = wordTrainer(configuration, topology: configuration.topology, frames: 0)
        let splits: [Int: Int]
        do { splits = try hmmTrainer.mixtureSplitSchedule() } catch { throw .wordModel(error) }
        var trainer = EMDriver<ModelSet<GMMHMM<Double>>>(
            updateOptions: hmmTrainer.baumWelch.update,
            options: EMOptions(iterationCount: configuration.iterations, convergence: .totalLogLikelihoodGain(-.infinity),
                                        threadCount: max(options.threadCount, 1), chunking: options.chunking, backend: options.backend))
        trainer.communicator = options.communicator
        trainer.checkpointURL = options.checkpointURL
        trainer.fingerprint = checkpointFingerprint(entries, configuration: configuration, options: options)
        let split: (Int, ModelSet<GMMHMM<Double>>) throws(TrainingError) -> ModelSet<GMMHMM<Double>> = MixtureSplitSchedule(splits).hook()
        trainer.beforeIteration = { iteration, set throws(TrainingError) in
            // Words that stopped need no more audio (their sequences would be skipped anyway).
            labelFilter.labels = Set(zip(set.labels, set.stopped).filter { !$0.1 }.map(\.0))
            return try split(iteration, set)
        }
        return trainer
    }

    /// Each label's first model, made from its sample as in-memory training makes it from all its
    /// sequences, in a set whose members stop as Baum-Welch alone would: on their own tolerance
    /// (``RecognizerConfiguration/tolerancePerFrame`` × their frames), not before the last split.
    static func initialWordModels(_ labels: [String], samples: inout [String: SequenceSample<Double>],
                                          configuration: RecognizerConfiguration) throws(RecognizerError) -> ModelSet<GMMHMM<Double>> {
        let splits = (try? wordTrainer(configuration, topology: configuration.topology, frames: 0).mixtureSplitSchedule()) ?? [:]
        var models: [GMMHMM<Double>] = []
        for label in labels {
            let (frames, lengths) = samples[label]!.takeStacked()
            samples[label] = nil
            do {
                models.append(try wordTrainer(configuration, topology: configuration.topology, frames: frames.rowCount)
                    .initialModel(frames, lengths: lengths))
            } catch { throw .model(label: label, error) }
        }
        let stopping = MemberStopping(rule: .totalLogLikelihoodGainPerFrame(configuration.tolerancePerFrame),
                                      earliestIteration: splits.keys.max().map { $0 + 1 } ?? 0)
        do { return try ModelSet(labels: labels, models: models, stopping: stopping) } catch { throw .training(error) }
    }

    /// What a checkpoint must match to be resumed: the corpus (every path, label and speaker, in
    /// order, hashed), every field of the configuration, and the options the result depends on.
    static func checkpointFingerprint(_ entries: [CorpusEntry], configuration: RecognizerConfiguration,
                                      options: StreamingRecognizerOptions) -> TrainingFingerprint {
        var listing: [UInt8] = []
        for entry in entries { listing += Array("\(entry.path)\t\(entry.label)\t\(entry.speaker ?? "")\n".utf8) }
        return TrainingFingerprint(
            task: "hmmkit train", data: "\(entries.count) recordings, listing \(ModelIdentity.hash(listing))", settings: configuration,
            extra: ["init-frames": "\(options.initialisationFrames)", "chunk-frames": "\(options.chunking.maximumFrames)",
                    "backend": "\(options.backend)"])
    }
}

/// Runs `make` on rank 0 and gives every process its result, through its JSON form (so every
/// process, rank 0 included, continues from the same bits).
func sharedByRoot<Value: Codable>(_ communicator: any TrainingCommunicator,
                                          _ make: () throws(RecognizerError) -> Value) throws(RecognizerError) -> Value {
    do {
        let bytes = try communicator.shareFromRoot {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return Array(try encoder.encode(try make()))
        }
        return try JSONDecoder().decode(Value.self, from: Data(bytes))
    } catch let error as RecognizerError {
        throw error
    } catch let error as TrainingError {
        throw .training(error)
    } catch {
        throw .training(.communication("cannot share the corpus survey: \(error)"))
    }
}
