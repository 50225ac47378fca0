import HMMKitNumerics
import RealModule

/// scikit-learn's scoring and sampling API on a fitted mixture. Every method checks the data's
/// dimension and finiteness and throws ``MixtureError`` otherwise.
extension GaussianMixture {
    /// `log p(xₙ)` for every frame of `data` (`[N × D]`): scikit-learn's `score_samples`.
    /// - Throws: ``MixtureError/nonFiniteScore(row:value:)`` for a frame whose log-density is not
    ///   finite (never returned as a number).
    public func scoreSamples(_ data: Matrix<Scalar>, backend: ComputeBackend = .default) throws(MixtureError) -> [Double] {
        var result = [Double]()
        result.reserveCapacity(data.rowCount)
        try forEachBlock(of: data, backend: backend) { workspace, _ in
            result.append(contentsOf: workspace.frameLogLikelihoods.map(Double.init))
        }
        if let row = result.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteScore(row: row, value: result[row]) }
        return result
    }

    /// Mean log-likelihood per frame of `data`: scikit-learn's `score`.
    public func score(_ data: Matrix<Scalar>, backend: ComputeBackend = .default) throws(MixtureError) -> Double {
        let samples = try scoreSamples(data, backend: backend)
        guard !samples.isEmpty else { throw .notEnoughData("score needs at least one frame") }
        return samples.reduce(0, +) / Double(samples.count)
    }

    /// Posterior component probabilities `p(k | xₙ)`, `[N × K]`: scikit-learn's `predict_proba`.
    public func predictProbabilities(_ data: Matrix<Scalar>, backend: ComputeBackend = .default) throws(MixtureError) -> Matrix<Scalar> {
        var result = Matrix<Scalar>(rowCount: data.rowCount, columnCount: componentCount)
        let k = componentCount
        try forEachBlock(of: data, backend: backend) { workspace, rows in
            workspace.logDensities.withUnsafeElements { source in
                result.withUnsafeMutableElements { target in
                    (target.baseAddress! + rows.lowerBound * k).update(from: source.baseAddress!, count: rows.count * k)
                }
            }
        }
        return result
    }

    /// The most likely component of every frame: scikit-learn's `predict`.
    public func predict(_ data: Matrix<Scalar>, backend: ComputeBackend = .default) throws(MixtureError) -> [Int] {
        let probabilities = try predictProbabilities(data, backend: backend)
        return (0..<data.rowCount).map { row in
            var best = 0
            for c in 1..<max(componentCount, 1) where probabilities[row, c] > probabilities[row, best] { best = c }
            return best
        }
    }

    /// Bayesian information criterion of `data`: `−2·Σ log p(xₙ) + p·log N` (lower is better).
    public func bic(_ data: Matrix<Scalar>, backend: ComputeBackend = .default) throws(MixtureError) -> Double {
        let n = Double(data.rowCount)
        return -2 * (try score(data, backend: backend)) * n + Double(parameterCount) * Double.log(n)
    }

    /// Akaike information criterion of `data`: `−2·Σ log p(xₙ) + 2p` (lower is better).
    public func aic(_ data: Matrix<Scalar>, backend: ComputeBackend = .default) throws(MixtureError) -> Double {
        -2 * (try score(data, backend: backend)) * Double(data.rowCount) + 2 * Double(parameterCount)
    }

    /// `count` frames drawn from the mixture with `generator`, and the component of each:
    /// scikit-learn's `sample`. Components by their weights, then `μ + L·z` with `Σ = L·Lᵀ`.
    public func sample<G: RandomNumberGenerator>(count: Int, using generator: inout G) -> (frames: Matrix<Scalar>, components: [Int]) {
        precondition(count >= 0, "sample count must be non-negative (got \(count))")
        let d = dimension
        let factors: [Matrix<Double>] = (0..<componentCount).map { c in
            let covariance = covariances.matrix(component: c, dimension: d).converted(to: Double.self)
            // The model's covariances were factorised when it was built, so this cannot fail.
            return try! ComputeBackend.reference.choleskyFactor(covariance)
        }
        var frames = Matrix<Scalar>(rowCount: count, columnCount: d)
        var components = [Int](repeating: 0, count: count)
        let cumulative = weights.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + Double($1)) }
        for row in 0..<count {
            let u = Double.random(in: 0..<(cumulative.last ?? 1), using: &generator)
            let c = cumulative.firstIndex { u < $0 } ?? componentCount - 1
            components[row] = c
            let z = (0..<d).map { _ in GaussianSampler.standardNormal(using: &generator) }
            for i in 0..<d {
                var value = Double(means[c, i])
                for j in 0...i { value += factors[c][i, j] * z[j] }
                frames[row, i] = Scalar(value)
            }
        }
        return (frames, components)
    }

    /// Scores `data` block by block (checked first), handing each block's workspace — with
    /// responsibilities in `logDensities` and `log p(xₙ)` in `frameLogLikelihoods` — to `body`.
    func forEachBlock(of data: Matrix<Scalar>, backend: ComputeBackend, rowsPerBlock: Int = 1024,
                      _ body: (MixtureWorkspace<Scalar>, Range<Int>) -> Void) throws(MixtureError) {
        guard data.columnCount == dimension else { throw .dimensionMismatch(model: dimension, data: data.columnCount) }
        try data.requireFiniteData()
        let workspace = MixtureWorkspace<Scalar>(scoringOnly: true)
        for start in stride(from: 0, to: data.rowCount, by: rowsPerBlock) {
            let rows = start..<min(start + rowsPerBlock, data.rowCount)
            workspace.select(data, rows: rows)
            weightedLogDensities(workspace, backend: backend)
            normalizeToResponsibilities(workspace, backend: backend)
            body(workspace, rows)
        }
    }
}

/// Standard normal draws (Box–Muller) from any generator, for sampling and initialisation.
enum GaussianSampler {
    static func standardNormal<G: RandomNumberGenerator>(using generator: inout G) -> Double {
        let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
        let v = Double.random(in: 0..<1, using: &generator)
        return (-2 * Double.log(u)).squareRoot() * Double.cos(2 * Double.pi * v)
    }
}
