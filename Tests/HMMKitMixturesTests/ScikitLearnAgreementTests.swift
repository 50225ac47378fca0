import HMMKitTraining
import Foundation
import HMMKitMatrixFiles
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Fixtures made by Tools/references/make_gmm_references.py with scikit-learn 1.9.1: for a
/// synthetic dataset (1,200 × 5, K = 4) and real MFCCs (2,416 × 13 python_speech_features frames,
/// K = 5), the initial parameters and what 20 EM iterations of `GaussianMixture` give.
enum ScikitLearnFixtures {
    static let root = Bundle.module.url(forResource: "Fixtures/sklearn", withExtension: nil)!

    static func load(_ path: String) throws -> Matrix<Double> {
        try NumPyFile.read(Double.self, from: root.appendingPathComponent(path + ".npy"))
    }

    /// Covariances of `type` from the fixture layout (full: (K·D) × D; tied: D × D; diag: K × D;
    /// spherical: K × 1).
    static func covariances(_ m: Matrix<Double>, type: CovarianceType, k: Int, d: Int) -> Covariances<Double> {
        switch type {
        case .full: return .full((0..<k).map { m.rows($0 * d..<($0 + 1) * d) })
        case .tied: return .tied(m)
        case .diagonal: return .diagonal(m)
        case .spherical: return .spherical(m.elements)
        }
    }

    static func flatten(_ c: Covariances<Double>) -> [Double] {
        switch c {
        case .full(let matrices): return matrices.flatMap(\.elements)
        case .tied(let m), .diagonal(let m): return m.elements
        case .spherical(let v): return v
        }
    }
}

@Suite("EM agrees with scikit-learn's GaussianMixture")
struct ScikitLearnAgreementTests {
    static let cases: [(String, CovarianceType)] = ["synthetic", "mfcc"].flatMap { dataset in
        CovarianceType.allCases.map { (dataset, $0) }
    }

    /// From scikit-learn's initial parameters, 20 iterations with its update rule
    /// (`GaussianMixtureUpdateOptions.scikitLearn`, regCovar 1e-6) give the same per-iteration
    /// lower bounds, weights, means and covariances to 1e-8 relative (the bound; each
    /// array compared by max |ours − sklearn| / max |sklearn|). Both computations are Double;
    /// measured differences are about 1e-13, from summation order and sklearn's two-pass
    /// covariance for `full`.
    @Test(arguments: cases, [ComputeBackend.accelerated, .reference])
    func twentyIterationsMatch(testCase: (String, CovarianceType), backend: ComputeBackend) throws {
        let (dataset, type) = testCase
        let folder = "\(dataset)/\(type.rawValue)"
        let data = try ScikitLearnFixtures.load("\(dataset)/data")
        let means = try ScikitLearnFixtures.load("\(folder)/init_means")
        let k = means.rowCount, d = means.columnCount
        let start = try GaussianMixture<Double>(
            weights: try ScikitLearnFixtures.load("\(folder)/init_weights").elements, means: means,
            covariances: ScikitLearnFixtures.covariances(try ScikitLearnFixtures.load("\(folder)/init_covariances"),
                                                         type: type, k: k, d: d), backend: backend)
        var options = GaussianMixtureTrainingOptions(componentCount: k, covarianceType: type)
        options.maxIterations = 20
        options.tolerance = 0
        options.update = .scikitLearn
        options.backend = backend
        var generator = SeededGenerator(seed: 0)
        let fit = try GaussianMixtureTrainer<Double>(options: options).fit(data, initialization: .given(start), using: &generator)

        let lowerBounds = try ScikitLearnFixtures.load("\(folder)/lower_bounds").elements
        let history = fit.history.map(\.meanLogLikelihood)
        #expect(history.count == 20)
        #expect(!fit.converged, "tolerance 0 never converges, as in scikit-learn")
        let errors = [
            ("lower bounds", relativeError(history, lowerBounds)),
            ("weights", relativeError(fit.model.weights, try ScikitLearnFixtures.load("\(folder)/weights").elements)),
            ("means", relativeError(fit.model.means, try ScikitLearnFixtures.load("\(folder)/means"))),
            ("covariances", relativeError(ScikitLearnFixtures.flatten(fit.model.covariances),
                                          ScikitLearnFixtures.flatten(ScikitLearnFixtures.covariances(
                                              try ScikitLearnFixtures.load("\(folder)/covariances"), type: type, k: k, d: d)))),
        ]
        for (name, error) in errors {
            #expect(error <= 1e-8, "\(dataset) \(type) \(backend): \(name) relative error \(error)")
        }
        print("\(dataset) \(type) \(backend): " + errors.map { "\($0.0) \($0.1)" }.joined(separator: ", "))

        // Scoring the first 50 frames under the final model: score_samples to 1e-10 relative,
        // responsibilities to 1e-10 absolute (some are 1e-99, so relative error is meaningless).
        let first = data.rows(0..<50)
        let scores = try fit.model.scoreSamples(first, backend: backend)
        #expect(relativeError(scores, try ScikitLearnFixtures.load("\(folder)/score_samples").elements) < 1e-10)
        let probabilities = try fit.model.predictProbabilities(first, backend: backend)
        let expected = try ScikitLearnFixtures.load("\(folder)/predict_proba")
        let largest = zip(probabilities.elements, expected.elements).map { abs($0 - $1) }.max()!
        #expect(largest < 1e-10, "predict_proba absolute difference \(largest)")
    }
}
