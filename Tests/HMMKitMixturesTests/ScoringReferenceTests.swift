import HMMKitTraining
import Foundation
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Scores against a direct, independent evaluation of `log Σₖ wₖ N(x | μₖ, Σₖ)` in Double:
/// the inverse and determinant of each covariance by Gauss-Jordan, the sum by plain `exp`.
@Suite("Mixture scores against a direct formula")
struct ScoringReferenceTests {
    static func directLogLikelihood(_ model: GaussianMixture<Double>, _ x: [Double]) -> Double {
        let d = model.dimension
        var terms: [Double] = []
        for c in 0..<model.componentCount {
            let covariance = model.covariances.matrix(component: c, dimension: d)
            // Gauss-Jordan inverse and log-determinant.
            var a = (0..<d).map { i in (0..<d).map { covariance[i, $0] } + (0..<d).map { $0 == i ? 1.0 : 0.0 } }
            var logDeterminant = 0.0
            for i in 0..<d {
                let pivot = a[i][i]
                logDeterminant += Foundation.log(pivot)
                for j in 0..<(2 * d) { a[i][j] /= pivot }
                for r in 0..<d where r != i {
                    let factor = a[r][i]
                    for j in 0..<(2 * d) { a[r][j] -= factor * a[i][j] }
                }
            }
            var quadratic = 0.0
            for i in 0..<d {
                for j in 0..<d {
                    quadratic += (x[i] - model.means[c, i]) * a[i][d + j] * (x[j] - model.means[c, j])
                }
            }
            terms.append(Foundation.log(model.weights[c]) - 0.5 * (Double(d) * Foundation.log(2 * Double.pi) + logDeterminant + quadratic))
        }
        let largest = terms.max()!
        return largest + Foundation.log(terms.reduce(0) { $0 + Foundation.exp($1 - largest) })
    }

    /// 1e-12 relative: both are Double; only the evaluation order differs.
    @Test(arguments: CovarianceType.allCases)
    func scoresMatchDirectFormula(type: CovarianceType) throws {
        let (data, _) = MixtureTestData.clusters(Double.self, count: 400, k: 3, d: 4, seed: 31)
        var options = GaussianMixtureTrainingOptions(componentCount: 3, covarianceType: type)
        options.maxIterations = 5
        var generator = SeededGenerator(seed: 32)
        let model = try GaussianMixtureTrainer<Double>(options: options).fit(data, initialization: .randomFromData, using: &generator).model
        let scores = try model.scoreSamples(data)
        let direct = (0..<data.rowCount).map { Self.directLogLikelihood(model, Array(data[row: $0])) }
        #expect(relativeError(scores, direct) < 1e-12)
        let statistics = try model.statistics(of: data)
        #expect(abs(statistics.logLikelihood - direct.reduce(0, +)) / abs(direct.reduce(0, +)) < 1e-12)
    }
}
