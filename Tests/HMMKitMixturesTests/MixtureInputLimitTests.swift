import HMMKitTraining
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing
@testable import HMMKitMixtures

/// The limits on data and parameters that keep the mixtures' arithmetic finite
/// (``InputLimits/maximumFeatureMagnitude``, ``InputLimits/minimumVariance``).
@Suite("Mixture input limits")
struct MixtureInputLimitTests {
    /// Squared distances of ±1e200 overflow to +∞: k-means++ must still pick its next centre
    /// (the farthest point) instead of drawing from an infinite range, which traps.
    @Test func kMeansPlusPlusSurvivesAnInfiniteTotal() {
        let data = Matrix<Double>(rowCount: 3, columnCount: 1, elements: [0, 1e200, -1e200])
        var generator = SeededGenerator(seed: 3)
        let (centres, assignments) = KMeans.centres(data, k: 2, iterations: 5, backend: .reference, using: &generator)
        #expect(centres.rowCount == 2)
        #expect(assignments.count == 3 && assignments.allSatisfy { (0..<2).contains($0) })
    }

    /// The fit refuses data past the limit, naming the first such value (row-major).
    @Test(arguments: [1e308, -1e19, Double.nan, -Double.infinity])
    func fitRefusesValuesPastTheLimit(_ value: Double) {
        let data = Matrix<Double>(rowCount: 4, columnCount: 2, elements: [0, 1, 2, 3, 4, value, 6, 7])
        var generator = SeededGenerator(seed: 1)
        let trainer = GaussianMixtureTrainer<Double>(options: GaussianMixtureTrainingOptions(componentCount: 2, covarianceType: .diagonal))
        do {
            _ = try trainer.fit(data, using: &generator)
            Issue.record("\(value) accepted")
        } catch {
            guard case let .nonFiniteData(row, column, found) = error else { Issue.record("\(error)"); return }
            #expect(row == 2 && column == 1)
            #expect(found == value || (found.isNaN && value.isNaN))
        }
        // The limit itself is usable.
        let edge = Matrix<Double>(rowCount: 2, columnCount: 1, elements: [InputLimits.maximumFeatureMagnitude, 0])
        #expect(edge.firstUnusableValue() == nil)
    }

    /// Data without rows is reported as such (it was "the data has no columns" for a 0 × 3 matrix).
    @Test func fitOnDataWithoutRowsSaysSo() {
        var generator = SeededGenerator(seed: 1)
        let trainer = GaussianMixtureTrainer<Double>(options: GaussianMixtureTrainingOptions(componentCount: 2, covarianceType: .diagonal))
        do {
            _ = try trainer.fit(Matrix<Double>(rowCount: 0, columnCount: 3, elements: []), using: &generator)
            Issue.record("an empty matrix was accepted")
        } catch {
            guard case let .notEnoughData(message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("no rows") && !message.contains("no columns"), "\(message)")
        }
    }

    /// A subnormal variance made every score −∞ or NaN; it is refused when the model is built.
    @Test(arguments: [CovarianceType.diagonal, .spherical, .full, .tied])
    func variancesBelowTheFloorAreRefused(_ type: CovarianceType) {
        let tiny = Double.leastNonzeroMagnitude  // subnormal, 4.9e-324
        let covariances: Covariances<Double>
        switch type {
        case .diagonal: covariances = .diagonal(Matrix(rows: [[1, tiny]]))
        case .spherical: covariances = .spherical([tiny])
        case .full: covariances = .full([Matrix(rows: [[1, 0], [0, tiny]])])
        case .tied: covariances = .tied(Matrix(rows: [[1, 0], [0, tiny]]))
        }
        #expect(throws: MixtureError.self) {
            _ = try GaussianMixture<Double>(weights: [1], means: Matrix(rows: [[0, 0]]), covariances: covariances)
        }
    }

    /// Only the lower triangle of a full covariance is factorised, so an asymmetric one would be
    /// scored as another matrix: refused.
    @Test func asymmetricCovariancesAreRefused() {
        #expect(throws: MixtureError.self) {
            _ = try GaussianMixture<Double>(weights: [1], means: Matrix(rows: [[0, 0]]),
                                            covariances: .full([Matrix(rows: [[2, 1], [0.5, 2]])]))
        }
        #expect(throws: Never.self) {
            _ = try GaussianMixture<Double>(weights: [1], means: Matrix(rows: [[0, 0]]),
                                            covariances: .full([Matrix(rows: [[2, 1], [1, 2]])]))
        }
    }

    /// Parameters that pass every check in Double can overflow Float's scoring terms (μ/σ² past
    /// 3.4e38): refused, never scored as ±∞.
    @Test func floatModelsWhoseTermsOverflowAreRefused() throws {
        let means = Matrix<Float>(rows: [[1e15]])
        #expect(throws: MixtureError.self) {
            _ = try GaussianMixture<Float>(weights: [1], means: means, covariances: .diagonal(Matrix(rows: [[1e-25]])))
        }
        _ = try GaussianMixture<Double>(weights: [1], means: Matrix(rows: [[1e15]]), covariances: .diagonal(Matrix(rows: [[1e-25]])))
    }

    /// Scores are finite or an error naming the frame: a frame far from a narrow component
    /// scores finite in Double up to the data limit.
    @Test func scoresAtTheLimitsStayFinite() throws {
        let model = try GaussianMixture<Double>(weights: [1], means: Matrix(rows: [[0]]),
                                                covariances: .diagonal(Matrix(rows: [[InputLimits.minimumVariance]])))
        let data = Matrix<Double>(rowCount: 2, columnCount: 1, elements: [InputLimits.maximumFeatureMagnitude, 0])
        let scores = try model.scoreSamples(data)
        #expect(scores.allSatisfy { $0.isFinite }, "\(scores)")
    }
}
