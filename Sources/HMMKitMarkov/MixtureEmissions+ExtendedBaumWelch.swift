import HMMKitMixtures
import HMMKitNumerics

extension MixtureEmissions {
    /// The emissions re-estimated discriminatively (``/HMMKitMixtures/ExtendedBaumWelch``): every
    /// state's means and variances from the numerator and denominator statistics gathered with
    /// these emissions (stacked, state by state, as ``emptyStatistics()`` lays them out), the
    /// mixture weights kept.
    /// - Parameters:
    ///   - numerator: the statistics of the frames under the correct transcriptions.
    ///   - denominator: the posterior-weighted statistics under every competing one.
    ///   - options: E and τ.
    ///   - varianceFloor: variances are kept at least this fraction of the numerator data's global
    ///     variance per dimension (as the ML update's ``/HMMKitMixtures/GaussianMixtureUpdateOptions/varianceFloor``); nil: none.
    /// - Throws: ``HMMError/invalidArgument(_:)`` for emissions that are not diagonal;
    ///   ``HMMError/shapeMismatch(_:)`` for statistics of another shape; ``HMMError/emission(state:_:)``
    ///   when a state's new mixture is unusable.
    public func discriminativelyUpdated(numerator: GaussianMixtureStatistics, denominator: GaussianMixtureStatistics,
                                        options: ExtendedBaumWelchOptions, varianceFloor: Double?)
        throws(HMMError) -> (emissions: MixtureEmissions, report: ExtendedBaumWelchReport)
    {
        guard covarianceType == .diagonal else {
            throw .invalidArgument("extended Baum-Welch updates diagonal covariances only (got \(covarianceType.rawValue))")
        }
        let m = componentsPerState, d = dimension
        guard numerator.componentCount == stateCount * m, numerator.dimension == d else {
            throw .shapeMismatch("statistics of \(numerator.componentCount) components of dimension \(numerator.dimension) cannot "
                + "update \(stateCount) states × \(m) components of dimension \(d)")
        }
        var means: [Double] = [], variances: [Double] = []
        means.reserveCapacity(stateCount * m * d)
        variances.reserveCapacity(stateCount * m * d)
        for mixture in mixtures {
            guard case .diagonal(let diagonal) = mixture.covariances else { continue }
            mixture.means.withUnsafeElements { values in means += values.map { Double($0) } }
            diagonal.withUnsafeElements { values in variances += values.map { Double($0) } }
        }
        let floors = GaussianMixtureUpdate.varianceFloors(numerator, fraction: varianceFloor)
        let update: (means: [Double], variances: [Double], report: ExtendedBaumWelchReport)
        do {
            update = try ExtendedBaumWelch.update(means: means, variances: variances, numerator: numerator, denominator: denominator,
                                                  floors: floors, options: options)
        } catch { throw .shapeMismatch("\(error)") }
        var updated: [GaussianMixture<Scalar>] = []
        for (state, mixture) in mixtures.enumerated() {
            let range = (state * m * d)..<((state + 1) * m * d)
            do {
                updated.append(try GaussianMixture(
                    weights: mixture.weights,
                    means: Matrix(rowCount: m, columnCount: d, elements: update.means[range].map { Scalar($0) }),
                    covariances: .diagonal(Matrix(rowCount: m, columnCount: d, elements: update.variances[range].map { Scalar($0) })),
                    backend: backend))
            } catch { throw .emission(state: state, error) }
        }
        return (try MixtureEmissions(updated, backend: backend), update.report)
    }
}
