import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Full-covariance E-steps of the shapes that skip the features matrix on the accelerated backend
/// (d ≥ 20, k ≤ 10, blocks ≥ 32 rows: scores and statistics straight from the frames): the same
/// invariants as every E-step, on that path.
@Suite("Full covariance without the features matrix")
struct FusedTrainingTests {
    /// A 4-component full-covariance model of dimension 24 with well-conditioned random
    /// covariances, and 600 frames of its clusters.
    func problem() throws -> (GaussianMixture<Double>, Matrix<Double>) {
        let (data, _) = MixtureTestData.clusters(Double.self, count: 600, k: 4, d: 24, seed: 71)
        var generator = SeededGenerator(seed: 73)
        let means = Matrix<Double>.random(rowCount: 4, columnCount: 24, in: -3...3, using: &generator)
        let covariances = (0..<4).map { _ in Matrix<Double>.randomSymmetricPositiveDefinite(order: 24, using: &generator) }
        let model = try GaussianMixture(weights: [0.1, 0.2, 0.3, 0.4], means: means, covariances: .full(covariances))
        return (model, data)
    }

    let partition = WorkPartition(chunkCount: 5, framesPerBlock: 64)

    @Test func theseShapesTakeThePath() {
        #expect(QuadraticFeatures.prefersFusedTraining(Double.self, rows: 64, dimension: 24, components: 4, backend: .accelerated)
                    == (KernelPolicy.current.fusedKernelLanes > 0))
        #expect(!QuadraticFeatures.prefersFusedTraining(Double.self, rows: 64, dimension: 24, components: 4, backend: .reference))
        #expect(!QuadraticFeatures.prefersFusedTraining(Float.self, rows: 64, dimension: 24, components: 4, backend: .accelerated))
    }

    /// Equal to the reference backend's statistics (features, then its GEMM) and scores: 1e-12
    /// relative, as for every other covariance type (GaussianMixtureInvariantTests), here over
    /// blocks of 64 frames and 24-dimensional outer products.
    @Test func matchesTheReferenceBackend() throws {
        let (model, data) = try problem()
        let fused = try model.statistics(of: data, backend: .accelerated, partition: partition)
        let reference = try model.statistics(of: data, backend: .reference, partition: partition)
        let error = relativeError(fused.values, reference.values)
        #expect(error < 1e-12, "statistics: \(error)")
        let scores = relativeError(try model.scoreSamples(data, backend: .accelerated), try model.scoreSamples(data, backend: .reference))
        #expect(scores < 1e-12, "scores: \(scores)")
    }

    /// Bitwise the same on 1, 2 and 3 threads, and the sum of the statistics of a split.
    @Test func threadedEqualsSerialAndSplitsSum() throws {
        let (model, data) = try problem()
        let serial = try model.statistics(of: data, threadCount: 1, partition: partition)
        for threads in [2, 3] {
            #expect(try model.statistics(of: data, threadCount: threads, partition: partition) == serial)
        }
        var parts = GaussianMixtureStatistics(for: model)
        for range in [0..<100, 100..<371, 371..<600] {
            try parts.add(try model.statistics(of: data.rows(range), partition: partition))
        }
        #expect(relativeError(parts.values, serial.values) < 1e-12)
    }
}
