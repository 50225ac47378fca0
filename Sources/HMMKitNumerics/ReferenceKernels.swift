// Pure-Swift versions of the BLAS/LAPACK kernels in AcceleratedKernels.swift, with the same
// row-major pointer signatures. They are written to be reasonably fast without a BLAS —
// contiguous inner loops the compiler can vectorise, cache blocking, packed transposes —
// because they are the baseline every benchmark is measured against.

@usableFromInline
enum ReferenceKernels {
    /// Rows of the k dimension kept in cache together in `gemm`.
    static let depthBlock = 128
    /// Columns of C and B processed together in `gemm`.
    static let widthBlock = 256

    /// `C[m×n] = alpha · op(A) · op(B) + beta · C`, row-major. Transposed operands are packed
    /// into row-major copies first; then C is updated row by row with an axpy over B's rows
    /// (i-p-j order, unit stride innermost), blocked over p and j so that the block of B stays in cache.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func gemm<S: MatrixScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        scale(rows: m, columns: n, by: beta, c, ldc: ldc)
        guard m > 0, n > 0, k > 0, alpha != 0 else { return }
        // Row-major op(A) (m×k) and op(B) (k×n), packed only when transposed.
        let packedA: [S]? = transposeA ? packTranspose(rows: k, columns: m, a, lda: lda) : nil
        let packedB: [S]? = transposeB ? packTranspose(rows: n, columns: k, b, lda: ldb) : nil
        func run(_ aRows: UnsafePointer<S>, _ aStride: Int, _ bRows: UnsafePointer<S>, _ bStride: Int) {
            for p0 in stride(from: 0, to: k, by: depthBlock) {
                let p1 = min(p0 + depthBlock, k)
                for j0 in stride(from: 0, to: n, by: widthBlock) {
                    let width = min(j0 + widthBlock, n) - j0
                    for i in 0..<m {
                        let cRow = c + i * ldc + j0
                        let aRow = aRows + i * aStride
                        for p in p0..<p1 {
                            let factor = alpha * aRow[p]
                            let bRow = bRows + p * bStride + j0
                            for j in 0..<width { cRow[j] += factor * bRow[j] }
                        }
                    }
                }
            }
        }
        func withA(_ body: (UnsafePointer<S>, Int) -> Void) {
            if let packedA { packedA.withUnsafeBufferPointer { body($0.baseAddress!, k) } } else { body(a, lda) }
        }
        func withB(_ body: (UnsafePointer<S>, Int) -> Void) {
            if let packedB { packedB.withUnsafeBufferPointer { body($0.baseAddress!, n) } } else { body(b, ldb) }
        }
        withA { aRows, aStride in withB { bRows, bStride in run(aRows, aStride, bRows, bStride) } }
    }

    /// Lower triangle of `C = alpha·A·Aᵀ + beta·C` (A n×k) or `alpha·AᵀA + beta·C` (A k×n).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func syrk<S: MatrixScalar>(
        transpose: Bool, n: Int, k: Int, alpha: S, a: UnsafePointer<S>, lda: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        for i in 0..<n {
            let cRow = c + i * ldc
            for j in 0...i { cRow[j] = beta == 0 ? 0 : beta * cRow[j] }
        }
        guard n > 0, k > 0, alpha != 0 else { return }
        if transpose {
            // AᵀA as a sum of outer products of A's rows: C[i, 0...i] += a_ri · a_r[0...i].
            for r in 0..<k {
                let aRow = a + r * lda
                for i in 0..<n {
                    let factor = alpha * aRow[i]
                    let cRow = c + i * ldc
                    for j in 0...i { cRow[j] += factor * aRow[j] }
                }
            }
        } else {
            // A·Aᵀ: C[i, j] += dot(row i, row j).
            for i in 0..<n {
                let rowI = a + i * lda
                let cRow = c + i * ldc
                for j in 0...i {
                    let rowJ = a + j * lda
                    var sum: S = 0
                    for p in 0..<k { sum += rowI[p] * rowJ[p] }
                    cRow[j] += alpha * sum
                }
            }
        }
    }

    /// In-place lower Cholesky factor (row-major, Cholesky–Crout, dot products along rows).
    /// Returns 0, or the order `j + 1` of the first leading minor that is not positive definite.
    /// Leaves the upper triangle untouched, as LAPACK does.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func potrf<S: MatrixScalar>(n: Int, a: UnsafeMutablePointer<S>, lda: Int) -> Int32 {
        for j in 0..<n {
            let rowJ = a + j * lda
            var diagonal = rowJ[j]
            for p in 0..<j { diagonal -= rowJ[p] * rowJ[p] }
            guard diagonal > 0, diagonal.isFinite else { return Int32(j + 1) }
            let pivot = diagonal.squareRoot()
            rowJ[j] = pivot
            let inversePivot = 1 / pivot
            for i in (j + 1)..<max(n, j + 1) {
                let rowI = a + i * lda
                var sum = rowI[j]
                for p in 0..<j { sum -= rowI[p] * rowJ[p] }
                rowI[j] = sum * inversePivot
            }
        }
        return 0
    }

    /// Solves `op(T)·X = alpha·B` (left, T m×m) or `X·op(T) = alpha·B` (right, T n×n) in place of
    /// `B[m×n]`, by substitution along rows of B (unit stride innermost).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func trsm<S: MatrixScalar>(
        side: Side, triangle: Triangle, transpose: Bool, m: Int, n: Int, alpha: S,
        t: UnsafePointer<S>, ldt: Int, b: UnsafeMutablePointer<S>, ldb: Int
    ) {
        if alpha != 1 { scale(rows: m, columns: n, by: alpha, b, ldc: ldb) }
        // op(T)[i, j], read from the stored triangle.
        @inline(__always) func op(_ i: Int, _ j: Int) -> S { transpose ? t[j * ldt + i] : t[i * ldt + j] }
        // op(T) is lower triangular exactly when one of (stored lower, transposed) holds.
        let opIsLower = (triangle == .lower) != transpose
        switch side {
        case .left:
            // Row i of X = (row i of B − Σ_j op(T)[i, j] · row j of X) / op(T)[i, i].
            let order = opIsLower ? Array(0..<m) : Array((0..<m).reversed())
            for (position, i) in order.enumerated() {
                let xRow = b + i * ldb
                for j in order[..<position] {
                    let factor = op(i, j)
                    if factor == 0 { continue }
                    let done = b + j * ldb
                    for column in 0..<n { xRow[column] -= factor * done[column] }
                }
                let inverse = 1 / op(i, i)
                for column in 0..<n { xRow[column] *= inverse }
            }
        case .right:
            // Each row x of X solves x·op(T) = b, i.e. op(T)ᵀ·xᵀ = bᵀ, with op(T)ᵀ[i, j] = op(T)[j, i];
            // op(T)ᵀ is lower exactly when op(T) is upper.
            let forward = !opIsLower
            for row in 0..<m {
                let x = b + row * ldb
                if forward {
                    for i in 0..<n {
                        var sum = x[i]
                        for j in 0..<i { sum -= op(j, i) * x[j] }
                        x[i] = sum / op(i, i)
                    }
                } else {
                    for i in stride(from: n - 1, through: 0, by: -1) {
                        var sum = x[i]
                        for j in (i + 1)..<max(n, i + 1) { sum -= op(j, i) * x[j] }
                        x[i] = sum / op(i, i)
                    }
                }
            }
        }
    }

    /// `C[rows×columns] *= factor`; a zero factor writes zeros (so NaN in C does not survive, as in BLAS).
    @inline(__always)
    static func scale<S: MatrixScalar>(rows: Int, columns: Int, by factor: S, _ c: UnsafeMutablePointer<S>, ldc: Int) {
        guard factor != 1 else { return }
        for i in 0..<rows {
            let row = c + i * ldc
            if factor == 0 {
                for j in 0..<columns { row[j] = 0 }
            } else {
                for j in 0..<columns { row[j] *= factor }
            }
        }
    }

    /// The transpose of the row-major `[rows × columns]` block at `a` as a packed row-major array.
    static func packTranspose<S: MatrixScalar>(rows: Int, columns: Int, _ a: UnsafePointer<S>, lda: Int) -> [S] {
        [S](unsafeUninitializedCapacity: rows * columns) { buffer, count in
            let block = 32
            for i0 in stride(from: 0, to: rows, by: block) {
                for j0 in stride(from: 0, to: columns, by: block) {
                    for i in i0..<min(i0 + block, rows) {
                        for j in j0..<min(j0 + block, columns) {
                            buffer[j * rows + i] = a[i * lda + j]
                        }
                    }
                }
            }
            count = rows * columns
        }
    }
}
