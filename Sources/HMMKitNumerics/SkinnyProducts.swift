import CVectorMath
import Foundation

/// Matrix products with a small side, multiplied in place by HMMKit's own AVX2 + FMA or AVX-512F
/// kernels (CVectorMath's `skinny_gemm.c`, one template for both widths) instead of OpenBLAS: the
/// HMM emission E-step's shapes, a block of frames times 5–16 components (`features [n × W] ·
/// weights [W × K]`) and the components' responsibilities times the frames (`γᵀ [K × n] ·
/// features [n × W]`). OpenBLAS
/// spends as long packing such operands as multiplying them; here the kernels run 1.7–2.5× faster
/// (BENCHMARKS.md, "skinny products"). Part of the accelerated backend; the reference backend
/// keeps its own GEMM.
enum SkinnyProducts {
    /// The largest small side the kernels take (`HMMKIT_SKINNY_LIMIT`).
    static let limit = 16
    /// The long sides below which OpenBLAS is left the work (nothing to amortise either way).
    static let shortest = 8

    /// The kernel widths this CPU runs, in bits: `[256, 512]` with AVX-512F, `[256]` with AVX2 +
    /// FMA, else none (whatever the environment says; for tests that sweep them).
    package static let availableVectorBits: [Int] = {
        let widest = Int(hmmkit_skinny_vector_bits())
        return [256, 512].filter { $0 <= widest }
    }()

    /// The width the kernels run at: the widest available, unless the environment variable
    /// `HMMKIT_SKINNY_PRODUCTS` says `avx2` (256 bits) or `0` (none: OpenBLAS takes these shapes,
    /// for measuring it on them).
    package static let vectorBits: Int = {
        guard let widest = availableVectorBits.last else { return 0 }
        switch ProcessInfo.processInfo.environment["HMMKIT_SKINNY_PRODUCTS"] {
        case "0": return 0
        case "avx2": return 256
        default: return widest
        }
    }()

    /// Whether the kernels run here: AVX2 + FMA present, and not switched off by
    /// `HMMKIT_SKINNY_PRODUCTS=0`.
    static let enabled: Bool = vectorBits > 0

    /// `C = alpha · op(A) · op(B) + beta · C` by a skinny kernel when the shape is one; false
    /// (nothing done) otherwise. Shapes: `A · B` with n ≤ 16, and `Aᵀ · B` with m ≤ 16. `bits`:
    /// the kernel width, one of ``availableVectorBits`` (default ``vectorBits``).
    @inline(__always)
    static func multiply<S: MatrixScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int, bits: Int = vectorBits
    ) -> Bool {
        guard bits > 0, !transposeB else { return false }
        let rowsOfC = m, columnsOfC = n
        if !transposeA {
            guard columnsOfC <= limit, k >= shortest else { return false }
        } else {
            guard rowsOfC <= limit, columnsOfC >= shortest else { return false }
        }
        let kernel = transposeA ? (double: hmmkit_gemm_tn_small_d, single: hmmkit_gemm_tn_small_s)
                                : (double: hmmkit_gemm_nn_small_d, single: hmmkit_gemm_nn_small_s)
        switch S.precision {
        case .double:
            return kernel.double(m, n, k, Double(alpha), AcceleratedKernels.rebound(a, to: Double.self), lda,
                                 AcceleratedKernels.rebound(b, to: Double.self), ldb, Double(beta),
                                 AcceleratedKernels.rebound(c, to: Double.self), ldc, Int32(bits)) != 0
        case .single:
            return kernel.single(m, n, k, Float(alpha), AcceleratedKernels.rebound(a, to: Float.self), lda,
                                 AcceleratedKernels.rebound(b, to: Float.self), ldb, Float(beta),
                                 AcceleratedKernels.rebound(c, to: Float.self), ldc, Int32(bits)) != 0
        }
    }
}
