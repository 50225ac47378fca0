import HMMKitNumerics

/// What an update did.
public struct GaussianMixtureUpdateReport: Sendable, Equatable, Codable {
    /// Mean log-likelihood per frame of the statistics (under the model they were gathered with).
    public var meanLogLikelihood: Double
    /// Variances raised to the floor, over all components and dimensions.
    public var flooredVarianceCount: Int
    /// Components below the occupancy threshold, with their occupancy.
    public var starvedComponents: [Int]
    /// What was done to them.
    public var starvedPolicy: StarvedComponentPolicy
    /// Components removed (indices in the previous model), when the policy is ``StarvedComponentPolicy/remove``.
    public var removedComponents: [Int]
}

/// Which Gaussian parameters an update re-estimates; the others keep their previous values.
public struct GaussianParameters: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Mixture weights.
    public static let weights = GaussianParameters(rawValue: 1 << 0)
    /// Means.
    public static let means = GaussianParameters(rawValue: 1 << 1)
    /// Covariances.
    public static let covariances = GaussianParameters(rawValue: 1 << 2)
    /// All three.
    public static let all: GaussianParameters = [.weights, .means, .covariances]
}

/// One mixture's re-estimated parameters, in Double, before they become a model.
package struct GaussianEstimate: Sendable {
    /// `[M]`, summing to one.
    package var weights: [Double]
    /// `[M][D]`.
    package var means: [[Double]]
    /// Per component: D variances (diagonal), one (spherical) or a row-major `D × D` matrix
    /// (full; tied: the shared matrix in every entry).
    package var covariances: [[Double]]
    /// Components at or below the occupancy threshold (indices within the mixture).
    package var starved: [Int]
    /// Variances raised to the floor.
    package var flooredVarianceCount: Int

    /// The mixture of the listed components (all by default); weights renormalised over them.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package func mixture<S: MatrixScalar>(_: S.Type, type: CovarianceType, keeping components: [Int]? = nil,
                                          backend: ComputeBackend) throws(MixtureError) -> GaussianMixture<S> {
        let keep = components ?? Array(weights.indices)
        let d = means.first?.count ?? 0
        var kept = keep.map { weights[$0] }
        if keep.count < weights.count {
            let total = kept.reduce(0, +)
            kept = kept.map { $0 / total }
        }
        let meanMatrix = Matrix<S>(rowCount: keep.count, columnCount: d, elements: keep.flatMap { means[$0].map { S($0) } })
        let covariance: Covariances<S>
        switch type {
        case .diagonal:
            covariance = .diagonal(Matrix(rowCount: keep.count, columnCount: d,
                                          elements: keep.flatMap { covariances[$0].map { S($0) } }))
        case .spherical: covariance = .spherical(keep.map { S(covariances[$0][0]) })
        case .full: covariance = .full(keep.map { Matrix(rowCount: d, columnCount: d, elements: covariances[$0].map { S($0) }) })
        case .tied: covariance = .tied(Matrix(rowCount: d, columnCount: d, elements: covariances[0].map { S($0) }))
        }
        return try GaussianMixture(weights: kept.map { S($0) }, means: meanMatrix, covariances: covariance, backend: backend)
    }
}

/// The M-step of Gaussian mixtures, wherever they are (a ``GaussianMixture``, every state of an
/// HMM's emissions): statistics in, new parameters and a report out, by one estimator with the
/// options of ``GaussianMixtureUpdateOptions``.
public enum GaussianMixtureUpdate {
    /// The model `statistics` give under `options` (the formulas of
    /// ``GaussianMixtureUpdateOptions/estimator``, then `regCovar` and the variance floor), with
    /// starved components kept, removed or updated as the options say. Cholesky factors of the
    /// new covariances by LAPACK's `potrf` (accelerated backend) or in Swift (reference).
    ///
    /// - Parameters:
    ///   - statistics: sums gathered with `previous` (its K components in D dimensions).
    ///   - previous: the model the statistics were gathered with; starved components keep its
    ///     parameters under ``StarvedComponentPolicy/reseed``.
    ///   - options: the estimator, regularisation, floor and starvation rule.
    ///   - backend: the backend the new model's caches are built on.
    /// - Throws: ``MixtureError/statisticsMismatch(_:)`` for statistics of another shape;
    ///   ``MixtureError/notEnoughData(_:)`` when ``StarvedComponentPolicy/remove`` would remove
    ///   every component; ``MixtureError/singularCovariance(component:detail:)`` if a covariance
    ///   stays singular.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func apply<Scalar: MatrixScalar>(
        _ statistics: GaussianMixtureStatistics, to previous: GaussianMixture<Scalar>,
        options: GaussianMixtureUpdateOptions = GaussianMixtureUpdateOptions(), backend: ComputeBackend = .default
    ) throws(MixtureError) -> (model: GaussianMixture<Scalar>, report: GaussianMixtureUpdateReport) {
        let k = statistics.componentCount, d = statistics.dimension, type = statistics.covarianceType
        guard k == previous.componentCount, d == previous.dimension, type == previous.covarianceType else {
            throw .statisticsMismatch("statistics for \(k) \(type) components of dimension \(d) cannot update a model of "
                + "\(previous.componentCount) \(previous.covarianceType) components of dimension \(previous.dimension)")
        }
        let estimate = estimate(statistics, components: 0, previous: previous,
                                floors: varianceFloors(statistics, fraction: options.varianceFloor), options: options)
        var removed: [Int] = []
        if options.starvedComponents == .remove {
            guard estimate.starved.count < k else {
                throw .notEnoughData("every component has an occupancy at or below \(options.minimumOccupancy)")
            }
            removed = estimate.starved
        }
        let model = try estimate.mixture(Scalar.self, type: type, keeping: (0..<k).filter { !removed.contains($0) },
                                         backend: backend)
        let report = GaussianMixtureUpdateReport(
            meanLogLikelihood: statistics.frameCount > 0 ? statistics.logLikelihood / statistics.frameCount : -.infinity,
            flooredVarianceCount: estimate.flooredVarianceCount, starvedComponents: estimate.starved,
            starvedPolicy: options.starvedComponents, removedComponents: removed)
        return (model, report)
    }

    /// Per-dimension floors: `fraction` times the global variance of the data `statistics`
    /// summarise (all components together), or nil when `fraction` is nil or 0, or the
    /// statistics hold no occupancy.
    package static func varianceFloors(_ statistics: GaussianMixtureStatistics, fraction: Double?) -> [Double]? {
        guard let fraction, fraction > 0 else { return nil }
        let k = statistics.componentCount, d = statistics.dimension, values = statistics.values
        let occupancyAt = statistics.occupancyOffset, firstAt = statistics.firstOrderOffset
        let secondAt = statistics.secondOrderOffset, layout = statistics.covarianceType
        let total = (0..<k).reduce(0.0) { $0 + values[occupancyAt + $1] }
        guard total > 0 else { return nil }
        return (0..<d).map { j in
            var sum = 0.0, square = 0.0
            for g in 0..<k {
                sum += values[firstAt + g * d + j]
                switch layout {
                case .full: square += values[secondAt + g * d * d + j * d + j]
                case .diagonal, .spherical: square += values[secondAt + g * d + j]
                case .tied: if g == 0 { square = values[secondAt + j * d + j] }
                }
            }
            let mean = sum / total
            return fraction * max(square / total - mean * mean, 0)
        }
    }

    /// The parameters of one mixture, components `base ..< base + M` of `statistics` (M, D and
    /// the covariance type from `previous`; second-order sums per component, or for a tied
    /// mixture either those or the shared `Σxxᵀ` of tied statistics).
    ///
    /// Covariances use the scatter around a centre c, `Σγ(x − c)(x − c)ᵀ = Σγxxᵀ − (Σγx)cᵀ −
    /// c(Σγx)ᵀ + n·ccᵀ`: c is the new mean, except for hmmlearn's `GMMHMM`, which centres on the
    /// previous one. With occupancy `n` (`+ 10ε` under ``StarvedComponentPolicy/keep``):
    /// - maximum likelihood: `w = n / Σn`, `μ = Σγx / n`, covariance `scatter / n` (tied:
    ///   `Σₖ scatterₖ / Σn`; spherical: the diagonal's mean), scikit-learn's `_m_step`;
    /// - hmmlearn's estimators: the formulas of ``GaussianHMMPriors`` and ``GMMHMMPriors``;
    /// then `regCovar` on every variance, then the floor (`floors[j]`; spherical: their mean).
    /// Starved components (occupancy `≤ minimumOccupancy`) keep `previous`'s weight, mean and
    /// covariance unless the policy is ``StarvedComponentPolicy/keep``; when all are, the
    /// estimate is `previous` itself.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func estimate<Scalar: MatrixScalar>(
        _ statistics: GaussianMixtureStatistics, components base: Int, previous: GaussianMixture<Scalar>,
        floors: [Double]?, options: GaussianMixtureUpdateOptions, parameters: GaussianParameters = .all
    ) -> GaussianEstimate {
        let m = previous.componentCount, d = previous.dimension, type = previous.covarianceType
        let values = statistics.values, layout = statistics.covarianceType
        let occupancyAt = statistics.occupancyOffset + base, firstAt = statistics.firstOrderOffset + base * d
        let secondAt = statistics.secondOrderOffset
        let updatesStarved = options.starvedComponents == .keep
        let epsilon = updatesStarved ? 10 * Double.ulpOfOne : 0  // scikit-learn: nk = resp.sum(0) + 10 * eps
        let occupancy = (0..<m).map { values[occupancyAt + $0] + epsilon }
        let starved = (0..<m).filter { values[occupancyAt + $0] <= options.minimumOccupancy }
        let oldMeans = (0..<m).map { c in (0..<d).map { Double(previous.means[c, $0]) } }
        let oldWeights = previous.weights.map(Double.init)
        var estimate = GaussianEstimate(weights: oldWeights, means: oldMeans,
                                        covariances: (0..<m).map { previousCovariance(previous, component: $0) },
                                        starved: starved, flooredVarianceCount: 0)
        guard updatesStarved || starved.count < m else { return estimate }
        let fed = (0..<m).map { updatesStarved || !starved.contains($0) }
        func first(_ c: Int, _ j: Int) -> Double { values[firstAt + c * d + j] }
        // Σγxxᵀ of component c; 0 for tied statistics, whose shared sum enters once (below).
        func second(_ c: Int, _ i: Int, _ j: Int) -> Double {
            switch layout {
            case .full: return values[secondAt + (base + c) * d * d + i * d + j]
            case .diagonal, .spherical: return values[secondAt + (base + c) * d + j]
            case .tied: return 0
            }
        }
        let stateOccupancy = occupancy.reduce(0, +)

        if parameters.contains(.weights) {
            var weights: [Double]
            if case .hmmlearnGMMHMM(let priors) = options.estimator {
                let excess = priors.weightsPrior - 1
                weights = (0..<m).map { (occupancy[$0] + excess) / (stateOccupancy + Double(m) * excess) }
            } else {
                weights = (0..<m).map { fed[$0] ? occupancy[$0] / stateOccupancy : oldWeights[$0] }
            }
            let total = weights.reduce(0, +)
            estimate.weights = weights.map { $0 / total }
        }

        let (meanPrior, meanWeight): (Double, Double)
        switch options.estimator {
        case .maximumLikelihood: (meanPrior, meanWeight) = (0, 0)
        case .hmmlearnGaussianHMM(let priors): (meanPrior, meanWeight) = (priors.meansPrior, priors.meansWeight)
        case .hmmlearnGMMHMM(let priors): (meanPrior, meanWeight) = (priors.meansPrior, priors.meansWeight)
        }
        if parameters.contains(.means) {
            for c in 0..<m where fed[c] {
                var denominator = meanWeight + occupancy[c]
                if case .hmmlearnGMMHMM = options.estimator, estimate.weights[c] == 0, (0..<d).allSatisfy({ first(c, $0) == 0 }) {
                    denominator = 1  // hmmlearn's guard for a component without frames
                }
                estimate.means[c] = (0..<d).map { (meanWeight * meanPrior + first(c, $0)) / denominator }
            }
        }
        guard parameters.contains(.covariances) else { return estimate }

        let means = estimate.means
        let centres: [[Double]]
        if case .hmmlearnGMMHMM = options.estimator { centres = oldMeans } else { centres = means }
        func scatter(_ c: Int, _ i: Int, _ j: Int) -> Double {
            let centre = centres[c]
            return second(c, i, j) - first(c, i) * centre[j] - centre[i] * first(c, j) + occupancy[c] * centre[i] * centre[j]
        }
        func pull(_ c: Int, _ i: Int, _ j: Int) -> Double {
            meanWeight * (means[c][i] - meanPrior) * (means[c][j] - meanPrior)
        }
        func floored(_ value: Double, _ floor: Double?) -> Double {
            guard let floor, value < floor else { return value }
            estimate.flooredVarianceCount += 1
            return floor
        }
        func regularisedDiagonal(_ matrix: inout [Double]) {
            for i in 0..<d { matrix[i * d + i] = floored(matrix[i * d + i] + options.regCovar, floors?[i]) }
        }
        let dd = Double(d), mm = Double(m)
        switch type {
        case .diagonal, .spherical:
            for c in 0..<m where fed[c] {
                let n = occupancy[c]
                var variances = [Double](repeating: 0, count: d)
                switch options.estimator {
                case .maximumLikelihood:
                    for j in 0..<d { variances[j] = scatter(c, j, j) / n }
                case .hmmlearnGaussianHMM(let priors):
                    let denominator = max(max(priors.covarianceWeight - 1, 0) + n, 1e-5)
                    for j in 0..<d { variances[j] = (priors.covariancePrior + pull(c, j, j) + scatter(c, j, j)) / denominator }
                case .hmmlearnGMMHMM(let priors):
                    if type == .diagonal {
                        let alpha = priors.covariancePrior ?? -1.5, beta = priors.covarianceWeight ?? 0
                        for j in 0..<d { variances[j] = (pull(c, j, j) + 2 * beta + scatter(c, j, j)) / (n + 1 + 2 * (alpha + 1)) }
                    } else {
                        let alpha = priors.covariancePrior ?? -(mm + 2) / 2, beta = priors.covarianceWeight ?? 0
                        var numerator = 2 * beta
                        for j in 0..<d { numerator += pull(c, j, j) + scatter(c, j, j) }
                        variances = [Double](repeating: numerator / (dd * (n + 1) + 2 * (alpha + 1)), count: d)
                    }
                }
                for j in 0..<d { variances[j] += options.regCovar }
                if type == .spherical {
                    estimate.covariances[c] = [floored(variances.reduce(0, +) / dd, floors.map { $0.reduce(0, +) / dd })]
                } else {
                    estimate.covariances[c] = (0..<d).map { floored(variances[$0], floors?[$0]) }
                }
            }
        case .full:
            for c in 0..<m where fed[c] {
                let n = occupancy[c]
                let (prior, denominator): (Double, Double)
                switch options.estimator {
                case .maximumLikelihood: (prior, denominator) = (0, n)
                case .hmmlearnGaussianHMM(let priors):
                    (prior, denominator) = (priors.covariancePrior, max(priors.covarianceWeight - dd, 0) + n)
                case .hmmlearnGMMHMM(let priors):
                    let nu = priors.covarianceWeight ?? -(dd + 2)
                    (prior, denominator) = (priors.covariancePrior ?? 0, n + 1 + nu + dd + 1)
                }
                var matrix = [Double](repeating: 0, count: d * d)
                for i in 0..<d { for j in 0..<d { matrix[i * d + j] = (prior + pull(c, i, j) + scatter(c, i, j)) / denominator } }
                mirrorLowerTriangle(&matrix, dimension: d)
                regularisedDiagonal(&matrix)
                estimate.covariances[c] = matrix
            }
        case .tied:
            let (prior, denominator): (Double, Double)
            switch options.estimator {
            case .maximumLikelihood: (prior, denominator) = (0, stateOccupancy)
            case .hmmlearnGaussianHMM(let priors):
                (prior, denominator) = (priors.covariancePrior, max(priors.covarianceWeight - dd, 0) + stateOccupancy)
            case .hmmlearnGMMHMM(let priors):
                let nu = priors.covarianceWeight ?? -(mm + dd + 1)
                (prior, denominator) = (priors.covariancePrior ?? 0, stateOccupancy + mm + nu + dd + 1)
            }
            var matrix = [Double](repeating: prior, count: d * d)
            if layout == .tied {
                for index in matrix.indices { matrix[index] += values[secondAt + index] }
            }
            for c in 0..<m {
                for i in 0..<d { for j in 0..<d { matrix[i * d + j] += pull(c, i, j) + scatter(c, i, j) } }
            }
            for index in matrix.indices { matrix[index] /= denominator }
            mirrorLowerTriangle(&matrix, dimension: d)
            regularisedDiagonal(&matrix)
            estimate.covariances = Array(repeating: matrix, count: m)
        }
        return estimate
    }

    /// Copies the lower triangle of a `[d × d]` matrix onto the upper one: the two sums of a
    /// covariance entry round differently, and a new model accepts only symmetric matrices
    /// (the lower triangle is the one factorised, so scoring is unchanged).
    static func mirrorLowerTriangle(_ matrix: inout [Double], dimension d: Int) {
        for i in 0..<d { for j in 0..<i { matrix[j * d + i] = matrix[i * d + j] } }
    }

    /// Component c's previous covariance, flattened as the update stores it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func previousCovariance<Scalar>(_ model: GaussianMixture<Scalar>, component c: Int) -> [Double] {
        switch model.covariances {
        case .full(let matrices): return matrices[c].elements.map(Double.init)
        case .diagonal(let variances): return variances[row: c].map(Double.init)
        case .spherical(let variances): return [Double(variances[c])]
        case .tied(let matrix): return matrix.elements.map(Double.init)
        }
    }
}
