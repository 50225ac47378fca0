import HMMKitTraining
import Foundation
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

@Suite("EM invariants")
struct GaussianMixtureInvariantTests {
    static let types = CovarianceType.allCases

    func trainer(_ type: CovarianceType, k: Int = 3, iterations: Int = 15) -> GaussianMixtureTrainer<Double> {
        var options = GaussianMixtureTrainingOptions(componentCount: k, covarianceType: type)
        options.maxIterations = iterations
        options.tolerance = 0
        options.partition = WorkPartition(chunkCount: 8, framesPerBlock: 64)
        return GaussianMixtureTrainer(options: options)
    }

    /// EM never lowers the log-likelihood: each iteration's mean log-likelihood is at least the
    /// previous one minus rounding (1e-10 relative: sums of 600 frames in Double).
    @Test(arguments: types)
    func logLikelihoodNeverDecreases(type: CovarianceType) throws {
        let (data, _) = MixtureTestData.clusters(Double.self, count: 600, k: 3, d: 4, seed: 1)
        var generator = SeededGenerator(seed: 7)
        let fit = try trainer(type).fit(data, initialization: .randomFromData, using: &generator)
        let history = fit.history.map(\.meanLogLikelihood)
        #expect(history.count == 15)
        for (previous, next) in zip(history, history.dropFirst()) {
            #expect(next >= previous - 1e-10 * abs(previous), "\(type): \(previous) → \(next)")
        }
        #expect(history.last! > history.first!, "EM improved on the random start")
    }

    /// Statistics of the whole data equal the sum of the statistics of any split (1e-12 relative:
    /// only the order of Double additions differs).
    @Test(arguments: types)
    func statisticsOfSplitsSumToTheWhole(type: CovarianceType) throws {
        let (data, _) = MixtureTestData.clusters(Double.self, count: 500, k: 3, d: 4, seed: 2)
        var generator = SeededGenerator(seed: 3)
        let model = try trainer(type, iterations: 2).fit(data, using: &generator).model
        let whole = try model.statistics(of: data)
        var parts = GaussianMixtureStatistics(for: model)
        for range in [0..<1, 1..<137, 137..<400, 400..<500] {
            try parts.add(try model.statistics(of: data.rows(range)))
        }
        #expect(parts.frameCount == 500)
        #expect(relativeError(parts.values, whole.values) < 1e-12)
    }

    /// The E-step's result is bitwise the same on 1, 2 and 3 threads.
    @Test(arguments: types)
    func threadedEqualsSerialBitwise(type: CovarianceType) throws {
        let (data, _) = MixtureTestData.clusters(Double.self, count: 1000, k: 3, d: 5, seed: 4)
        var generator = SeededGenerator(seed: 5)
        let model = try trainer(type, iterations: 1).fit(data, using: &generator).model
        let partition = WorkPartition(chunkCount: 7, framesPerBlock: 50)
        let serial = try model.statistics(of: data, threadCount: 1, partition: partition)
        for threads in [2, 3] {
            #expect(try model.statistics(of: data, threadCount: threads, partition: partition) == serial)
        }
    }

    /// The two backends give the same statistics (1e-12 relative in Double: different summation
    /// orders inside GEMM and SYRK over at most 1,024 frames).
    @Test(arguments: types)
    func acceleratedMatchesReference(type: CovarianceType) throws {
        let (data, _) = MixtureTestData.clusters(Double.self, count: 700, k: 3, d: 4, seed: 6)
        var generator = SeededGenerator(seed: 8)
        let model = try trainer(type, iterations: 2).fit(data, using: &generator).model
        let accelerated = try model.statistics(of: data, backend: .accelerated)
        let reference = try model.statistics(of: data, backend: .reference)
        #expect(relativeError(accelerated.values, reference.values) < 1e-12)
        let scoresA = try model.scoreSamples(data, backend: .accelerated)
        let scoresR = try model.scoreSamples(data, backend: .reference)
        #expect(relativeError(scoresA, scoresR) < 1e-12)
    }

    /// Save → load gives a model with identical scores.
    @Test(arguments: types)
    func saveLoadRoundTrip(type: CovarianceType) throws {
        let (data, _) = MixtureTestData.clusters(Double.self, count: 300, k: 3, d: 3, seed: 9)
        var generator = SeededGenerator(seed: 10)
        let model = try trainer(type, iterations: 3).fit(data, using: &generator).model
        let folder = try TemporaryFolder()
        let url = folder.file("model.json")
        try model.save(to: url)
        let loaded = try GaussianMixture<Double>.load(from: url)
        #expect(try loaded.scoreSamples(data) == model.scoreSamples(data))
        #expect(loaded.covariances == model.covariances)
    }

    /// Training on separated clusters finds them: each true cluster's frames go mostly (≥ 97%;
    /// the clusters are 6.7 units apart with standard deviations up to 1.5, so a few percent of
    /// frames lie nearer another centre) to one component, a different one for each cluster.
    @Test(arguments: types)
    func recoversSeparatedClusters(type: CovarianceType) throws {
        let (data, labels) = MixtureTestData.clusters(Double.self, count: 900, k: 3, d: 2, seed: 11)
        var options = GaussianMixtureTrainingOptions(componentCount: 3, covarianceType: type)
        options.restarts = 2
        var generator = SeededGenerator(seed: 12)
        let fit = try GaussianMixtureTrainer<Double>(options: options).fit(data, using: &generator)
        #expect(fit.converged)
        let predicted = try fit.model.predict(data)
        var majority: [Int] = []
        for label in 0..<3 {
            let components = zip(labels, predicted).filter { $0.0 == label }.map(\.1)
            let counts = Dictionary(grouping: components, by: { $0 }).mapValues(\.count)
            let (component, count) = counts.max { $0.value < $1.value }!
            #expect(Double(count) / Double(components.count) >= 0.97, "\(type): cluster \(label) → \(counts)")
            majority.append(component)
        }
        #expect(Set(majority).count == 3, "\(type): \(majority)")
    }

    /// Sampling from a model and fitting the samples gives back its weights and means.
    @Test func sampleThenFitRecoversTheModel() throws {
        let truth = try GaussianMixture<Double>(
            weights: [0.3, 0.7], means: Matrix(rows: [[0, 0], [8, -4]]),
            covariances: .full([Matrix(rows: [[1, 0.5], [0.5, 2]]), Matrix(rows: [[0.5, 0], [0, 0.5]])]))
        var generator = SeededGenerator(seed: 13)
        let (frames, components) = truth.sample(count: 4000, using: &generator)
        #expect(abs(Double(components.filter { $0 == 0 }.count) / 4000 - 0.3) < 0.03)
        var options = GaussianMixtureTrainingOptions(componentCount: 2, covarianceType: .full)
        options.tolerance = 1e-6
        let model = try GaussianMixtureTrainer<Double>(options: options).fit(frames, using: &generator).model
        let light = model.weights[0] < model.weights[1] ? 0 : 1
        #expect(abs(model.weights[light] - 0.3) < 0.03)
        #expect(abs(model.means[1 - light, 0] - 8) < 0.1 && abs(model.means[1 - light, 1] + 4) < 0.1)
        let bic = try model.bic(frames), aic = try model.aic(frames)
        #expect(bic > aic, "BIC penalises more than AIC for N = 4000")
    }
}
