import HMMKitMixtures
import HMMKitNumerics

/// A hidden Markov model: a ``MarkovChain`` (start and transition probabilities, topology) and
/// the emission densities of its states (any ``EmissionModel``).
///
/// An immutable value; training returns a new model (`fitted(to:lengths:options:progress:)`
/// and `HMMTrainer`, both in HMMKitTraining, build one from data). Data follow hmmlearn's convention: the frames of all
/// sequences stacked in one `[N × D]` matrix and the frame count of each in `lengths`; every
/// method also takes an array of sequences.
///
/// ``GMMHMM`` names the Gaussian-mixture form: one mixture of M components per state; the
/// alias ``GaussianHMM`` names the same type for readers of hmmlearn (M = 1 by convention).
public struct HiddenMarkovModel<Emissions: EmissionModel>: Sendable {
    /// The precision of the frames and parameters, the emissions'.
    public typealias Scalar = Emissions.Scalar
    /// Start and transition probabilities (hmmlearn's `startprob_`, `transmat_`).
    public let chain: MarkovChain<Scalar>
    /// The states' emission densities.
    public let emissions: Emissions

    /// A model from its chain and emissions.
    /// - Throws: ``HMMError/shapeMismatch(_:)`` when they disagree on the number of states.
    public init(chain: MarkovChain<Scalar>, emissions: Emissions) throws(HMMError) {
        guard chain.stateCount == emissions.stateCount else {
            throw .shapeMismatch("a \(chain.stateCount)-state chain with emissions for \(emissions.stateCount) states")
        }
        self.chain = chain
        self.emissions = emissions
    }

    /// States, S.
    public var stateCount: Int { chain.stateCount }
    /// Dimension of the frames, D.
    public var dimension: Int { emissions.dimension }
    /// Free parameters: the nonzero start and transition probabilities less one per row, and
    /// the emissions'.
    public var parameterCount: Int {
        let s = stateCount
        let starts = chain.startProbabilities.filter { $0 > 0 }.count
        var transitions = 0
        for i in 0..<s { transitions += max((0..<s).filter { chain.transitions[i, $0] > 0 }.count - 1, 0) }
        return max(starts - 1, 0) + transitions + emissions.parameterCount
    }
}

/// An HMM whose states emit Gaussian mixtures (hmmlearn's `GMMHMM`).
public typealias GMMHMM<Scalar: MatrixScalar> = HiddenMarkovModel<MixtureEmissions<Scalar>>
/// hmmlearn's `GaussianHMM` (one Gaussian per state), under its hmmlearn name.
///
/// An alias, not a distinct type: `GaussianHMM<S>` and `GMMHMM<S>` are the same type,
/// `HiddenMarkovModel<MixtureEmissions<S>>`, and everything that takes one takes the other. A
/// Gaussian HMM is the one-component case, which ``HiddenMarkovModel/init(chain:means:covariances:backend:)``
/// builds and `HMMTrainer` (HMMKitTraining) trains with `componentsPerState: 1`; the type does not enforce it
/// (a split grows it into a mixture), so code that needs one Gaussian per state checks
/// ``MixtureEmissions/componentsPerState``.
public typealias GaussianHMM<Scalar: MatrixScalar> = HiddenMarkovModel<MixtureEmissions<Scalar>>

extension HiddenMarkovModel {
    /// A Gaussian HMM: state s emits `N(means[s], covariances[s])`.
    /// - Parameters:
    ///   - chain: the start and transition probabilities of the S states.
    ///   - means: `[S × D]`.
    ///   - covariances: `.diagonal([S × D])`, `.spherical([S])`, `.full` (S matrices `[D × D]`)
    ///     or `.tied` (one `[D × D]` matrix for every state).
    ///   - backend: the backend the densities are built and scored on.
    /// - Throws: ``HMMError/shapeMismatch(_:)``, ``HMMError/emission(state:_:)`` for a covariance that is
    ///   not positive definite or non-finite parameters.
    public init<S: MatrixScalar>(chain: MarkovChain<S>, means: Matrix<S>, covariances: Covariances<S>,
                                 backend: ComputeBackend = .default) throws(HMMError) where Emissions == MixtureEmissions<S> {
        let s = chain.stateCount, d = means.columnCount
        guard means.rowCount == s, d >= 1 else {
            throw .shapeMismatch("\(means.rowCount) × \(d) means for a \(s)-state chain; they must be \(s) × D with D ≥ 1")
        }
        var mixtures: [GaussianMixture<S>] = []
        for state in 0..<s {
            let covariance: Covariances<S>
            switch covariances {
            case .diagonal(let v):
                guard v.rowCount == s, v.columnCount == d else {
                    throw .shapeMismatch("diagonal covariances are \(v.rowCount) × \(v.columnCount); they must be \(s) × \(d)")
                }
                covariance = .diagonal(v.rows(state..<(state + 1)))
            case .spherical(let v):
                guard v.count == s else { throw .shapeMismatch("\(v.count) spherical variances for \(s) states") }
                covariance = .spherical([v[state]])
            case .full(let matrices):
                guard matrices.count == s, matrices.allSatisfy({ $0.rowCount == d && $0.columnCount == d }) else {
                    throw .shapeMismatch("full covariances must be \(s) matrices of \(d) × \(d)")
                }
                covariance = .full([matrices[state]])
            case .tied(let matrix):
                guard matrix.rowCount == d, matrix.columnCount == d else { throw .shapeMismatch("the tied covariance must be \(d) × \(d)") }
                covariance = .tied(matrix)
            }
            do {
                mixtures.append(try GaussianMixture(weights: [1], means: means.rows(state..<(state + 1)), covariances: covariance,
                                                    backend: backend))
            } catch { throw .emission(state: state, error) }
        }
        try self.init(chain: chain, emissions: try MixtureEmissions(mixtures, backend: backend))
    }

    /// A GMM-HMM from one mixture per state (same component count, dimension and covariance type).
    /// - Throws: ``HMMError/shapeMismatch(_:)``.
    public init<S: MatrixScalar>(chain: MarkovChain<S>, mixtures: [GaussianMixture<S>],
                                 backend: ComputeBackend = .default) throws(HMMError) where Emissions == MixtureEmissions<S> {
        try self.init(chain: chain, emissions: try MixtureEmissions(mixtures, backend: backend))
    }
}

/// Emissions made of one Gaussian mixture per state (what ``MixtureEmissions`` is), for the
/// accessors hmmlearn users look for.
public protocol GaussianMixtureEmissions: EmissionModel {
    /// The states' mixtures.
    var mixtures: [GaussianMixture<Scalar>] { get }
}

extension MixtureEmissions: GaussianMixtureEmissions {}

extension HiddenMarkovModel where Emissions: GaussianMixtureEmissions {
    /// The states' mixtures.
    public var mixtures: [GaussianMixture<Scalar>] { emissions.mixtures }
    /// Components per state, M.
    public var componentsPerState: Int { emissions.mixtures[0].componentCount }
    /// The covariance structure.
    public var covarianceType: CovarianceType { emissions.mixtures[0].covarianceType }
    /// Mixture weights, `[S × M]` (hmmlearn's `weights_`).
    public var weights: Matrix<Scalar> {
        Matrix(rowCount: stateCount, columnCount: componentsPerState, elements: mixtures.flatMap(\.weights))
    }
    /// Means, `[(S·M) × D]`: row `s·M + m` is component m of state s (hmmlearn's `means_`
    /// reshaped; for a Gaussian HMM, `[S × D]`).
    public var means: Matrix<Scalar> {
        Matrix(rowCount: stateCount * componentsPerState, columnCount: dimension, elements: mixtures.flatMap(\.means.elements))
    }
    /// Covariances in the same order as ``means``: diagonal `[(S·M) × D]`, spherical `[S·M]`,
    /// full S·M matrices; tied: one matrix **per state**, as `.full` with S matrices.
    public var covariances: Covariances<Scalar> {
        switch covarianceType {
        case .diagonal:
            return .diagonal(Matrix(rowCount: stateCount * componentsPerState, columnCount: dimension,
                                    elements: mixtures.flatMap { mixture -> [Scalar] in
                                        if case .diagonal(let v) = mixture.covariances { return v.elements }
                                        return []
                                    }))
        case .spherical:
            return .spherical(mixtures.flatMap { mixture -> [Scalar] in
                if case .spherical(let v) = mixture.covariances { return v }
                return []
            })
        case .full:
            return .full(mixtures.flatMap { mixture -> [Matrix<Scalar>] in
                if case .full(let m) = mixture.covariances { return m }
                return []
            })
        case .tied:
            return .full(mixtures.map { mixture -> Matrix<Scalar> in
                if case .tied(let m) = mixture.covariances { return m }
                return Matrix(rowCount: 0, columnCount: 0)
            })
        }
    }
}
