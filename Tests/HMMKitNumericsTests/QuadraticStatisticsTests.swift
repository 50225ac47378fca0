@testable import HMMKitNumerics
import HMMKitTestSupport
import Testing

// The full-covariance statistics kernel that never stores the features
// (`hmmkit_quadratic_statistics_d`, behind `QuadraticFeatures.statistics`): against γᵀ·features
// with the features built by the reference loop and multiplied by the reference backend's GEMM,
// an independent computation (other code, other summation order, the products x'ᵢx'ⱼ formed
// before the weights instead of after).

/// One statistics problem: `rows` frames of dimension `d`, `k` components.
struct StatisticsShape: Sendable, CustomTestStringConvertible {
    let d: Int, k: Int, rows: Int
    var testDescription: String { "d \(d), k \(k), \(rows) rows" }
}

/// Every component-group split (1…5 components: one group; 6 → 3 + 3, 11 → 3 + 4 + 4,
/// 16 → 4 × 4), dimensions whose segments end with one vector, two, or a partial one (1, 2, 3, 5,
/// 8, 13, 39), and row counts around the 16-frame tile (1, 15, 16, 17, 33, 290).
let statisticsShapes: [StatisticsShape] =
    [1, 2, 3, 5, 8, 13, 39].map { StatisticsShape(d: $0, k: 5, rows: 33) }
    + [1, 2, 4, 6, 11, 16].map { StatisticsShape(d: 39, k: $0, rows: 17) }
    + [1, 15, 16, 290].map { StatisticsShape(d: 20, k: 3, rows: $0) }

@Suite("Quadratic statistics (accelerated backend)")
struct QuadraticStatisticsTests {
    /// γᵀ·features from the reference backend: the features by the plain loop, then its GEMM.
    private func referenceStatistics(_ x: Matrix<Double>, centre: [Double], gamma: Matrix<Double>) throws -> Matrix<Double> {
        let d = x.columnCount, width = QuadraticFeatures.width(dimension: d)
        var features = Matrix<Double>(rowCount: x.rowCount, columnCount: width)
        x.withUnsafeElements { source in
            features.withUnsafeMutableElements { target in
                QuadraticFeatures.build(source.baseAddress!, rows: x.rowCount, dimension: d, centre: centre,
                                        into: target.baseAddress!, outputStride: width, backend: .reference)
            }
        }
        var product = Matrix<Double>(rowCount: gamma.columnCount, columnCount: width)
        try ComputeBackend.reference.multiply(gamma, by: features, transposeA: true, into: &product)
        return product
    }

    /// The kernel's `[k × width]` result (row stride width + 3, the padding checked untouched),
    /// or nil when it did not run.
    private func fusedStatistics(_ x: Matrix<Double>, centre: [Double], gamma: Matrix<Double>,
                                 backend: ComputeBackend = .accelerated,
                                 width lanes: Int = KernelPolicy.current.fusedKernelLanes) -> Matrix<Double>? {
        let d = x.columnCount, k = gamma.columnCount, width = QuadraticFeatures.width(dimension: d), stride = width + 3
        // NaN everywhere: the kernel overwrites the result (never reads it) and leaves the padding.
        var output = [Double](repeating: .nan, count: k * stride)
        let done = x.withUnsafeElements { source in
            gamma.withUnsafeElements { weights in
                output.withUnsafeMutableBufferPointer { target in
                    QuadraticFeatures.statistics(source.baseAddress!, rows: x.rowCount, dimension: d, centre: centre,
                                                 responsibilities: weights.baseAddress!, components: k,
                                                 into: target.baseAddress!, outputStride: stride, backend: backend,
                                                 width: lanes)
                }
            }
        }
        guard done else { return nil }
        for c in 0..<k {
            let padding = output[(c * stride + width)..<((c + 1) * stride)]
            #expect(padding.allSatisfy { $0.isNaN }, "padding written")
        }
        return Matrix(rowCount: k, columnCount: width,
                      elements: (0..<k).flatMap { output[($0 * stride)..<($0 * stride + width)] })
    }

    /// Equal to γᵀ·features within 1e-12 relative (the GEMM sweep's bound, MultiplyTests.swift:
    /// each element sums at most 290 products of values from −1…1, centre included, with two
    /// roundings per term, far below it; a wrong index, segment or tile gives errors of order 1),
    /// for every kernel width this CPU runs (AVX2: 4 lanes; AVX-512: 8).
    @Test(arguments: statisticsShapes)
    func fusedStatisticsEqualFeaturesTransposeTimesGamma(shape: StatisticsShape) throws {
        var generator = seededGenerator(shape.d, shape.k, shape.rows, 59)
        let x = Matrix<Double>.random(rowCount: shape.rows, columnCount: shape.d, using: &generator)
        let centre = [Double].random(count: shape.d, in: -0.5...0.5, using: &generator)
        let gamma = Matrix<Double>.random(rowCount: shape.rows, columnCount: shape.k, in: 0...1, using: &generator)
        let reference = try referenceStatistics(x, centre: centre, gamma: gamma)
        #expect(KernelPolicy.availableFusedKernelLanes.isEmpty == !RowSoftmax.acceleratedKernelAvailable)
        for lanes in KernelPolicy.availableFusedKernelLanes {
            let label = "\(shape.testDescription), \(lanes) lanes"
            let fused = try #require(fusedStatistics(x, centre: centre, gamma: gamma, width: lanes), "\(label): the kernel runs")
            let error = relativeError(fused, reference)
            #expect(error <= productToleranceDouble, "\(label): relative error \(error)")
            // The comparison can fail: the statistics about another centre (shifted by 1e-3 in
            // one dimension) are rejected by the same bound.
            var shifted = centre
            shifted[shape.d / 2] += 1e-3
            let other = try #require(fusedStatistics(x, centre: shifted, gamma: gamma, width: lanes))
            #expect(relativeError(other, reference) > productToleranceDouble, "\(label): a wrong centre passes")
        }
    }

    /// Only the accelerated backend, Double, k ≤ 16 and the widths 4 and 8 take the kernel; the
    /// rest is left to the features and the GEMM.
    @Test func theKernelDeclinesWhatItDoesNotCover() {
        var generator = SeededGenerator(seed: 61)
        let x = Matrix<Double>.random(rowCount: 9, columnCount: 4, using: &generator)
        let centre = [Double](repeating: 0, count: 4)
        #expect(fusedStatistics(x, centre: centre, gamma: .random(rowCount: 9, columnCount: 3, using: &generator),
                                backend: .reference) == nil)
        #expect(fusedStatistics(x, centre: centre, gamma: .random(rowCount: 9, columnCount: 17, using: &generator)) == nil)
        for lanes in [0, 2, 16] {
            #expect(fusedStatistics(x, centre: centre, gamma: .random(rowCount: 9, columnCount: 3, using: &generator),
                                    width: lanes) == nil, "width \(lanes)")
        }
        let single = Matrix<Float>.random(rowCount: 9, columnCount: 4, using: &generator)
        let gamma = Matrix<Float>.random(rowCount: 9, columnCount: 3, using: &generator)
        var output = [Float](repeating: 0, count: 3 * QuadraticFeatures.width(dimension: 4))
        let done = single.withUnsafeElements { source in
            gamma.withUnsafeElements { weights in
                output.withUnsafeMutableBufferPointer { target in
                    QuadraticFeatures.statistics(source.baseAddress!, rows: 9, dimension: 4, centre: [0, 0, 0, 0],
                                                 responsibilities: weights.baseAddress!, components: 3, into: target.baseAddress!,
                                                 outputStride: QuadraticFeatures.width(dimension: 4), backend: .accelerated)
                }
            }
        }
        #expect(!done)
    }
}
