import Foundation
import HMMKitNumerics

/// How ``HiddenMarkovModel/fitted(to:lengths:options:progress:)`` runs Baum-Welch.
public struct BaumWelchOptions: Sendable, Hashable {
    /// EM iterations, at most (hmmlearn's `n_iter`, default 10).
    public var iterationCount: Int = 10
    /// Stop when the log-likelihood rises by less than this between two iterations (raw, as
    /// hmmlearn's `tol`, default 0.01). `-.infinity` runs every iteration.
    public var tolerance: Double = 1e-2
    /// The forward-backward implementation (default scaled; log space is the reference).
    public var implementation: ForwardBackwardImplementation = .scaled
    /// Worker threads of the E-step (statistics are bitwise the same for any count).
    public var threadCount: Int = 1
    /// How sequences are cut into chunks and blocks.
    public var partition = WorkPartition()
    /// The M-step.
    public var update = HMMUpdateOptions()
    /// Mixture splitting during training: before the iterations listed (0-based), every state's
    /// mixture grows to the given number of components (e.g. `[4: 2, 8: 4]`); ``MixtureEmissions``
    /// only. Training does not stop on the tolerance before the iteration after the last split.
    public var mixtureSplits: [Int: Int] = [:]

    public init(iterationCount: Int = 10, tolerance: Double = 1e-2, implementation: ForwardBackwardImplementation = .scaled,
                threadCount: Int = 1, update: HMMUpdateOptions = HMMUpdateOptions()) {
        self.iterationCount = iterationCount
        self.tolerance = tolerance
        self.implementation = implementation
        self.threadCount = threadCount
        self.update = update
    }
}

/// Why training stopped.
public enum StopReason: String, Sendable, Codable, Hashable {
    /// The log-likelihood rose by less than the tolerance.
    case converged
    /// The iteration budget ran out first.
    case iterationLimit
}

/// The record of a Baum-Welch run (hmmlearn's `monitor_`), with an honest ``converged``.
public struct ConvergenceMonitor: Sendable, Codable, Hashable {
    /// The tolerance used.
    public var tolerance: Double
    /// The iteration budget.
    public var iterationCount: Int
    /// `history[k]`: `Σ log p(x)` under the model after k M-steps.
    public var history: [Double] = []
    /// Why training stopped (nil while running).
    public var stopReason: StopReason?

    public init(tolerance: Double, iterationCount: Int) {
        self.tolerance = tolerance
        self.iterationCount = iterationCount
    }

    /// Whether the tolerance was reached (hmmlearn's `converged` is also true when the
    /// iterations merely ran out).
    public var converged: Bool { stopReason == .converged }
    /// Iterations run.
    public var iterations: Int { history.count }

    /// Records an iteration's log-likelihood; returns true when the tolerance is reached.
    mutating func record(_ logLikelihood: Double) -> Bool {
        history.append(logLikelihood)
        guard history.count >= 2 else { return false }
        return history[history.count - 1] - history[history.count - 2] < tolerance
    }
}

/// Progress of one Baum-Welch iteration, for display.
public struct BaumWelchProgress: Sendable, Codable, Equatable {
    /// 1-based iteration number.
    public var iteration: Int
    /// The iteration budget.
    public var iterationCount: Int
    /// `Σ log p(x)` under the model before this iteration's M-step.
    public var logLikelihood: Double
    /// Frames processed in this iteration.
    public var frameCount: Double
    /// Its wall-clock time in seconds.
    public var seconds: Double
    /// The update's report.
    public var report: HMMUpdateReport

    /// Mean log-likelihood per frame.
    public var logLikelihoodPerFrame: Double { frameCount > 0 ? logLikelihood / frameCount : -.infinity }
}

/// The result of Baum-Welch training.
public struct HMMFit<Emissions: EmissionModel>: Sendable {
    /// The model after the last M-step.
    public var model: HiddenMarkovModel<Emissions>
    /// The log-likelihood history and why training stopped.
    public var monitor: ConvergenceMonitor
    /// What each M-step did.
    public var reports: [HMMUpdateReport]
}

extension HiddenMarkovModel {
    /// Baum-Welch from this model (hmmlearn's `fit(X, lengths)` with `init_params=""`): E-step,
    /// M-step and convergence test, for at most `options.iterationCount` iterations. hmmlearn's
    /// semantics: `history[k]` is the log-likelihood under the model after k M-steps, and the
    /// model returned has had one more M-step than the last entry measures.
    /// - Parameters:
    ///   - progress: called after every iteration, on the calling thread.
    /// - Throws: the errors of ``statistics(of:lengths:implementation:threadCount:partition:)`` and
    ///   ``updated(with:options:)``; ``HMMError/invalidArgument(_:)`` for a negative iteration count.
    @_specialize(where Emissions == MixtureEmissions<Float>)
    @_specialize(where Emissions == MixtureEmissions<Double>)
    public func fitted(to frames: Matrix<Scalar>, lengths: [Int], options: BaumWelchOptions = BaumWelchOptions(),
                       progress: ((BaumWelchProgress) -> Void)? = nil) throws(HMMError) -> HMMFit<Emissions> {
        guard options.iterationCount >= 0, options.threadCount >= 1 else {
            throw .invalidArgument("iterationCount must be ≥ 0 and threadCount ≥ 1")
        }
        var model = self
        var monitor = ConvergenceMonitor(tolerance: options.tolerance, iterationCount: options.iterationCount)
        var reports: [HMMUpdateReport] = []
        for iteration in 0..<options.iterationCount {
            let started = DispatchTime.now().uptimeNanoseconds
            if let target = options.mixtureSplits[iteration] { model = try model.splittingMixtures(to: target) }
            let statistics = try model.statistics(of: frames, lengths: lengths, implementation: options.implementation,
                                                  threadCount: options.threadCount, partition: options.partition)
            let (next, report) = try model.updated(with: statistics, options: options.update)
            model = next
            reports.append(report)
            let reached = monitor.record(report.logLikelihood)
            progress?(BaumWelchProgress(iteration: iteration + 1, iterationCount: options.iterationCount,
                                        logLikelihood: report.logLikelihood, frameCount: report.frameCount,
                                        seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, report: report))
            // Convergence counts only after the last scheduled mixture split: the split iteration's
            // likelihood belongs to another model than the one before it, so its change is no test.
            if reached && !options.mixtureSplits.keys.contains(where: { $0 >= iteration }) {
                monitor.stopReason = .converged
                break
            }
        }
        if monitor.stopReason == nil { monitor.stopReason = .iterationLimit }
        return HMMFit(model: model, monitor: monitor, reports: reports)
    }

    /// ``fitted(to:lengths:options:progress:)`` on separate sequences.
    public func fitted(to sequences: [Matrix<Scalar>], options: BaumWelchOptions = BaumWelchOptions(),
                       progress: ((BaumWelchProgress) -> Void)? = nil) throws(HMMError) -> HMMFit<Emissions> {
        let (frames, lengths) = try stack(sequences)
        return try fitted(to: frames, lengths: lengths, options: options, progress: progress)
    }

    /// The model with mixtures grown to `componentCount` per state (``MixtureEmissions`` only;
    /// other emissions throw ``HMMError/invalidArgument(_:)``).
    package func splittingMixtures(to componentCount: Int) throws(HMMError) -> HiddenMarkovModel {
        guard let mixtures = emissions as? MixtureEmissions<Scalar> else {
            throw .invalidArgument("mixture splitting needs Gaussian-mixture emissions")
        }
        guard let grown = try mixtures.splitting(to: componentCount) as? Emissions else {
            throw .invalidArgument("mixture splitting needs Gaussian-mixture emissions")
        }
        return try HiddenMarkovModel(chain: chain, emissions: grown)
    }
}
