import HMMKitNumerics
import HMMKitTestSupport
import Testing

// GEMM (`multiply`) and SYRK (`symmetricRankUpdate`) on both backends and both precisions,
// against a Double triple loop and against each other.
//
// Tolerances, relative to the largest |element| of the exact result (`relativeError`):
// every element is a dot product of k ≤ 257 terms drawn from -1...1. Its rounding error is at most
// k·ε·Σ|aₚbₚ| (ε = 2⁻⁵³ or 2⁻²⁴) and in practice grows like √k·ε·Σ|aₚbₚ|; for uniform data
// Σ|aₚbₚ| is at most about √k times the largest |element|. So the worst case is k^1.5·ε
// (≈ 4.6e-13 Double, ≈ 2.5e-4 Float) and the expected case k·ε (≈ 2.9e-14, ≈ 1.5e-5).
// Float results are compared with the exact Double product of the same Float inputs, so the
// whole difference is the kernel's rounding; alpha and beta add two more roundings per element.

/// Double GEMM/SYRK: 1e-12, twice the worst case k^1.5·2⁻⁵³ for k = 257.
let productToleranceDouble = 1e-12
/// Float GEMM/SYRK: 1e-4, ~7 times the expected k·2⁻²⁴ for k = 257 (the worst case is never met
/// by random signs); a wrong index or a missed block gives errors of order 1.
let productToleranceFloat = 1e-4

/// One GEMM problem: op(a) is `[m × k]`, op(b) is `[k × n]`, c is `[m × n]`.
struct ProductShape: Sendable, CustomTestStringConvertible {
    let m: Int, k: Int, n: Int
    var testDescription: String { "\(m)×\(k) · \(k)×\(n)" }
}

/// Which operands are transposed.
struct TransposePair: Sendable, CustomTestStringConvertible {
    let a: Bool, b: Bool
    static let all = [TransposePair(a: false, b: false), TransposePair(a: true, b: false),
                      TransposePair(a: false, b: true), TransposePair(a: true, b: true)]
    var testDescription: String { "op(a) = \(a ? "aᵀ" : "a"), op(b) = \(b ? "bᵀ" : "b")" }
}

/// Every awkward size as each of m, k and n with small unequal partners (so every product is
/// non-square and `k = 0`, `m = 0`, `n = 0` all occur), the cubes up to 64, and two larger products
/// whose dimensions all differ.
let productShapes: [ProductShape] =
    awkwardSizes.flatMap { s in
        [ProductShape(m: s, k: 5, n: 3), ProductShape(m: 3, k: s, n: 5), ProductShape(m: 5, k: 3, n: s)]
    }
    + awkwardSizes.filter { $0 <= 64 }.map { ProductShape(m: $0, k: $0, n: $0) }
    + [ProductShape(m: 39, k: 257, n: 17), ProductShape(m: 257, k: 17, n: 39)]

@Suite("GEMM: multiply")
struct MultiplyTests {
    @Test(arguments: productShapes, TransposePair.all)
    func matchesTheExactProductOnBothBackends(shape: ProductShape, transposes: TransposePair) throws {
        try checkProduct(Float.self, shape, transposes, tolerance: productToleranceFloat)
        try checkProduct(Double.self, shape, transposes, tolerance: productToleranceDouble)
    }

    /// With `beta = 0`, `c` starts full of NaN, which must be overwritten (also when k = 0, where the
    /// product is all zeros); the two backends must agree with the exact product and with each other.
    private func checkProduct<S: MatrixScalar>(
        _: S.Type, _ shape: ProductShape, _ transposes: TransposePair, tolerance: Double
    ) throws {
        var generator = seededGenerator(shape.m, shape.k, shape.n, transposes.a ? 1 : 0, transposes.b ? 1 : 0)
        let a = transposes.a
            ? Matrix<S>.random(rowCount: shape.k, columnCount: shape.m, using: &generator)
            : Matrix<S>.random(rowCount: shape.m, columnCount: shape.k, using: &generator)
        let b = transposes.b
            ? Matrix<S>.random(rowCount: shape.n, columnCount: shape.k, using: &generator)
            : Matrix<S>.random(rowCount: shape.k, columnCount: shape.n, using: &generator)
        let exact = naiveProduct(a, b, transposeA: transposes.a, transposeB: transposes.b)
        var results: [Matrix<S>] = []
        for backend in ComputeBackend.allCases {
            var c = Matrix<S>(rowCount: shape.m, columnCount: shape.n, repeating: .nan)
            try backend.multiply(a, by: b, transposeA: transposes.a, transposeB: transposes.b, into: &c)
            let label = "\(S.self) \(backend) \(shape.testDescription) \(transposes.testDescription)"
            let finite = c.elements.allSatisfy { $0.isFinite }
            #expect(finite, "\(label): NaN from c survived beta = 0")
            #expect(relativeError(c.converted(to: Double.self), exact) <= tolerance, "\(label)")
            // The allocating overload computes the same thing.
            let fresh = try backend.multiply(a, by: b, transposeA: transposes.a, transposeB: transposes.b)
            #expect(fresh == c, "\(label): multiply(_:by:) differs from multiply(_:by:into:)")
            results.append(c)
        }
        #expect(relativeError(results[0], results[1]) <= tolerance,
                "\(S.self) \(shape.testDescription) \(transposes.testDescription): backends disagree")
    }

    /// The accelerated GEMM runs a product with k ≤ 256 as row blocks when m exceeds twice its
    /// block, which is at least 64 rows and exactly 64 when the blocks of A and C (n + k scalars per
    /// row) would otherwise pass 256 KiB: n + k = 1024 for Float, 512 for Double. These shapes run
    /// as two 64-row blocks plus a 1-row remainder; both A layouts are covered (the block of a
    /// transposed A starts at a column offset, an untransposed one at a row offset).
    @Test(arguments: [TransposePair(a: false, b: false), TransposePair(a: true, b: true)])
    func rowBlockedProductsMatchTheExactProduct(transposes: TransposePair) throws {
        try checkRowBlocked(Float.self, ProductShape(m: 129, k: 3, n: 1021), transposes,
                            tolerance: productToleranceFloat)
        try checkRowBlocked(Double.self, ProductShape(m: 129, k: 3, n: 509), transposes,
                            tolerance: productToleranceDouble)
    }

    /// Only the accelerated backend blocks; the reference backend is checked on these code paths by
    /// the sweep above, and the outputs here are large enough to make a debug-build sweep slow.
    private func checkRowBlocked<S: MatrixScalar>(
        _: S.Type, _ shape: ProductShape, _ transposes: TransposePair, tolerance: Double
    ) throws {
        var generator = seededGenerator(shape.m, shape.k, shape.n, transposes.a ? 1 : 0)
        let a = Matrix<S>.random(rowCount: transposes.a ? shape.k : shape.m,
                                 columnCount: transposes.a ? shape.m : shape.k, using: &generator)
        let b = Matrix<S>.random(rowCount: transposes.b ? shape.n : shape.k,
                                 columnCount: transposes.b ? shape.k : shape.n, using: &generator)
        var c = Matrix<S>(rowCount: shape.m, columnCount: shape.n, repeating: .nan)
        try ComputeBackend.accelerated.multiply(a, by: b, transposeA: transposes.a, transposeB: transposes.b,
                                                into: &c)
        // relativeError is infinite if any NaN of the starting c survived.
        let exact = naiveProduct(a, b, transposeA: transposes.a, transposeB: transposes.b)
        #expect(relativeError(c.converted(to: Double.self), exact) <= tolerance,
                "\(S.self) \(shape.testDescription) \(transposes.testDescription)")
    }

    static let scaledShapes = [ProductShape(m: 17, k: 39, n: 3), ProductShape(m: 2, k: 257, n: 64),
                               ProductShape(m: 3, k: 0, n: 5), ProductShape(m: 64, k: 1, n: 39)]

    @Test(arguments: scaledShapes, TransposePair.all)
    func appliesAlphaAndBeta(shape: ProductShape, transposes: TransposePair) throws {
        try checkScaled(Float.self, shape, transposes, tolerance: productToleranceFloat)
        try checkScaled(Double.self, shape, transposes, tolerance: productToleranceDouble)
    }

    /// `c = alpha·op(a)·op(b) + beta·c` with a random starting `c`.
    private func checkScaled<S: MatrixScalar>(
        _: S.Type, _ shape: ProductShape, _ transposes: TransposePair, tolerance: Double
    ) throws {
        var generator = seededGenerator(shape.m, shape.k, shape.n, 7)
        let a = Matrix<S>.random(rowCount: transposes.a ? shape.k : shape.m,
                                 columnCount: transposes.a ? shape.m : shape.k, using: &generator)
        let b = Matrix<S>.random(rowCount: transposes.b ? shape.n : shape.k,
                                 columnCount: transposes.b ? shape.k : shape.n, using: &generator)
        let start = Matrix<S>.random(rowCount: shape.m, columnCount: shape.n, using: &generator)
        let (alpha, beta): (S, S) = (-1.5, 0.75)
        let expected = linearCombination(
            -1.5, naiveProduct(a, b, transposeA: transposes.a, transposeB: transposes.b),
            0.75, start.converted(to: Double.self))
        for backend in ComputeBackend.allCases {
            var c = start
            try backend.multiply(a, by: b, transposeA: transposes.a, transposeB: transposes.b,
                                 alpha: alpha, beta: beta, into: &c)
            #expect(relativeError(c.converted(to: Double.self), expected) <= tolerance,
                    "\(S.self) \(backend) \(shape.testDescription) \(transposes.testDescription)")
            // alpha = 0, beta = 1 leaves c exactly as it was (BLAS's quick return).
            var unchanged = start
            try backend.multiply(a, by: b, transposeA: transposes.a, transposeB: transposes.b,
                                 alpha: 0, beta: 1, into: &unchanged)
            #expect(unchanged == start, "\(S.self) \(backend): alpha = 0, beta = 1 changed c")
        }
    }

    @Test(arguments: ComputeBackend.allCases)
    func rejectsShapeMismatchesNamingTheShapes(backend: ComputeBackend) {
        let expected = "op(a) [m × k] · op(b) [k × n] into c [m × n]"
        let a = Matrix<Double>(rowCount: 2, columnCount: 3), b = Matrix<Double>(rowCount: 4, columnCount: 5)
        // Inner dimensions differ.
        #expect(throws: LinearAlgebraError.shapeMismatch(
            operation: "multiply", expected: expected, got: "op(a) 2 × 3, op(b) 4 × 5, c 2 × 5")) {
            try backend.multiply(a, by: b)
        }
        // Transposing a makes them differ the other way.
        #expect(throws: LinearAlgebraError.shapeMismatch(
            operation: "multiply", expected: expected, got: "op(a) 3 × 2, op(b) 3 × 4, c 3 × 4")) {
            try backend.multiply(a, by: Matrix<Double>(rowCount: 4, columnCount: 3), transposeA: true, transposeB: true)
        }
        // The inner dimensions fit but c has the wrong shape; c is left untouched.
        var c = Matrix<Float>(rowCount: 2, columnCount: 4, repeating: 9)
        #expect(throws: LinearAlgebraError.shapeMismatch(
            operation: "multiply", expected: expected, got: "op(a) 2 × 3, op(b) 3 × 5, c 2 × 4")) {
            try backend.multiply(Matrix<Float>(rowCount: 2, columnCount: 3),
                                 by: Matrix<Float>(rowCount: 3, columnCount: 5), into: &c)
        }
        #expect(c.elements.allSatisfy { $0 == 9 })
    }
}

@Suite("SYRK: symmetricRankUpdate")
struct SymmetricRankUpdateTests {
    /// One problem: c is `[n × n]` and a holds n vectors of length k.
    struct Shape: Sendable, CustomTestStringConvertible {
        let n: Int, k: Int
        var testDescription: String { "n=\(n) k=\(k)" }
    }

    /// Every awkward size as n and as k, a square a, and a larger non-square one.
    static let shapes: [Shape] =
        awkwardSizes.flatMap { s in [Shape(n: s, k: 5), Shape(n: 3, k: s)] }
        + [Shape(n: 64, k: 64), Shape(n: 39, k: 257)]

    @Test(arguments: shapes, [true, false])
    func matchesTheExactProductOnBothBackends(shape: Shape, transposed: Bool) throws {
        try checkRankUpdate(Float.self, shape.n, shape.k, transposed, tolerance: productToleranceFloat)
        try checkRankUpdate(Double.self, shape.n, shape.k, transposed, tolerance: productToleranceDouble)
    }

    /// `transposed`: c = aᵀa with a `[k × n]`; otherwise c = a·aᵀ with a `[n × k]`. c starts as NaN
    /// (beta = 0 overwrites it) and must come back exactly symmetric, equal to the exact product,
    /// to `multiply` of the same operands, and to the other backend.
    private func checkRankUpdate<S: MatrixScalar>(
        _: S.Type, _ n: Int, _ k: Int, _ transposed: Bool, tolerance: Double
    ) throws {
        var generator = seededGenerator(n, k, transposed ? 1 : 0)
        let a = transposed
            ? Matrix<S>.random(rowCount: k, columnCount: n, using: &generator)
            : Matrix<S>.random(rowCount: n, columnCount: k, using: &generator)
        let exact = naiveProduct(a, a, transposeA: transposed, transposeB: !transposed)
        var results: [Matrix<S>] = []
        for backend in ComputeBackend.allCases {
            let label = "\(S.self) \(backend) n=\(n) k=\(k) transposed=\(transposed)"
            var c = Matrix<S>(rowCount: n, columnCount: n, repeating: .nan)
            try backend.symmetricRankUpdate(a, transposed: transposed, into: &c)
            let finite = c.elements.allSatisfy { $0.isFinite }
            #expect(finite, "\(label): NaN from c survived beta = 0")
            #expect(c == c.transposed(), "\(label): not symmetric")
            #expect(relativeError(c.converted(to: Double.self), exact) <= tolerance, "\(label)")
            let viaMultiply = try backend.multiply(a, by: a, transposeA: transposed, transposeB: !transposed)
            #expect(relativeError(c, viaMultiply) <= tolerance, "\(label): differs from multiply")
            results.append(c)
        }
        #expect(relativeError(results[0], results[1]) <= tolerance,
                "\(S.self) n=\(n) k=\(k) transposed=\(transposed): backends disagree")
    }

    @Test(arguments: [Shape(n: 17, k: 39), Shape(n: 64, k: 3), Shape(n: 3, k: 0)], [true, false])
    func appliesAlphaAndBeta(shape: Shape, transposed: Bool) throws {
        try checkScaled(Float.self, shape.n, shape.k, transposed, tolerance: productToleranceFloat)
        try checkScaled(Double.self, shape.n, shape.k, transposed, tolerance: productToleranceDouble)
    }

    /// `c = alpha·aᵀa + beta·c` (or `a·aᵀ`) for a symmetric starting c. Only the lower triangle
    /// of c is read (the kernel updates it and the method mirrors it), so NaN above the diagonal
    /// of the starting c must not reach the result.
    private func checkScaled<S: MatrixScalar>(
        _: S.Type, _ n: Int, _ k: Int, _ transposed: Bool, tolerance: Double
    ) throws {
        var generator = seededGenerator(n, k, transposed ? 1 : 0, 11)
        let a = transposed
            ? Matrix<S>.random(rowCount: k, columnCount: n, using: &generator)
            : Matrix<S>.random(rowCount: n, columnCount: k, using: &generator)
        let start = Matrix<S>.randomSymmetricPositiveDefinite(order: n, using: &generator)
        var lowerOnly = start
        for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { lowerOnly[i, j] = .nan } }
        let expected = linearCombination(0.5, naiveProduct(a, a, transposeA: transposed, transposeB: !transposed),
                                         -2, start.converted(to: Double.self))
        for backend in ComputeBackend.allCases {
            var c = lowerOnly
            try backend.symmetricRankUpdate(a, transposed: transposed, alpha: 0.5, beta: -2, into: &c)
            #expect(relativeError(c.converted(to: Double.self), expected) <= tolerance,
                    "\(S.self) \(backend) n=\(n) k=\(k) transposed=\(transposed)")
            #expect(c == c.transposed())
        }
    }

    @Test(arguments: ComputeBackend.allCases)
    func rejectsAResultOfTheWrongShape(backend: ComputeBackend) {
        let a = Matrix<Double>(rowCount: 4, columnCount: 3)
        var c = Matrix<Double>(rowCount: 4, columnCount: 4)
        // aᵀa is 3 × 3.
        #expect(throws: LinearAlgebraError.shapeMismatch(
            operation: "symmetricRankUpdate", expected: "c [3 × 3]", got: "c 4 × 4")) {
            try backend.symmetricRankUpdate(a, transposed: true, into: &c)
        }
        var wide = Matrix<Double>(rowCount: 4, columnCount: 5)
        #expect(throws: LinearAlgebraError.shapeMismatch(
            operation: "symmetricRankUpdate", expected: "c [4 × 4]", got: "c 4 × 5")) {
            try backend.symmetricRankUpdate(a, transposed: false, into: &wide)
        }
    }
}
