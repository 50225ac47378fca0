import HMMKitNumerics
import RealModule

extension GaussianMixture {
    /// `log(w_k · N(xₙ | μ_k, Σ_k))` for the frames in `workspace.block`, into
    /// `workspace.logDensities` (`[n × K]`).
    ///
    /// Diagonal and spherical: one GEMM of `[x, x²]` (`[n × 2D]`) with the cached `[2D × K]`
    /// weights. Full: per component, `y = x·P_k` (GEMM) and `c_k − ½‖y − μ_k P_k‖²`; tied: one
    /// GEMM for all components. Runs on `backend`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func weightedLogDensities(_ workspace: MixtureWorkspace<Scalar>, backend: ComputeBackend) {
        let n = workspace.block.rowCount, d = dimension, k = componentCount
        MixtureWorkspace.shape(&workspace.logDensities, n, k)
        guard n > 0 else { return }
        let constants = cache.constants
        switch covarianceType {
        case .diagonal, .spherical:
            MixtureWorkspace.shape(&workspace.features, n, 2 * d)
            workspace.block.withUnsafeElements { x in
                workspace.features.withUnsafeMutableElements { f in
                    for row in 0..<n {
                        let source = x.baseAddress! + row * d, target = f.baseAddress! + row * 2 * d
                        for j in 0..<d {
                            target[j] = source[j]
                            target[d + j] = source[j] * source[j]
                        }
                    }
                }
            }
            // Shapes are consistent by construction, so these products cannot throw.
            try! backend.multiply(workspace.features, by: cache.linearWeights!, into: &workspace.logDensities)
            workspace.logDensities.withUnsafeMutableElements { out in
                for row in 0..<n {
                    let line = out.baseAddress! + row * k
                    for c in 0..<k { line[c] += constants[c] }
                }
            }
        case .full, .tied:
            MixtureWorkspace.shape(&workspace.transformed, n, d)
            let tied = covarianceType == .tied
            if tied { try! backend.multiply(workspace.block, by: cache.precisionCholesky[0], into: &workspace.transformed) }
            let transformedMeans = cache.transformedMeans!
            for c in 0..<k {
                if !tied {
                    try! backend.multiply(workspace.block, by: cache.precisionCholesky[c], into: &workspace.transformed)
                }
                workspace.transformed.withUnsafeElements { y in
                    transformedMeans.withUnsafeElements { m in
                        workspace.logDensities.withUnsafeMutableElements { out in
                            let mean = m.baseAddress! + c * d
                            for row in 0..<n {
                                let line = y.baseAddress! + row * d
                                var sum: Scalar = 0
                                for j in 0..<d {
                                    let difference = line[j] - mean[j]
                                    sum += difference * difference
                                }
                                out[row * k + c] = constants[c] - sum / 2
                            }
                        }
                    }
                }
            }
        }
    }

    /// Turns `workspace.logDensities` into responsibilities in place (row-wise softmax) and
    /// writes `log p(xₙ)` (the row-wise log-sum-exp) to `workspace.frameLogLikelihoods`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func normalizeToResponsibilities(_ workspace: MixtureWorkspace<Scalar>) {
        let n = workspace.logDensities.rowCount, k = componentCount
        if workspace.frameLogLikelihoods.count != n { workspace.frameLogLikelihoods = [Scalar](repeating: 0, count: n) }
        workspace.logDensities.withUnsafeMutableElements { values in
            workspace.frameLogLikelihoods.withUnsafeMutableBufferPointer { out in
                for row in 0..<n {
                    let line = values.baseAddress! + row * k
                    let logSum = RowSoftmax.normalize(line, count: k)
                    if !logSum.isFinite {
                        // No component gives this frame a finite density: uniform responsibilities,
                        // and the -∞ (or NaN) log-likelihood is reported, never hidden.
                        for c in 0..<k { line[c] = 1 / Scalar(k) }
                    }
                    out[row] = logSum
                }
            }
        }
    }
}
