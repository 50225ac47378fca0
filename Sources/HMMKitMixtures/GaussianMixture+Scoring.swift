import HMMKitNumerics
import RealModule

extension GaussianMixture {
    /// `log(w_k · N(xₙ | μ_k, Σ_k))` for the frames of the workspace's current block, into
    /// `workspace.logDensities` (`[n × K]`).
    ///
    /// Diagonal and spherical: one GEMM of `[x, x², 1]` (`[n × (2D + 1)]`) with the cached
    /// `[(2D + 1) × K]` weights, or on the accelerated backend (K ≤ 16) the kernel that forms x²
    /// in registers and never stores the features. Full: one GEMM of the quadratic features `[x', x'ᵢx'ⱼ]` with the cached weights, or
    /// on the accelerated backend (scoring-only workspaces; training blocks of the shapes where it
    /// pays, see ``QuadraticFeatures/prefersFusedTraining(_:rows:dimension:components:backend:)``)
    /// the kernel that never stores the features (AVX2 or AVX-512).
    /// Tied: `y = x·P` (one GEMM) and `c_k − ½‖y − μ_k P‖²` per component. Runs on `backend`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func weightedLogDensities(_ workspace: MixtureWorkspace<Scalar>, backend: ComputeBackend) {
        let n = workspace.rowCount, d = dimension, k = componentCount
        MixtureWorkspace.shape(&workspace.logDensities, n, k)
        // Features of another model (another centre) must never be accumulated with these scores.
        workspace.hasFeatures = false
        guard n > 0 else { return }
        let constants = cache.constants
        switch covarianceType {
        case .diagonal, .spherical:
            // On the accelerated backend (k ≤ 16) the features are never built: scores and
            // statistics come from the frames (``addResponsibilityStatistics(_:into:backend:)``).
            let linearWeights = cache.linearWeights!
            let fused = workspace.withBlock { x in
                workspace.logDensities.withUnsafeMutableElements { out in
                    DiagonalFeatures.scores(x, rows: n, dimension: d, weights: linearWeights, into: out.baseAddress!, backend: backend)
                }
            }
            if fused { return }
            buildDiagonalFeatures(workspace, backend: backend)
            // Shapes are consistent by construction, so these products cannot throw.
            // The ones column of the features picks up each component's constant.
            try! backend.multiply(workspace.features, by: cache.linearWeights!, into: &workspace.logDensities)
        case .full:
            // Scoring-only blocks, and training blocks of the shapes where it pays, never build
            // the features (the statistics then come from the frames too, see
            // ``addResponsibilityStatistics(_:into:backend:)``).
            if workspace.scoringOnly
                || QuadraticFeatures.prefersFusedTraining(Scalar.self, rows: n, dimension: d, components: k, backend: backend)
            {
                let centre = cache.centre
                let done = workspace.withBlock { x in
                    workspace.logDensities.withUnsafeMutableElements { out in
                        QuadraticFeatures.scores(x, rows: n, dimension: d, centre: centre, weights: cache.quadraticWeights!,
                                                 into: out.baseAddress!, backend: backend)
                    }
                }
                if done { return }
            }
            buildQuadraticFeatures(workspace, backend: backend)
            try! backend.multiply(workspace.features, by: cache.quadraticWeights!, into: &workspace.logDensities)
        case .tied:
            MixtureWorkspace.shape(&workspace.transformed, n, d)
            workspace.copyBlock()
            try! backend.multiply(workspace.block, by: cache.precisionCholesky[0], into: &workspace.transformed)
            let transformedMeans = cache.transformedMeans!
            for c in 0..<k {
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

    /// Writes the diagonal features `[x, x², 1]` of the workspace's current block into
    /// `workspace.features` (`[n × (2D + 1)]`).
    func buildDiagonalFeatures(_ workspace: MixtureWorkspace<Scalar>, backend: ComputeBackend) {
        let n = workspace.rowCount, d = dimension, width = DiagonalFeatures.width(dimension: d)
        MixtureWorkspace.shape(&workspace.features, n, width)
        workspace.withBlock { x in
            workspace.features.withUnsafeMutableElements { f in
                DiagonalFeatures.build(x, rows: n, dimension: d, into: f.baseAddress!, outputStride: width, backend: backend)
            }
        }
        workspace.hasFeatures = true
    }

    /// Writes the full-covariance features `[x', x'ᵢx'ⱼ, 1]` of the workspace's current block into
    /// `workspace.features` (`[n × (D + D(D+1)/2 + 1)]`).
    func buildQuadraticFeatures(_ workspace: MixtureWorkspace<Scalar>, backend: ComputeBackend) {
        let n = workspace.rowCount, d = dimension, centre = cache.centre
        MixtureWorkspace.shape(&workspace.features, n, QuadraticFeatures.width(dimension: d))
        workspace.withBlock { x in
            workspace.features.withUnsafeMutableElements { f in
                QuadraticFeatures.build(x, rows: n, dimension: d, centre: centre, into: f.baseAddress!,
                                        outputStride: QuadraticFeatures.width(dimension: d), backend: backend)
            }
        }
        workspace.hasFeatures = true
    }

    /// Turns `workspace.logDensities` into responsibilities in place (row-wise softmax on
    /// `backend`, see ``RowSoftmax``) and writes `log p(xₙ)` to `workspace.frameLogLikelihoods`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func normalizeToResponsibilities(_ workspace: MixtureWorkspace<Scalar>, backend: ComputeBackend) {
        let n = workspace.logDensities.rowCount, k = componentCount
        if workspace.frameLogLikelihoods.count != n { workspace.frameLogLikelihoods = [Scalar](repeating: 0, count: n) }
        workspace.logDensities.withUnsafeMutableElements { values in
            workspace.frameLogLikelihoods.withUnsafeMutableBufferPointer { out in
                RowSoftmax.normalizeRows(values.baseAddress!, rows: n, columns: k, logSums: out.baseAddress!, backend: backend)
                for row in 0..<n where !out[row].isFinite {
                    // No component gives this frame a finite density: uniform responsibilities,
                    // and the -∞ (or NaN) log-likelihood is reported, never hidden.
                    for c in 0..<k { values[row * k + c] = 1 / Scalar(k) }
                }
            }
        }
    }
}
