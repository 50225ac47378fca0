import HMMKitNumerics
import RealModule

/// The mixtures of S hidden-Markov states, each of M components of one covariance type, scored
/// and accumulated as **one** mixture of S·M components — so a block of frames costs one GEMM for
/// every state's log-densities and one GEMM for every state's statistics (the engine under
/// HMMKitMarkov's GMM emissions).
///
/// The stack is a ``GaussianMixture`` whose component `s·M + m` is component m of state s with
/// weight `w_sm / S` (so the stack's weights sum to 1); per state, `log Σ_m w_sm N_sm(x)` is the
/// log-sum-exp of its M columns plus `log S`. Tied states (one covariance per state, hmmlearn's
/// GMMHMM `"tied"`) stack as full covariances.
package struct StackedMixtures<Scalar: MatrixScalar>: Sendable {
    /// The states' mixtures, as given.
    package let states: [GaussianMixture<Scalar>]
    /// Components per state, M.
    package let componentsPerState: Int
    /// All components in one mixture (weights divided by S).
    package let stack: GaussianMixture<Scalar>
    /// `log S`, added back to every state's log-likelihood.
    let logStateCount: Scalar

    /// The stack of `states` (at least one, all of the same dimension, component count and
    /// covariance type).
    /// - Throws: ``MixtureError/shapeMismatch(_:)`` when they differ; errors of the stacked
    ///   mixture's construction (cannot happen for valid states).
    package init(_ states: [GaussianMixture<Scalar>], backend: ComputeBackend) throws(MixtureError) {
        guard let first = states.first else { throw .shapeMismatch("an HMM needs at least one state") }
        let m = first.componentCount, d = first.dimension, type = first.covarianceType
        for (index, state) in states.enumerated() {
            guard state.componentCount == m, state.dimension == d, state.covarianceType == type else {
                throw .shapeMismatch("state \(index) has \(state.componentCount) \(state.covarianceType) components of "
                    + "dimension \(state.dimension); state 0 has \(m) \(type) components of dimension \(d)")
            }
        }
        let s = states.count
        let scale = Scalar(1) / Scalar(s)
        let weights = states.flatMap { $0.weights.map { $0 * scale } }
        var means = Matrix<Scalar>(rowCount: s * m, columnCount: d)
        for (index, state) in states.enumerated() {
            for c in 0..<m { for j in 0..<d { means[index * m + c, j] = state.means[c, j] } }
        }
        let covariances: Covariances<Scalar>
        switch type {
        case .diagonal:
            var variances = Matrix<Scalar>(rowCount: s * m, columnCount: d)
            for (index, state) in states.enumerated() {
                guard case .diagonal(let v) = state.covariances else { continue }
                for c in 0..<m { for j in 0..<d { variances[index * m + c, j] = v[c, j] } }
            }
            covariances = .diagonal(variances)
        case .spherical:
            covariances = .spherical(states.flatMap { state -> [Scalar] in
                if case .spherical(let v) = state.covariances { return v }
                return []
            })
        case .full:
            covariances = .full(states.flatMap { state -> [Matrix<Scalar>] in
                if case .full(let matrices) = state.covariances { return matrices }
                return []
            })
        case .tied:
            covariances = .full(states.flatMap { state -> [Matrix<Scalar>] in
                if case .tied(let matrix) = state.covariances { return Array(repeating: matrix, count: m) }
                return []
            })
        }
        self.states = states
        self.componentsPerState = m
        self.stack = try GaussianMixture(weights: weights, means: means, covariances: covariances, backend: backend)
        self.logStateCount = Scalar(Double.log(Double(s)))
    }

    /// States, S.
    package var stateCount: Int { states.count }
    /// Dimension of the frames, D.
    package var dimension: Int { stack.dimension }

    /// Scores the workspace's current block: every state's `log p(x_t | s)` into
    /// `stateLogLikelihoods` (`[n × S]`, row stride S), and leaves in `workspace.logDensities`
    /// (`[n × S·M]`) each component's responsibility **within** its state, for
    /// ``accumulateBlock(_:statePosteriors:into:backend:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func scoreBlock(_ workspace: MixtureWorkspace<Scalar>, stateLogLikelihoods: UnsafeMutablePointer<Scalar>,
                            backend: ComputeBackend) {
        let n = workspace.rowCount, s = stateCount, m = componentsPerState
        stack.weightedLogDensities(workspace, backend: backend)
        guard n > 0 else { return }
        workspace.logDensities.withUnsafeMutableElements { values in
            // Row-major [n × S·M] is [n·S × M]: one softmax row per (frame, state).
            if m == 1 {
                for index in 0..<(n * s) {
                    stateLogLikelihoods[index] = values[index] + logStateCount
                    values[index] = 1
                }
            } else {
                RowSoftmax.normalizeRows(values.baseAddress!, rows: n * s, columns: m, logSums: stateLogLikelihoods,
                                         backend: backend)
                for index in 0..<(n * s) { stateLogLikelihoods[index] += logStateCount }
            }
        }
    }

    /// Adds the block's statistics given the state posteriors γ (`[n × S]`): component
    /// `(s, m)` of frame t has weight `γ_ts · r_tsm`; one GEMM for all states (see
    /// ``GaussianMixture/addResponsibilityStatistics(_:into:backend:)``). `statistics` has the
    /// stack's layout (S·M components; tied states as full). Must follow ``scoreBlock(_:stateLogLikelihoods:backend:)``
    /// on the same workspace.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func accumulateBlock(_ workspace: MixtureWorkspace<Scalar>, statePosteriors: UnsafePointer<Scalar>,
                                 into statistics: inout GaussianMixtureStatistics, backend: ComputeBackend) {
        let n = workspace.rowCount, s = stateCount, m = componentsPerState
        guard n > 0 else { return }
        workspace.logDensities.withUnsafeMutableElements { values in
            if m == 1 {
                // scoreBlock left every within-state responsibility at exactly 1: the weights are γ.
                values.baseAddress!.update(from: statePosteriors, count: n * s)
                return
            }
            for index in 0..<(n * s) {
                let gamma = statePosteriors[index]
                let row = values.baseAddress! + index * m
                for c in 0..<m { row[c] *= gamma }
            }
        }
        statistics.withUnsafeMutableValues { values in values[GaussianMixtureStatistics.framesIndex] += Double(n) }
        stack.addResponsibilityStatistics(workspace, into: &statistics, backend: backend)
    }

    /// Empty statistics in the stack's layout.
    package func emptyStatistics() -> GaussianMixtureStatistics {
        GaussianMixtureStatistics(for: stack)
    }
}
