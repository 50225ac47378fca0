// Every call into OpenBLAS (CBLAS) and LAPACKE lives in this file. The kernels take raw
// row-major buffers with leading dimensions; the safe `Matrix` API in LinearAlgebra.swift
// checks shapes before it gets here.
import CBLAS
import CLAPACKE
import CVectorMath
import Foundation

/// Whether a triangular matrix is stored below or above its diagonal.
public enum Triangle: Sendable {
    /// The lower triangle (row ≥ column) holds the matrix; LAPACK's and CBLAS's `'L'`.
    case lower
    /// The upper triangle (row ≤ column) holds the matrix; LAPACK's and CBLAS's `'U'`.
    case upper
}

/// Which side of the unknown a triangular factor multiplies in a solve.
public enum Side: Sendable {
    /// Solve `op(T) · X = B`.
    case left
    /// Solve `X · op(T) = B`.
    case right
}

@usableFromInline
enum AcceleratedKernels {
    @inline(__always)
    static func rebound<S, T>(_ pointer: UnsafePointer<S>, to _: T.Type) -> UnsafePointer<T> {
        UnsafeRawPointer(pointer).assumingMemoryBound(to: T.self)
    }

    @inline(__always)
    static func rebound<S, T>(_ pointer: UnsafeMutablePointer<S>, to _: T.Type) -> UnsafeMutablePointer<T> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: T.self)
    }

    @inline(__always)
    static func cblasTranspose(_ transpose: Bool) -> CBLAS_TRANSPOSE {
        transpose ? CblasTrans : CblasNoTrans
    }

    /// `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C` — `cblas_sgemm` / `cblas_dgemm`, row-major.
    static func gemm<S: MatrixScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        if SkinnyProducts.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                   a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc) { return }
        BLASThreads.applyDefaultOnce()
        // Tall products with a short k (the E-step's frames × dims · dims × components) are bound
        // by OpenBLAS's passes over C (beta-scaling, then load-add-store), not by arithmetic.
        // Running them on row blocks whose slice of C stays in the L2 cache makes those passes
        // cache hits (BENCHMARKS.md, "Linear algebra").
        let blockRows = rowBlock(n: n, k: k, scalarSize: MemoryLayout<S>.size)
        if m > 2 * blockRows {
            for start in stride(from: 0, to: m, by: blockRows) {
                let rows = min(blockRows, m - start)
                let aBlock = transposeA ? a + start : a + start * lda
                gemmCall(transposeA: transposeA, transposeB: transposeB, m: rows, n: n, k: k, alpha: alpha,
                         a: aBlock, lda: lda, b: b, ldb: ldb, beta: beta, c: c + start * ldc, ldc: ldc)
            }
        } else {
            gemmCall(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                     a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Rows of C per block in ``gemm``: the blocks of C and A together fill about 256 KiB (half of
    /// a typical L2; the choice is not sensitive within a factor of two either way), at least 64 rows;
    /// products with a long k are compute-bound and run in one call.
    static func rowBlock(n: Int, k: Int, scalarSize: Int) -> Int {
        guard k <= 256 else { return Int.max / 4 }
        return max(64, 262_144 / (scalarSize * max(n + k, 1)))
    }

    @inline(__always)
    static func gemmCall<S: MatrixScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        switch S.precision {
        case .double:
            cblas_dgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                        Int32(m), Int32(n), Int32(k), Double(alpha),
                        rebound(a, to: Double.self), Int32(lda), rebound(b, to: Double.self), Int32(ldb),
                        Double(beta), rebound(c, to: Double.self), Int32(ldc))
        case .single:
            cblas_sgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                        Int32(m), Int32(n), Int32(k), Float(alpha),
                        rebound(a, to: Float.self), Int32(lda), rebound(b, to: Float.self), Int32(ldb),
                        Float(beta), rebound(c, to: Float.self), Int32(ldc))
        }
    }

    /// Lower triangle of `C[n×n] = alpha · A·Aᵀ + beta · C` (A is n×k), or of `alpha · AᵀA + beta · C`
    /// when `transpose` (A is k×n) — `cblas_ssyrk` / `cblas_dsyrk`, row-major, lower.
    static func syrk<S: MatrixScalar>(
        transpose: Bool, n: Int, k: Int, alpha: S, a: UnsafePointer<S>, lda: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        BLASThreads.applyDefaultOnce()
        switch S.precision {
        case .double:
            cblas_dsyrk(CblasRowMajor, CblasLower, cblasTranspose(transpose), Int32(n), Int32(k),
                        Double(alpha), rebound(a, to: Double.self), Int32(lda),
                        Double(beta), rebound(c, to: Double.self), Int32(ldc))
        case .single:
            cblas_ssyrk(CblasRowMajor, CblasLower, cblasTranspose(transpose), Int32(n), Int32(k),
                        Float(alpha), rebound(a, to: Float.self), Int32(lda),
                        Float(beta), rebound(c, to: Float.self), Int32(ldc))
        }
    }

    /// In-place lower Cholesky factor of the row-major `[n×n]` matrix at `a` —
    /// `LAPACKE_spotrf_work` / `LAPACKE_dpotrf_work`. A row-major lower triangle is a
    /// column-major upper one, so the call is column-major `'U'` with no transposing copy.
    /// Returns LAPACK's `info`: 0 on success, `j > 0` when the leading minor of order j fails.
    static func potrf<S: MatrixScalar>(n: Int, a: UnsafeMutablePointer<S>, lda: Int) -> Int32 {
        BLASThreads.applyDefaultOnce()
        let upper = CChar(UInt8(ascii: "U"))
        switch S.precision {
        case .double:
            return LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, upper, Int32(n), rebound(a, to: Double.self), Int32(lda))
        case .single:
            return LAPACKE_spotrf_work(LAPACK_COL_MAJOR, upper, Int32(n), rebound(a, to: Float.self), Int32(lda))
        }
    }

    /// Solves `op(T)·X = alpha·B` (left) or `X·op(T) = alpha·B` (right) in place of `B[m×n]` —
    /// `cblas_strsm` / `cblas_dtrsm`, row-major, non-unit diagonal.
    static func trsm<S: MatrixScalar>(
        side: Side, triangle: Triangle, transpose: Bool, m: Int, n: Int, alpha: S,
        t: UnsafePointer<S>, ldt: Int, b: UnsafeMutablePointer<S>, ldb: Int
    ) {
        BLASThreads.applyDefaultOnce()
        let cSide = side == .left ? CblasLeft : CblasRight
        let cUplo = triangle == .lower ? CblasLower : CblasUpper
        switch S.precision {
        case .double:
            cblas_dtrsm(CblasRowMajor, cSide, cUplo, cblasTranspose(transpose), CblasNonUnit,
                        Int32(m), Int32(n), Double(alpha), rebound(t, to: Double.self), Int32(ldt),
                        rebound(b, to: Double.self), Int32(ldb))
        case .single:
            cblas_strsm(CblasRowMajor, cSide, cUplo, cblasTranspose(transpose), CblasNonUnit,
                        Int32(m), Int32(n), Float(alpha), rebound(t, to: Float.self), Int32(ldt),
                        rebound(b, to: Float.self), Int32(ldb))
        }
    }
}

/// The number of threads OpenBLAS uses inside one BLAS call — the one place it is set.
///
/// HMMKit runs its own work on several cores (frame blocks, sequences, files), so by default
/// each BLAS call runs on **one** thread: BLAS threads on top of the engine's workers would
/// oversubscribe the cores. The default is applied on the first accelerated call unless the
/// `OPENBLAS_NUM_THREADS` environment variable is set, which then wins. Call ``set(_:)`` for
/// a single large multiply that should use every core (the benchmarks do).
///
/// OpenBLAS starts its worker threads when the library loads; lowering the count makes calls
/// run on fewer threads but does not end the idle ones (`openblas_set_num_threads`):
/// ``OpenBLASEnvironment/restartIfNeeded(oneBLASThread:)`` ends them at start-up.
public enum BLASThreads {
    private static let defaultApplied: Bool = {
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
            openblas_set_num_threads(1)
        }
        return true
    }()

    @inline(__always)
    static func applyDefaultOnce() { _ = defaultApplied }

    /// The number of threads a BLAS call may use now (`openblas_get_num_threads`).
    public static var count: Int {
        applyDefaultOnce()
        return Int(openblas_get_num_threads())
    }

    /// Lets each BLAS call use `count` threads (`openblas_set_num_threads`); `count` ≥ 1.
    public static func set(_ count: Int) {
        precondition(count >= 1, "BLAS thread count must be at least 1 (got \(count))")
        applyDefaultOnce()
        openblas_set_num_threads(Int32(count))
    }

    /// Makes every BLAS call run on one thread (`openblas_set_num_threads(1)`) and ends the
    /// worker threads OpenBLAS started when it loaded, which otherwise spin on `sched_yield` for
    /// about a tenth of a second before they sleep (`blas_thread_shutdown_`, the call OpenBLAS
    /// itself makes before a `fork`; looked up at run time, as it is not in `cblas.h`). A later
    /// ``set(_:)`` above 1 starts workers again. Returns false, having changed nothing, when the
    /// loaded library has no such call (a build without its thread server).
    static func endIdleWorkers() -> Bool {
        guard let program = dlopen(nil, RTLD_NOW) else { return false }
        defer { dlclose(program) }
        guard let symbol = dlsym(program, "blas_thread_shutdown_") else { return false }
        openblas_set_num_threads(1)
        _ = unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)()
        return true
    }

    /// The OpenBLAS build's description (`openblas_get_config`), e.g. its CPU kernel family.
    public static var libraryConfiguration: String {
        String(cString: openblas_get_config())
    }

    /// The CPU core family OpenBLAS picked at load time (`openblas_get_corename`).
    public static var coreName: String {
        String(cString: openblas_get_corename())
    }

    /// The `OPENBLAS_CORETYPE` a process should be started with on this CPU, or nil when OpenBLAS
    /// chose well by itself (or the variable is already set: the environment then wins).
    ///
    /// A `DYNAMIC_ARCH` OpenBLAS older than the CPU falls back to its SSE3 `Prescott` kernels for
    /// a model it does not know: Debian 12's 0.3.21 does so on Sapphire/Emerald Rapids Xeons,
    /// where its GEMM then runs several times below the machine's AVX-512 rate (BENCHMARKS.md).
    /// Such a CPU runs the kernels of the newest family whose instructions it has: `SkylakeX`
    /// with AVX-512 F/BW/DQ/VL/CD, `Haswell` with AVX2 + FMA. OpenBLAS reads the variable only
    /// when it loads, so it takes a new process (`hmmkit` re-executes itself once).
    public static var recommendedCoreType: String? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, coreName == "Prescott" else { return nil }
        switch hmmkit_cpu_instruction_level() {
        case 2: return "SkylakeX"
        case 1: return "Haswell"
        default: return nil
        }
    }
}
