import HMMKitMixtures
import HMMKitNumerics
import RealModule

/// Gaussian-mixture emissions: one ``/HMMKitMixtures/GaussianMixture`` per state, every state with the same
/// number of components M and covariance type (hmmlearn's `GMMHMM`; with M = 1, `GaussianHMM`).
///
/// Scoring and accumulation run on all states at once as one mixture of S·M components (one
/// GEMM per block of frames for the log-densities, one for the statistics; see the GMM engine).
/// Covariance types: ``/HMMKitMixtures/CovarianceType/diagonal``, ``/HMMKitMixtures/CovarianceType/full``,
/// ``/HMMKitMixtures/CovarianceType/spherical`` (one variance per component) and
/// ``/HMMKitMixtures/CovarianceType/tied`` (one
/// covariance per **state**, shared by its components — hmmlearn GMMHMM's meaning).
public struct MixtureEmissions<Scalar: MatrixScalar>: EmissionModel {
    let stacked: StackedMixtures<Scalar>
    /// The backend the densities run on.
    public let backend: ComputeBackend

    /// Emissions from one mixture per state.
    /// - Throws: ``HMMError/mixtures(_:)`` when the mixtures differ in dimension, component
    ///   count or covariance type, or there are none.
    public init(_ mixtures: [GaussianMixture<Scalar>], backend: ComputeBackend = .default) throws(HMMError) {
        do { stacked = try StackedMixtures(mixtures, backend: backend) } catch { throw .mixtures(error) }
        self.backend = backend
    }

    /// The states' mixtures.
    public var mixtures: [GaussianMixture<Scalar>] { stacked.states }
    public var stateCount: Int { stacked.stateCount }
    public var dimension: Int { stacked.dimension }
    /// Components per state, M.
    public var componentsPerState: Int { stacked.componentsPerState }
    /// The covariance structure shared by every state.
    public var covarianceType: CovarianceType { mixtures[0].covarianceType }

    /// Free parameters: per state, weights (M − 1), means (M·D) and covariances.
    public var parameterCount: Int {
        let m = componentsPerState, d = dimension
        let covariance = covarianceType == .tied ? d * (d + 1) / 2 : covarianceType.covarianceParameterCount(components: m, dimension: d)
        return stateCount * (m - 1 + m * d + covariance)
    }

    public func makeWorkspace() -> MixtureWorkspace<Scalar> { MixtureWorkspace<Scalar>() }
    public func makeScoringWorkspace() -> MixtureWorkspace<Scalar> { MixtureWorkspace<Scalar>(scoringOnly: true) }

    public func score(_ frames: Matrix<Scalar>, rows: Range<Int>, workspace: MixtureWorkspace<Scalar>,
                      into output: UnsafeMutablePointer<Scalar>) {
        workspace.select(frames, rows: rows)
        stacked.scoreBlock(workspace, stateLogLikelihoods: output, backend: backend)
    }

    public func emptyStatistics() -> GaussianMixtureStatistics { stacked.emptyStatistics() }

    public func accumulate(_ workspace: MixtureWorkspace<Scalar>, statePosteriors: UnsafePointer<Scalar>,
                           into statistics: inout GaussianMixtureStatistics) {
        stacked.accumulateBlock(workspace, statePosteriors: statePosteriors, into: &statistics, backend: backend)
    }

    public func updated(with statistics: GaussianMixtureStatistics, options: HMMUpdateOptions) throws(HMMError)
        -> (MixtureEmissions, EmissionUpdateReport)
    {
        try MixtureEmissionUpdate(emissions: self, statistics: statistics, options: options).run()
    }

    public func sample<G: RandomNumberGenerator>(states: [Int], using generator: inout G) -> Matrix<Scalar> {
        var result = Matrix<Scalar>(rowCount: states.count, columnCount: dimension)
        for state in 0..<stateCount {
            let rows = states.indices.filter { states[$0] == state }
            guard !rows.isEmpty else { continue }
            let drawn = mixtures[state].sample(count: rows.count, using: &generator).frames
            for (index, row) in rows.enumerated() { for j in 0..<dimension { result[row, j] = drawn[index, j] } }
        }
        return result
    }

    /// The emissions with every state's mixture grown to `componentCount` components by
    /// splitting the heaviest component (means ± 0.2 σ, HTK's `HHEd MU`), one split at a time.
    /// - Throws: ``HMMError/invalidArgument(_:)`` if `componentCount` is below the current count.
    public func splitting(to componentCount: Int) throws(HMMError) -> MixtureEmissions {
        guard componentCount >= componentsPerState else {
            throw .invalidArgument("cannot split \(componentsPerState) components down to \(componentCount)")
        }
        var grown: [GaussianMixture<Scalar>] = []
        for (state, mixture) in mixtures.enumerated() {
            var model = mixture
            do {
                while model.componentCount < componentCount { model = try MixtureSplitting.splitHeaviest(model, backend: backend) }
            } catch { throw .emission(state: state, error) }
            grown.append(model)
        }
        return try MixtureEmissions(grown, backend: backend)
    }
}
