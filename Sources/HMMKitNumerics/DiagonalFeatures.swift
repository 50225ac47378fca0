import CVectorMath

/// The features of diagonal-covariance scoring, `[x, x², 1]` (x² element-wise): a diagonal
/// Gaussian's log-density is one dot product with them, so a block of frames is scored against
/// every component by one matrix product, and the same features times the responsibilities give
/// the statistics. On the accelerated backend an AVX2 kernel builds them
/// (`hmmkit_diagonal_features_d/_s`); the reference backend (and CPUs without AVX2) runs the plain
/// loop. Both give the same bits (plain products).
package enum DiagonalFeatures {
    /// Features per frame for dimension d: `2d + 1`.
    package static func width(dimension d: Int) -> Int { 2 * d + 1 }

    /// Writes the features of `rows` frames of `x` (`[rows × d]`, row stride d) into `output`
    /// (row stride `outputStride` ≥ ``width(dimension:)``).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package static func build<S: MatrixScalar>(_ x: UnsafePointer<S>, rows: Int, dimension d: Int,
                                               into output: UnsafeMutablePointer<S>, outputStride: Int,
                                               backend: ComputeBackend) {
        precondition(outputStride >= width(dimension: d), "DiagonalFeatures: inconsistent shapes")
        if backend == .accelerated && RowSoftmax.acceleratedKernelAvailable {
            switch S.precision {
            case .double:
                hmmkit_diagonal_features_d(AcceleratedKernels.rebound(x, to: Double.self), rows, d,
                                           AcceleratedKernels.rebound(output, to: Double.self), outputStride)
            case .single:
                hmmkit_diagonal_features_s(AcceleratedKernels.rebound(x, to: Float.self), rows, d,
                                           AcceleratedKernels.rebound(output, to: Float.self), outputStride)
            }
            return
        }
        for row in 0..<rows {
            let source = x + row * d, target = output + row * outputStride
            target.update(from: source, count: d)
            let squares = target + d
            for j in 0..<d { squares[j] = source[j] * source[j] }
            squares[d] = 1
        }
    }
}

/// Diagonal-covariance scoring and statistics straight from the frames, never storing the
/// `[rows × (2d + 1)]` features (CVectorMath's `hmmkit_diagonal_scores` / `_statistics`, the
/// skinny products' template: x² formed in registers), for at most 16 components, on the
/// accelerated backend, at the skinny products' width. Writing and re-reading the features cost
/// more than either product (BENCHMARKS.md, issue 5).
extension DiagonalFeatures {
    /// Whether the kernels take `components` components here (accelerated backend, AVX2 at
    /// least, the skinny products not switched off, k ≤ 16).
    package static func fusedKernelsApply(components k: Int, backend: ComputeBackend) -> Bool {
        backend == .accelerated && KernelPolicy.current.runsSkinnyProducts && k >= 1 && k <= SkinnyProducts.limit
    }

    /// The scores `[x, x², 1] · weights` of `rows` frames (`[rows × d]`) against the columns of
    /// `weights` (`[(2d + 1) × k]`), into `output` (row stride k). False (nothing done) when the
    /// kernels do not apply; the caller then builds the features and multiplies.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package static func scores<S: MatrixScalar>(_ x: UnsafePointer<S>, rows: Int, dimension d: Int, weights: Matrix<S>,
                                                into output: UnsafeMutablePointer<S>, backend: ComputeBackend,
                                                bits: Int = KernelPolicy.current.skinnyProductBits) -> Bool {
        let k = weights.columnCount
        guard fusedKernelsApply(components: k, backend: backend), bits > 0, weights.rowCount == width(dimension: d) else {
            return false
        }
        return weights.withUnsafeElements { w in
            switch S.precision {
            case .double:
                hmmkit_diagonal_scores_d(AcceleratedKernels.rebound(x, to: Double.self), rows, d,
                                         AcceleratedKernels.rebound(w.baseAddress!, to: Double.self), k,
                                         AcceleratedKernels.rebound(output, to: Double.self), k, Int32(bits)) != 0
            case .single:
                hmmkit_diagonal_scores_s(AcceleratedKernels.rebound(x, to: Float.self), rows, d,
                                         AcceleratedKernels.rebound(w.baseAddress!, to: Float.self), k,
                                         AcceleratedKernels.rebound(output, to: Float.self), k, Int32(bits)) != 0
            }
        }
    }

    /// The statistics `γᵀ · [x, x², 1]` of `rows` frames of `x` (`[rows × d]`) with the weights
    /// `responsibilities` (`[rows × k]`, row stride k) into `output` (`[k × (2d + 1)]`, row stride
    /// `outputStride`; overwritten). False (nothing done) when the kernels do not apply.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package static func statistics<S: MatrixScalar>(_ x: UnsafePointer<S>, rows: Int, dimension d: Int,
                                                    responsibilities: UnsafePointer<S>, components k: Int,
                                                    into output: UnsafeMutablePointer<S>, outputStride: Int,
                                                    backend: ComputeBackend, bits: Int = KernelPolicy.current.skinnyProductBits) -> Bool {
        guard fusedKernelsApply(components: k, backend: backend), bits > 0, outputStride >= width(dimension: d) else {
            return false
        }
        switch S.precision {
        case .double:
            return hmmkit_diagonal_statistics_d(AcceleratedKernels.rebound(x, to: Double.self), rows, d,
                                                AcceleratedKernels.rebound(responsibilities, to: Double.self), k, k,
                                                AcceleratedKernels.rebound(output, to: Double.self), outputStride,
                                                Int32(bits)) != 0
        case .single:
            return hmmkit_diagonal_statistics_s(AcceleratedKernels.rebound(x, to: Float.self), rows, d,
                                                AcceleratedKernels.rebound(responsibilities, to: Float.self), k, k,
                                                AcceleratedKernels.rebound(output, to: Float.self), outputStride,
                                                Int32(bits)) != 0
        }
    }
}
