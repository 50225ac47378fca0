import Foundation
import HMMKitNumerics

/// When EM stops before its iteration budget.
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

/// Options of ``EMDriver``.
public struct EMOptions: Sendable {
    /// Iterations at most, counting those of the run resumed from.
    public var iterationCount: Int = 20
    /// When to stop early.
    public var convergence: ConvergenceRule = .totalLogLikelihoodGain(1e-2)
    /// The first iteration (0-based) after which the convergence rule may stop training: none
    /// before a scheduled change of the model such as a mixture split, whose likelihood change
    /// measures two different models (default 0).
    public var earliestStop: Int = 0
    /// Worker threads of each process's E-step (results do not depend on it).
    public var threadCount: Int = 1
    /// How each pass is cut into chunks (results depend on it, a little: summation order).
    public var chunking = ChunkingPolicy()
    /// The numerical backend.
    public var backend: ComputeBackend = .default

    /// Options with the given values (defaults: 20 iterations, a total log-likelihood gain of
    /// 0.01, one thread, 16,384-frame chunks, the default backend).
    public init(iterationCount: Int = 20, convergence: ConvergenceRule = .totalLogLikelihoodGain(1e-2), earliestStop: Int = 0,
                threadCount: Int = 1, chunking: ChunkingPolicy = ChunkingPolicy(), backend: ComputeBackend = .default) {
        self.iterationCount = iterationCount
        self.convergence = convergence
        self.earliestStop = earliestStop
        self.threadCount = threadCount
        self.chunking = chunking
        self.backend = backend
    }
}

/// Where training starts: a fresh model, or the state of a checkpoint.
public struct TrainingStart<Model: EMModel>: Sendable {
    /// The model the next iteration starts from.
    public var model: Model
    /// Iterations already complete (0 for a fresh start).
    public var completedIterations: Int
    /// Their records.
    public var history: [IterationRecord]
    /// Set when the checkpoint was of a finished run.
    public var stopReason: StopReason?
    /// Whether the state came from a checkpoint.
    public var resumed: Bool
}

extension TrainingStart {
    /// A fresh start from `model` (no checkpoint, nothing shared between processes).
    public static func fresh(_ model: Model) -> TrainingStart {
        TrainingStart(model: model, completedIterations: 0, history: [], stopReason: nil, resumed: false)
    }
}

/// Progress after one iteration.
public struct EMProgress<Report: Sendable>: Sendable {
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
    public var stopReason: StopReason?

    /// The iteration's number (1-based).
    public var iteration: Int { record.iteration }
    /// Mean log-likelihood per frame of the iteration's E-step.
    public var meanLogLikelihood: Double { record.meanLogLikelihood }
    /// Seconds the iteration took.
    public var seconds: Double { record.seconds }

    /// Frames per second of the iteration, over all processes.
    public var framesPerSecond: Double { record.frameCount / max(record.seconds, 1e-9) }
}

/// The result of ``EMDriver/train(from:source:progress:)``.
public struct EMFit<Model: EMModel>: Sendable {
    /// The model after the last M-step.
    public var model: Model
    /// Every iteration, including those of the run resumed from.
    public var history: [IterationRecord]
    /// What each M-step of this run did (a resumed run's earlier reports are not kept).
    public var reports: [Model.UpdateReport]
    /// Why training stopped.
    public var stopReason: StopReason
}

/// The one EM loop of HMMKit: every model (``EMModel``) trains through it, over any
/// ``SequenceSource`` — sequences in memory, feature files, audio through the front end — whole or
/// in chunks, on threads and MPI ranks, with checkpoints. The trainers (``GaussianMixtureTrainer``,
/// ``HMMTrainer``, the recognizer) are initialisers plus hooks on it: ``beforeIteration`` (mixture
/// splits), ``afterUpdate`` (re-seeding starved components), outer passes (VTLN) around runs.
///
/// Each iteration: every process accumulates its shard (``EStepPass``: chunks read on a second
/// thread while the previous one is accumulated; a corpus already stacked in memory is read in
/// place), one all-reduce sums the statistics buffers, every process applies the same M-step, and
/// rank 0 writes the checkpoint. With checkpoints or several processes the model continues from
/// **its file form** (parameters written and read back, which restores them exactly), so a run
/// resumed from a checkpoint continues from the same bits as the uninterrupted run.
///
/// ```swift
/// var driver = EMDriver<GMMHMM<Double>>(updateOptions: HMMUpdateOptions())
/// driver.options.iterationCount = 20
/// driver.checkpointURL = URL(fileURLWithPath: "model.json.checkpoint")
/// let start = try driver.start(resuming: true) { try makeInitialModel() }
/// let fit = try driver.train(from: start, source: corpus)
/// ```
public struct EMDriver<Model: EMModel> {
    /// Iterations, convergence, threads, chunking.
    public var options = EMOptions()
    /// The E-step's settings.
    public var eStepOptions = Model.EStepOptions()
    /// The M-step's options.
    public var updateOptions: Model.UpdateOptions
    /// The processes training together (default: this one alone).
    public var communicator: any TrainingCommunicator = SingleProcess()
    /// Where rank 0 writes the checkpoint after every iteration (nil: no checkpoints).
    public var checkpointURL: URL?
    /// Everything that determines the result, recorded in the checkpoint; resuming under
    /// another fingerprint is refused, naming the fields that differ.
    public var fingerprint = TrainingFingerprint(task: "", data: "", options: [:])
    /// Called on every process before iteration `i` (0-based) with the model it starts from;
    /// returns the model to use (e.g. mixtures split at planned iterations). Must be a pure
    /// function of its arguments, so that resumed runs repeat it.
    public var beforeIteration: ((_ iteration: Int, _ model: Model) throws(TrainingError) -> Model)?
    /// Called on every process after each M-step with the model the statistics were gathered
    /// with, the new one and the report; returns the model to keep (e.g. re-seeded components).
    public var afterUpdate: ((_ previous: Model, _ updated: Model, _ report: Model.UpdateReport) throws(TrainingError) -> Model)?

    /// A driver with the M-step's options and the run's options; no checkpoints, this process
    /// alone, no hooks, until set.
    public init(updateOptions: Model.UpdateOptions, options: EMOptions = EMOptions()) {
        self.updateOptions = updateOptions
        self.options = options
    }

    /// Agrees on the starting point across processes: rank 0 reads the checkpoint (when
    /// `resuming` and one exists at ``checkpointURL``) or makes the initial model with
    /// `initialModel`, and sends it to every process, which all decode the same bytes.
    /// - Throws: ``TrainingError/file(path:problem:)`` for a checkpoint of another configuration
    ///   or model format, or damaged; what `initialModel` throws (on rank 0; the others get a
    ///   ``TrainingError/rootFailed(_:)`` quoting it).
    public func start(resuming: Bool, initialModel: () throws(TrainingError) -> Model) throws(TrainingError) -> TrainingStart<Model> {
        let bytes = try communicator.shareFromRoot({ () throws(TrainingError) in
            try rootStart(resuming: resuming, initialModel: initialModel).encoded()
        }, failing: { $0 })
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
            let differences = fingerprint.differences(from: checkpoint.fingerprint)
            guard differences.isEmpty else {
                throw .file(path: url.path, problem: .content("the checkpoint belongs to another training run ("
                    + differences.joined(separator: "; ") + "); rerun with the same data and options, "
                    + "or delete it (or drop --resume) to start again"))
            }
            return checkpoint
        }
        let model = try initialModel()
        return TrainingCheckpoint(fingerprint: fingerprint, modelFormat: Model.fileFormat, completedIterations: 0,
                                  history: [], stopReason: nil, model: try model.fileContents())
    }

    /// Runs EM from `start` until the iteration budget or the convergence rule.
    /// - Parameters:
    ///   - start: the model and history to continue from (``start(resuming:initialModel:)``, or
    ///     ``TrainingStart/fresh(_:)``).
    ///   - source: the corpus; this process reads ``TrainingCommunicator/shard`` of it.
    ///   - progress: called on every process after every iteration.
    /// - Throws: ``TrainingError`` from the source, the model, the reduction or the checkpoint;
    ///   ``TrainingError/noData(_:)`` when the corpus has no frames.
    public func train<Source: SequenceSource>(
        from start: TrainingStart<Model>, source: Source,
        progress: ((EMProgress<Model.UpdateReport>) -> Void)? = nil
    ) throws(TrainingError) -> EMFit<Model> where Source.Scalar == Model.Scalar {
        guard options.iterationCount >= 0, options.threadCount >= 1 else {
            throw .invalidArgument("iterationCount must be ≥ 0 and threadCount ≥ 1")
        }
        var model = start.model
        var history = start.history
        if start.stopReason == .converged || (start.stopReason != nil && start.completedIterations >= options.iterationCount) {
            return EMFit(model: model, history: history, reports: [], stopReason: start.stopReason!)
        }
        if start.completedIterations >= options.iterationCount {
            // A run resumed with a smaller budget than it already used.
            return EMFit(model: model, history: history, reports: [], stopReason: start.stopReason ?? .iterationLimit)
        }
        let began = DispatchTime.now().uptimeNanoseconds
        var secondsRun: [Double] = []
        var reports: [Model.UpdateReport] = []
        // The file form is the state a checkpoint or another process continues from.
        let throughFileForm = checkpointURL != nil || communicator.size > 1
        var stopReason = StopReason.iterationLimit
        for iteration in start.completedIterations..<options.iterationCount {
            let iterationBegan = DispatchTime.now().uptimeNanoseconds
            if let beforeIteration { model = try beforeIteration(iteration, model) }
            var (statistics, _) = try EStepPass.accumulate(
                model, over: source, shard: communicator.shard, chunking: options.chunking, options: eStepOptions,
                threadCount: options.threadCount, backend: options.backend)
            if communicator.size > 1 {
                var values = statistics.values
                try communicator.allReduceSum(&values)
                try statistics.replaceAll(with: values)
            }
            guard statistics.frameCount > 0 else { throw .noData("the corpus has no frames") }
            var (next, report) = try model.reestimated(from: statistics, options: updateOptions, backend: options.backend)
            if let afterUpdate { next = try afterUpdate(model, next, report) }
            reports.append(report)
            var bytes: [UInt8] = []
            if throughFileForm {
                bytes = try next.fileContents()
                model = try Model(fileContents: bytes, path: "the model after iteration \(iteration + 1)", backend: options.backend)
            } else {
                model = next
            }
            var record = IterationRecord(iteration: iteration + 1, logLikelihood: statistics.logLikelihood,
                                         frameCount: statistics.frameCount, seconds: 0)
            history.append(record)
            let finished: StopReason?
            if (iteration >= options.earliestStop && options.convergence.isMet(by: history)) || model.isFinished {
                finished = .converged
            } else if iteration + 1 == options.iterationCount {
                finished = .iterationLimit
            } else { finished = nil }
            if communicator.isRoot, let checkpointURL {
                history[history.count - 1].seconds = Self.seconds(since: iterationBegan)
                try TrainingCheckpoint(fingerprint: fingerprint, modelFormat: Model.fileFormat, completedIterations: iteration + 1,
                                       history: history, stopReason: finished, model: bytes).write(to: checkpointURL)
            }
            record.seconds = Self.seconds(since: iterationBegan)
            history[history.count - 1] = record
            secondsRun.append(record.seconds)
            let mean = secondsRun.reduce(0, +) / Double(secondsRun.count)
            progress?(EMProgress(record: record, iterationCount: options.iterationCount, report: report,
                                        elapsedSeconds: Self.seconds(since: began),
                                        remainingSecondsAtMost: mean * Double(options.iterationCount - iteration - 1),
                                        processCount: communicator.size, stopReason: finished))
            if let finished {
                stopReason = finished
                break
            }
        }
        return EMFit(model: model, history: history, reports: reports, stopReason: stopReason)
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
