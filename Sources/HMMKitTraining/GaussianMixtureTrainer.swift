import Foundation
import HMMKitMixtures
import HMMKitNumerics

/// How EM starts.
public enum MixtureInitialization<Scalar: MatrixScalar>: Sendable {
    /// k-means++ seeding, then k-means (Lloyd, distances by GEMM); each component's parameters
    /// are then estimated from its cluster (scikit-learn's default `init_params='kmeans'`).
    case kMeansPlusPlus
    /// K distinct random frames as means, the global covariance for every component, equal weights.
    case randomFromData
    /// Start from these parameters.
    case given(GaussianMixture<Scalar>)
    /// Grow from one Gaussian by splitting the heaviest component (means ± 0.2 σ along its
    /// largest-variance dimension, as HTK's `HHEd MU` and Kaldi's `--mix-up` do), with
    /// `iterationsPerSplit` EM iterations after each split.
    case split(iterationsPerSplit: Int)
}

/// Options of ``GaussianMixtureTrainer``. Defaults follow scikit-learn where it has one.
public struct GaussianMixtureTrainingOptions: Sendable {
    /// K.
    public var componentCount: Int
    /// The covariance structure.
    public var covarianceType: CovarianceType
    /// EM iterations at most (scikit-learn's `max_iter`, default 100).
    public var maxIterations: Int = 100
    /// Stop when the mean log-likelihood per frame changes by less than this (scikit-learn's `tol`).
    public var tolerance: Double = 1e-3
    /// Independent starts; the best final lower bound wins (scikit-learn's `n_init`).
    public var restarts: Int = 1
    /// Lloyd iterations of the k-means initialisation at most (scikit-learn's `max_iter`, 300).
    public var kMeansIterations: Int = KMeans.defaultIterations
    /// The k-means initialisation stops when the centres' total squared movement is at most this
    /// times the data's mean per-dimension variance (scikit-learn's `tol`, 1e-4).
    public var kMeansTolerance: Double = KMeans.defaultTolerance
    /// The M-step's estimator, regularisation, floor and starvation rule (default HMMKit's).
    public var update = GaussianMixtureUpdateOptions.hmmkit
    /// The numerical backend.
    public var backend: ComputeBackend = .default
    /// Worker threads for the E-step (results do not depend on it).
    public var threadCount: Int = 1
    /// The E-step's block and chunk sizes.
    public var partition: WorkPartition = .mixtureEStep

    /// Options for `componentCount` components of `covarianceType`, every other option at its default.
    public init(componentCount: Int, covarianceType: CovarianceType) {
        self.componentCount = componentCount
        self.covarianceType = covarianceType
    }
}

/// The result of ``GaussianMixtureTrainer/fit(_:initialization:using:progress:)``.
public struct GaussianMixtureFit<Scalar: MatrixScalar>: Sendable {
    /// The trained model (after the last M-step).
    public var model: GaussianMixture<Scalar>
    /// Every iteration of the winning start, in order (``IterationRecord/meanLogLikelihood`` is
    /// scikit-learn's `lower_bound_` of that iteration).
    public var history: [IterationRecord]
    /// What each of its M-steps did.
    public var reports: [GaussianMixtureUpdateReport]
    /// Why EM stopped.
    public var stopReason: StopReason
    /// Whether the change in mean log-likelihood fell below the tolerance (false when EM merely
    /// ran out of iterations — unlike hmmlearn's monitor).
    public var converged: Bool { stopReason == .converged }
    /// Iterations run by the winning start (scikit-learn's `n_iter_`).
    public var iterationCount: Int { history.count }
    /// The last iteration's mean log-likelihood per frame (scikit-learn's `lower_bound_`).
    public var lowerBound: Double { history.last?.meanLogLikelihood ?? -.infinity }
}

/// EM training of a Gaussian mixture: the initialisations, restarts and the re-seeding of
/// starved components, around ``EMDriver`` (which runs the E-step, M-step and convergence rule).
public struct GaussianMixtureTrainer<Scalar: MatrixScalar>: Sendable {
    /// Components, covariance, iterations, initialisation and the M-step.
    public var options: GaussianMixtureTrainingOptions

    /// A trainer with `options`.
    public init(options: GaussianMixtureTrainingOptions) { self.options = options }

    /// Fits a mixture to `data` (`[N × D]`).
    /// - Parameters:
    ///   - data: the frames, `[N × D]`, N ≥ K.
    ///   - initialization: how EM starts (default k-means++).
    ///   - generator: the only source of randomness: the same seed gives the same model.
    ///   - progress: called after every iteration (from the calling thread).
    /// - Throws: ``/HMMKitMixtures/MixtureError`` for non-finite data, fewer frames than components, a given model
    ///   of another shape, or a covariance that stays singular.
    public func fit<G: RandomNumberGenerator>(
        _ data: Matrix<Scalar>, initialization: MixtureInitialization<Scalar> = .kMeansPlusPlus,
        using generator: inout G, progress: ((EMProgress<GaussianMixtureUpdateReport>) -> Void)? = nil
    ) throws(MixtureError) -> GaussianMixtureFit<Scalar> {
        let k = options.componentCount
        guard (1...InputLimits.maximumComponentCount).contains(k) else {
            throw .invalidParameter("componentCount must lie in 1…\(InputLimits.maximumComponentCount) (got \(k))")
        }
        guard options.restarts >= 1, options.maxIterations >= 1 else {
            throw .invalidParameter("restarts and maxIterations must be at least 1")
        }
        guard data.rowCount >= 1 else { throw .notEnoughData("the data has no rows (frames); give at least one frame per component") }
        guard data.columnCount >= 1 else { throw .notEnoughData("the data has \(data.rowCount) rows but no columns") }
        try data.requireFiniteData()
        guard data.rowCount >= k else {
            throw .notEnoughData("\(data.rowCount) frame(s) for \(k) components: give at least one frame per component")
        }
        var best: GaussianMixtureFit<Scalar>?
        for _ in 0..<options.restarts {
            let start = try initialModel(data, initialization: initialization, using: &generator)
            let fit = try emFit(data, from: start, iterations: options.maxIterations, progress: progress)
            if best == nil || fit.lowerBound > best!.lowerBound { best = fit }
        }
        return best!
    }

    /// EM from `start` for at most `iterations` iterations on ``EMDriver``: the data are one
    /// sequence held in place, starved components are re-seeded after each M-step (under
    /// ``StarvedComponentPolicy/reseed``), and EM stops when the mean log-likelihood per frame
    /// changes by less than ``GaussianMixtureTrainingOptions/tolerance``.
    func emFit(_ data: Matrix<Scalar>, from start: GaussianMixture<Scalar>, iterations: Int,
               progress: ((EMProgress<GaussianMixtureUpdateReport>) -> Void)?) throws(MixtureError) -> GaussianMixtureFit<Scalar> {
        var driver = EMDriver<GaussianMixture<Scalar>>(
            updateOptions: options.update,
            options: EMOptions(iterationCount: iterations, convergence: .meanLogLikelihoodChange(options.tolerance),
                               threadCount: options.threadCount, chunking: .wholeCorpus, backend: options.backend))
        driver.eStepOptions = MixtureEStepOptions(partition: options.partition)
        if options.update.starvedComponents == .reseed {
            driver.afterUpdate = { previous, next, report throws(TrainingError) in
                guard !report.starvedComponents.isEmpty else { return next }
                do throws(MixtureError) {
                    return try reseed(next, components: report.starvedComponents, data: data, scoredBy: previous)
                } catch { throw .mixture(error) }
            }
        }
        let source = InMemorySequences(stacked: data, lengths: [data.rowCount], namesSequences: false)
        do {
            let fit = try driver.train(from: .fresh(start), source: source, progress: progress)
            return GaussianMixtureFit(model: fit.model, history: fit.history, reports: fit.reports, stopReason: fit.stopReason)
        } catch {
            throw error.mixtureError
        }
    }

    /// The model EM starts from under `initialization` (useful to start several trainers, or
    /// scikit-learn, from the same parameters).
    public func initialModel<G: RandomNumberGenerator>(_ data: Matrix<Scalar>, initialization: MixtureInitialization<Scalar>,
                                                using generator: inout G) throws(MixtureError) -> GaussianMixture<Scalar> {
        let k = options.componentCount, d = data.columnCount
        switch initialization {
        case .given(let model):
            guard model.componentCount == k, model.dimension == d, model.covarianceType == options.covarianceType else {
                throw .shapeMismatch("the initial model has \(model.componentCount) \(model.covarianceType) components of "
                    + "dimension \(model.dimension); expected \(k) \(options.covarianceType) of dimension \(d)")
            }
            return model
        case .kMeansPlusPlus:
            let (_, assignments) = KMeans.centres(data, k: k, iterations: options.kMeansIterations,
                                                  tolerance: options.kMeansTolerance, backend: options.backend,
                                                  using: &generator)
            return try modelFromAssignments(data, assignments: assignments)
        case .randomFromData:
            var rows = Array(0..<data.rowCount)
            rows.shuffle(using: &generator)
            let means = Matrix<Scalar>(rows: rows.prefix(k).map { Array(data[row: $0]) })
            return try GaussianMixture(weights: [Scalar](repeating: 1 / Scalar(k), count: k), means: means,
                                       covariances: globalCovariances(data, components: k), backend: options.backend)
        case .split(let iterationsPerSplit):
            return try grownBySplitting(data, iterationsPerSplit: iterationsPerSplit, using: &generator)
        }
    }

    /// Parameters estimated from hard assignments (one M-step on 0/1 responsibilities); a
    /// starved cluster (empty, or by default a single frame) is re-seeded on a frame the others
    /// explain worst, with the global covariance.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func modelFromAssignments(_ data: Matrix<Scalar>, assignments: [Int]) throws(MixtureError) -> GaussianMixture<Scalar> {
        let k = options.componentCount
        let placeholder = try GaussianMixture(
            weights: [Scalar](repeating: 1 / Scalar(k), count: k),
            means: Matrix(rowCount: k, columnCount: data.columnCount),
            covariances: globalCovariances(data, components: k), backend: options.backend)
        var statistics = GaussianMixtureStatistics(for: placeholder)
        // Hard statistics: accumulate each cluster's frames with weight 1.
        try HardAssignment.accumulate(data, assignments: assignments, into: &statistics)
        var update = options.update
        update.starvedComponents = .reseed
        let (model, report) = try GaussianMixtureUpdate.apply(statistics, to: placeholder, options: update, backend: options.backend)
        if report.starvedComponents.isEmpty { return model }
        return try reseed(model, components: report.starvedComponents, data: data, scoredBy: model)
    }

    /// Moves each starved component onto one of the frames the model explains worst (distinct
    /// frames), with the global covariance and a weight of one frame; weights renormalised.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func reseed(_ model: GaussianMixture<Scalar>, components: [Int], data: Matrix<Scalar>,
                scoredBy scorer: GaussianMixture<Scalar>) throws(MixtureError) -> GaussianMixture<Scalar> {
        let scores = try scorer.scoreSamples(data, backend: options.backend)
        let worst = scores.indices.sorted { scores[$0] < scores[$1] }
        let k = model.componentCount
        var means = model.means
        var weights = model.weights.map(Double.init)
        let global = globalCovariances(data, components: k)
        var covariances = model.covariances
        for (slot, c) in components.enumerated() where slot < worst.count {
            means[row: c] = data[row: worst[slot]]
            weights[c] = 1 / Double(data.rowCount)
            switch (covariances, global) {
            case (.full(var matrices), .full(let fallback)): matrices[c] = fallback[c]; covariances = .full(matrices)
            case (.diagonal(var variances), .diagonal(let fallback)):
                variances[row: c] = fallback[row: c]; covariances = .diagonal(variances)
            case (.spherical(var variances), .spherical(let fallback)): variances[c] = fallback[c]; covariances = .spherical(variances)
            default: break  // tied: the shared covariance stays
            }
        }
        let total = weights.reduce(0, +)
        return try GaussianMixture(weights: weights.map { Scalar($0 / total) }, means: means, covariances: covariances,
                                   backend: options.backend)
    }

    /// The data's covariance (plus regCovar) in the configured structure, for every component.
    /// One pass for the mean, one SYRK of the centred data for the covariance.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func globalCovariances(_ data: Matrix<Scalar>, components k: Int) -> Covariances<Scalar> {
        let n = data.rowCount, d = data.columnCount
        var mean = [Double](repeating: 0, count: d)
        var centred = Matrix<Double>(rowCount: n, columnCount: d)
        data.withUnsafeElements { x in
            for row in 0..<n { for j in 0..<d { mean[j] += Double(x[row * d + j]) } }
            for j in 0..<d { mean[j] /= Double(max(n, 1)) }
            centred.withUnsafeMutableElements { c in
                for row in 0..<n { for j in 0..<d { c[row * d + j] = Double(x[row * d + j]) - mean[j] } }
            }
        }
        var covariance = Matrix<Double>(rowCount: d, columnCount: d)
        // Shapes are consistent by construction.
        try! options.backend.symmetricRankUpdate(centred, transposed: true, alpha: 1 / Double(max(n, 1)), into: &covariance)
        for i in 0..<d { covariance[i, i] += options.update.regCovar }
        let full = covariance.converted(to: Scalar.self)
        let variances = (0..<d).map { Scalar(covariance[$0, $0]) }
        switch options.covarianceType {
        case .full: return .full([Matrix<Scalar>](repeating: full, count: k))
        case .tied: return .tied(full)
        case .diagonal: return .diagonal(Matrix(rows: [[Scalar]](repeating: variances, count: k)))
        case .spherical:
            let average = variances.reduce(0, +) / Scalar(d)
            return .spherical([Scalar](repeating: average, count: k))
        }
    }

    /// Mixture splitting: one Gaussian, then repeatedly split the heaviest component until K.
    func grownBySplitting<G: RandomNumberGenerator>(_ data: Matrix<Scalar>, iterationsPerSplit: Int,
                                                    using generator: inout G) throws(MixtureError) -> GaussianMixture<Scalar> {
        var growing = self
        growing.options.componentCount = 1
        var model = try growing.modelFromAssignments(data, assignments: [Int](repeating: 0, count: data.rowCount))
        while model.componentCount < options.componentCount {
            model = try MixtureSplitting.splitHeaviest(model, backend: options.backend)
            growing.options.componentCount = model.componentCount
            if iterationsPerSplit > 0 {
                model = try growing.emFit(data, from: model, iterations: iterationsPerSplit, progress: nil).model
            }
        }
        return model
    }
}

