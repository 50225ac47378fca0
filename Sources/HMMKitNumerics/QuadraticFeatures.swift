import CVectorMath

/// The expanded features of full-covariance scoring, `[x', x'ᵢx'ⱼ (i ≤ j, i-major), 1]` with
/// `x' = x − centre`: a Gaussian's log-density is then one dot product with them (Kaldi's
/// expanded quadratic form), so a block of frames is scored against every component by one
/// matrix product. On the accelerated backend an AVX2 kernel builds them; the reference backend
/// (and CPUs without AVX2) runs the plain loop. Both give the same values (products only). The
/// accelerated backend can also score and accumulate without storing them
/// (QuadraticFeatures+Fused.swift).
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
