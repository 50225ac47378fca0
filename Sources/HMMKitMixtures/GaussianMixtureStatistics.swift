import HMMKitNumerics

/// Sufficient statistics of a Gaussian mixture over some frames (Kaldi's `AccumDiagGmm` /
/// `AccumFullGmm`): occupancies `Σₙ γₙₖ`, first-order sums `Σₙ γₙₖ xₙ`, second-order sums, the
/// total log-likelihood and the frame count — all in Double, in **one contiguous buffer**, so
/// merging is `+`, scaling is `*`, and a cluster reduction is one all-reduce of ``values``.
///
/// Second-order sums by covariance type: full `Σₙ γₙₖ xₙxₙᵀ` (`K × D × D`), diagonal and spherical
/// `Σₙ γₙₖ xₙ²` (`K × D`), tied `Σₙ xₙxₙᵀ` (`D × D`: responsibilities sum to 1 per frame).
public struct GaussianMixtureStatistics: Sendable, Equatable, Codable {
    /// Components, K.
    public let componentCount: Int
    /// Dimension, D.
    public let dimension: Int
    /// The covariance structure the second-order sums serve.
    public let covarianceType: CovarianceType
    /// `[frames, log-likelihood, occupancies (K), first order (K·D), second order (…)]`.
    public private(set) var values: [Double]

    /// Zero statistics for a model of this shape.
    public init(componentCount: Int, dimension: Int, covarianceType: CovarianceType) {
        self.componentCount = componentCount
        self.dimension = dimension
        self.covarianceType = covarianceType
        let second: Int
        switch covarianceType {
        case .full: second = componentCount * dimension * dimension
        case .diagonal, .spherical: second = componentCount * dimension
        case .tied: second = dimension * dimension
        }
        values = [Double](repeating: 0, count: 2 + componentCount * (1 + dimension) + second)
    }

    /// Zero statistics shaped like `model`.
    public init<S>(for model: GaussianMixture<S>) {
        self.init(componentCount: model.componentCount, dimension: model.dimension,
                  covarianceType: model.covarianceType)
    }

    // MARK: Layout

    package static let framesIndex = 0
    static let logLikelihoodIndex = 1
    package var occupancyOffset: Int { 2 }
    package var firstOrderOffset: Int { 2 + componentCount }
    package var secondOrderOffset: Int { 2 + componentCount * (1 + dimension) }

    /// Frames accumulated (a Double, so that scaled or weighted statistics stay exact).
    public var frameCount: Double { values[Self.framesIndex] }
    /// `Σₙ log p(xₙ)` under the model the statistics were gathered with.
    public var logLikelihood: Double { values[Self.logLikelihoodIndex] }
    /// `Σₙ γₙₖ`, `[K]`.
    public var occupancies: ArraySlice<Double> { values[occupancyOffset..<firstOrderOffset] }
    /// `Σₙ γₙₖ xₙ`, component k's D values at `k·D`.
    public var firstOrder: ArraySlice<Double> { values[firstOrderOffset..<secondOrderOffset] }
    /// The second-order sums (layout above).
    public var secondOrder: ArraySlice<Double> { values[secondOrderOffset...] }

    /// Whether two statistics can be added: same K, D and covariance type.
    public func isCompatible(with other: GaussianMixtureStatistics) -> Bool {
        componentCount == other.componentCount && dimension == other.dimension
            && covarianceType == other.covarianceType
    }

    /// Adds `other` (same shape) into these statistics.
    /// - Throws: ``MixtureError/statisticsMismatch(_:)`` for another shape.
    public mutating func add(_ other: GaussianMixtureStatistics, scale: Double = 1) throws(MixtureError) {
        guard isCompatible(with: other) else {
            throw .statisticsMismatch("cannot add \(other.componentCount)-component \(other.covarianceType) statistics "
                + "of dimension \(other.dimension) to \(componentCount)-component \(covarianceType) ones of dimension \(dimension)")
        }
        values.withUnsafeMutableBufferPointer { target in
            other.values.withUnsafeBufferPointer { source in
                for i in 0..<target.count { target[i] += scale * source[i] }
            }
        }
    }

    /// The sum of two statistics of the same shape (traps on a shape mismatch: check
    /// ``isCompatible(with:)`` or use ``add(_:scale:)`` for data from outside).
    public static func + (lhs: GaussianMixtureStatistics, rhs: GaussianMixtureStatistics) -> GaussianMixtureStatistics {
        var sum = lhs
        do { try sum.add(rhs) } catch { preconditionFailure("\(error)") }
        return sum
    }

    /// The statistics scaled by `factor` (all sums, frame count and log-likelihood).
    public static func * (lhs: GaussianMixtureStatistics, factor: Double) -> GaussianMixtureStatistics {
        var scaled = lhs
        scaled.values = lhs.values.map { $0 * factor }
        return scaled
    }

    /// Direct access for the accumulation kernels.
    package mutating func withUnsafeMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Double>) -> R) -> R {
        values.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Restores statistics from their flat values (e.g. after an MPI all-reduce).
    /// - Throws: ``MixtureError/statisticsMismatch(_:)`` when the count does not fit the shape.
    public mutating func replaceValues(with newValues: [Double]) throws(MixtureError) {
        guard newValues.count == values.count else {
            throw .statisticsMismatch("expected \(values.count) values, got \(newValues.count)")
        }
        values = newValues
    }
}
