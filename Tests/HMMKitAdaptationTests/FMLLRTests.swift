import Foundation
import HMMKitAdaptation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Feature-space MLLR against closed forms: a single Gaussian (where the best transform makes the
/// model exactly as good as the data's own full-covariance Gaussian), a known distortion of an
/// HMM's samples (the estimate must undo it), additivity, and the errors.
@Suite("fMLLR")
struct FMLLRTests {
    /// Standard normal draws (Box-Muller) from a seeded generator.
    static func normals(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let u = Double.random(in: Double.ulpOfOne..<1, using: &generator), v = Double.random(in: 0..<1, using: &generator)
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    /// A one-state model with one diagonal Gaussian.
    static func singleGaussian(mean: [Double], variances: [Double]) throws -> GMMHMM<Double> {
        let d = mean.count
        let chain = try MarkovChain<Double>(startProbabilities: [1], transitions: Matrix(rows: [[1]]), topology: .ergodic)
        let mixture = try GaussianMixture<Double>(weights: [1], means: Matrix(rowCount: 1, columnCount: d, elements: mean),
                                                  covariances: .diagonal(Matrix(rowCount: 1, columnCount: d, elements: variances)))
        return try GMMHMM(chain: chain, mixtures: [mixture])
    }

    /// Σₜ log N(W·ξₜ; μ, diag σ²) + T·log|det A| under a single diagonal Gaussian.
    static func adaptedLogLikelihood(_ frames: Matrix<Double>, _ transform: AffineFeatureTransform,
                                     mean: [Double], variances: [Double]) throws -> Double {
        let y = try transform.apply(frames)
        var total = Double(frames.rowCount) * transform.logAbsDeterminant
        for t in 0..<y.rowCount {
            for j in 0..<y.columnCount {
                let difference = y[t, j] - mean[j]
                total += -0.5 * (log(2 * Double.pi * variances[j]) + difference * difference / variances[j])
            }
        }
        return total
    }

    @Test("one Gaussian: the adapted likelihood reaches the data's own full-covariance maximum")
    func singleGaussianClosedForm() throws {
        let d = 4, count = 4000
        // Correlated data x = L·z + m.
        let lower: [[Double]] = [[1.5, 0, 0, 0], [0.6, 0.8, 0, 0], [-0.4, 0.3, 2.0, 0], [0.2, -0.7, 0.5, 0.6]]
        let offset = [3.0, -1.0, 0.5, 2.0]
        let z = Self.normals(count * d, seed: 11)
        var frames = Matrix<Double>(rowCount: count, columnCount: d)
        for t in 0..<count {
            for i in 0..<d {
                var sum = offset[i]
                for j in 0...i { sum += lower[i][j] * z[t * d + j] }
                frames[t, i] = sum
            }
        }
        let mean = [0.0, 1.0, -2.0, 0.5], variances = [1.0, 0.5, 2.0, 1.5]
        var accumulator = try FMLLRAccumulator(models: [try Self.singleGaussian(mean: mean, variances: variances)])
        try accumulator.add(frames, model: 0)
        let statistics = accumulator.statistics()
        #expect(abs(statistics.occupancy - Double(count)) < 1e-9)
        let (transform, gain) = statistics.estimate(iterations: 100)

        // The closed form: −T/2·(D·log 2π + log det S + D), S the data's ML covariance.
        var centre = [Double](repeating: 0, count: d)
        for t in 0..<count { for i in 0..<d { centre[i] += frames[t, i] / Double(count) } }
        var scatter = Matrix<Double>(rowCount: d, columnCount: d)
        for t in 0..<count { for i in 0..<d { for j in 0..<d { scatter[i, j] += (frames[t, i] - centre[i]) * (frames[t, j] - centre[j]) / Double(count) } } }
        let factor = try ComputeBackend.reference.choleskyFactor(scatter)
        var logDeterminant = 0.0
        for i in 0..<d { logDeterminant += 2 * log(factor[i, i]) }
        let best = -Double(count) / 2 * (Double(d) * log(2 * Double.pi) + logDeterminant + Double(d))

        let adapted = try Self.adaptedLogLikelihood(frames, transform, mean: mean, variances: variances)
        let unadapted = try Self.adaptedLogLikelihood(frames, .identity(dimension: d), mean: mean, variances: variances)
        #expect(abs(adapted - best) <= 1e-6 * abs(best), "adapted \(adapted) vs closed form \(best)")
        // The auxiliary function is exact here (every posterior is 1): its rise is the likelihood's.
        #expect(abs(gain * Double(count) - (adapted - unadapted)) <= 1e-6 * abs(adapted - unadapted))
    }

    /// A 3-state ergodic model with 2 well-separated diagonal Gaussians per state in 3 dimensions.
    static func separatedModel() throws -> GMMHMM<Double> {
        let chain = try MarkovChain<Double>(startProbabilities: [0.5, 0.3, 0.2],
                                            transitions: Matrix(rows: [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.2, 0.1, 0.7]]),
                                            topology: .ergodic)
        let centres: [[Double]] = [[-4, 0, 2], [-2, 3, -1], [0, -3, 0], [2, 1, 4], [4, -1, -3], [1, 4, 1]]
        let mixtures = try (0..<3).map { s in
            try GaussianMixture<Double>(weights: [0.6, 0.4], means: Matrix(rows: [centres[2 * s], centres[2 * s + 1]]),
                                        covariances: .diagonal(Matrix(rows: [[0.5, 0.8, 0.6], [0.7, 0.4, 0.9]])))
        }
        return try GMMHMM(chain: chain, mixtures: mixtures)
    }

    @Test("a known affine distortion of an HMM's samples is undone in three passes")
    func recoversAKnownDistortion() throws {
        let model = try Self.separatedModel()
        var generator = SeededGenerator(seed: 5)
        let distortion: [[Double]] = [[1.2, 0.15, -0.1], [-0.1, 0.85, 0.2], [0.05, -0.15, 1.1]]
        let shift = [0.6, -0.4, 0.3]
        var sequences: [Matrix<Double>] = []
        for _ in 0..<20 {
            let clean = model.sample(count: 400, using: &generator).frames
            var distorted = clean
            for t in 0..<clean.rowCount {
                for i in 0..<3 { distorted[t, i] = shift[i] + (0..<3).reduce(0) { $0 + distortion[i][$1] * clean[t, $1] } }
            }
            sequences.append(distorted)
        }
        var transform = AffineFeatureTransform.identity(dimension: 3)
        var gains: [Double] = []
        for _ in 0..<3 {
            var accumulator = try FMLLRAccumulator(models: [model])
            for sequence in sequences { try accumulator.add(sequence, model: 0, alignmentFrames: try transform.apply(sequence)) }
            let estimate = accumulator.statistics().estimate(iterations: 30)
            transform = estimate.transform
            gains.append(estimate.gainPerFrame)
        }
        // The inverse distortion: A = M⁻¹, b = −M⁻¹·c.
        let inverse = try #require(Self.invert3(distortion))
        var worst = 0.0
        for i in 0..<3 {
            for j in 0..<3 { worst = max(worst, abs(transform[i, j] - inverse[i][j])) }
            let b = -(0..<3).reduce(0) { $0 + inverse[i][$1] * shift[$1] }
            worst = max(worst, abs(transform[i, 3] - b))
        }
        // 8,000 frames: the sampling error of the estimate is about 1/√8000 ≈ 0.01 per element.
        #expect(worst < 0.05, "largest error \(worst) in \(transform.matrix)")
        #expect(gains.allSatisfy { $0 > 0 }, "each pass's estimate raises the auxiliary function: \(gains)")
    }

    static func invert3(_ m: [[Double]]) -> [[Double]]? {
        let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        guard det != 0 else { return nil }
        var inverse = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 {
            for j in 0..<3 {
                let rows = [0, 1, 2].filter { $0 != j }, columns = [0, 1, 2].filter { $0 != i }
                let minor = m[rows[0]][columns[0]] * m[rows[1]][columns[1]] - m[rows[0]][columns[1]] * m[rows[1]][columns[0]]
                inverse[i][j] = ((i + j) % 2 == 0 ? 1 : -1) * minor / det
            }
        }
        return inverse
    }

    @Test("statistics of two halves sum to the statistics of the whole")
    func statisticsAreAdditive() throws {
        let model = try Self.separatedModel()
        var generator = SeededGenerator(seed: 9)
        let sequences = (0..<6).map { _ in model.sample(count: 120, using: &generator).frames }
        var whole = try FMLLRAccumulator(models: [model]), first = whole, second = whole
        for (k, sequence) in sequences.enumerated() {
            try whole.add(sequence, model: 0)
            if k < 3 { try first.add(sequence, model: 0) } else { try second.add(sequence, model: 0) }
        }
        let sum = first.statistics() + second.statistics(), reference = whole.statistics()
        #expect(abs(sum.occupancy - reference.occupancy) <= 1e-12 * reference.occupancy)
        let transform = reference.estimate().transform
        #expect(abs(sum.objective(transform) - reference.objective(transform)) <= 1e-10 * abs(reference.objective(transform)))
        #expect(throws: AdaptationError.self) { var s = sum; try s.merge(FMLLRStatistics(dimension: 2)) }
    }

    @Test("too little data leaves the transform at identity; bad input gives typed errors")
    func errorsAndFallbacks() throws {
        let model = try Self.separatedModel()
        var accumulator = try FMLLRAccumulator(models: [model])
        // Two frames cannot determine 12 parameters per row: some Gᵢ is singular.
        try accumulator.add(Matrix(rows: [[-4, 0, 2], [-2, 3, -1]]), model: 0)
        let estimate = accumulator.statistics().estimate()
        #expect(estimate.transform == .identity(dimension: 3))
        #expect(estimate.gainPerFrame == 0)
        #expect(throws: AdaptationError.dimensionMismatch(expected: 3, got: 2)) {
            try accumulator.add(Matrix(rows: [[1, 2]]), model: 0)
        }
        #expect(throws: AdaptationError.nonFiniteFrame(sequence: 0, frame: 1)) {
            try accumulator.add(Matrix(rows: [[1, 2, 3], [.nan, 0, 0]]), model: 0)
        }
        #expect(throws: AdaptationError.self) { try accumulator.add(Matrix(rows: [[1, 2, 3]]), model: 4) }
        #expect(throws: AdaptationError.self) { _ = try AffineFeatureTransform(dimension: 2, matrix: [1, 0, 0, 0, 1]) }
        #expect(throws: AdaptationError.self) { _ = try AffineFeatureTransform(dimension: 1, matrix: [.nan, 0]) }
        let full = try GMMHMM<Double>(chain: model.chain, mixtures: model.mixtures.map { mixture in
            try GaussianMixture<Double>(weights: mixture.weights, means: mixture.means,
                                        covariances: .full((0..<2).map { mixture.covariances.matrix(component: $0, dimension: 3) }))
        })
        #expect(throws: AdaptationError.unsupportedCovariance("full")) { _ = try FMLLRAccumulator(models: [full]) }
    }
}
