import HMMKitMixtures
import HMMKitNumerics

/// The M-step of ``MixtureEmissions``: per state and component, weights, means and covariances
/// from the stacked statistics (occupancy n, Σγx, Σγx² or Σγxxᵀ, all Double), by the chosen
/// ``EmissionEstimator``; then the variance floor, and starved components kept as they were.
///
/// The covariance terms use the scatter around a centre c, `Σγ(x − c)(x − c)ᵀ =
/// Σγxxᵀ − (Σγx)cᵀ − c(Σγx)ᵀ + n·ccᵀ`: c is the new mean (maximum likelihood, hmmlearn
/// GaussianHMM) or the mean before the update (hmmlearn GMMHMM, which centres on it).
struct MixtureEmissionUpdate<Scalar: MatrixScalar> {
    let emissions: MixtureEmissions<Scalar>
    let statistics: GaussianMixtureStatistics
    let options: HMMUpdateOptions

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func run() throws(HMMError) -> (MixtureEmissions<Scalar>, EmissionUpdateReport) {
        let s = emissions.stateCount, m = emissions.componentsPerState, d = emissions.dimension
        let type = emissions.covarianceType
        let stackedFull = type == .full || type == .tied
        guard statistics.componentCount == s * m, statistics.dimension == d,
              statistics.covarianceType == (type == .tied ? .full : type) else {
            throw .shapeMismatch("statistics of \(statistics.componentCount) \(statistics.covarianceType) components of dimension "
                + "\(statistics.dimension) cannot update \(s) states × \(m) \(type) components of dimension \(d)")
        }
        let values = statistics.values
        let occupancyAt = statistics.occupancyOffset, firstAt = statistics.firstOrderOffset
        let secondAt = statistics.secondOrderOffset
        func occupancy(_ g: Int) -> Double { values[occupancyAt + g] }
        func first(_ g: Int, _ j: Int) -> Double { values[firstAt + g * d + j] }
        func second(_ g: Int, _ i: Int, _ j: Int) -> Double {
            stackedFull ? values[secondAt + g * d * d + i * d + j] : values[secondAt + g * d + j]
        }
        let floors = varianceFloors(second: second, first: first, occupancy: occupancy, components: s * m, dimension: d)
        let update = options.parameters
        var report = EmissionUpdateReport()
        var mixtures: [GaussianMixture<Scalar>] = []
        for state in 0..<s {
            let old = emissions.mixtures[state]
            let base = state * m
            let stateOccupancy = (0..<m).reduce(0.0) { $0 + occupancy(base + $1) }
            let starved = (0..<m).filter { occupancy(base + $0) <= options.minimumOccupancy }
            for c in starved {
                report.starvedComponents.append(StarvedComponent(state: state, component: c, occupancy: occupancy(base + c)))
            }
            guard starved.count < m else {
                mixtures.append(old)
                continue
            }
            let oldMeans = (0..<m).map { c in (0..<d).map { Double(old.means[c, $0]) } }
            let oldWeights = old.weights.map(Double.init)

            // Weights.
            var weights = oldWeights
            if update.contains(.weights) {
                switch options.estimator {
                case .hmmlearnGMMHMM(let priors):
                    let excess = priors.weightsPrior - 1
                    weights = (0..<m).map { (occupancy(base + $0) + excess) / (stateOccupancy + Double(m) * excess) }
                case .maximumLikelihood, .hmmlearnGaussianHMM:
                    weights = (0..<m).map { starved.contains($0) ? oldWeights[$0] : occupancy(base + $0) / stateOccupancy }
                }
                let total = weights.reduce(0, +)
                weights = weights.map { $0 / total }
            }

            // Means.
            var means = oldMeans
            let (meanPrior, meanWeight): (Double, Double)
            switch options.estimator {
            case .maximumLikelihood: (meanPrior, meanWeight) = (0, 0)
            case .hmmlearnGaussianHMM(let priors): (meanPrior, meanWeight) = (priors.meansPrior, priors.meansWeight)
            case .hmmlearnGMMHMM(let priors): (meanPrior, meanWeight) = (priors.meansPrior, priors.meansWeight)
            }
            if update.contains(.means) {
                for c in 0..<m where !starved.contains(c) {
                    let n = occupancy(base + c)
                    var denominator = meanWeight + n
                    if case .hmmlearnGMMHMM = options.estimator, weights[c] == 0, (0..<d).allSatisfy({ first(base + c, $0) == 0 }) {
                        denominator = 1
                    }
                    means[c] = (0..<d).map { (meanWeight * meanPrior + first(base + c, $0)) / denominator }
                }
            }

            // Covariances: per component `d` variances or a `d × d` matrix (tied: one per state).
            // Previous covariances only where the update keeps them (covariances not updated, or
            // a starved component of an untied mixture); every other entry is written below.
            let updatesCovariances = update.contains(.covariances)
            var covariances = (0..<m).map { c -> [Double] in
                updatesCovariances && (type == .tied || !starved.contains(c)) ? [] : GaussianMixtureUpdate.previousCovariance(old, component: c)
            }
            if update.contains(.covariances) {
                let centres: [[Double]]
                if case .hmmlearnGMMHMM = options.estimator { centres = oldMeans } else { centres = means }
                func scatter(_ c: Int, _ i: Int, _ j: Int) -> Double {
                    let g = base + c, centre = centres[c]
                    return second(g, i, j) - first(g, i) * centre[j] - centre[i] * first(g, j) + occupancy(g) * centre[i] * centre[j]
                }
                func pull(_ c: Int, _ i: Int, _ j: Int) -> Double {
                    meanWeight * (means[c][i] - meanPrior) * (means[c][j] - meanPrior)
                }
                let dd = Double(d), mm = Double(m)
                switch type {
                case .diagonal, .spherical:
                    for c in 0..<m where !starved.contains(c) {
                        let n = occupancy(base + c)
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
                        if type == .spherical {
                            let average = variances.reduce(0, +) / dd
                            covariances[c] = [floored(average, floor: floors.map { $0.reduce(0, +) / dd }, report: &report)]
                        } else {
                            covariances[c] = (0..<d).map { floored(variances[$0], floor: floors?[$0], report: &report) }
                        }
                    }
                case .full:
                    for c in 0..<m where !starved.contains(c) {
                        let n = occupancy(base + c)
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
                        floorDiagonal(&matrix, dimension: d, floors: floors, report: &report)
                        covariances[c] = matrix
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
                    for c in 0..<m {
                        for i in 0..<d { for j in 0..<d { matrix[i * d + j] += pull(c, i, j) + scatter(c, i, j) } }
                    }
                    for k in matrix.indices { matrix[k] /= denominator }
                    floorDiagonal(&matrix, dimension: d, floors: floors, report: &report)
                    covariances = Array(repeating: matrix, count: m)
                }
            }
            do {
                mixtures.append(try makeMixture(weights: weights, means: means, covariances: covariances, type: type, dimension: d))
            } catch { throw .emission(state: state, error) }
        }
        return (try MixtureEmissions(mixtures, backend: emissions.backend), report)
    }

    /// Per-dimension floors: ``HMMUpdateOptions/varianceFloor`` times the global variance of the
    /// data the statistics summarise (all states and components together), or nil.
    private func varianceFloors(second: (Int, Int, Int) -> Double, first: (Int, Int) -> Double, occupancy: (Int) -> Double,
                                components: Int, dimension d: Int) -> [Double]? {
        guard let fraction = options.varianceFloor, fraction > 0 else { return nil }
        let total = (0..<components).reduce(0.0) { $0 + occupancy($1) }
        guard total > 0 else { return nil }
        return (0..<d).map { j in
            var sum = 0.0, square = 0.0
            for g in 0..<components {
                sum += first(g, j)
                square += second(g, j, j)
            }
            let mean = sum / total
            return fraction * max(square / total - mean * mean, 0)
        }
    }

    private func floored(_ value: Double, floor: Double?, report: inout EmissionUpdateReport) -> Double {
        guard let floor, value < floor else { return value }
        report.flooredVarianceCount += 1
        return floor
    }

    private func floorDiagonal(_ matrix: inout [Double], dimension d: Int, floors: [Double]?, report: inout EmissionUpdateReport) {
        guard let floors else { return }
        for i in 0..<d { matrix[i * d + i] = floored(matrix[i * d + i], floor: floors[i], report: &report) }
    }

    private func makeMixture(weights: [Double], means: [[Double]], covariances: [[Double]], type: CovarianceType,
                             dimension d: Int) throws(MixtureError) -> GaussianMixture<Scalar> {
        let m = weights.count
        let meanMatrix = Matrix<Scalar>(rowCount: m, columnCount: d, elements: means.flatMap { $0.map { Scalar($0) } })
        let covariance: Covariances<Scalar>
        switch type {
        case .diagonal:
            covariance = .diagonal(Matrix(rowCount: m, columnCount: d, elements: covariances.flatMap { $0.map { Scalar($0) } }))
        case .spherical: covariance = .spherical(covariances.map { Scalar($0[0]) })
        case .full: covariance = .full(covariances.map { Matrix(rowCount: d, columnCount: d, elements: $0.map { Scalar($0) }) })
        case .tied: covariance = .tied(Matrix(rowCount: d, columnCount: d, elements: covariances[0].map { Scalar($0) }))
        }
        return try GaussianMixture(weights: weights.map { Scalar($0) }, means: meanMatrix, covariances: covariance,
                                   backend: emissions.backend)
    }
}
