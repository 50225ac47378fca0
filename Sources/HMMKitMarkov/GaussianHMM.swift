import HMMKitMixtures
import HMMKitNumerics

/// Failures of a ``GaussianHMM`` caused by its parameters or its data.
public enum GaussianHMMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The Markov chain or a sequence of the batch was refused by the chain's kernels.
    case markov(MarkovError)
    /// State `state`'s Gaussian could not be built or could not score the data (e.g. a
    /// covariance that is not positive definite, non-finite frames).
    case emission(state: Int, MixtureError)
    /// Means, covariances and chain of inconsistent shapes, or frames of another dimension.
    case shapeMismatch(String)
    /// A covariance structure other than ``CovarianceType/diagonal`` and ``CovarianceType/full``.
    case unsupportedCovarianceType(CovarianceType)

    public var description: String {
        switch self {
        case .markov(let error): return "\(error)"
        case let .emission(state, error): return "the Gaussian of state \(state): \(error)"
        case .shapeMismatch(let message): return "Gaussian HMM shapes do not match: \(message)"
        case .unsupportedCovarianceType(let type):
            return "GaussianHMM supports diagonal and full covariances, not \(type); use diag or full"
        }
    }
}

/// A hidden Markov model with one Gaussian per state (hmmlearn's `GaussianHMM`, covariance
/// types `"diag"` and `"full"`): a ``MarkovChain`` (`startprob_`, `transmat_`) and, for each of
/// the S states, a mean (`means`, `[S × D]`) and a covariance.
///
/// An immutable value: the per-state Gaussians — one-component ``GaussianMixture``s, whose
/// scoring caches (precision Cholesky factors, constants) are built in `init` — are never stale.
/// Training returns a new model (``fitted(to:lengths:options:)``).
///
/// Data follow hmmlearn's convention: the frames of all sequences stacked in one `[N × D]`
/// matrix, and the frame count of each sequence in `lengths` (summing to N).
public struct GaussianHMM<Scalar: MatrixScalar>: Sendable {
    /// The start and transition probabilities.
    public let chain: MarkovChain<Scalar>
    /// State means, `[S × D]` (hmmlearn's `means_`).
    public let means: Matrix<Scalar>
    /// State covariances: ``Covariances/diagonal(_:)`` (`[S × D]` variances, hmmlearn's
    /// `_covars_`) or ``Covariances/full(_:)`` (S matrices of `[D × D]`).
    public let covariances: Covariances<Scalar>
    /// The backend the emission densities run on.
    public let backend: ComputeBackend
    /// State s's Gaussian as a one-component mixture (weight 1, so its `scoreSamples` is exactly
    /// `log N(x | μ_s, Σ_s)`).
    let emissions: [GaussianMixture<Scalar>]

    /// Number of states, S.
    public var stateCount: Int { chain.stateCount }
    /// Dimension of the frames, D.
    public var dimension: Int { means.columnCount }
    /// ``CovarianceType/diagonal`` or ``CovarianceType/full``.
    public var covarianceType: CovarianceType { covariances.type }

    /// A model from its parameters.
    /// - Parameters:
    ///   - chain: start and transition probabilities of S states.
    ///   - means: `[S × D]`.
    ///   - covariances: `.diagonal([S × D])` or `.full` with S matrices `[D × D]`, positive definite.
    ///   - backend: where the emission densities are computed (default ``ComputeBackend/default``).
    /// - Throws: ``GaussianHMMError/shapeMismatch(_:)`` when the chain, means and covariances
    ///   disagree on S or D, ``GaussianHMMError/unsupportedCovarianceType(_:)``, and
    ///   ``GaussianHMMError/emission(state:_:)`` for a non-finite mean or a covariance that is not
    ///   positive definite.
    public init(chain: MarkovChain<Scalar>, means: Matrix<Scalar>, covariances: Covariances<Scalar>,
                backend: ComputeBackend = .default) throws(GaussianHMMError) {
        let s = chain.stateCount, d = means.columnCount
        guard means.rowCount == s, d >= 1 else {
            throw .shapeMismatch("\(means.rowCount) × \(d) means for a \(s)-state chain; they must be \(s) × D with D ≥ 1")
        }
        var emissions: [GaussianMixture<Scalar>] = []
        emissions.reserveCapacity(s)
        switch covariances {
        case .diagonal(let variances):
            guard variances.rowCount == s, variances.columnCount == d else {
                throw .shapeMismatch("diagonal covariances are \(variances.rowCount) × \(variances.columnCount); "
                    + "they must be \(s) × \(d)")
            }
            for state in 0..<s {
                do {
                    emissions.append(try GaussianMixture(weights: [1], means: means.rows(state..<(state + 1)),
                                                         covariances: .diagonal(variances.rows(state..<(state + 1))),
                                                         backend: backend))
                } catch { throw .emission(state: state, error) }
            }
        case .full(let matrices):
            guard matrices.count == s, matrices.allSatisfy({ $0.rowCount == d && $0.columnCount == d }) else {
                throw .shapeMismatch("full covariances must be \(s) matrices of \(d) × \(d)")
            }
            for state in 0..<s {
                do {
                    emissions.append(try GaussianMixture(weights: [1], means: means.rows(state..<(state + 1)),
                                                         covariances: .full([matrices[state]]), backend: backend))
                } catch { throw .emission(state: state, error) }
            }
        case .spherical, .tied:
            throw .unsupportedCovarianceType(covariances.type)
        }
        self.chain = chain
        self.means = means
        self.covariances = covariances
        self.backend = backend
        self.emissions = emissions
    }

    /// The emission log-densities `log N(x_t | μ_s, Σ_s)` of every frame under every state,
    /// `[N × S]` (natural log; hmmlearn's `_compute_log_likelihood`), from `frames` `[N × D]`.
    /// One GEMM per state on ``backend`` (``GaussianMixture/scoreSamples(_:backend:)``).
    /// - Throws: ``GaussianHMMError/shapeMismatch(_:)`` for frames of another dimension,
    ///   ``GaussianHMMError/emission(state:_:)`` for non-finite frames.
    public func emissionLogLikelihoods(_ frames: Matrix<Scalar>) throws(GaussianHMMError) -> Matrix<Scalar> {
        guard frames.columnCount == dimension else {
            throw .shapeMismatch("frames have \(frames.columnCount) columns but the model has dimension \(dimension)")
        }
        let n = frames.rowCount, s = stateCount
        var result = Matrix<Scalar>(rowCount: n, columnCount: s)
        for state in 0..<s {
            let column: [Double]
            do { column = try emissions[state].scoreSamples(frames, backend: backend) } catch {
                throw .emission(state: state, error)
            }
            result.withUnsafeMutableElements { out in
                for t in 0..<n { out[t * s + state] = Scalar(column[t]) }
            }
        }
        return result
    }

    /// `log p(x)` of each sequence (natural log; hmmlearn's `score` of each sequence alone), `[lengths.count]`.
    /// - Parameters:
    ///   - frames: the stacked frames of all sequences, `[N × D]`.
    ///   - lengths: frames of each sequence, summing to N.
    ///   - implementation: the forward pass (default ``ForwardBackwardImplementation/logSpace``, hmmlearn's `"log"`).
    /// - Throws: the errors of ``emissionLogLikelihoods(_:)``, and ``GaussianHMMError/markov(_:)``
    ///   for bad lengths, a sequence too short for the chain or of probability zero.
    public func logLikelihoods(of frames: Matrix<Scalar>, lengths: [Int],
                               implementation: ForwardBackwardImplementation = .logSpace) throws(GaussianHMMError) -> [Double] {
        let batch = try emissionBatch(frames, lengths: lengths)
        let workspace = MarkovWorkspace<Scalar>()
        var result: [Double] = []
        result.reserveCapacity(batch.count)
        for index in 0..<batch.count {
            let frameCount = batch.frameCounts[index]
            do {
                try chain.checkSequence(frames: frameCount, columns: stateCount, sequence: index)
                let outcome = batch.withSequence(index) { input in
                    switch implementation {
                    case .scaled: return chain.scaledForwardOnly(input, frames: frameCount, sequence: index, workspace: workspace)
                    case .logSpace: return chain.logSpaceForwardOnly(input, frames: frameCount, sequence: index, workspace: workspace)
                    }
                }
                result.append(try outcome.get())
            } catch { throw .markov(error) }
        }
        return result
    }

    /// The total `Σ_k log p(x_k)` over the sequences (hmmlearn's `score(X, lengths)`).
    /// Same arguments and errors as ``logLikelihoods(of:lengths:implementation:)``.
    public func score(_ frames: Matrix<Scalar>, lengths: [Int],
                      implementation: ForwardBackwardImplementation = .logSpace) throws(GaussianHMMError) -> Double {
        try logLikelihoods(of: frames, lengths: lengths, implementation: implementation).reduce(0, +)
    }

    /// The most probable state path of each sequence (Viterbi, ``MarkovChain/viterbi(_:sequence:)``;
    /// hmmlearn's `decode(X, lengths, algorithm="viterbi")` gives their concatenation and the sum of
    /// their log-probabilities).
    /// - Throws: as ``logLikelihoods(of:lengths:implementation:)``.
    public func decode(_ frames: Matrix<Scalar>, lengths: [Int]) throws(GaussianHMMError) -> [ViterbiPath] {
        let batch = try emissionBatch(frames, lengths: lengths)
        let workspace = MarkovWorkspace<Scalar>()
        var result: [ViterbiPath] = []
        result.reserveCapacity(batch.count)
        for index in 0..<batch.count {
            let frameCount = batch.frameCounts[index]
            do {
                try chain.checkSequence(frames: frameCount, columns: stateCount, sequence: index)
                let outcome = batch.withSequence(index) { input in
                    chain.viterbi(input, frames: frameCount, sequence: index, workspace: workspace)
                }
                result.append(try outcome.get())
            } catch { throw .markov(error) }
        }
        return result
    }

    /// The emission log-likelihoods of `frames` as a batch split by `lengths`.
    func emissionBatch(_ frames: Matrix<Scalar>, lengths: [Int]) throws(GaussianHMMError) -> SequenceBatch<Scalar> {
        let logLikelihoods = try emissionLogLikelihoods(frames)
        do { return try SequenceBatch(stacked: logLikelihoods, lengths: lengths) } catch { throw .markov(error) }
    }
}
