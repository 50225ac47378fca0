import HMMKitNumerics
import RealModule

/// A Gaussian mixture model: weights, means and covariances (``CovarianceType``), in `Float` or
/// `Double`, with the caches scoring needs (precision Cholesky factors, log-determinants,
/// per-component constants).
///
/// A model is an immutable value: its caches are built in `init` from the parameters, so they can
/// never be stale. Training produces new models (``GaussianMixtureUpdate``; `GaussianMixtureTrainer` in HMMKitTraining).
/// Shapes: `K` components in `D` dimensions; `means` is `[K × D]`.
public struct GaussianMixture<Scalar: MatrixScalar>: Sendable {
    /// Mixture weights, `[K]`, non-negative, summing to 1.
    public let weights: [Scalar]
    /// Component means, `[K × D]`.
    public let means: Matrix<Scalar>
    /// Component covariances.
    public let covariances: Covariances<Scalar>
    /// The precomputed terms of the log-densities.
    let cache: ScoringCache<Scalar>

    /// The number of components, K.
    public var componentCount: Int { means.rowCount }
    /// The dimension of the data, D.
    public var dimension: Int { means.columnCount }
    /// The covariance structure.
    public var covarianceType: CovarianceType { covariances.type }

    /// A model from its parameters.
    /// - Throws: ``MixtureError`` for inconsistent shapes, weights that are negative or do not sum
    ///   to 1 (within 1e-6), non-finite values, or a covariance that is not positive definite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(weights: [Scalar], means: Matrix<Scalar>, covariances: Covariances<Scalar>,
                backend: ComputeBackend = .default) throws(MixtureError) {
        let k = means.rowCount, d = means.columnCount
        guard k >= 1, d >= 1 else { throw .shapeMismatch("need at least one component and one dimension (got \(k) × \(d) means)") }
        guard weights.count == k else { throw .shapeMismatch("\(weights.count) weights for \(k) components") }
        guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw .invalidParameter("weights must be finite and non-negative (got \(weights))")
        }
        let total = weights.reduce(0, +)
        guard abs(Double(total) - 1) <= 1e-6 * Double(max(k, 1)) else {
            throw .invalidParameter("weights must sum to 1 (got \(Double(total)))")
        }
        if let (component, j, value) = means.firstUnusableValue() {
            throw .invalidParameter("the mean of component \(component) is \(value) in dimension \(j); means must be finite and "
                + "within ±\(InputLimits.maximumFeatureMagnitude)")
        }
        switch covariances {
        case .full(let matrices):
            guard matrices.count == k, matrices.allSatisfy({ $0.rowCount == d && $0.columnCount == d }) else {
                throw .shapeMismatch("full covariances must be \(k) matrices of \(d) × \(d)")
            }
        case .diagonal(let variances):
            guard variances.rowCount == k, variances.columnCount == d else {
                throw .shapeMismatch("diagonal covariances must be \(k) × \(d), got \(variances.rowCount) × \(variances.columnCount)")
            }
        case .spherical(let variances):
            guard variances.count == k else { throw .shapeMismatch("\(variances.count) spherical variances for \(k) components") }
        case .tied(let matrix):
            guard matrix.rowCount == d, matrix.columnCount == d else {
                throw .shapeMismatch("the tied covariance must be \(d) × \(d)")
            }
        }
        try Self.checkCovarianceValues(covariances)
        self.weights = weights
        self.means = means
        self.covariances = covariances
        self.cache = try ScoringCache(weights: weights, means: means, covariances: covariances, backend: backend)
    }

    /// Throws unless every entry of a full or tied covariance is finite, the matrix symmetric (to
    /// a relative 1e-6) and every variance on its diagonal at least ``InputLimits/minimumVariance``
    /// (diagonal and spherical variances are checked by ``ScoringCache``).
    private static func checkCovarianceValues(_ covariances: Covariances<Scalar>) throws(MixtureError) {
        func check(_ matrix: Matrix<Scalar>, component: Int) throws(MixtureError) {
            for i in 0..<matrix.rowCount {
                for j in 0..<matrix.columnCount {
                    let value = Double(matrix[i, j])
                    guard value.isFinite else {
                        throw .invalidParameter("the covariance of component \(component) holds \(value) at [\(i), \(j)]; it must be finite")
                    }
                    if j < i {
                        // Only the lower triangle is factorised: an asymmetric matrix is damaged, not a covariance.
                        let mirror = Double(matrix[j, i])
                        guard abs(value - mirror) <= 1e-6 * max(abs(value), abs(mirror), Double.leastNormalMagnitude) else {
                            throw .invalidParameter("the covariance of component \(component) is not symmetric: [\(i), \(j)] is "
                                + "\(value), [\(j), \(i)] is \(mirror)")
                        }
                    }
                    if i == j {
                        guard value >= InputLimits.minimumVariance else {
                            throw .singularCovariance(component: component, detail: "variance \(value) in dimension \(i); variances must be "
                                + "finite and at least the smallest usable variance \(InputLimits.minimumVariance)")
                        }
                    }
                }
            }
        }
        switch covariances {
        case .full(let matrices):
            for (component, matrix) in matrices.enumerated() { try check(matrix, component: component) }
        case .tied(let matrix): try check(matrix, component: 0)
        case .diagonal, .spherical: break  // checked while the scoring terms are built
        }
    }

    /// Free parameters, as scikit-learn counts them for BIC and AIC:
    /// covariances + means (K·D) + weights (K − 1).
    public var parameterCount: Int {
        covarianceType.covarianceParameterCount(components: componentCount, dimension: dimension)
            + componentCount * dimension + componentCount - 1
    }
}

/// The terms of `log(w_k · N(x | μ_k, Σ_k))` that do not depend on x.
///
/// - diagonal and spherical: `[(2D + 1) × K]` weights of the features `[x, x², 1]`: `μ/σ²`,
///   `−½/σ²` and the constants `log w − ½(D log 2π + Σ log σ² + Σ μ²/σ²)`, so a block of
///   log-densities is one GEMM, constants included (and in the statistics `γᵀ·1` is the occupancy);
/// - tied: the precision Cholesky factor `P` (`Σ⁻¹ = P·Pᵀ`, upper triangular, as scikit-learn's
///   `precisions_cholesky_`), the transformed means `μ·P`, and constants
///   `log w − ½ D log 2π + Σ log diag(P)`; then `log p = c − ½‖x·P − μ·P‖²`;
/// - full: Kaldi's expanded quadratic form, so a block of log-densities is **one** GEMM instead of
///   one per component: with `x' = x − m` (m the weighted mean of the means, which keeps the terms
///   small), `log p = c + x'ᵀΛμ' − ½ x'ᵀΛx'` is the product of the features
///   `[x', x'ᵢx'ⱼ (i ≤ j), 1]` (`D + D(D+1)/2 + 1` of them) with `[Λμ'; −½Λᵢᵢ, −Λᵢⱼ; c]`,
///   `c = log w − ½ D log 2π + ½ log|Λ| − ½ μ'ᵀΛμ'`. The same features give the second-order
///   statistics as one GEMM `γᵀ·features`.
struct ScoringCache<Scalar: MatrixScalar>: Sendable {
    let constants: [Scalar]
    let linearWeights: Matrix<Scalar>?
    /// Tied only: the precision Cholesky factor and the transformed means.
    let precisionCholesky: [Matrix<Scalar>]
    let transformedMeans: Matrix<Scalar>?
    /// Full covariance: the centre m and the `[(D + D(D+1)/2) × K]` weights of the quadratic features.
    let centre: [Scalar]
    let quadraticWeights: Matrix<Scalar>?
    /// ``centre`` in Double, for converting centred statistics back.
    var centreInDouble: [Double] { centreDouble }
    private let centreDouble: [Double]

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    init(weights: [Scalar], means: Matrix<Scalar>, covariances: Covariances<Scalar>,
         backend: ComputeBackend) throws(MixtureError) {
        let k = means.rowCount, d = means.columnCount
        let halfLog2Pi = 0.5 * Double(d) * Double.log(2 * Double.pi)
        var constants = [Scalar](repeating: 0, count: k)
        switch covariances {
        case .diagonal, .spherical:
            var linear = Matrix<Scalar>(rowCount: 2 * d + 1, columnCount: k)  // last row: the constants
            for c in 0..<k {
                var logDeterminant = 0.0, meanTerm = 0.0
                for j in 0..<d {
                    let variance: Double
                    if case .diagonal(let v) = covariances { variance = Double(v[c, j]) } else if case .spherical(let v) = covariances { variance = Double(v[c]) } else { variance = 1 }
                    guard variance >= InputLimits.minimumVariance, variance.isFinite else {
                        throw .singularCovariance(component: c, detail: "variance \(variance) in dimension \(j); variances must be "
                            + "finite and at least the smallest usable variance \(InputLimits.minimumVariance)")
                    }
                    let mean = Double(means[c, j])
                    linear[j, c] = Scalar(mean / variance)
                    linear[d + j, c] = Scalar(-0.5 / variance)
                    logDeterminant += Double.log(variance)
                    meanTerm += mean * mean / variance
                }
                constants[c] = Scalar(Double.log(Double(weights[c])) - halfLog2Pi - 0.5 * logDeterminant - 0.5 * meanTerm)
                linear[2 * d, c] = constants[c]
            }
            self.linearWeights = linear
            self.precisionCholesky = []
            self.transformedMeans = nil
            self.centre = []
            self.centreDouble = []
            self.quadraticWeights = nil
        case .full, .tied:
            let matrices: [Matrix<Scalar>]
            switch covariances {
            case .full(let m): matrices = m
            case .tied(let m): matrices = [m]
            default: matrices = []
            }
            var factors: [Matrix<Scalar>] = []
            for (index, covariance) in matrices.enumerated() {
                do {
                    // Σ = L·Lᵀ  ⇒  Σ⁻¹ = L⁻ᵀ·L⁻¹ = P·Pᵀ with P = L⁻ᵀ (upper triangular).
                    let lower = try backend.choleskyFactor(covariance)
                    var inverse = Matrix<Scalar>.identity(d)
                    try backend.solveTriangular(lower, triangle: .lower, &inverse)
                    factors.append(inverse.transposed())
                } catch {
                    throw .covarianceFactorisation(component: index, error)
                }
            }
            self.linearWeights = nil
            if case .full = covariances {
                // Full: only the expanded quadratic form is kept; the factors served to build it.
                let (centre, weightsMatrix, quadraticConstants) = Self.expandedQuadratic(
                    weights: weights, means: means, factors: factors)
                self.centre = centre
                self.centreDouble = centre.map(Double.init)
                self.quadraticWeights = weightsMatrix
                self.precisionCholesky = []
                self.transformedMeans = nil
                constants = quadraticConstants
            } else {
                // Tied: the one factor P and the transformed means μ·P.
                let factor = factors[0]
                var logDeterminant = 0.0
                for j in 0..<d { logDeterminant += Double.log(Double(factor[j, j])) }
                var transformed = Matrix<Scalar>(rowCount: k, columnCount: d)
                for c in 0..<k {
                    constants[c] = Scalar(Double.log(Double(weights[c])) - halfLog2Pi + logDeterminant)
                    for j in 0..<d {
                        var sum = 0.0
                        for i in 0...j { sum += Double(means[c, i]) * Double(factor[i, j]) }
                        transformed[c, j] = Scalar(sum)
                    }
                }
                self.precisionCholesky = factors
                self.transformedMeans = transformed
                self.centre = []
                self.centreDouble = []
                self.quadraticWeights = nil
            }
        }
        self.constants = constants
        try checkFinite()
    }

    /// Throws unless every cached term is finite in `Scalar`: parameters that pass every other
    /// check can still overflow `Float` (a precision `μ/σ²` past 3.4e38), and would score ±∞.
    private func checkFinite() throws(MixtureError) {
        func finite(_ values: [Scalar]) -> Bool { values.allSatisfy { $0.isFinite } }
        var parts = [constants, centre]
        if let linearWeights { parts.append(linearWeights.elements) }
        if let quadraticWeights { parts.append(quadraticWeights.elements) }
        if let transformedMeans { parts.append(transformedMeans.elements) }
        parts += precisionCholesky.map(\.elements)
        guard parts.allSatisfy(finite) else {
            throw .invalidParameter("the model's scoring terms overflow \(Scalar.precision) precision "
                + "(variances too small for the means' magnitude); use double precision or repair the model")
        }
    }

    /// The centre, feature weights and constants of the expanded quadratic form (see above), in
    /// Double from the precision Cholesky factors.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func expandedQuadratic(weights: [Scalar], means: Matrix<Scalar>, factors: [Matrix<Scalar>])
        -> ([Scalar], Matrix<Scalar>, [Scalar])
    {
        let k = means.rowCount, d = means.columnCount
        let featureCount = d + d * (d + 1) / 2 + 1  // last row: the constants
        var centre = [Double](repeating: 0, count: d)
        for c in 0..<k { for j in 0..<d { centre[j] += Double(weights[c]) * Double(means[c, j]) } }
        var matrix = Matrix<Scalar>(rowCount: featureCount, columnCount: k)
        var constants = [Scalar](repeating: 0, count: k)
        let halfLog2Pi = 0.5 * Double(d) * Double.log(2 * Double.pi)
        for c in 0..<k {
            let p = factors[c]
            // Λ = P·Pᵀ.
            var precision = [Double](repeating: 0, count: d * d)
            for i in 0..<d {
                for j in i..<d {
                    var sum = 0.0
                    for l in j..<d { sum += Double(p[i, l]) * Double(p[j, l]) }
                    precision[i * d + j] = sum
                    precision[j * d + i] = sum
                }
            }
            let shifted = (0..<d).map { Double(means[c, $0]) - centre[$0] }
            var quadratic = 0.0, logDeterminant = 0.0
            for i in 0..<d {
                var linear = 0.0
                for j in 0..<d { linear += precision[i * d + j] * shifted[j] }
                matrix[i, c] = Scalar(linear)
                quadratic += linear * shifted[i]
                logDeterminant += Double.log(Double(p[i, i]))
            }
            var feature = d
            for i in 0..<d {
                for j in i..<d {
                    matrix[feature, c] = Scalar(i == j ? -0.5 * precision[i * d + i] : -precision[i * d + j])
                    feature += 1
                }
            }
            constants[c] = Scalar(Double.log(Double(weights[c])) - halfLog2Pi + logDeterminant - 0.5 * quadratic)
            matrix[featureCount - 1, c] = constants[c]
        }
        return (centre.map { Scalar($0) }, matrix, constants)
    }
}
