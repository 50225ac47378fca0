import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

@Suite("Extended Baum-Welch: the MMI update of diagonal Gaussians")
struct ExtendedBaumWelchTests {
    /// One-dimensional diagonal statistics of one Gaussian: occupancy, Σγx, Σγx².
    static func statistics(_ occupancy: Double, _ first: Double, _ second: Double) throws -> GaussianMixtureStatistics {
        var statistics = GaussianMixtureStatistics(componentCount: 1, dimension: 1, covarianceType: .diagonal)
        try statistics.replaceValues(with: [occupancy, 0, occupancy, first, second])
        return statistics
    }

    /// μ = 0, σ² = 1; numerator γ 10, Σx 10, Σx² 20; denominator γ 4, Σx 2, Σx² 6; τ 0, E 2. The
    /// variance stays positive for every D ≥ 0 (the quadratic has no real root), so D = E·γ_den = 8
    /// and, by hand: μ' = (10 − 2) / (10 − 4 + 8) = 8/14, σ'² = (20 − 6 + 8 · 1) / 14 − μ'².
    @Test func closedFormWhenEDecides() throws {
        let result = try ExtendedBaumWelch.update(
            means: [0], variances: [1], numerator: try Self.statistics(10, 10, 20), denominator: try Self.statistics(4, 2, 6),
            floors: nil, options: ExtendedBaumWelchOptions(denominatorFactor: 2, smoothingFrames: 0))
        // Tolerance: a handful of roundings of numbers near 1.
        #expect(abs(result.means[0] - 8.0 / 14) < 1e-14)
        #expect(abs(result.variances[0] - (22.0 / 14 - 64.0 / 196)) < 1e-14)
        #expect(result.report.updatedCount == 1 && result.report.positivityLimitedCount == 0)
    }

    /// The same with a denominator pulling the other way (γ 4, Σx −4, Σx² 8): the variance is
    /// negative for small D, and twice the D at which it reaches zero (D_min, found here
    /// independently by bisection of σ'²(D)) exceeds E·γ_den = 8, so D = 2·D_min.
    @Test func closedFormWhenPositivityDecides() throws {
        func variance(_ d: Double) -> Double {
            let count = 10 - 4 + d, mean = (10 - -4 + d * 0) / count
            return (20 - 8 + d * 1) / count - mean * mean
        }
        #expect(variance(0) < 0)
        var (low, high) = (0.0, 100.0)
        for _ in 0..<200 { let mid = (low + high) / 2; if variance(mid) > 0 { high = mid } else { low = mid } }
        let d = 2 * high
        #expect(d > 8)
        let result = try ExtendedBaumWelch.update(
            means: [0], variances: [1], numerator: try Self.statistics(10, 10, 20), denominator: try Self.statistics(4, -4, 8),
            floors: nil, options: ExtendedBaumWelchOptions(denominatorFactor: 2, smoothingFrames: 0))
        // Tolerance: D_min comes from a square root in the update and from bisection here.
        #expect(abs(result.means[0] - 14 / (6 + d)) < 1e-12)
        #expect(abs(result.variances[0] - variance(d)) < 1e-12)
        #expect(result.variances[0] > 0)
        #expect(result.report.positivityLimitedCount == 1)
    }

    /// I-smoothing adds τ frames of the numerator's own ML estimate: without a denominator the
    /// update is the ML estimate itself (μ 1, σ² 1 here, whatever τ); with one (γ 4, Σx 2, Σx² 6)
    /// and τ 100, by hand: γ = 110 − 4, x = 110 − 2, s = 220 − 6, D = 8, so μ' = 108/114,
    /// σ'² = (214 + 8) / 114 − μ'².
    @Test func iSmoothing() throws {
        let numerator = try Self.statistics(10, 10, 20)
        let alone = try ExtendedBaumWelch.update(means: [0], variances: [1], numerator: numerator,
                                                 denominator: try Self.statistics(0, 0, 0), floors: nil,
                                                 options: ExtendedBaumWelchOptions(smoothingFrames: 100))
        #expect(abs(alone.means[0] - 1) < 1e-14 && abs(alone.variances[0] - 1) < 1e-14)
        let result = try ExtendedBaumWelch.update(means: [0], variances: [1], numerator: numerator,
                                                  denominator: try Self.statistics(4, 2, 6), floors: nil,
                                                  options: ExtendedBaumWelchOptions(smoothingFrames: 100))
        #expect(abs(result.means[0] - 108.0 / 114) < 1e-14)
        #expect(abs(result.variances[0] - (222.0 / 114 - (108.0 / 114) * (108.0 / 114))) < 1e-14)
    }

    /// Floors hold, Gaussians without frames keep their parameters, and bad input throws.
    @Test func floorsUntouchedGaussiansAndErrors() throws {
        var numerator = GaussianMixtureStatistics(componentCount: 2, dimension: 1, covarianceType: .diagonal)
        try numerator.replaceValues(with: [10, 0, 10, 0, 10, 0, 10.1, 0])
        let denominator = GaussianMixtureStatistics(componentCount: 2, dimension: 1, covarianceType: .diagonal)
        let result = try ExtendedBaumWelch.update(means: [0, 5], variances: [1, 3], numerator: numerator, denominator: denominator,
                                                  floors: [0.5], options: ExtendedBaumWelchOptions(smoothingFrames: 0))
        #expect(result.means == [1, 5] && result.variances == [0.5, 3])
        #expect(result.report.flooredVarianceCount == 1 && result.report.updatedCount == 1)
        #expect(throws: MixtureError.self) {
            try ExtendedBaumWelch.update(means: [0], variances: [1], numerator: numerator, denominator: denominator, floors: nil,
                                         options: ExtendedBaumWelchOptions())
        }
        #expect(throws: MixtureError.self) {
            try ExtendedBaumWelch.update(means: [0, 5], variances: [0, 3], numerator: numerator, denominator: denominator,
                                         floors: nil, options: ExtendedBaumWelchOptions())
        }
        #expect(!ExtendedBaumWelchOptions(denominatorFactor: 0.5).problems().isEmpty)
        #expect(!ExtendedBaumWelchOptions(smoothingFrames: -1).problems().isEmpty)
        #expect(!ExtendedBaumWelchOptions(smoothingFrames: .nan).problems().isEmpty)
    }
}
