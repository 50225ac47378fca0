import RealModule

/// The sufficient statistics of feature-space MLLR (constrained MLLR, Gales 1998; Kaldi's
/// `FmllrDiagGmmAccs`) against diagonal-covariance Gaussians, with `ξ = [x; 1]`:
///
/// - `β = Σ γ` (occupancy),
/// - `Kᵢ = Σ γ·μᵢ/σ²ᵢ·ξᵀ` (row i of `[D × (D+1)]`),
/// - `Gᵢ = Σ γ/σ²ᵢ·ξξᵀ` (one `(D+1) × (D+1)` matrix per dimension i),
///
/// summed over frames and the Gaussians they are assigned to. Additive over disjoint data
/// (`+`), so statistics from several threads, files or processes combine before one estimate.
/// Given them, the auxiliary function of a transform `W = [A | b]` is
/// `Q(W) = β·log|det A| + Σᵢ (wᵢ·Kᵢ − ½·wᵢ Gᵢ wᵢᵀ)`, which equals the adapted log-likelihood up
/// to a constant.
public struct FMLLRStatistics: Sendable, Equatable, Codable {
    /// D.
    public let dimension: Int
    /// β, the frames' total occupancy.
    public internal(set) var occupancy: Double
    /// K, row-major `D × (D+1)`.
    var linear: [Double]
    /// G₀ … G_{D−1}, each row-major `(D+1) × (D+1)`.
    var quadratic: [Double]

    /// Statistics with every sum zero.
    public init(dimension: Int) {
        precondition(dimension >= 1, "fMLLR statistics need a dimension ≥ 1")
        self.dimension = dimension
        occupancy = 0
        linear = [Double](repeating: 0, count: dimension * (dimension + 1))
        quadratic = [Double](repeating: 0, count: dimension * (dimension + 1) * (dimension + 1))
    }

    /// Adds `other`.
    /// - Throws: ``AdaptationError/incompatibleStatistics(_:)`` for another dimension.
    public mutating func merge(_ other: FMLLRStatistics) throws(AdaptationError) {
        guard other.dimension == dimension else {
            throw .incompatibleStatistics("dimension \(other.dimension) added to dimension \(dimension)")
        }
        occupancy += other.occupancy
        for k in linear.indices { linear[k] += other.linear[k] }
        for k in quadratic.indices { quadratic[k] += other.quadratic[k] }
    }

    /// The sum of two sets of statistics of the same dimension.
    public static func + (lhs: FMLLRStatistics, rhs: FMLLRStatistics) -> FMLLRStatistics {
        var sum = lhs
        do { try sum.merge(rhs) } catch { preconditionFailure("\(error)") }
        return sum
    }

    /// `Q(W)` (see the type's documentation); −∞ for a singular `A`.
    public func objective(_ transform: AffineFeatureTransform) -> Double {
        let d = dimension, width = d + 1
        var total = occupancy == 0 ? 0 : occupancy * transform.logAbsDeterminant
        for i in 0..<d {
            let w = transform.matrix[(i * width)..<((i + 1) * width)]
            var linearTerm = 0.0, quadraticTerm = 0.0
            for j in 0..<width {
                let wj = w[w.startIndex + j]
                linearTerm += wj * linear[i * width + j]
                var row = 0.0
                for k in 0..<width { row += quadratic[(i * width + j) * width + k] * w[w.startIndex + k] }
                quadraticTerm += wj * row
            }
            total += linearTerm - quadraticTerm / 2
        }
        return total
    }

    /// The transform that maximises ``objective(_:)``, by Gales' row-by-row update: each row
    /// `wᵢ = (α·pᵢ + Kᵢ)·Gᵢ⁻¹` with `pᵢ` the cofactor row of `A` and α the root of
    /// `α²·pGᵢ⁻¹pᵀ + α·pGᵢ⁻¹Kᵢᵀ − β = 0` that raises Q most. Every row update raises Q (or leaves it),
    /// so `iterations` sweeps over the rows cannot make the transform worse than `start`.
    /// - Returns: the transform and the rise of Q per unit of occupancy over `start`; `start`
    ///   (identity by default) unchanged with a rise of 0 when there are no statistics or some Gᵢ
    ///   is singular or nearly so (condition number above 1e12: too few, or too alike, frames to
    ///   determine a full transform).
    public func estimate(from start: AffineFeatureTransform? = nil, iterations: Int = 20) -> (transform: AffineFeatureTransform, gainPerFrame: Double) {
        let d = dimension, width = d + 1
        var transform = start ?? .identity(dimension: d)
        guard occupancy > 0, transform.dimension == d else { return (transform, 0) }
        var inverses: [[Double]] = []
        for i in 0..<d {
            let elements = Array(quadratic[(i * width * width)..<((i + 1) * width * width)])
            let inverse = SmallDenseMatrix(order: width, elements: elements).inverse()
            guard let inverse, SmallDenseMatrix.condition(elements, inverse: inverse, order: width) < 1e12 else { return (transform, 0) }
            inverses.append(inverse)
        }
        let before = objective(transform)
        guard before.isFinite else { return (transform, 0) }
        var p = [Double](repeating: 0, count: width), gp = p, gk = p
        for _ in 0..<max(iterations, 0) {
            for i in 0..<d {
                guard let aInverse = SmallDenseMatrix(order: d, elements: transform.linearPart).inverse() else {
                    return (start ?? .identity(dimension: d), 0)
                }
                // Cofactor row i of A, up to the factor det A: row i of A⁻ᵀ, i.e. column i of A⁻¹.
                for j in 0..<d { p[j] = aInverse[j * d + i] }
                p[d] = 0
                let inverse = inverses[i]
                for r in 0..<width {
                    var sp = 0.0, sk = 0.0
                    for c in 0..<width {
                        sp += inverse[r * width + c] * p[c]
                        sk += inverse[r * width + c] * linear[i * width + c]
                    }
                    gp[r] = sp
                    gk[r] = sk
                }
                var e1 = 0.0, e2 = 0.0
                for r in 0..<width {
                    e1 += p[r] * gp[r]
                    e2 += p[r] * gk[r]
                }
                guard e1 > 0 else { continue }
                let root = (e2 * e2 + 4 * e1 * occupancy).squareRoot()
                let candidates = [(-e2 + root) / (2 * e1), (-e2 - root) / (2 * e1)]
                func rowObjective(_ alpha: Double) -> Double { occupancy * Double.log(abs(alpha * e1 + e2)) - alpha * alpha * e1 / 2 }
                let alpha = rowObjective(candidates[0]) >= rowObjective(candidates[1]) ? candidates[0] : candidates[1]
                // wᵢ = (α p + Kᵢ) Gᵢ⁻¹ = α·G⁻¹p + G⁻¹Kᵢ (G symmetric).
                for c in 0..<width { transform[i, c] = alpha * gp[c] + gk[c] }
            }
        }
        let after = objective(transform)
        guard after.isFinite, after >= before else { return (start ?? .identity(dimension: d), 0) }
        return (transform, (after - before) / occupancy)
    }
}
