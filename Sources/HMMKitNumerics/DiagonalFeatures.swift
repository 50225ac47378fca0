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
