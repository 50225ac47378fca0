import CVectorMath

/// Full-covariance scoring and statistics straight from the frames, never storing the
/// `[rows × W]` features (6.5 KB a frame at d = 39): CVectorMath's `quadratic_fused.c`, in Double,
/// for at most 16 components, on the accelerated backend. Two instantiations of the same kernels:
/// AVX2 + FMA (4 lanes) and AVX-512F (8 lanes), as ``KernelPolicy`` says. Their sums run
/// in an order fixed by the shapes and the width (never by threads); the widths differ from each
/// other, and from the features path, in the last bits.
extension QuadraticFeatures {
    /// Whether a training block (scored, then accumulated) should skip the features and use
    /// ``scores(_:rows:dimension:centre:weights:into:backend:width:)`` and
    /// ``statistics(_:rows:dimension:centre:responsibilities:components:into:outputStride:backend:width:)``:
    /// accelerated backend, Double, and the shapes where that measured faster than building the
    /// features and multiplying twice (BENCHMARKS.md, issue 5). Small dimensions make the features
    /// cheap and the kernels' padding costly; many components share one features matrix; few rows
    /// leave the kernels' set-up unpaid.
    package static func prefersFusedTraining<S: MatrixScalar>(_: S.Type, rows: Int, dimension d: Int, components k: Int,
                                                             backend: ComputeBackend) -> Bool {
        guard backend == .accelerated, S.precision == .double, k <= SkinnyProducts.limit else { return false }
        switch KernelPolicy.current.fusedKernelLanes {
        case 8: return rows >= 16 && d >= 13 && (k <= 10 || d >= 24)
        case 4: return rows >= 32 && d >= 20 && k <= 10
        default: return false
        }
    }

    /// The scores `features(x_r) · weights` of `rows` frames (`[rows × d]`) against the columns of
    /// `weights` (`[width × k]`), into `output` (row stride k), without storing the features
    /// (`hmmkit_quadratic_scores_d`): Double, k ≤ 16, accelerated backend only, `width` 4 or 8
    /// lanes (one of ``KernelPolicy/availableFusedKernelLanes``). Returns false (nothing done) when it does not
    /// apply; the caller then builds the features and multiplies.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package static func scores<S: MatrixScalar>(_ x: UnsafePointer<S>, rows: Int, dimension d: Int, centre: [S],
                                                weights: Matrix<S>, into output: UnsafeMutablePointer<S>,
                                                backend: ComputeBackend, width lanes: Int = KernelPolicy.current.fusedKernelLanes) -> Bool {
        guard backend == .accelerated, lanes > 0, S.precision == .double, weights.columnCount <= SkinnyProducts.limit,
              weights.rowCount == width(dimension: d), centre.count == d
        else { return false }
        return centre.withUnsafeBufferPointer { c in
            weights.withUnsafeElements { w in
                hmmkit_quadratic_scores_d(AcceleratedKernels.rebound(x, to: Double.self), rows, d,
                                          AcceleratedKernels.rebound(c.baseAddress!, to: Double.self),
                                          AcceleratedKernels.rebound(w.baseAddress!, to: Double.self), weights.columnCount,
                                          AcceleratedKernels.rebound(output, to: Double.self), weights.columnCount,
                                          Int32(lanes)) != 0
            }
        }
    }

    /// The statistics `γᵀ · features` of `rows` frames of `x` (`[rows × d]`) with the weights
    /// `responsibilities` (`[rows × k]`, row stride k) into `output` (`[k × width]`, row stride
    /// `outputStride`; overwritten), without storing the features (`hmmkit_quadratic_statistics_d`):
    /// Double, k ≤ 16, accelerated backend only, `width` as for ``scores(_:rows:dimension:centre:weights:into:backend:width:)``.
    /// Returns false (nothing done) when it does not apply; the caller then builds the features
    /// and multiplies.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package static func statistics<S: MatrixScalar>(_ x: UnsafePointer<S>, rows: Int, dimension d: Int, centre: [S],
                                                    responsibilities: UnsafePointer<S>, components k: Int,
                                                    into output: UnsafeMutablePointer<S>, outputStride: Int,
                                                    backend: ComputeBackend, width lanes: Int = KernelPolicy.current.fusedKernelLanes) -> Bool {
        guard backend == .accelerated, lanes > 0, S.precision == .double, k >= 1, k <= SkinnyProducts.limit,
              centre.count == d, outputStride >= width(dimension: d)
        else { return false }
        return centre.withUnsafeBufferPointer { c in
            hmmkit_quadratic_statistics_d(AcceleratedKernels.rebound(x, to: Double.self), rows, d,
                                          AcceleratedKernels.rebound(c.baseAddress!, to: Double.self),
                                          AcceleratedKernels.rebound(responsibilities, to: Double.self), k, k,
                                          AcceleratedKernels.rebound(output, to: Double.self), outputStride,
                                          Int32(lanes)) != 0
        }
    }
}
