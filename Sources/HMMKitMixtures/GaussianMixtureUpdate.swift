import HMMKitNumerics

/// How an update treats a component whose occupancy `Σₙ γₙₖ` is below the threshold.
public enum StarvedComponentPolicy: String, Codable, Sendable, CaseIterable {
    /// Keep its previous parameters and report it (the trainer then re-seeds it from the
    /// worst-explained frames, see ``GaussianMixtureTrainer``).
    case reseed
    /// Drop it; the remaining weights are renormalised.
    case remove
    /// Update it like any other (scikit-learn's behaviour; `regCovar` keeps it finite).
    case keep
}

/// Options of the maximum-likelihood update. Defaults follow scikit-learn (`reg_covar = 1e-6`)
/// with HMMKit's guards on top; ``scikitLearn`` turns the guards off to reproduce it exactly.
public struct GaussianMixtureUpdateOptions: Sendable, Equatable, Codable {
    /// Added to every variance (the diagonal of every covariance), as scikit-learn's `reg_covar`.
    public var regCovar: Double = 1e-6
    /// HTK-style variance floor: variances below this fraction of the data's global variance
    /// (per dimension) are raised to it; nil turns it off. HTK's `HCompV -f` default is 0.01.
    public var varianceFloorFraction: Double? = nil
    /// Components with `Σₙ γₙₖ` below this are starved (default: one frame's worth).
    public var minimumOccupancy: Double = 1
    /// What happens to starved components.
    public var starvedComponents: StarvedComponentPolicy = .reseed

    public init() {}

    /// scikit-learn's `GaussianMixture` M-step exactly: `reg_covar` only, no floor, no guard.
    public static var scikitLearn: GaussianMixtureUpdateOptions {
        var options = GaussianMixtureUpdateOptions()
        options.minimumOccupancy = 0
        options.starvedComponents = .keep
        return options
    }
}

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

/// The maximum-likelihood M-step: statistics in, a new model and a report out.
public enum GaussianMixtureUpdate {
    /// The model that maximises the likelihood of `statistics` (with the regularisation in
    /// `options`), by scikit-learn's `_m_step` formulas from sufficient statistics (scikit-learn
    /// forms full covariances in two passes over the data, `Σγ(x−μ)(x−μ)ᵀ/nₖ`; the one-pass form
    /// here agrees with it to about 1e-13 on the reference fixtures):
    /// `nₖ = Σγ + 10·ε`, `w = nₖ / Σnₖ`, `μ = Σγx / nₖ`, covariance `Σγxxᵀ/nₖ − μμᵀ + regCovar·I`
    /// (diagonal: the diagonal of that; spherical: its mean over dimensions; tied:
    /// `(Σxxᵀ − Σₖ nₖμₖμₖᵀ) / Σnₖ + regCovar·I`).
    ///
    /// - Parameters:
    ///   - previous: the model the statistics were gathered with; starved components keep its
    ///     parameters under ``StarvedComponentPolicy/reseed``.
    /// - Throws: ``MixtureError/statisticsMismatch(_:)`` for statistics of another shape;
    ///   ``MixtureError/singularCovariance(component:detail:)`` if a covariance stays singular.
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
        let values = statistics.values
        let occupancyOffset = statistics.occupancyOffset, firstOffset = statistics.firstOrderOffset
        let secondOffset = statistics.secondOrderOffset
        let epsilon = 10 * Double.ulpOfOne  // scikit-learn: nk = resp.sum(0) + 10 * eps
        let occupancy = (0..<k).map { values[occupancyOffset + $0] + epsilon }
        let starved = (0..<k).filter { values[occupancyOffset + $0] < options.minimumOccupancy }
        let totalOccupancy = occupancy.reduce(0, +)

        var means = [[Double]](repeating: [Double](repeating: 0, count: d), count: k)
        for c in 0..<k { for j in 0..<d { means[c][j] = values[firstOffset + c * d + j] / occupancy[c] } }

        // The global per-dimension variance, for the floor.
        var floors: [Double]? = nil
        if let fraction = options.varianceFloorFraction, fraction > 0 {
            floors = (0..<d).map { j in
                var sum = 0.0, square = 0.0
                for c in 0..<k {
                    sum += values[firstOffset + c * d + j]
                    switch type {
                    case .full: square += values[secondOffset + c * d * d + j * d + j]
                    case .diagonal, .spherical: square += values[secondOffset + c * d + j]
                    case .tied: if c == 0 { square = values[secondOffset + j * d + j] }
                    }
                }
                let mean = sum / totalOccupancy
                return fraction * max(square / totalOccupancy - mean * mean, 0)
            }
        }
        var floored = 0
        func floorVariance(_ value: Double, dimension j: Int) -> Double {
            guard let floors, value < floors[j] else { return value }
            floored += 1
            return floors[j]
        }

        var covariances: [[Double]] = []  // per component: d*d (full/tied) or d (diag/spherical)
        switch type {
        case .diagonal, .spherical:
            for c in 0..<k {
                var variances = (0..<d).map { j -> Double in
                    let mean = means[c][j]
                    let average = values[secondOffset + c * d + j] / occupancy[c]
                    return average - 2 * mean * mean + mean * mean + options.regCovar
                }
                if type == .spherical {
                    let average = variances.reduce(0, +) / Double(d)
                    variances = [floorVariance(average, dimension: 0)]
                } else {
                    variances = variances.enumerated().map { floorVariance($1, dimension: $0) }
                }
                covariances.append(variances)
            }
        case .full:
            for c in 0..<k {
                var matrix = [Double](repeating: 0, count: d * d)
                for i in 0..<d {
                    for j in 0..<d {
                        matrix[i * d + j] = values[secondOffset + c * d * d + i * d + j] / occupancy[c] - means[c][i] * means[c][j]
                    }
                    matrix[i * d + i] = floorVariance(matrix[i * d + i] + options.regCovar, dimension: i)
                }
                covariances.append(matrix)
            }
        case .tied:
            var matrix = [Double](repeating: 0, count: d * d)
            for i in 0..<d {
                for j in 0..<d {
                    var between = 0.0
                    for c in 0..<k { between += occupancy[c] * means[c][i] * means[c][j] }
                    matrix[i * d + j] = (values[secondOffset + i * d + j] - between) / totalOccupancy
                }
                matrix[i * d + i] = floorVariance(matrix[i * d + i] + options.regCovar, dimension: i)
            }
            covariances.append(matrix)
        }

        var weights = occupancy.map { $0 / totalOccupancy }
        var keep = Array(0..<k)
        var removed: [Int] = []
        switch options.starvedComponents {
        case .keep:
            break
        case .reseed:
            // Starved components keep their previous parameters (weights renormalised below).
            for c in starved {
                means[c] = (0..<d).map { Double(previous.means[c, $0]) }
                weights[c] = Double(previous.weights[c])
                if type != .tied { covariances[c] = previousCovariance(previous, component: c) }
            }
        case .remove:
            guard starved.count < k else {
                throw .notEnoughData("every component has an occupancy below \(options.minimumOccupancy)")
            }
            removed = starved
            keep = (0..<k).filter { !starved.contains($0) }
        }
        let weightTotal = keep.reduce(0) { $0 + weights[$1] }
        let meansMatrix = Matrix<Scalar>(rowCount: keep.count, columnCount: d,
                                         elements: keep.flatMap { c in means[c].map { Scalar($0) } })
        let newCovariances: Covariances<Scalar>
        switch type {
        case .full:
            newCovariances = .full(keep.map { Matrix(rowCount: d, columnCount: d, elements: covariances[$0].map { Scalar($0) }) })
        case .diagonal:
            newCovariances = .diagonal(Matrix(rowCount: keep.count, columnCount: d,
                                              elements: keep.flatMap { covariances[$0].map { Scalar($0) } }))
        case .spherical:
            newCovariances = .spherical(keep.map { Scalar(covariances[$0][0]) })
        case .tied:
            newCovariances = .tied(Matrix(rowCount: d, columnCount: d, elements: covariances[0].map { Scalar($0) }))
        }
        let model = try GaussianMixture(weights: keep.map { Scalar(weights[$0] / weightTotal) }, means: meansMatrix,
                                        covariances: newCovariances, backend: backend)
        let report = GaussianMixtureUpdateReport(
            meanLogLikelihood: statistics.frameCount > 0 ? statistics.logLikelihood / statistics.frameCount : -.infinity,
            flooredVarianceCount: floored, starvedComponents: starved, starvedPolicy: options.starvedComponents,
            removedComponents: removed)
        return (model, report)
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
