// One EM iteration (E-step statistics + M-step update) of a 64-component Gaussian mixture on
// 100,000 × 39 synthetic frames: the workload of the peers' w2_gmm.py (scikit-learn
// GaussianMixture, 20 iterations). Data like w2's recipe, drawn with SplitMix64: 64 clusters,
// means N(0, 4²), standard deviations U(0.5, 2), random cluster per frame. The model is a fixed
// start (64 random frames as means, the global covariance); each benchmark iteration runs one
// EM iteration from it, so every sample measures the same work.
import Benchmark
import Foundation
import HMMKit

func syntheticFrames<S: MatrixScalar>(_: S.Type) -> Matrix<S> {
    var generator = SplitMix64(seed: 0)
    func gaussian() -> Double {
        let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
        let v = Double.random(in: 0..<1, using: &generator)
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }
    let (n, d, k) = (100_000, 39, 64)
    let means = (0..<k).map { _ in (0..<d).map { _ in 4 * gaussian() } }
    let deviations = (0..<k).map { _ in (0..<d).map { _ in Double.random(in: 0.5..<2, using: &generator) } }
    var frames = Matrix<S>(rowCount: n, columnCount: d)
    for row in 0..<n {
        let c = Int.random(in: 0..<k, using: &generator)
        for j in 0..<d { frames[row, j] = S(means[c][j] + deviations[c][j] * gaussian()) }
    }
    return frames
}

func registerIteration<S: MatrixScalar>(_: S.Type, type: CovarianceType, backend: ComputeBackend, threads: Int) {
    let name = "EM iteration N=100000 D=39 K=64 \(type) \(S.self) \(backend) \(threads) thread\(threads == 1 ? "" : "s")"
    let slow = backend == .reference && type == .full
    Benchmark(name, configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(slow ? 30 : 8),
                                         maxIterations: slow ? 3 : 30)) { benchmark in
        let frames = syntheticFrames(S.self)
        var options = GaussianMixtureTrainingOptions(componentCount: 64, covarianceType: type)
        options.backend = backend
        options.update = .scikitLearn
        var generator = SplitMix64(seed: 1)
        let start = try GaussianMixtureTrainer<S>(options: options).initialModel(frames, initialization: .randomFromData,
                                                                                  using: &generator)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let statistics = try start.statistics(of: frames, backend: backend, threadCount: threads)
            blackHole(try GaussianMixtureUpdate.apply(statistics, to: start, options: .scikitLearn, backend: backend))
        }
        benchmark.stopMeasurement()
    }
}

let benchmarks: @Sendable () -> Void = {
    BLASThreads.set(1)
    for type in [CovarianceType.diagonal, .full] {
        for threads in [1, 2] {
            registerIteration(Double.self, type: type, backend: .accelerated, threads: threads)
            registerIteration(Float.self, type: type, backend: .accelerated, threads: threads)
        }
        registerIteration(Double.self, type: type, backend: .reference, threads: 1)
    }
}
