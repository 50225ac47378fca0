import HMMKitMixtures
import HMMKitNumerics

/// The M-step of ``MixtureEmissions``: every state's mixture re-estimated from its slice of the
/// stacked statistics by the Gaussian M-step (``GaussianMixtureUpdate``), with the floors computed
/// once over all states.
struct MixtureEmissionUpdate<Scalar: MatrixScalar> {
    let emissions: MixtureEmissions<Scalar>
    let statistics: GaussianMixtureStatistics
    let options: HMMUpdateOptions

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func run() throws(HMMError) -> (MixtureEmissions<Scalar>, EmissionUpdateReport) {
        let s = emissions.stateCount, m = emissions.componentsPerState, d = emissions.dimension
        let type = emissions.covarianceType
        guard statistics.componentCount == s * m, statistics.dimension == d,
              statistics.covarianceType == (type == .tied ? .full : type) else {
            throw .shapeMismatch("statistics of \(statistics.componentCount) \(statistics.covarianceType) components of dimension "
                + "\(statistics.dimension) cannot update \(s) states × \(m) \(type) components of dimension \(d)")
        }
        let gaussian = options.emissions
        guard gaussian.starvedComponents != .remove else {
            throw .invalidArgument("HMM emissions cannot remove starved components (every state keeps \(m)); use reseed or keep")
        }
        var parameters: GaussianParameters = []
        if options.parameters.contains(.weights) { parameters.insert(.weights) }
        if options.parameters.contains(.means) { parameters.insert(.means) }
        if options.parameters.contains(.covariances) { parameters.insert(.covariances) }
        let floors = GaussianMixtureUpdate.varianceFloors(statistics, fraction: gaussian.varianceFloor)
        var report = EmissionUpdateReport()
        var mixtures: [GaussianMixture<Scalar>] = []
        for (state, old) in emissions.mixtures.enumerated() {
            let estimate = GaussianMixtureUpdate.estimate(statistics, components: state * m, previous: old, floors: floors,
                                                          options: gaussian, parameters: parameters)
            for c in estimate.starved {
                let occupancy = statistics.values[statistics.occupancyOffset + state * m + c]
                report.starvedComponents.append(StarvedComponent(state: state, component: c, occupancy: occupancy))
            }
            report.flooredVarianceCount += estimate.flooredVarianceCount
            guard gaussian.starvedComponents == .keep || estimate.starved.count < m else {
                mixtures.append(old)
                continue
            }
            do {
                mixtures.append(try estimate.mixture(Scalar.self, type: type, backend: emissions.backend))
            } catch { throw .emission(state: state, error) }
        }
        return (try MixtureEmissions(mixtures, backend: emissions.backend), report)
    }
}
