// The foundation's kernels on the shapes the engine runs: the GMM E-step multiply
// (100,000 frames × 39 dims by 39 × 64 components) and a batch of 39 × 39 Cholesky factors
// (one per full-covariance component), for both backends and both precisions, one BLAS thread.
import Benchmark
import HMMKit

/// A deterministic matrix with entries in [-1, 1) (``SplitMix64``), so every run multiplies the same data.
func deterministicMatrix<S: MatrixScalar>(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix<S> {
    var generator = SplitMix64(seed: seed)
    let elements = (0..<(rows * columns)).map { _ in S(Double.random(in: -1..<1, using: &generator)) }
    return Matrix(rowCount: rows, columnCount: columns, elements: elements)
}

/// `count` symmetric positive-definite `[n × n]` matrices: AᵀA/n + I for random A.
func positiveDefiniteBatch<S: MatrixScalar>(count: Int, order n: Int) throws -> [Matrix<S>] {
    try (0..<count).map { index in
        let a: Matrix<S> = deterministicMatrix(n, n, seed: UInt64(100 + index))
        var spd = Matrix<S>(rowCount: n, columnCount: n)
        try ComputeBackend.accelerated.symmetricRankUpdate(a, transposed: true, alpha: 1 / S(n), into: &spd)
        for i in 0..<n { spd[i, i] += 1 }
        return spd
    }
}

func registerMultiply<S: MatrixScalar>(_: S.Type, backend: ComputeBackend) {
    let (frames, dimension, components) = (100_000, 39, 64)
    let name = "E-step multiply 100000x39 * 39x64 \(S.self) \(backend)"
    Benchmark(name, configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                         scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 200)) {
        benchmark in
        let x: Matrix<S> = deterministicMatrix(frames, dimension, seed: 1)
        let means: Matrix<S> = deterministicMatrix(dimension, components, seed: 2)
        var product = Matrix<S>(rowCount: frames, columnCount: components)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try backend.multiply(x, by: means, into: &product)
            blackHole(product)
        }
        benchmark.stopMeasurement()
    }
}

func registerCholesky<S: MatrixScalar>(_: S.Type, backend: ComputeBackend) {
    let name = "Cholesky 64 x (39x39) \(S.self) \(backend)"
    Benchmark(name, configuration: .init(metrics: [.wallClock, .throughput],
                                         scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 2000)) {
        benchmark in
        let batch: [Matrix<S>] = try positiveDefiniteBatch(count: 64, order: 39)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for matrix in batch { blackHole(try backend.choleskyFactor(matrix)) }
        }
        benchmark.stopMeasurement()
    }
}

let benchmarks: @Sendable () -> Void = {
    BLASThreads.set(1)
    for backend in ComputeBackend.allCases {
        registerMultiply(Double.self, backend: backend)
        registerMultiply(Float.self, backend: backend)
        registerCholesky(Double.self, backend: backend)
        registerCholesky(Float.self, backend: backend)
    }
}
