// The linear-algebra operations on `Matrix`, each running on the backend it is called on.
// Shapes are checked here and reported as `LinearAlgebraError`; the kernels below trust them.

extension ComputeBackend {
    /// General matrix multiply: `c = alpha · op(a) · op(b) + beta · c`, where `op(x)` is `x` or `xᵀ`.
    ///
    /// `op(a)` is `[m × k]`, `op(b)` `[k × n]` and `c` must already be `[m × n]` (its old values
    /// matter only when `beta ≠ 0`; with `beta == 0` they are overwritten, NaN included).
    /// Accelerated: `cblas_sgemm` / `cblas_dgemm`. Reference: blocked i-p-j loops.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func multiply<S: MatrixScalar>(
        _ a: Matrix<S>, by b: Matrix<S>, transposeA: Bool = false, transposeB: Bool = false,
        alpha: S = 1, beta: S = 0, into c: inout Matrix<S>
    ) throws(LinearAlgebraError) {
        let (m, k) = transposeA ? (a.columnCount, a.rowCount) : (a.rowCount, a.columnCount)
        let (kB, n) = transposeB ? (b.columnCount, b.rowCount) : (b.rowCount, b.columnCount)
        guard k == kB, c.rowCount == m, c.columnCount == n else {
            throw .shapeMismatch(
                operation: "multiply", expected: "op(a) [m × k] · op(b) [k × n] into c [m × n]",
                got: "op(a) \(m) × \(k), op(b) \(kB) × \(n), c \(c.rowCount) × \(c.columnCount)")
        }
        guard m > 0, n > 0 else { return }
        let backend = self
        a.withUnsafeElements { aBuffer in
            b.withUnsafeElements { bBuffer in
                c.withUnsafeMutableElements { cBuffer in
                    // BLAS requires leading dimensions ≥ 1 even for empty operands.
                    let lda = max(a.columnCount, 1), ldb = max(b.columnCount, 1)
                    let aPointer = aBuffer.baseAddress ?? UnsafePointer(cBuffer.baseAddress!)
                    let bPointer = bBuffer.baseAddress ?? UnsafePointer(cBuffer.baseAddress!)
                    switch backend {
                    case .accelerated:
                        AcceleratedKernels.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                alpha: alpha, a: aPointer, lda: lda, b: bPointer, ldb: ldb,
                                                beta: beta, c: cBuffer.baseAddress!, ldc: n)
                    case .reference:
                        ReferenceKernels.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                              alpha: alpha, a: aPointer, lda: lda, b: bPointer, ldb: ldb,
                                              beta: beta, c: cBuffer.baseAddress!, ldc: n)
                    }
                }
            }
        }
    }

    /// `op(a) · op(b)` as a new matrix.
    public func multiply<S: MatrixScalar>(
        _ a: Matrix<S>, by b: Matrix<S>, transposeA: Bool = false, transposeB: Bool = false
    ) throws(LinearAlgebraError) -> Matrix<S> {
        var c = Matrix<S>(rowCount: transposeA ? a.columnCount : a.rowCount,
                          columnCount: transposeB ? b.rowCount : b.columnCount)
        try multiply(a, by: b, transposeA: transposeA, transposeB: transposeB, into: &c)
        return c
    }

    /// Symmetric rank-k update: `c = alpha · aᵀ·a + beta · c` when `transposed` (a is `[k × n]`),
    /// else `c = alpha · a·aᵀ + beta · c` (a is `[n × k]`); `c` is `[n × n]`.
    ///
    /// The kernel computes the lower triangle (`cblas_ssyrk` / `cblas_dsyrk`, lower); this method
    /// then mirrors it, so `c` is symmetric on return. This is the second-order statistic
    /// `Σₜ xₜxₜᵀ` of a full-covariance Gaussian.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func symmetricRankUpdate<S: MatrixScalar>(
        _ a: Matrix<S>, transposed: Bool, alpha: S = 1, beta: S = 0, into c: inout Matrix<S>
    ) throws(LinearAlgebraError) {
        let (n, k) = transposed ? (a.columnCount, a.rowCount) : (a.rowCount, a.columnCount)
        guard c.rowCount == n, c.columnCount == n else {
            throw .shapeMismatch(operation: "symmetricRankUpdate", expected: "c [\(n) × \(n)]",
                                 got: "c \(c.rowCount) × \(c.columnCount)")
        }
        guard n > 0 else { return }
        let backend = self
        a.withUnsafeElements { aBuffer in
            c.withUnsafeMutableElements { cBuffer in
                let cPointer = cBuffer.baseAddress!
                let aPointer = aBuffer.baseAddress ?? UnsafePointer(cPointer)
                let lda = max(a.columnCount, 1)
                switch backend {
                case .accelerated:
                    AcceleratedKernels.syrk(transpose: transposed, n: n, k: k, alpha: alpha, a: aPointer, lda: lda,
                                            beta: beta, c: cPointer, ldc: n)
                case .reference:
                    ReferenceKernels.syrk(transpose: transposed, n: n, k: k, alpha: alpha, a: aPointer, lda: lda,
                                          beta: beta, c: cPointer, ldc: n)
                }
                for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { cPointer[i * n + j] = cPointer[j * n + i] } }
            }
        }
    }

    /// The lower Cholesky factor `L` of a symmetric positive-definite `a` (`a = L·Lᵀ`), with zeros
    /// above the diagonal. Only the lower triangle of `a` is read.
    ///
    /// Accelerated: `LAPACKE_spotrf_work` / `LAPACKE_dpotrf_work`. Reference: Cholesky–Crout.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:got:)`` if `a` is not square,
    ///   ``LinearAlgebraError/nonFinite(operation:row:column:value:)`` for NaN/Inf in the lower triangle,
    ///   ``LinearAlgebraError/notPositiveDefinite(order:leadingMinor:)`` when the factorization fails.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func choleskyFactor<S: MatrixScalar>(_ a: Matrix<S>) throws(LinearAlgebraError) -> Matrix<S> {
        guard a.isSquare else {
            throw .shapeMismatch(operation: "choleskyFactor", expected: "a square matrix",
                                 got: "\(a.rowCount) × \(a.columnCount)")
        }
        let n = a.rowCount
        if let (i, j) = a.withUnsafeElements({ firstNonFiniteInLowerTriangle($0, order: n) }) {
            throw .nonFinite(operation: "choleskyFactor", row: i, column: j, value: Double(a[i, j]))
        }
        var factor = a
        guard n > 0 else { return factor }
        let backend = self
        let info = factor.withUnsafeMutableElements { buffer -> Int32 in
            let pointer = buffer.baseAddress!
            let info: Int32
            switch backend {
            case .accelerated: info = AcceleratedKernels.potrf(n: n, a: pointer, lda: n)
            case .reference: info = ReferenceKernels.potrf(n: n, a: pointer, lda: n)
            }
            for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { pointer[i * n + j] = 0 } }
            return info
        }
        if info > 0 { throw .notPositiveDefinite(order: n, leadingMinor: Int(info)) }
        if info < 0 { throw .lapackArgumentError(routine: "potrf", info: info) }
        return factor
    }

    /// Solves a triangular system in place of `b` (`[m × n]`): `op(t)·X = alpha·b` for `.left`
    /// (t is `[m × m]`) or `X·op(t) = alpha·b` for `.right` (t is `[n × n]`), where `op(t)` is `t` or
    /// `tᵀ` and only the `triangle` of `t` is read.
    ///
    /// With the Cholesky factor `L` of a covariance Σ, `.right` with `.lower` and `transposed: true`
    /// turns centred data rows `x` into whitened rows `x·L⁻ᵀ`, whose squared norms are the
    /// Mahalanobis distances. Accelerated: `cblas_strsm` / `cblas_dtrsm`. Reference: substitution.
    /// - Throws: shape mismatch; ``LinearAlgebraError/singularTriangularFactor(order:diagonalIndex:)``
    ///   for a zero or non-finite diagonal entry of `t`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func solveTriangular<S: MatrixScalar>(
        _ t: Matrix<S>, triangle: Triangle = .lower, transposed: Bool = false, side: Side = .left,
        alpha: S = 1, _ b: inout Matrix<S>
    ) throws(LinearAlgebraError) {
        let order = side == .left ? b.rowCount : b.columnCount
        guard t.rowCount == order, t.columnCount == order else {
            throw .shapeMismatch(
                operation: "solveTriangular",
                expected: "t [\(order) × \(order)] for b \(b.rowCount) × \(b.columnCount) on the \(side) side",
                got: "t \(t.rowCount) × \(t.columnCount)")
        }
        let singular = t.withUnsafeElements { buffer in
            (0..<order).first { buffer[$0 * order + $0] == 0 || !buffer[$0 * order + $0].isFinite }
        }
        if let index = singular { throw .singularTriangularFactor(order: order, diagonalIndex: index) }
        guard b.rowCount > 0, b.columnCount > 0 else { return }
        let (m, n) = (b.rowCount, b.columnCount)
        let backend = self
        t.withUnsafeElements { tBuffer in
            b.withUnsafeMutableElements { bBuffer in
                switch backend {
                case .accelerated:
                    AcceleratedKernels.trsm(side: side, triangle: triangle, transpose: transposed, m: m, n: n,
                                            alpha: alpha, t: tBuffer.baseAddress!, ldt: order,
                                            b: bBuffer.baseAddress!, ldb: n)
                case .reference:
                    ReferenceKernels.trsm(side: side, triangle: triangle, transpose: transposed, m: m, n: n,
                                          alpha: alpha, t: tBuffer.baseAddress!, ldt: order,
                                          b: bBuffer.baseAddress!, ldb: n)
                }
            }
        }
    }
}

/// The first `(row, column)` of the lower triangle of the row-major `[order × order]` buffer
/// holding NaN or ±∞, or nil.
@inline(__always)
private func firstNonFiniteInLowerTriangle<S: MatrixScalar>(_ buffer: UnsafeBufferPointer<S>, order: Int) -> (Int, Int)? {
    for i in 0..<order {
        for j in 0...i where !buffer[i * order + j].isFinite { return (i, j) }
    }
    return nil
}

extension Matrix {
    /// `log det(A)` for `A = L·Lᵀ`, given the Cholesky factor `L` (this matrix): `2 Σᵢ log Lᵢᵢ`.
    /// Plain arithmetic on the diagonal, the same for both backends.
    public var logDeterminantFromCholesky: Scalar {
        precondition(isSquare, "logDeterminantFromCholesky needs a square factor, got \(rowCount) × \(columnCount)")
        var sum: Scalar = 0
        for i in 0..<rowCount { sum += Scalar.log(self[i, i]) }
        return 2 * sum
    }
}
