import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

/// How ``HMMKitMarkov/HiddenMarkovModel/fitted(to:lengths:options:progress:)`` runs Baum-Welch.
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
    /// mixture grows to the given number of components (e.g. `[4: 2, 8: 4]`);
    /// ``/HMMKitMarkov/MixtureEmissions`` only. Training does not stop on the tolerance before the iteration after the last split.
    public var mixtureSplits: [Int: Int] = [:]

    /// Options with the given values (defaults: hmmlearn's 10 iterations and tolerance 0.01,
    /// scaled forward-backward, one thread, HMMKit's M-step, no mixture splits).
    public init(iterationCount: Int = 10, tolerance: Double = 1e-2, implementation: ForwardBackwardImplementation = .scaled,
                threadCount: Int = 1, update: HMMUpdateOptions = HMMUpdateOptions()) {
        self.iterationCount = iterationCount
        self.tolerance = tolerance
        self.implementation = implementation
        self.threadCount = threadCount
        self.update = update
    }
}

/// The result of Baum-Welch training.
public struct HMMFit<Emissions: EmissionModel>: Sendable {
    /// The model after the last M-step.
    public var model: HiddenMarkovModel<Emissions>
    /// One record per iteration: `history[k].logLikelihood` is `Σ log p(x)` under the model after
    /// k M-steps (hmmlearn's `monitor_.history`).
    public var history: [IterationRecord]
    /// Why training stopped.
    public var stopReason: StopReason
    /// What each M-step did.
    public var reports: [HMMUpdateReport]

    /// Whether the tolerance was reached (hmmlearn's `monitor_.converged` is also true when the
    /// iterations merely ran out).
    public var converged: Bool { stopReason == .converged }
    /// `Σ log p(x)` of every iteration (hmmlearn's `monitor_.history`).
    public var logLikelihoodHistory: [Double] { history.map(\.logLikelihood) }
}

/// Baum-Welch for HMMs whose emissions can be trained (hmmlearn's `fit`).
extension HiddenMarkovModel where Emissions: TrainableEmissions {
    /// Baum-Welch from this model (hmmlearn's `fit(X, lengths)` with `init_params=""`) on
    /// ``EMDriver``: E-step, M-step and convergence test, for at most `options.iterationCount`
    /// iterations, mixtures split before the iterations of ``BaumWelchOptions/mixtureSplits``.
    /// hmmlearn's semantics: `history[k]` is the log-likelihood under the model after k M-steps,
    /// and the model returned has had one more M-step than the last entry measures.
    /// - Parameters:
    ///   - frames: the stacked frames of all sequences, `[N × D]`.
    ///   - lengths: frames per sequence, summing to N.
    ///   - options: iterations, tolerance, threads, the M-step and the mixture-split schedule.
    ///   - progress: called after every iteration, on the calling thread.
    /// - Throws: the errors of
    ///   ``/HMMKitMarkov/HiddenMarkovModel/statistics(of:lengths:weights:implementation:threadCount:partition:)``
    ///   and ``/HMMKitMarkov/HiddenMarkovModel/updated(with:options:)``;
    ///   ``/HMMKitMarkov/HMMError/invalidArgument(_:)`` for a negative iteration count.
    @_specialize(where Emissions == MixtureEmissions<Float>)
    @_specialize(where Emissions == MixtureEmissions<Double>)
    public func fitted(to frames: Matrix<Scalar>, lengths: [Int], options: BaumWelchOptions = BaumWelchOptions(),
                       progress: ((EMProgress<HMMUpdateReport>) -> Void)? = nil) throws(HMMError) -> HMMFit<Emissions> {
        guard options.iterationCount >= 0, options.threadCount >= 1 else {
            throw .invalidArgument("iterationCount must be ≥ 0 and threadCount ≥ 1")
        }
        let driver: EMDriver<HiddenMarkovModel> = options.driver()
        let source = InMemorySequences(stacked: frames, lengths: lengths, namesSequences: false)
        do {
            let fit = try driver.train(from: .fresh(self), source: source, progress: progress)
            return HMMFit(model: fit.model, history: fit.history, stopReason: fit.stopReason, reports: fit.reports)
        } catch {
            throw error.hmmError
        }
    }

    /// ``fitted(to:lengths:options:progress:)`` on separate sequences.
    public func fitted(to sequences: [Matrix<Scalar>], options: BaumWelchOptions = BaumWelchOptions(),
                       progress: ((EMProgress<HMMUpdateReport>) -> Void)? = nil) throws(HMMError) -> HMMFit<Emissions> {
        let (frames, lengths) = try stack(sequences)
        return try fitted(to: frames, lengths: lengths, options: options, progress: progress)
    }
}

extension BaumWelchOptions {
    /// The driver that runs these options: hmmlearn's convergence rule on the total
    /// log-likelihood, never before the iteration after the last scheduled mixture split, the
    /// splits as its ``EMDriver/beforeIteration`` hook, all data in one chunk (set
    /// ``EMOptions/chunking`` to stream).
    public func driver<Emissions: TrainableEmissions>() -> EMDriver<HiddenMarkovModel<Emissions>> {
        let schedule = MixtureSplitSchedule(mixtureSplits)
        var driver = EMDriver<HiddenMarkovModel<Emissions>>(
            updateOptions: update,
            options: EMOptions(iterationCount: iterationCount, convergence: .totalLogLikelihoodGain(tolerance),
                               earliestStop: schedule.earliestStop, threadCount: threadCount, chunking: .wholeCorpus))
        driver.eStepOptions = HMMEStepOptions(implementation: implementation, partition: partition)
        if !mixtureSplits.isEmpty { driver.beforeIteration = schedule.hook() }
        return driver
    }
}

/// Mixture splitting on a schedule: before the iterations listed (0-based), every state's mixture
/// grows to the given number of components (HTK's `HHEd MU`, Kaldi's `gmm-mixup`). The one
/// implementation of a schedule, for any model that can split its mixtures.
public struct MixtureSplitSchedule: Sendable, Hashable {
    /// Iteration (0-based) → components per state from that iteration on.
    public var targets: [Int: Int]

    /// A schedule of `targets` (iteration, 0-based → components per state).
    public init(_ targets: [Int: Int]) { self.targets = targets }

    /// The first iteration after which convergence may stop training (the one after the last split).
    public var earliestStop: Int { targets.keys.max().map { $0 + 1 } ?? 0 }

    /// An ``EMDriver/beforeIteration`` hook that splits at the planned iterations.
    public func hook<Model: MixtureSplittable>() -> (Int, Model) throws(TrainingError) -> Model {
        let targets = self.targets
        return { iteration, model throws(TrainingError) in
            guard let target = targets[iteration] else { return model }
            return try model.splittingMixtures(toComponents: target)
        }
    }
}

/// A model whose Gaussian mixtures can grow by splitting their heaviest components.
public protocol MixtureSplittable: EMModel {
    /// The model with every mixture grown to `componentCount` components.
    func splittingMixtures(toComponents componentCount: Int) throws(TrainingError) -> Self
}

/// An HMM splits every state's mixture at once (its heaviest components, HTK's `HHEd MU`).
extension HiddenMarkovModel: MixtureSplittable where Emissions: TrainableEmissions {
    public func splittingMixtures(toComponents componentCount: Int) throws(TrainingError) -> HiddenMarkovModel {
        do { return try splittingMixtures(to: componentCount) } catch { throw .hmm(error) }
    }
}

extension ModelSet: MixtureSplittable where Model: MixtureSplittable {
    /// Every member still training grown to `componentCount` components.
    public func splittingMixtures(toComponents componentCount: Int) throws(TrainingError) -> ModelSet {
        try map { _, model throws(TrainingError) in try model.splittingMixtures(toComponents: componentCount) }
    }
}
