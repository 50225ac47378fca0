import CVectorMath

/// Matrix products with a small side, multiplied in place by HMMKit's own AVX2 + FMA or AVX-512F
/// kernels (CVectorMath's `skinny_gemm.c`, one template for both widths) instead of OpenBLAS: the
/// HMM emission E-step's shapes, a block of frames times 5–16 components (`features [n × W] ·
/// weights [W × K]`) and the components' responsibilities times the frames (`γᵀ [K × n] ·
/// features [n × W]`). OpenBLAS spends as long packing such operands as multiplying them
/// (BENCHMARKS.md, "Hidden Markov models", measures both). Part of the accelerated backend; the
/// reference backend keeps its own GEMM. ``KernelPolicy`` says whether and at which width they run.
enum SkinnyProducts {
    /// The largest small side the kernels take (``KernelPolicy/skinnyLimit``).
    static let limit = KernelPolicy.skinnyLimit
    /// The long sides below which OpenBLAS is left the work (nothing to amortise either way).
    static let shortest = 8

    /// `C = alpha · op(A) · op(B) + beta · C` by a skinny kernel when the shape is one; false
    /// (nothing done) otherwise. Shapes: `A · B` with n ≤ 16, and `Aᵀ · B` with m ≤ 16. `bits`:
    /// the kernel width, one of ``KernelPolicy/availableSkinnyProductBits`` (default: the
    /// process's ``KernelPolicy/skinnyProductBits``).
    @inline(__always)
    static func multiply<S: MatrixScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int, bits: Int = KernelPolicy.current.skinnyProductBits
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
