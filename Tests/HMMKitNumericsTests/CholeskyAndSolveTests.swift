import Foundation
import HMMKitNumerics
import HMMKitTestSupport
import Testing

// Cholesky factorization, triangular solves and the log-determinant, on both backends and
// both precisions, plus the typed errors for indefinite, non-finite, singular and mis-shaped input.

/// A generic "backend × precision" label for failure messages.
private func label<S: MatrixScalar>(_: S.Type, _ backend: ComputeBackend, _ detail: String) -> String {
    "\(S.self) \(backend) \(detail)"
}

@Suite("Cholesky factorization")
struct CholeskyTests {
    // Tolerances. Cholesky is backward stable: the computed L satisfies L·Lᵀ = A + E with
    // |E| ≤ (n+1)·ε·|L|·|Lᵀ| elementwise, and (|L|·|Lᵀ|)ᵢⱼ ≤ √(aᵢᵢ·aⱼⱼ) ≤ max|A|, so the
    // reconstruction error relative to max|A| is at most (n+1)·ε: 258·2⁻⁵³ ≈ 2.9e-14 (Double) and
    // 258·2⁻²⁴ ≈ 1.5e-5 (Float) for n = 257. The factors themselves differ between backends by about
    // cond(A) times that; `randomSymmetricPositiveDefinite` gives cond(A) ≈ 1.4 at n = 257 and
    // ≤ 3.5 at the small orders, where (n+1)·ε is far smaller.
    /// Double: 1e-12, ~25 times the worst case (n+1)·2⁻⁵³·cond(A) ≈ 4e-14 for n = 257.
    static let toleranceDouble = 1e-12
    /// Float: 1e-4, ~5 times the worst case (n+1)·2⁻²⁴·cond(A) ≈ 2.1e-5 for n = 257.
    static let toleranceFloat = 1e-4

    @Test(arguments: awkwardSizes)
    func factorReconstructsTheMatrixOnBothBackends(order: Int) throws {
        try checkFactor(Float.self, order, tolerance: Self.toleranceFloat)
        try checkFactor(Double.self, order, tolerance: Self.toleranceDouble)
    }

    /// L is lower triangular with a positive diagonal and exact zeros above it, L·Lᵀ = A, the upper
    /// triangle of A is never read (NaN there changes nothing), and the backends agree.
    private func checkFactor<S: MatrixScalar>(_: S.Type, _ order: Int, tolerance: Double) throws {
        var generator = seededGenerator(order, 101)
        let a = Matrix<S>.randomSymmetricPositiveDefinite(order: order, using: &generator)
        var upperIsNaN = a
        for i in 0..<order { for j in (i + 1)..<max(order, i + 1) { upperIsNaN[i, j] = .nan } }
        var factors: [Matrix<S>] = []
        for backend in ComputeBackend.allCases {
            let context = label(S.self, backend, "order \(order)")
            let factor = try backend.choleskyFactor(a)
            #expect(factor.shape == a.shape, "\(context)")
            var upperNonZero = 0, diagonalNotPositive = 0
            for i in 0..<order {
                if !(factor[i, i] > 0) { diagonalNotPositive += 1 }
                for j in (i + 1)..<max(order, i + 1) where factor[i, j] != 0 { upperNonZero += 1 }
            }
            #expect(upperNonZero == 0, "\(context): \(upperNonZero) non-zero elements above the diagonal")
            #expect(diagonalNotPositive == 0, "\(context): \(diagonalNotPositive) diagonal elements ≤ 0")
            // L·Lᵀ in Double by the accelerated GEMM, which MultiplyTests checks against a triple loop.
            let wide = factor.converted(to: Double.self)
            let product = try ComputeBackend.accelerated.multiply(wide, by: wide, transposeB: true)
            #expect(relativeError(product, a.converted(to: Double.self)) <= tolerance, "\(context): L·Lᵀ ≠ A")
            #expect(try backend.choleskyFactor(upperIsNaN) == factor,
                    "\(context): the upper triangle of A was read")
            factors.append(factor)
        }
        #expect(relativeError(factors[0], factors[1]) <= tolerance, "\(S.self) order \(order): backends disagree")
    }

    @Test(arguments: ComputeBackend.allCases)
    func factorOfATextbookMatrixIsExact(backend: ComputeBackend) throws {
        // A = L·Lᵀ with L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]; every step is exact in binary floating point.
        let a = Matrix<Double>(rows: [[4, 12, -16], [12, 37, -43], [-16, -43, 98]])
        #expect(try backend.choleskyFactor(a) == Matrix(rows: [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]))
        #expect(try backend.choleskyFactor(a.converted(to: Float.self))
                == Matrix<Float>(rows: [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]))
    }

    /// An SPD matrix of `order` whose leading minor of order `failing` (≥ 2) is indefinite while the
    /// smaller ones stay positive definite: row and column `failing − 1` copy row and column 0, with
    /// the diagonal element lowered by 1. For v = e₀ − e_(failing−1), vᵀAv = a₀₀ − 2a₀₀ + (a₀₀ − 1) = −1,
    /// and the Schur complement the factorization meets at that step is exactly −1 (not a rounding-
    /// sized value), so both backends must stop there.
    private func matrix<S: MatrixScalar>(_: S.Type, order: Int, failingAt failing: Int) -> Matrix<S> {
        var generator = seededGenerator(order, failing)
        var a = Matrix<S>.randomSymmetricPositiveDefinite(order: order, using: &generator)
        let row = failing - 1
        for j in 0..<order where j != row {
            a[row, j] = a[0, j]
            a[j, row] = a[j, 0]
        }
        a[row, 0] = a[0, 0]
        a[0, row] = a[0, 0]
        a[row, row] = a[0, 0] - 1
        return a
    }

    @Test(arguments: [(2, 2), (3, 3), (17, 3), (39, 3), (64, 3), (257, 3), (64, 64), (257, 200)])
    func reportsTheFailingLeadingMinor(order: Int, failing: Int) {
        for backend in ComputeBackend.allCases {
            #expect(throws: LinearAlgebraError.notPositiveDefinite(order: order, leadingMinor: failing),
                    "Float \(backend)") {
                try backend.choleskyFactor(matrix(Float.self, order: order, failingAt: failing))
            }
            #expect(throws: LinearAlgebraError.notPositiveDefinite(order: order, leadingMinor: failing),
                    "Double \(backend)") {
                try backend.choleskyFactor(matrix(Double.self, order: order, failingAt: failing))
            }
        }
    }

    @Test(arguments: ComputeBackend.allCases)
    func reportsANonPositiveFirstPivot(backend: ComputeBackend) {
        for first in [-2.0, 0.0] {
            var a = Matrix<Double>.identity(3)
            a[0, 0] = first
            #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 3, leadingMinor: 1)) {
                try backend.choleskyFactor(a)
            }
        }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 1, leadingMinor: 1)) {
            try backend.choleskyFactor(Matrix<Float>(rows: [[-1]]))
        }
    }

    @Test(arguments: ComputeBackend.allCases, [Double.nan, .infinity, -.infinity])
    func rejectsNonFiniteValuesNamingRowColumnAndValue(backend: ComputeBackend, bad: Double) {
        checkNonFinite(Float.self, backend, bad)
        checkNonFinite(Double.self, backend, bad)
    }

    private func checkNonFinite<S: MatrixScalar>(_: S.Type, _ backend: ComputeBackend, _ bad: Double) {
        var generator = seededGenerator(17, 5)
        var a = Matrix<S>.randomSymmetricPositiveDefinite(order: 17, using: &generator)
        a[9, 4] = S(bad)   // lower triangle, the first bad element in row order
        a[12, 12] = S(bad)
        do {
            _ = try backend.choleskyFactor(a)
            Issue.record("\(S.self) \(backend): accepted \(bad)")
        } catch let .nonFinite(operation, row, column, value) {
            #expect(operation == "choleskyFactor")
            #expect(row == 9 && column == 4, "\(S.self) \(backend): reported (\(row), \(column))")
            #expect(bad.isNaN ? value.isNaN : value == bad, "\(S.self) \(backend): reported \(value)")
        } catch {
            Issue.record("\(S.self) \(backend): unexpected error \(error)")
        }
    }

    @Test(arguments: ComputeBackend.allCases)
    func rejectsANonSquareMatrixNamingItsShape(backend: ComputeBackend) {
        #expect(throws: LinearAlgebraError.shapeMismatch(
            operation: "choleskyFactor", expected: "a square matrix", got: "3 × 4")) {
            try backend.choleskyFactor(Matrix<Double>(rowCount: 3, columnCount: 4))
        }
        #expect(throws: LinearAlgebraError.shapeMismatch(
            operation: "choleskyFactor", expected: "a square matrix", got: "257 × 0")) {
            try backend.choleskyFactor(Matrix<Float>(rowCount: 257, columnCount: 0))
        }
    }
}

@Suite("log-determinant from the Cholesky factor")
struct LogDeterminantTests {
    @Test(arguments: awkwardSizes)
    func diagonalMatrixGivesTheSumOfLogs(order: Int) throws {
        // Each term 2·log √dᵢ is off by a few ε relative to |log dᵢ| ≤ 7, and the n-term sum adds at
        // most n·ε relative to the total, which (mean log dᵢ ≈ 2.3) is never near 0: the error
        // relative to the sum is ≲ (6 + n)·ε, 263·2⁻²⁴ ≈ 1.6e-5 and 263·2⁻⁵³ ≈ 2.9e-14 for n = 257.
        try checkDiagonal(Float.self, order, tolerance: 2e-5)   // ~1.3 times the worst case
        try checkDiagonal(Double.self, order, tolerance: 1e-12) // ~30 times the worst case
    }

    /// det(diag(d)) = Π dᵢ with dᵢ = 10^(−1…3), so the product itself would overflow Float at
    /// n = 257 while the log-determinant is an ordinary number.
    private func checkDiagonal<S: MatrixScalar>(_: S.Type, _ order: Int, tolerance: Double) throws {
        var generator = seededGenerator(order, 31)
        let exponents: [Double] = .random(count: order, in: -1...3, using: &generator)
        var a = Matrix<S>(rowCount: order, columnCount: order)
        for i in 0..<order { a[i, i] = S(pow(10, exponents[i])) }
        // Σ log dᵢ from the diagonal values as stored in S (0 for the empty matrix: det = 1).
        let expected = (0..<order).reduce(0.0) { $0 + log(Double(a[$1, $1])) }
        for backend in ComputeBackend.allCases {
            let logDeterminant = try backend.choleskyFactor(a).logDeterminantFromCholesky
            #expect(relativeError([logDeterminant], [expected]) <= tolerance,
                    "\(label(S.self, backend, "order \(order)")): \(logDeterminant) vs \(expected)")
        }
    }

    @Test(arguments: positiveAwkwardSizes)
    func rankOneUpdateOfIdentityFollowsTheDeterminantLemma(order: Int) throws {
        // The pivots of I + u·uᵀ are 1 + uᵢ² − Σₚ Lᵢₚ², differences of terms of order uᵢ² whose
        // i-term sums carry rounding errors of up to i·ε·uᵢ². Summed over the n pivots with random
        // signs that is ≈ √(Σᵢ i²)·ε·mean(uᵢ²) ≈ 2400·0.37·ε absolutely for n = 257 (uᵢ² has mean
        // 3/8), against a log-determinant log(1 + |u|²) ≈ 4.6: ≈ 1.2e-5 (Float) and
        // 2.1e-14 (Double) relative; the worst case (all signs alike) is ~50 times larger.
        try checkRankOne(Float.self, order, tolerance: 5e-5)    // ~4 times the expected error
        try checkRankOne(Double.self, order, tolerance: 1e-12)  // ~50 times the expected error
    }

    /// det(I + u·uᵀ) = 1 + uᵀu (the matrix determinant lemma), a dense matrix with a closed form.
    /// The uᵢ are multiples of 1/8 in -1...1, so I + u·uᵀ is exact in Float too and the closed form
    /// holds for the matrix actually factored (rounding the input would cost ~n·ε by itself).
    private func checkRankOne<S: MatrixScalar>(_: S.Type, _ order: Int, tolerance: Double) throws {
        var generator = seededGenerator(order, 37)
        let u = Matrix<S>(rowCount: order, columnCount: 1,
                          elements: (0..<order).map { _ in S(Int.random(in: -8...8, using: &generator)) / 8 })
        var a = Matrix<S>.identity(order)
        try ComputeBackend.reference.symmetricRankUpdate(u, transposed: false, beta: 1, into: &a)
        let expected = log(1 + u.elements.reduce(0.0) { $0 + Double($1) * Double($1) })
        for backend in ComputeBackend.allCases {
            let logDeterminant = try backend.choleskyFactor(a).logDeterminantFromCholesky
            #expect(relativeError([logDeterminant], [expected]) <= tolerance,
                    "\(label(S.self, backend, "order \(order)")): \(logDeterminant) vs \(expected)")
        }
    }
}

/// One triangular-solve configuration.
struct SolveCase: Sendable, CustomTestStringConvertible {
    let side: Side, triangle: Triangle, transposed: Bool
    static let all: [SolveCase] = [Side.left, .right].flatMap { side in
        [Triangle.lower, .upper].flatMap { triangle in
            [false, true].map { SolveCase(side: side, triangle: triangle, transposed: $0) }
        }
    }
    var testDescription: String {
        let op = "\(triangle == .lower ? "L" : "U")\(transposed ? "ᵀ" : "")"
        return side == .left ? "\(op)·X = B" : "X·\(op) = B"
    }
}

@Suite("Triangular solve")
struct TriangularSolveTests {
    // Tolerances. The factor T below has |diagonal| in 1…2 and off-diagonal row sums ≤ 1/2, so
    // ‖T⁻¹‖∞ ≤ 2 and max|X| ≤ 2·max|B|. Substitution is backward stable: the residual op(T)·X − B
    // is at most n·ε·|T|·|X| ≤ n·ε·2.5·2·max|B| = 5n·ε·max|B|, i.e. 1.4e-13 (Double) and 7.7e-5
    // (Float) for n = 257; the two backends' X differ by at most ‖T⁻¹‖ times that.
    /// Double: 1e-12, ~7 times 5n·2⁻⁵³ for n = 257.
    static let toleranceDouble = 1e-12
    /// Float: 2e-4, ~2.5 times the worst case 5n·2⁻²⁴ for n = 257 (typical errors are ~√n smaller).
    static let toleranceFloat = 2e-4

    @Test(arguments: SolveCase.all, awkwardSizes)
    func residualIsSmallAndBackendsAgree(solve: SolveCase, order: Int) throws {
        try checkSolve(Float.self, solve, order, tolerance: Self.toleranceFloat)
        try checkSolve(Double.self, solve, order, tolerance: Self.toleranceDouble)
    }

    /// A well-conditioned triangular `[order × order]` factor: diagonal ±(1…2), the stored triangle's
    /// other elements uniform in ±1/(2·order). Returns the clean factor (zeros in the other triangle)
    /// and the same factor with NaN in the other triangle, which the solve must never read.
    private func factor<S: MatrixScalar>(
        _: S.Type, order: Int, triangle: Triangle, using generator: inout SeededGenerator
    ) -> (clean: Matrix<S>, poisoned: Matrix<S>) {
        var clean = Matrix<S>(rowCount: order, columnCount: order)
        var poisoned = Matrix<S>(rowCount: order, columnCount: order, repeating: .nan)
        let offDiagonal = S(1) / S(2 * max(order, 1))
        for i in 0..<order {
            for j in 0..<order {
                let stored = triangle == .lower ? j <= i : j >= i
                guard stored else { continue }
                let value = i == j
                    ? S.random(in: 1...2, using: &generator) * (Bool.random(using: &generator) ? 1 : -1)
                    : S.random(in: -offDiagonal...offDiagonal, using: &generator)
                clean[i, j] = value
                poisoned[i, j] = value
            }
        }
        return (clean, poisoned)
    }

    /// Solves with the NaN-poisoned factor on both backends, with alpha = 1 and alpha = −2.5, and
    /// checks the residual op(T)·X − alpha·B (left) or X·op(T) − alpha·B (right) against max|alpha·B|.
    private func checkSolve<S: MatrixScalar>(
        _: S.Type, _ solve: SolveCase, _ order: Int, tolerance: Double
    ) throws {
        var generator = seededGenerator(order, solve.side == .left ? 1 : 2, solve.triangle == .lower ? 1 : 2,
                                        solve.transposed ? 1 : 0)
        let (clean, poisoned) = factor(S.self, order: order, triangle: solve.triangle, using: &generator)
        // B is non-square: [order × 5] on the left, [5 × order] on the right.
        let b = solve.side == .left
            ? Matrix<S>.random(rowCount: order, columnCount: 5, using: &generator)
            : Matrix<S>.random(rowCount: 5, columnCount: order, using: &generator)
        let opT = operand(clean, transposed: solve.transposed)
        for alpha: S in [1, -2.5] {
            var solutions: [Matrix<S>] = []
            for backend in ComputeBackend.allCases {
                let context = label(S.self, backend, "\(solve.testDescription) order \(order) alpha \(alpha)")
                var x = b
                try backend.solveTriangular(poisoned, triangle: solve.triangle, transposed: solve.transposed,
                                            side: solve.side, alpha: alpha, &x)
                #expect(x.shape == b.shape)
                let finite = x.elements.allSatisfy { $0.isFinite }
                #expect(finite, "\(context): NaN from the unused triangle leaked in")
                // op(T)·X or X·op(T) in Double by the accelerated GEMM (checked in MultiplyTests).
                let wideX = x.converted(to: Double.self)
                let product = solve.side == .left
                    ? try ComputeBackend.accelerated.multiply(opT, by: wideX)
                    : try ComputeBackend.accelerated.multiply(wideX, by: opT)
                let target = b.converted(to: Double.self).map { Double(alpha) * $0 }
                #expect(relativeError(product, target) <= tolerance, "\(context): residual too large")
                solutions.append(x)
            }
            #expect(relativeError(solutions[0], solutions[1]) <= tolerance,
                    "\(S.self) \(solve.testDescription) order \(order): backends disagree")
        }
    }

    @Test(arguments: ComputeBackend.allCases)
    func whitensWithTheCholeskyFactor(backend: ComputeBackend) throws {
        // The Mahalanobis use: rows x·L⁻ᵀ have squared norms xᵀΣ⁻¹x. With Σ = L·Lᵀ and x = z·Lᵀ
        // for known z, the whitened rows must be z again.
        var generator = seededGenerator(39, 43)
        let sigma = Matrix<Double>.randomSymmetricPositiveDefinite(order: 39, using: &generator)
        let factor = try backend.choleskyFactor(sigma)
        let z = Matrix<Double>.random(rowCount: 17, columnCount: 39, using: &generator)
        var x = try backend.multiply(z, by: factor, transposeB: true)
        try backend.solveTriangular(factor, triangle: .lower, transposed: true, side: .right, &x)
        // cond(L) = √cond(Σ) ≈ 1.5, so 1e-12 is generous for a 39-term product and substitution at 2⁻⁵³.
        #expect(relativeError(x, z) <= 1e-12)
    }

    @Test(arguments: ComputeBackend.allCases, [0.0, .nan, .infinity])
    func rejectsASingularFactorNamingTheDiagonalIndex(backend: ComputeBackend, diagonal: Double) {
        for (side, triangle) in [(Side.left, Triangle.lower), (.right, .upper)] {
            var t = Matrix<Double>.identity(5)
            t[3, 3] = diagonal
            var b = Matrix<Double>(rowCount: 5, columnCount: 5, repeating: 1)
            #expect(throws: LinearAlgebraError.singularTriangularFactor(order: 5, diagonalIndex: 3)) {
                try backend.solveTriangular(t, triangle: triangle, side: side, &b)
            }
            var single = Matrix<Float>(rowCount: 2, columnCount: 5)
            #expect(throws: LinearAlgebraError.singularTriangularFactor(order: 5, diagonalIndex: 3)) {
                try backend.solveTriangular(t.converted(to: Float.self), triangle: triangle, transposed: true,
                                            side: .right, &single)
            }
        }
    }

    @Test(arguments: ComputeBackend.allCases)
    func rejectsShapeMismatchesNamingTheShapes(backend: ComputeBackend) {
        let t = Matrix<Double>.identity(3)
        var b = Matrix<Double>(rowCount: 4, columnCount: 3)
        #expect(throws: LinearAlgebraError.shapeMismatch(
            operation: "solveTriangular", expected: "t [4 × 4] for b 4 × 3 on the left side", got: "t 3 × 3")) {
            try backend.solveTriangular(t, side: .left, &b)
        }
        var wide = Matrix<Double>(rowCount: 3, columnCount: 4)
        #expect(throws: LinearAlgebraError.shapeMismatch(
            operation: "solveTriangular", expected: "t [4 × 4] for b 3 × 4 on the right side", got: "t 3 × 3")) {
            try backend.solveTriangular(t, side: .right, &wide)
        }
        var fits = Matrix<Double>(rowCount: 3, columnCount: 3)
        #expect(throws: LinearAlgebraError.shapeMismatch(
            operation: "solveTriangular", expected: "t [3 × 3] for b 3 × 3 on the left side", got: "t 3 × 4")) {
            try backend.solveTriangular(Matrix<Double>(rowCount: 3, columnCount: 4), &fits)
        }
    }
}
