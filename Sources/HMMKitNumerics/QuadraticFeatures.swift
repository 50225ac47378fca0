import CVectorMath
import Foundation

/// The expanded features of full-covariance scoring, `[x', x'ᵢx'ⱼ (i ≤ j, i-major), 1]` with
/// `x' = x − centre`: a Gaussian's log-density is then one dot product with them (Kaldi's
/// expanded quadratic form), so a block of frames is scored against every component by one
/// matrix product. On the accelerated backend an AVX2 kernel builds them; the reference backend
/// (and CPUs without AVX2) runs the plain loop. Both give the same values (products only).
package enum QuadraticFeatures {
    /// Features per frame for dimension d: `d + d(d+1)/2 + 1`.
    package static func width(dimension d: Int) -> Int { d + d * (d + 1) / 2 + 1 }

    /// Writes the features of `rows` frames of `x` (`[rows × d]`, row stride d) into `output`
    /// (row stride `outputStride` ≥ ``width(dimension:)``).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package static func build<S: MatrixScalar>(_ x: UnsafePointer<S>, rows: Int, dimension d: Int, centre: [S],
                                               into output: UnsafeMutablePointer<S>, outputStride: Int,
                                               backend: ComputeBackend) {
        precondition(centre.count == d && outputStride >= width(dimension: d), "QuadraticFeatures: inconsistent shapes")
        if backend == .accelerated && RowSoftmax.acceleratedKernelAvailable {
            centre.withUnsafeBufferPointer { c in
                switch S.precision {
                case .double:
                    hmmkit_quadratic_features_d(AcceleratedKernels.rebound(x, to: Double.self), rows, d,
                                                AcceleratedKernels.rebound(c.baseAddress!, to: Double.self),
                                                AcceleratedKernels.rebound(output, to: Double.self), outputStride)
                case .single:
                    hmmkit_quadratic_features_s(AcceleratedKernels.rebound(x, to: Float.self), rows, d,
                                                AcceleratedKernels.rebound(c.baseAddress!, to: Float.self),
                                                AcceleratedKernels.rebound(output, to: Float.self), outputStride)
                }
            }
            return
        }
        for row in 0..<rows {
            let source = x + row * d, target = output + row * outputStride
            for j in 0..<d { target[j] = source[j] - centre[j] }
            var feature = d
            for i in 0..<d {
                let xi = target[i]
                for j in i..<d {
                    target[feature] = xi * target[j]
                    feature += 1
                }
            }
            target[feature] = 1
        }
    }
}

extension QuadraticFeatures {
    /// The scores `features(x_r) · weights` of `rows` frames (`[rows × d]`) against the columns of
    /// `weights` (`[width × k]`), into `output` (row stride k), without storing the features:
    /// AVX2 kernel, Double, k ≤ 16, accelerated backend only. Returns false (nothing done) when
    /// it does not apply; the caller then builds the features and multiplies.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package static func scores<S: MatrixScalar>(_ x: UnsafePointer<S>, rows: Int, dimension d: Int, centre: [S],
                                                weights: Matrix<S>, into output: UnsafeMutablePointer<S>,
                                                backend: ComputeBackend) -> Bool {
        guard backend == .accelerated, SkinnyProducts.enabled, S.precision == .double,
              weights.columnCount <= SkinnyProducts.limit, weights.rowCount == width(dimension: d), centre.count == d
        else { return false }
        return centre.withUnsafeBufferPointer { c in
            weights.withUnsafeElements { w in
                hmmkit_quadratic_scores_d(AcceleratedKernels.rebound(x, to: Double.self), rows, d,
                                          AcceleratedKernels.rebound(c.baseAddress!, to: Double.self),
                                          AcceleratedKernels.rebound(w.baseAddress!, to: Double.self), weights.columnCount,
                                          AcceleratedKernels.rebound(output, to: Double.self), weights.columnCount) != 0
            }
        }
    }
}

extension QuadraticFeatures {
    /// Whether the kernels that never store the features are on: AVX2 + FMA present (the skinny
    /// products' switch, `HMMKIT_SKINNY_PRODUCTS=0`, turns them off too) and not switched off by
    /// the environment variable `HMMKIT_FUSED_STATISTICS=0` (for measuring the features path).
    package static let fusedEnabled: Bool = {
        guard SkinnyProducts.enabled else { return false }
        return ProcessInfo.processInfo.environment["HMMKIT_FUSED_STATISTICS"] != "0"
    }()

    /// Whether a training block (scored, then accumulated) should skip the features and use
    /// ``scores(_:rows:dimension:centre:weights:into:backend:)`` and
    /// ``statistics(_:rows:dimension:centre:responsibilities:components:into:outputStride:backend:)``:
    /// accelerated backend, Double, and the shapes where that measured faster than building the
    /// features and multiplying twice (BENCHMARKS.md, issue 5): d ≥ 20 (below, the features are
    /// cheap), k ≤ 10 (above, one features matrix serves many components), rows ≥ 32 (below, the
    /// kernels' per-call set-up dominates). At d = 39, k = 5, 256 rows: 336 against 408 ns a frame.
    package static func prefersFusedTraining<S: MatrixScalar>(_: S.Type, rows: Int, dimension d: Int, components k: Int,
                                                             backend: ComputeBackend) -> Bool {
        backend == .accelerated && fusedEnabled && S.precision == .double && d >= 20 && k <= 10 && rows >= 32
    }

    /// The statistics `γᵀ · features` of `rows` frames of `x` (`[rows × d]`) with the weights
    /// `responsibilities` (`[rows × k]`, row stride k) into `output` (`[k × width]`, row stride
    /// `outputStride`; overwritten), without storing the features: AVX2 kernel
    /// (`hmmkit_quadratic_statistics_d`), Double, k ≤ 16, accelerated backend only. Returns false
    /// (nothing done) when it does not apply; the caller then builds the features and multiplies.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package static func statistics<S: MatrixScalar>(_ x: UnsafePointer<S>, rows: Int, dimension d: Int, centre: [S],
                                                    responsibilities: UnsafePointer<S>, components k: Int,
                                                    into output: UnsafeMutablePointer<S>, outputStride: Int,
                                                    backend: ComputeBackend) -> Bool {
        guard backend == .accelerated, fusedEnabled, S.precision == .double, k >= 1, k <= SkinnyProducts.limit,
              centre.count == d, outputStride >= width(dimension: d)
        else { return false }
        return centre.withUnsafeBufferPointer { c in
            hmmkit_quadratic_statistics_d(AcceleratedKernels.rebound(x, to: Double.self), rows, d,
                                          AcceleratedKernels.rebound(c.baseAddress!, to: Double.self),
                                          AcceleratedKernels.rebound(responsibilities, to: Double.self), k, k,
                                          AcceleratedKernels.rebound(output, to: Double.self), outputStride) != 0
        }
    }
}
