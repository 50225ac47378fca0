// The foundation's kernels on the shapes the engine runs: the GMM E-step multiply
// (100,000 frames × 39 dims by 39 × 64 components), a batch of 39 × 39 Cholesky factors
// (one per full-covariance component), for both backends and both precisions, one BLAS thread;
// and the HMM emission E-step's skinny products (a 290-frame block against 5 components: diagonal
// features [290 × 79], full-covariance features [290 × 820]; scoring A·B and statistics γᵀ·F).
// `HMMKIT_SKINNY_PRODUCTS=0` runs the skinny shapes through OpenBLAS for comparison (see `KernelPolicy`).
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

func registerSkinny(width: Int) {
    let (frames, components) = (290, 5)
    Benchmark("Skinny products 290x\(width) * \(width)x5 and 5x290 * 290x\(width) Double accelerated",
              configuration: .init(metrics: [.wallClock], scalingFactor: .one, maxDuration: .seconds(2), maxIterations: 20_000)) {
        benchmark in
        let features: Matrix<Double> = deterministicMatrix(frames, width, seed: 3)
        let weights: Matrix<Double> = deterministicMatrix(width, components, seed: 4)
        let gamma: Matrix<Double> = deterministicMatrix(frames, components, seed: 5)
        var scores = Matrix<Double>(rowCount: frames, columnCount: components)
        var statistics = Matrix<Double>(rowCount: components, columnCount: width)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try ComputeBackend.accelerated.multiply(features, by: weights, into: &scores)
            try ComputeBackend.accelerated.multiply(gamma, by: features, transposeA: true, into: &statistics)
            blackHole((scores, statistics))
        }
        benchmark.stopMeasurement()
    }
}

let benchmarks: @Sendable () -> Void = {
    registerSkinny(width: 79)
    registerSkinny(width: 820)
    BLASThreads.set(1)
    for backend in ComputeBackend.allCases {
        registerMultiply(Double.self, backend: backend)
        registerMultiply(Float.self, backend: backend)
        registerCholesky(Double.self, backend: backend)
        registerCholesky(Float.self, backend: backend)
    }
}
