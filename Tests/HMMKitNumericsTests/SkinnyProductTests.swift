import Foundation
@testable import HMMKitNumerics
import HMMKitTestSupport
import Testing

// The accelerated backend's own kernels for products with a small side (SkinnyProducts, used by
// the HMM emission E-step) and for the full-covariance features: against the Double triple loop
// with the GEMM sweep's tolerances (MultiplyTests.swift explains them), and the features against
// the reference loop exactly (both compute the same products).

/// Shapes of `A·B` with n ≤ 16 (every column-group split: 1…6 columns, 7 → 4 + 3, 13 → 5 + 4 + 4,
/// 16 → 6 + 5 + 5), row counts that leave every remainder of the 2- and 4-row dot groups, and k with
/// and without a vector tail at either width; the last two are the E-step's (a scoring block of 290
/// frames, 39-dimensional diagonal and full features). Read as `Aᵀ·B` (m the long side): whole and
/// ragged column strips of every length at 4, 8 and 16 lanes (17, 31, 64, 79, 290).
let skinnyShapes: [ProductShape] =
    [1, 2, 3, 4, 5, 6, 7, 13, 16].map { ProductShape(m: 17, k: 39, n: $0) }
    + [ProductShape(m: 1, k: 8, n: 5), ProductShape(m: 2, k: 257, n: 15), ProductShape(m: 64, k: 11, n: 3),
       ProductShape(m: 31, k: 20, n: 15), ProductShape(m: 79, k: 33, n: 5), ProductShape(m: 290, k: 79, n: 5),
       ProductShape(m: 290, k: 820, n: 5)]

@Suite("Skinny products (accelerated backend)")
struct SkinnyProductTests {
    @Test func theKernelsRunOnThisMachine() {
        // The CI machines and this one have AVX2 + FMA; elsewhere the kernels are skipped, not broken.
        #expect(KernelPolicy.current.runsSkinnyProducts == RowSoftmax.acceleratedKernelAvailable)
        #expect(KernelPolicy.availableSkinnyProductBits.isEmpty == !RowSoftmax.acceleratedKernelAvailable)
    }

    /// The environment variables of ``KernelPolicy``: `0` turns a kernel family off (the skinny
    /// products' `0` also the fused kernels), `avx2` caps it at 256 bits / 4 lanes, anything else
    /// leaves the widest this CPU runs.
    @Test func kernelPolicyReadsTheEnvironment() {
        let widestBits = KernelPolicy.availableSkinnyProductBits.last ?? 0
        let widestLanes = widestBits > 0 ? KernelPolicy.availableFusedKernelLanes.last ?? 0 : 0
        let defaults = KernelPolicy(environment: [:])
        #expect(defaults.skinnyProductBits == widestBits && defaults.fusedKernelLanes == widestLanes)
        #expect(KernelPolicy(environment: ["HMMKIT_SKINNY_PRODUCTS": "yes"]) == defaults)
        let off = KernelPolicy(environment: ["HMMKIT_SKINNY_PRODUCTS": "0", "HMMKIT_FUSED_KERNELS": "avx2"])
        #expect(off.skinnyProductBits == 0 && off.fusedKernelLanes == 0 && !off.runsSkinnyProducts)
        let capped = KernelPolicy(environment: ["HMMKIT_SKINNY_PRODUCTS": "avx2", "HMMKIT_FUSED_KERNELS": "avx2"])
        #expect(capped.skinnyProductBits == min(widestBits, 256) && capped.fusedKernelLanes == min(widestLanes, 4))
        let unfused = KernelPolicy(environment: ["HMMKIT_FUSED_KERNELS": "0"])
        #expect(unfused.skinnyProductBits == widestBits && unfused.fusedKernelLanes == 0)
        #expect(off.description == "skinny products off, fused kernels off")
    }

    /// `A·B` (n small) and `Aᵀ·B` with the roles swapped (m small, the statistics' shape), from a
    /// c full of NaN (beta = 0 must not read it), and with alpha and beta; through the backend and
    /// by each kernel width this CPU runs.
    @Test(arguments: skinnyShapes)
    func matchTheExactProduct(shape: ProductShape) throws {
        try check(Double.self, shape, tolerance: productToleranceDouble)
        try check(Float.self, shape, tolerance: productToleranceFloat)
    }

    private func check<S: MatrixScalar>(_: S.Type, _ shape: ProductShape, tolerance: Double) throws {
        var generator = seededGenerator(shape.m, shape.k, shape.n, 41)
        // A·B: [m × k] · [k × n], n ≤ 16.
        let a = Matrix<S>.random(rowCount: shape.m, columnCount: shape.k, using: &generator)
        let b = Matrix<S>.random(rowCount: shape.k, columnCount: shape.n, using: &generator)
        // Aᵀ·B: a [k × n]ᵀ ... written as γ [k × n] transposed times features [k × m]: [n × m].
        let gamma = Matrix<S>.random(rowCount: shape.k, columnCount: shape.n, using: &generator)
        let features = Matrix<S>.random(rowCount: shape.k, columnCount: shape.m, using: &generator)
        let cases: [(Matrix<S>, Matrix<S>, Bool, String)] = [(a, b, false, "a·b"), (gamma, features, true, "γᵀ·f")]
        for (left, right, transposeA, name) in cases {
            let label = "\(S.self) \(name) \(shape.testDescription)"
            let exact = naiveProduct(left, right, transposeA: transposeA)
            let rows = exact.rowCount, columns = exact.columnCount
            #expect(ranSkinny(left, right, transposeA: transposeA) || !KernelPolicy.current.runsSkinnyProducts
                        || min(rows, columns) > SkinnyProducts.limit || (transposeA ? columns : left.columnCount) < SkinnyProducts.shortest,
                    "\(label): expected the skinny kernel to take this shape")
            var c = Matrix<S>(rowCount: rows, columnCount: columns, repeating: .nan)
            try ComputeBackend.accelerated.multiply(left, by: right, transposeA: transposeA, into: &c)
            #expect(relativeError(c.converted(to: Double.self), exact) <= tolerance, "\(label)")

            let start = Matrix<S>.random(rowCount: rows, columnCount: columns, using: &generator)
            var scaled = start
            try ComputeBackend.accelerated.multiply(left, by: right, transposeA: transposeA, alpha: -1.5, beta: 0.75,
                                                    into: &scaled)
            let expected = linearCombination(-1.5, exact, 0.75, start.converted(to: Double.self))
            #expect(relativeError(scaled.converted(to: Double.self), expected) <= tolerance, "\(label), alpha and beta")

            // The shapes the kernels take (the small side ≤ 16 is shape.n here; the long side ≥ 8).
            guard (transposeA ? columns : left.columnCount) >= SkinnyProducts.shortest else { continue }
            for bits in KernelPolicy.availableSkinnyProductBits {
                var direct = Matrix<S>(rowCount: rows, columnCount: columns, repeating: .nan)
                #expect(runSkinny(left, right, transposeA: transposeA, alpha: 1, beta: 0, into: &direct, bits: bits),
                        "\(label), \(bits) bits")
                #expect(relativeError(direct.converted(to: Double.self), exact) <= tolerance, "\(label), \(bits) bits")
                var combined = start
                #expect(runSkinny(left, right, transposeA: transposeA, alpha: -1.5, beta: 0.75, into: &combined, bits: bits))
                #expect(relativeError(combined.converted(to: Double.self), expected) <= tolerance,
                        "\(label), \(bits) bits, alpha and beta")
            }
        }
    }

    /// The skinny kernel of width `bits` on `c = alpha · op(a) · b + beta · c`; whether it ran.
    private func runSkinny<S: MatrixScalar>(_ a: Matrix<S>, _ b: Matrix<S>, transposeA: Bool, alpha: S, beta: S,
                                            into c: inout Matrix<S>, bits: Int) -> Bool {
        let m = c.rowCount, n = c.columnCount, k = transposeA ? a.rowCount : a.columnCount
        return a.withUnsafeElements { x in
            b.withUnsafeElements { y in
                c.withUnsafeMutableElements { z in
                    SkinnyProducts.multiply(transposeA: transposeA, transposeB: false, m: m, n: n, k: k, alpha: alpha,
                                            a: x.baseAddress!, lda: a.columnCount, b: y.baseAddress!, ldb: b.columnCount,
                                            beta: beta, c: z.baseAddress!, ldc: n, bits: bits)
                }
            }
        }
    }

    /// Whether SkinnyProducts takes the product (it computes it into a scratch matrix).
    private func ranSkinny<S: MatrixScalar>(_ a: Matrix<S>, _ b: Matrix<S>, transposeA: Bool) -> Bool {
        let m = transposeA ? a.columnCount : a.rowCount, k = transposeA ? a.rowCount : a.columnCount, n = b.columnCount
        var c = Matrix<S>(rowCount: m, columnCount: n)
        return a.withUnsafeElements { x in
            b.withUnsafeElements { y in
                c.withUnsafeMutableElements { z in
                    SkinnyProducts.multiply(transposeA: transposeA, transposeB: false, m: m, n: n, k: k, alpha: 1,
                                            a: x.baseAddress!, lda: a.columnCount, b: y.baseAddress!, ldb: b.columnCount,
                                            beta: 0, c: z.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// The AVX2 features kernel forms the same products as the reference loop: bitwise equal.
    @Test(arguments: [1, 2, 5, 13, 39])
    func quadraticFeaturesAgreeBetweenBackends(dimension d: Int) {
        var generator = seededGenerator(d, 43)
        let rows = 7
        let x = Matrix<Double>.random(rowCount: rows, columnCount: d, using: &generator)
        let centre = [Double].random(count: d, using: &generator)
        let width = QuadraticFeatures.width(dimension: d)
        var outputs: [[Double]] = []
        for backend in ComputeBackend.allCases {
            var output = [Double](repeating: .nan, count: rows * (width + 2))
            x.withUnsafeElements { source in
                output.withUnsafeMutableBufferPointer { target in
                    QuadraticFeatures.build(source.baseAddress!, rows: rows, dimension: d, centre: centre,
                                            into: target.baseAddress!, outputStride: width + 2, backend: backend)
                }
            }
            outputs.append(output)
            // Spot-check against the definition: row 3, feature (i, j) = (x_i − c_i)(x_j − c_j).
            let row = 3, i = d / 2, j = d - 1
            let index = d + (0..<i).reduce(0) { $0 + (d - $1) } + (j - i)
            let expected = (x[row, i] - centre[i]) * (x[row, j] - centre[j])
            #expect(output[row * (width + 2) + index] == expected, "\(backend) d = \(d)")
            #expect(output[row * (width + 2) + width - 1] == 1, "\(backend) d = \(d): the constant feature")
        }
        for index in 0..<rows * (width + 2) where index % (width + 2) < width {
            #expect(outputs[0][index] == outputs[1][index], "d = \(d): feature \(index) differs between backends")
        }
    }

    /// The diagonal features `[x, x², 1]`: the AVX2 kernel and the reference loop give the same
    /// bits (Double and Float), the padding past each row's features is never written, and the
    /// values are the definition's.
    @Test(arguments: [1, 3, 4, 13, 39])
    func diagonalFeaturesAgreeBetweenBackends(dimension d: Int) {
        func features<S: MatrixScalar>(_: S.Type, backend: ComputeBackend) -> ([S], Matrix<S>) {
            var generator = seededGenerator(d, 61)
            let rows = 5, width = DiagonalFeatures.width(dimension: d), stride = width + 3
            let x = Matrix<S>.random(rowCount: rows, columnCount: d, using: &generator)
            var output = [S](repeating: .nan, count: rows * stride)
            x.withUnsafeElements { source in
                output.withUnsafeMutableBufferPointer { target in
                    DiagonalFeatures.build(source.baseAddress!, rows: rows, dimension: d, into: target.baseAddress!,
                                           outputStride: stride, backend: backend)
                }
            }
            return (output, x)
        }
        let (fast, x) = features(Double.self, backend: .accelerated), (plain, _) = features(Double.self, backend: .reference)
        let stride = DiagonalFeatures.width(dimension: d) + 3
        for index in fast.indices {
            let row = index / stride, column = index % stride
            if column < d { #expect(fast[index] == x[row, column]) }
            else if column < 2 * d { #expect(fast[index] == x[row, column - d] * x[row, column - d]) }
            else if column == 2 * d { #expect(fast[index] == 1) }
            else { #expect(fast[index].isNaN, "d = \(d): padding written") }
            #expect(fast[index].bitPattern == plain[index].bitPattern, "d = \(d), element \(index)")
        }
        let (fastFloat, _) = features(Float.self, backend: .accelerated), (plainFloat, _) = features(Float.self, backend: .reference)
        #expect(fastFloat.map(\.bitPattern) == plainFloat.map(\.bitPattern), "d = \(d), Float")
    }

    /// Diagonal scores and statistics straight from the frames equal the reference features times
    /// the weights and `γᵀ·features` (exact Double products), at every width this CPU runs, for
    /// component counts that leave every group remainder, dimensions with and without a vector
    /// tail, and frame counts past a 16-frame tile and a dot group; Float within its tolerance.
    @Test(arguments: [(1, 1, 3), (3, 5, 5), (13, 7, 37), (39, 5, 290), (39, 15, 33), (39, 16, 17), (20, 6, 4)])
    func fusedDiagonalKernelsEqualTheFeaturesPath(dimension d: Int, components k: Int, rows: Int) throws {
        try checkFusedDiagonal(Double.self, d, k, rows, tolerance: productToleranceDouble)
        try checkFusedDiagonal(Float.self, d, k, rows, tolerance: productToleranceFloat)
    }

    private func checkFusedDiagonal<S: MatrixScalar>(_: S.Type, _ d: Int, _ k: Int, _ rows: Int, tolerance: Double) throws {
        var generator = seededGenerator(d, k, rows, 67)
        let width = DiagonalFeatures.width(dimension: d)
        let x = Matrix<S>.random(rowCount: rows, columnCount: d, using: &generator)
        let weights = Matrix<S>.random(rowCount: width, columnCount: k, using: &generator)
        let gamma = Matrix<S>.random(rowCount: rows, columnCount: k, using: &generator)
        var features = Matrix<S>(rowCount: rows, columnCount: width)
        x.withUnsafeElements { source in
            features.withUnsafeMutableElements { target in
                DiagonalFeatures.build(source.baseAddress!, rows: rows, dimension: d, into: target.baseAddress!,
                                       outputStride: width, backend: .reference)
            }
        }
        let exactScores = naiveProduct(features, weights), exactStatistics = naiveProduct(gamma, features, transposeA: true)
        #expect(DiagonalFeatures.fusedKernelsApply(components: k, backend: .accelerated) == KernelPolicy.current.runsSkinnyProducts)
        for bits in KernelPolicy.availableSkinnyProductBits {
            let label = "\(S.self) d = \(d), k = \(k), \(rows) rows, \(bits) bits"
            var scores = Matrix<S>(rowCount: rows, columnCount: k, repeating: .nan)
            let scored = x.withUnsafeElements { source in
                scores.withUnsafeMutableElements { target in
                    DiagonalFeatures.scores(source.baseAddress!, rows: rows, dimension: d, weights: weights, into: target.baseAddress!,
                                            backend: .accelerated, bits: bits)
                }
            }
            #expect(scored, "\(label)")
            #expect(relativeError(scores.converted(to: Double.self), exactScores) <= tolerance, "\(label): scores")
            // Statistics into a wider row stride full of NaN: every feature column is overwritten.
            var statistics = Matrix<S>(rowCount: k, columnCount: width + 2, repeating: .nan)
            let accumulated = x.withUnsafeElements { source in
                gamma.withUnsafeElements { g in
                    statistics.withUnsafeMutableElements { target in
                        DiagonalFeatures.statistics(source.baseAddress!, rows: rows, dimension: d, responsibilities: g.baseAddress!,
                                                    components: k, into: target.baseAddress!, outputStride: width + 2,
                                                    backend: .accelerated, bits: bits)
                    }
                }
            }
            #expect(accumulated, "\(label)")
            var used = Matrix<Double>(rowCount: k, columnCount: width)
            for j in 0..<k { for f in 0..<width { used[j, f] = Double(statistics[j, f]) } }
            #expect(relativeError(used, exactStatistics) <= tolerance, "\(label): statistics")
            #expect((0..<k).allSatisfy { statistics[$0, width].isNaN && statistics[$0, width + 1].isNaN }, "\(label): padding written")
        }
        // The reference backend never takes this path.
        var unused = Matrix<S>(rowCount: rows, columnCount: k)
        let reference = x.withUnsafeElements { source in
            unused.withUnsafeMutableElements { target in
                DiagonalFeatures.scores(source.baseAddress!, rows: rows, dimension: d, weights: weights, into: target.baseAddress!,
                                        backend: .reference)
            }
        }
        #expect(!reference)
    }

    /// Scores straight from the frames equal the features times the weights (the exact Double
    /// product of the reference features), for 1…16 components and dimensions with and without a
    /// vector tail, at every kernel width this CPU runs: 1e-12 relative, the GEMM sweep's bound
    /// (k ≤ 820 terms here, all from −1…1).
    @Test(arguments: [(1, 1), (2, 3), (5, 5), (13, 7), (39, 5), (39, 16)])
    func quadraticScoresEqualFeaturesTimesWeights(dimension d: Int, components k: Int) throws {
        var generator = seededGenerator(d, k, 53)
        let rows = 9
        let x = Matrix<Double>.random(rowCount: rows, columnCount: d, using: &generator)
        let centre = [Double].random(count: d, using: &generator)
        let width = QuadraticFeatures.width(dimension: d)
        let weights = Matrix<Double>.random(rowCount: width, columnCount: k, using: &generator)
        var features = Matrix<Double>(rowCount: rows, columnCount: width)
        x.withUnsafeElements { source in
            features.withUnsafeMutableElements { target in
                QuadraticFeatures.build(source.baseAddress!, rows: rows, dimension: d, centre: centre, into: target.baseAddress!,
                                        outputStride: width, backend: .reference)
            }
        }
        let exact = naiveProduct(features, weights)
        var scores = Matrix<Double>(rowCount: rows, columnCount: k, repeating: .nan)
        #expect(KernelPolicy.availableFusedKernelLanes.isEmpty == !KernelPolicy.current.runsSkinnyProducts)
        for lanes in KernelPolicy.availableFusedKernelLanes {
            let done = x.withUnsafeElements { source in
                scores.withUnsafeMutableElements { target in
                    QuadraticFeatures.scores(source.baseAddress!, rows: rows, dimension: d, centre: centre, weights: weights,
                                             into: target.baseAddress!, backend: .accelerated, width: lanes)
                }
            }
            #expect(done, "\(lanes) lanes")
            #expect(relativeError(scores, exact) <= productToleranceDouble, "d = \(d), k = \(k), \(lanes) lanes")
        }
        // The reference backend never takes this path.
        let reference = x.withUnsafeElements { source in
            scores.withUnsafeMutableElements { target in
                QuadraticFeatures.scores(source.baseAddress!, rows: rows, dimension: d, centre: centre, weights: weights,
                                         into: target.baseAddress!, backend: .reference)
            }
        }
        #expect(!reference)
    }

    /// The vector exponential agrees with the scalar one to a few ulp, and is exactly 0 below −708.
    @Test func vectorExponentialMatchesTheScalarOne() {
        var generator = SeededGenerator(seed: 47)
        var values = [Double].random(count: 1_003, in: -750...0, using: &generator)
        values[0] = -.infinity
        values[1] = 0
        values[2] = -708.5
        let expected = values.map { FastExponential.exp($0) }
        values.withUnsafeMutableBufferPointer { FastExponential.exponentiateNonPositive($0.baseAddress!, count: $0.count) }
        #expect(values[0] == 0 && values[2] == 0 && values[1] == 1)
        var worst = 0.0
        for (value, reference) in zip(values, expected) {
            if reference == 0 { #expect(value == 0) } else { worst = max(worst, abs(value - reference) / reference) }
        }
        #expect(worst <= 4.5e-16, "worst relative difference \(worst)")
    }
}
