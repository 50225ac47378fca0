import Foundation
import HMMKitNumerics

/// When streaming EM stops before its iteration budget.
public enum ConvergenceRule: Sendable, Hashable, Codable {
    /// The total log-likelihood rose by less than this between two iterations (hmmlearn's
    /// monitor, ``BaumWelchOptions/tolerance``).
    case totalLogLikelihoodGain(Double)
    /// The mean log-likelihood per frame changed by less than this in absolute value
    /// (scikit-learn's `tol`, ``GaussianMixtureTrainingOptions/tolerance``).
    case meanLogLikelihoodChange(Double)
    /// The total log-likelihood rose by less than this times the frames between two iterations
    /// (the recognizer's per-word rule, ``BaumWelchOptions/tolerance`` set to this × the word's
    /// frames; the product is computed as in memory, so the decisions are the same).
    case totalLogLikelihoodGainPerFrame(Double)

    /// Whether the last two records of `history` meet the rule.
    public func isMet(by history: [IterationRecord]) -> Bool {
        guard history.count >= 2 else { return false }
        let last = history[history.count - 1], previous = history[history.count - 2]
        switch self {
        case .totalLogLikelihoodGain(let tolerance): return last.logLikelihood - previous.logLikelihood < tolerance
        case .meanLogLikelihoodChange(let tolerance): return abs(last.meanLogLikelihood - previous.meanLogLikelihood) < tolerance
        case .totalLogLikelihoodGainPerFrame(let tolerance):
            return last.logLikelihood - previous.logLikelihood < tolerance * last.frameCount
        }
    }
}

/// Options of ``StreamingEMTrainer``.
public struct StreamingEMOptions: Sendable {
    /// Iterations at most, counting those of the run resumed from.
    public var iterationCount: Int = 20
    /// When to stop early.
    public var convergence: ConvergenceRule = .totalLogLikelihoodGain(1e-2)
    /// Worker threads of each process's E-step (results do not depend on it).
    public var threadCount: Int = 1
    /// How each pass is cut into chunks (results depend on it, a little: summation order).
    public var chunking = ChunkingPolicy()
    /// The numerical backend.
    public var backend: ComputeBackend = .default

    public init(iterationCount: Int = 20, convergence: ConvergenceRule = .totalLogLikelihoodGain(1e-2), threadCount: Int = 1,
                chunking: ChunkingPolicy = ChunkingPolicy(), backend: ComputeBackend = .default) {
        self.iterationCount = iterationCount
        self.convergence = convergence
        self.threadCount = threadCount
        self.chunking = chunking
        self.backend = backend
    }
}

/// Where streaming training starts: a fresh model, or the state of a checkpoint.
public struct TrainingStart<Model: StreamingTrainable>: Sendable {
    /// The model the next iteration starts from.
    public var model: Model
    /// Iterations already complete (0 for a fresh start).
    public var completedIterations: Int
    /// Their records.
    public var history: [IterationRecord]
    /// Set when the checkpoint was of a finished run.
    public var stopReason: TrainingStopReason?
    /// Whether the state came from a checkpoint.
    public var resumed: Bool
}

/// Progress after one iteration.
public struct StreamingProgress<Report: Sendable>: Sendable {
    /// The iteration.
    public var record: IterationRecord
    /// The iteration budget.
    public var iterationCount: Int
    /// The M-step's report.
    public var report: Report
    /// Seconds since this process started training (resumed runs count from the resume).
    public var elapsedSeconds: Double
    /// Upper bound of the seconds left: iterations left × mean seconds per iteration so far.
    public var remainingSecondsAtMost: Double
    /// Processes taking part.
    public var processCount: Int
    /// Set when this was the last iteration.
    public var stopReason: TrainingStopReason?

    /// Frames per second of the iteration, over all processes.
    public var framesPerSecond: Double { record.frameCount / max(record.seconds, 1e-9) }
}

/// The result of streaming training.
public struct StreamingFit<Model: StreamingTrainable>: Sendable {
    /// The model after the last M-step.
    public var model: Model
    /// Every iteration, including those of the run resumed from.
    public var history: [IterationRecord]
    /// Why training stopped.
    public var stopReason: TrainingStopReason
}

/// EM over a corpus streamed from a ``SequenceSource`` in bounded memory, optionally shared by
/// several processes, with a checkpoint after every iteration.
///
/// Each iteration: every process accumulates its shard (``StreamingStatistics``: chunks read on a
/// second thread while the previous one is accumulated), one all-reduce sums the statistics
/// buffers, every process applies the same M-step, and rank 0 writes the checkpoint. The model
/// then continues from **its file form** (parameters written and read back), so a run resumed
/// from a checkpoint continues from exactly the same bits as the uninterrupted run: in one
/// process, the final models are identical byte for byte.
///
/// ```swift
/// var trainer = StreamingEMTrainer<GMMHMM<Double>>(updateOptions: HMMUpdateOptions())
/// trainer.options.iterationCount = 20
/// trainer.checkpointURL = URL(fileURLWithPath: "model.json.checkpoint")
/// let start = try trainer.start(resuming: true) { try makeInitialModel() }
/// let fit = try trainer.train(from: start, source: corpus)
/// ```
public struct StreamingEMTrainer<Model: StreamingTrainable> {
    /// Iterations, convergence, threads, chunking.
    public var options = StreamingEMOptions()
    /// The M-step's options.
    public var updateOptions: Model.UpdateOptions
    /// The processes training together (default: this one alone).
    public var communicator: any TrainingCommunicator = SingleProcess()
    /// Where rank 0 writes the checkpoint after every iteration (nil: no checkpoints).
    public var checkpointURL: URL?
    /// Everything that determines the result, recorded in the checkpoint; resuming under
    /// another configuration is refused.
    public var configuration: String = ""
    /// Called on every process before iteration `i` (0-based) with the model it starts from;
    /// returns the model to use (e.g. mixtures split at planned iterations). Must be a pure
    /// function of its arguments, so that resumed runs repeat it.
    public var beforeIteration: ((_ iteration: Int, _ model: Model) throws(TrainingError) -> Model)?
    /// Called on every process after each M-step with the model the statistics were gathered
    /// with, the new one and the report; returns the model to keep (e.g. re-seeded components).
    public var afterUpdate: ((_ previous: Model, _ updated: Model, _ report: Model.UpdateReport) throws(TrainingError) -> Model)?

    public init(updateOptions: Model.UpdateOptions, options: StreamingEMOptions = StreamingEMOptions()) {
        self.updateOptions = updateOptions
        self.options = options
    }

    /// Agrees on the starting point across processes: rank 0 reads the checkpoint (when
    /// `resuming` and one exists at ``checkpointURL``) or makes the initial model with
    /// `initialModel`, and sends it to every process, which all decode the same bytes.
    /// - Throws: ``TrainingError/file(path:problem:)`` for a checkpoint of another configuration
    ///   or model format, or damaged; what `initialModel` throws (on rank 0; the others get a
    ///   ``TrainingError/communication(_:)`` quoting it).
    public func start(resuming: Bool, initialModel: () throws(TrainingError) -> Model) throws(TrainingError) -> TrainingStart<Model> {
        let bytes: [UInt8]
        do {
            bytes = try communicator.shareFromRoot { () throws(TrainingError) in
                try rootStart(resuming: resuming, initialModel: initialModel).encoded()
            }
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .communication("\(error)")
        }
        let state = try TrainingCheckpoint(decoding: bytes, path: "the starting point from rank 0")
        let model = try Model(fileContents: state.model, path: checkpointURL?.path ?? "the initial model", backend: options.backend)
        return TrainingStart(model: model, completedIterations: state.completedIterations, history: state.history,
                             stopReason: state.stopReason, resumed: state.completedIterations > 0 || state.stopReason != nil)
    }

    /// Rank 0's starting point, as a checkpoint value.
    private func rootStart(resuming: Bool, initialModel: () throws(TrainingError) -> Model) throws(TrainingError) -> TrainingCheckpoint {
        if resuming, let url = checkpointURL, let checkpoint = try TrainingCheckpoint.read(from: url) {
            guard checkpoint.modelFormat == Model.fileFormat else {
                throw .file(path: url.path, problem: "a checkpoint of a \(checkpoint.modelFormat), not of a \(Model.fileFormat)")
            }
            guard checkpoint.configuration == configuration else {
                throw .file(path: url.path, problem: "the checkpoint belongs to another training configuration "
                    + "(it has \(checkpoint.configuration); this run has \(configuration)); "
                    + "rerun with the same data and options, or delete it (or drop --resume) to start again")
            }
            return checkpoint
        }
        let model = try initialModel()
        return TrainingCheckpoint(configuration: configuration, modelFormat: Model.fileFormat, completedIterations: 0,
                                  history: [], stopReason: nil, model: try model.fileContents())
    }

    /// Runs EM from `start` until the iteration budget or the convergence rule.
    /// - Parameters:
    ///   - source: the corpus; this process reads ``TrainingCommunicator/shard`` of it.
    ///   - progress: called on every process after every iteration.
    /// - Throws: ``TrainingError`` from the source, the model, the reduction or the checkpoint;
    ///   ``TrainingError/noData(_:)`` when the corpus has no frames.
    public func train<Source: SequenceSource>(
        from start: TrainingStart<Model>, source: Source,
        progress: ((StreamingProgress<Model.UpdateReport>) -> Void)? = nil
    ) throws(TrainingError) -> StreamingFit<Model> where Source.Scalar == Model.Scalar {
        guard options.iterationCount >= 0, options.threadCount >= 1 else {
            throw .invalidArgument("iterationCount must be ≥ 0 and threadCount ≥ 1")
        }
        var model = start.model
        var history = start.history
        if start.stopReason == .converged || (start.stopReason != nil && start.completedIterations >= options.iterationCount) {
            return StreamingFit(model: model, history: history, stopReason: start.stopReason!)
        }
        if start.completedIterations >= options.iterationCount {
            // A run resumed with a smaller budget than it already used.
            return StreamingFit(model: model, history: history, stopReason: start.stopReason ?? .iterationLimit)
        }
        let began = DispatchTime.now().uptimeNanoseconds
        var secondsRun: [Double] = []
        var stopReason = TrainingStopReason.iterationLimit
        for iteration in start.completedIterations..<options.iterationCount {
            let iterationBegan = DispatchTime.now().uptimeNanoseconds
            if let beforeIteration { model = try beforeIteration(iteration, model) }
            var (statistics, _) = try StreamingStatistics.accumulate(
                model, over: source, shard: communicator.shard, chunking: options.chunking,
                threadCount: options.threadCount, backend: options.backend)
            if communicator.size > 1 {
                var values = statistics.values
                try communicator.allReduceSum(&values)
                try statistics.replaceAll(with: values)
            }
            guard statistics.frameCount > 0 else { throw .noData("the corpus has no frames") }
            var (next, report) = try model.reestimated(from: statistics, options: updateOptions, backend: options.backend)
            if let afterUpdate { next = try afterUpdate(model, next, report) }
            // Continue from the file form, exactly what a resumed run would read.
            let bytes = try next.fileContents()
            model = try Model(fileContents: bytes, path: "the model after iteration \(iteration + 1)", backend: options.backend)
            var record = IterationRecord(iteration: iteration + 1, logLikelihood: statistics.logLikelihood,
                                         frameCount: statistics.frameCount, seconds: 0)
            history.append(record)
            let finished: TrainingStopReason?
            if options.convergence.isMet(by: history) || model.isFinished { finished = .converged } else if iteration + 1 == options.iterationCount {
                finished = .iterationLimit
            } else { finished = nil }
            if communicator.isRoot, let checkpointURL {
                history[history.count - 1].seconds = Self.seconds(since: iterationBegan)
                try TrainingCheckpoint(configuration: configuration, modelFormat: Model.fileFormat, completedIterations: iteration + 1,
                                       history: history, stopReason: finished, model: bytes).write(to: checkpointURL)
            }
            record.seconds = Self.seconds(since: iterationBegan)
            history[history.count - 1] = record
            secondsRun.append(record.seconds)
            let mean = secondsRun.reduce(0, +) / Double(secondsRun.count)
            progress?(StreamingProgress(record: record, iterationCount: options.iterationCount, report: report,
                                        elapsedSeconds: Self.seconds(since: began),
                                        remainingSecondsAtMost: mean * Double(options.iterationCount - iteration - 1),
                                        processCount: communicator.size, stopReason: finished))
            if let finished {
                stopReason = finished
                break
            }
        }
        return StreamingFit(model: model, history: history, stopReason: stopReason)
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
