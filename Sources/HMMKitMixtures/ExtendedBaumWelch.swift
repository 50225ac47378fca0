import HMMKitNumerics

/// Options of the extended Baum-Welch update (``ExtendedBaumWelch``), the M-step of MMI training.
/// The defaults are those of Povey's thesis (2003, chapters 4 and 5), which Kaldi's
/// `gmm-est-gaussians-ebw` also uses.
public struct ExtendedBaumWelchOptions: Sendable, Hashable, Codable {
    /// E: each Gaussian's smoothing constant D is at least E times its denominator occupancy
    /// (default 2; larger values take smaller, safer steps).
    public var denominatorFactor: Double = 2
    /// τ: I-smoothing, the Gaussian's maximum-likelihood statistics worth τ frames added to its
    /// numerator (default 100), which keeps Gaussians with few frames near their ML estimate.
    public var smoothingFrames: Double = 100

    /// Options with E and τ (defaults 2 and 100).
    public init(denominatorFactor: Double = 2, smoothingFrames: Double = 100) {
        self.denominatorFactor = denominatorFactor
        self.smoothingFrames = smoothingFrames
    }

    /// Every problem with the values, empty when usable.
    public func problems() -> [String] {
        var problems: [String] = []
        if !(denominatorFactor >= 1 && denominatorFactor <= 1e6) {
            problems.append("the EBW constant E must lie in 1…1e6 (got \(denominatorFactor))")
        }
        if !(smoothingFrames >= 0 && smoothingFrames <= 1e9) {
            problems.append("the I-smoothing constant τ must lie in 0…1e9 frames (got \(smoothingFrames))")
        }
        return problems
    }
}

/// What one extended Baum-Welch update did.
public struct ExtendedBaumWelchReport: Sendable, Hashable, Codable {
    /// Gaussians updated (those with neither numerator nor denominator frames keep their parameters).
    public var updatedCount: Int = 0
    /// Gaussians whose D was set by keeping their variances positive (2·D_min above E·γ_den).
    public var positivityLimitedCount: Int = 0
    /// Variances raised to the floor.
    public var flooredVarianceCount: Int = 0

    /// An empty report.
    public init() {}

    /// Adds `other`'s counts.
    public mutating func add(_ other: ExtendedBaumWelchReport) {
        updatedCount += other.updatedCount
        positivityLimitedCount += other.positivityLimitedCount
        flooredVarianceCount += other.flooredVarianceCount
    }
}

/// The extended Baum-Welch update of diagonal Gaussians (Kaldi's `ebw-diag-gmm`): new means and
/// variances from numerator statistics (the frames' posteriors under the correct transcription)
/// and denominator statistics (under all competing ones, weighted by their posteriors), the
/// update that increases the MMI objective for a large enough smoothing constant D:
///
///     μ' = (x_num − x_den + D μ) / (γ_num − γ_den + D)
///     σ'² = (s_num − s_den + D (σ² + μ²)) / (γ_num − γ_den + D) − μ'²
///
/// with x the first-order and s the second-order sums, and, per Gaussian,
/// D = max(E · γ_den, 2 · D_min), D_min the smallest D for which every σ'² is positive.
/// I-smoothing first adds τ frames of the Gaussian's maximum-likelihood statistics (the
/// numerator's own mean and variance; the current parameters when the numerator has no frames)
/// to the numerator. Mixture weights and transitions are not updated here.
public enum ExtendedBaumWelch {
    /// The updated means and variances of G diagonal Gaussians in D dimensions.
    /// - Parameters:
    ///   - means: the current means, `[G × D]` row-major.
    ///   - variances: the current variances, `[G × D]`, positive.
    ///   - numerator: the numerator statistics of the G Gaussians (diagonal layout).
    ///   - denominator: the denominator statistics, same shape.
    ///   - floors: per-dimension variance floors (`[D]`), or nil.
    ///   - options: E and τ.
    /// - Returns: the new means and variances, `[G × D]` each, and the report.
    /// - Throws: ``MixtureError/statisticsMismatch(_:)`` for statistics of another shape or not
    ///   diagonal; ``MixtureError/invalidParameter(_:)`` for a non-positive current variance.
    public static func update(means: [Double], variances: [Double], numerator: GaussianMixtureStatistics,
                              denominator: GaussianMixtureStatistics, floors: [Double]?,
                              options: ExtendedBaumWelchOptions) throws(MixtureError)
        -> (means: [Double], variances: [Double], report: ExtendedBaumWelchReport)
    {
        let g = numerator.componentCount, d = numerator.dimension
        guard numerator.isCompatible(with: denominator), numerator.covarianceType == .diagonal,
              means.count == g * d, variances.count == g * d, floors.map({ $0.count == d }) ?? true else {
            throw .statisticsMismatch("extended Baum-Welch needs diagonal numerator and denominator statistics of one shape "
                + "and \(g) × \(d) means and variances")
        }
        if let bad = variances.firstIndex(where: { !($0 > 0) }) {
            throw .invalidParameter("variance \(bad % d) of Gaussian \(bad / d) is \(variances[bad]); it must be positive")
        }
        var newMeans = means, newVariances = variances, report = ExtendedBaumWelchReport()
        let num = numerator.values, den = denominator.values
        let occupancyAt = numerator.occupancyOffset, firstAt = numerator.firstOrderOffset, secondAt = numerator.secondOrderOffset
        var first = [Double](repeating: 0, count: d), second = [Double](repeating: 0, count: d)
        for gaussian in 0..<g {
            let numeratorCount = num[occupancyAt + gaussian], denominatorCount = den[occupancyAt + gaussian]
            guard numeratorCount > 0 || denominatorCount > 0 else { continue }
            let row = gaussian * d
            // I-smoothing: τ frames of the ML estimate (the numerator's mean and variance).
            let tau = options.smoothingFrames
            let scale = numeratorCount > 0 ? 1 + tau / numeratorCount : 1
            for j in 0..<d {
                var x = num[firstAt + row + j] * scale, s = num[secondAt + row + j] * scale
                if numeratorCount <= 0 {
                    x += tau * means[row + j]
                    s += tau * (variances[row + j] + means[row + j] * means[row + j])
                }
                first[j] = x - den[firstAt + row + j]
                second[j] = s - den[secondAt + row + j]
            }
            let count = numeratorCount + tau - denominatorCount
            let minimum = smallestPositiveD(count: count, first: first, second: second, means: means[row..<(row + d)],
                                            variances: variances[row..<(row + d)])
            let constant = max(options.denominatorFactor * denominatorCount, 2 * minimum)
            if 2 * minimum > options.denominatorFactor * denominatorCount { report.positivityLimitedCount += 1 }
            let total = count + constant
            guard total > 0 else { continue }
            for j in 0..<d {
                let mu = means[row + j], variance = variances[row + j]
                let mean = (first[j] + constant * mu) / total
                var updated = (second[j] + constant * (variance + mu * mu)) / total - mean * mean
                if let floors, updated < floors[j] {
                    updated = floors[j]
                    report.flooredVarianceCount += 1
                }
                newMeans[row + j] = mean
                newVariances[row + j] = updated
            }
            report.updatedCount += 1
        }
        return (newMeans, newVariances, report)
    }

    /// D_min: the smallest D ≥ 0 above which `count + D > 0` and every dimension's updated
    /// variance is positive. The variance times `(count + D)²` is `a D² + b D + c` with
    /// `a = σ²`, `b = s + count (σ² + μ²) − 2 x μ`, `c = count · s − x²`; it is positive above
    /// the larger root (a > 0).
    static func smallestPositiveD(count: Double, first: [Double], second: [Double], means: ArraySlice<Double>,
                                  variances: ArraySlice<Double>) -> Double {
        var minimum = max(0, -count)
        for (j, (mu, variance)) in zip(means, variances).enumerated() {
            let a = variance, b = second[j] + count * (variance + mu * mu) - 2 * first[j] * mu
            let c = count * second[j] - first[j] * first[j]
            let discriminant = b * b - 4 * a * c
            guard discriminant >= 0 else { continue }
            minimum = max(minimum, (-b + discriminant.squareRoot()) / (2 * a))
        }
        return minimum
    }
}
