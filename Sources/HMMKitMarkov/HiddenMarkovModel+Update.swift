import HMMKitNumerics

/// What one M-step did.
public struct HMMUpdateReport: Sendable, Equatable, Codable {
    /// `Σ_k log p(x_k)` under the model the statistics were gathered with (the history entry).
    public var logLikelihood: Double
    /// Frames the statistics summarise.
    public var frameCount: Double
    /// Transition rows with no expected counts: kept as they were (hmmlearn makes them all zero).
    public var keptTransitionRows: [Int]
    /// What the emission update did (starved components, floored variances).
    public var emissions: EmissionUpdateReport
}

extension HiddenMarkovModel {
    /// The M-step: the model re-estimated from `statistics` (gathered with this model).
    ///
    /// Chain (when in ``HMMUpdateOptions/parameters``): `π_i ∝ max(α − 1 + Σγ₁(i), 0)` and
    /// `A_ij ∝ max(α − 1 + Σξ(i, j), 0)` (hmmlearn's Dirichlet priors; α = 1 is maximum
    /// likelihood); entries that are zero **stay exactly zero**, rows sum to one, and a row (or
    /// the start vector) with no counts is kept as it was. Emissions: ``EmissionModel/updated(with:options:)``.
    /// - Throws: ``HMMError`` when the statistics do not fit the model or the new parameters are
    ///   unusable (e.g. a covariance that is not positive definite once updated).
    @_specialize(where Emissions == MixtureEmissions<Float>)
    @_specialize(where Emissions == MixtureEmissions<Double>)
    public func updated(with statistics: HMMStatistics<Emissions.Statistics>,
                        options: HMMUpdateOptions = HMMUpdateOptions()) throws(HMMError) -> (model: HiddenMarkovModel, report: HMMUpdateReport) {
        let s = stateCount
        guard statistics.markov.stateCount == s else {
            throw .shapeMismatch("statistics for \(statistics.markov.stateCount) states cannot update a \(s)-state model")
        }
        let old = chain
        var start = old.startProbabilities.map(Double.init)
        if options.parameters.contains(.start) {
            let counts = Array(statistics.markov.startCounts)
            let proposed = (0..<s).map { old.startProbabilities[$0] == 0 ? 0 : max(options.startPrior - 1 + counts[$0], 0) }
            let total = proposed.reduce(0, +)
            if total > 0 { start = proposed.map { $0 / total } }
        }
        var transitions = old.transitions
        var keptRows: [Int] = []
        if options.parameters.contains(.transitions) {
            let counts = Array(statistics.markov.transitionCounts)
            for i in 0..<s {
                let row = (0..<s).map { old.transitions[i, $0] == 0 ? 0 : max(options.transitionPrior - 1 + counts[i * s + $0], 0) }
                let total = row.reduce(0, +)
                guard total > 0 else {
                    keptRows.append(i)
                    continue
                }
                for j in 0..<s { transitions[i, j] = Scalar(row[j] / total) }
            }
        }
        let newChain: MarkovChain<Scalar>
        do {
            newChain = try MarkovChain(startProbabilities: start.map { Scalar($0) }, transitions: transitions, topology: old.topology,
                                       end: .states(old.endStates.indices.filter { old.endStates[$0] }))
        } catch { throw .markov(error) }
        let (newEmissions, emissionReport) = try emissions.updated(with: statistics.emissions, options: options)
        let model = try HiddenMarkovModel(chain: newChain, emissions: newEmissions)
        return (model, HMMUpdateReport(logLikelihood: statistics.logLikelihood, frameCount: statistics.frameCount,
                                       keptTransitionRows: keptRows, emissions: emissionReport))
    }
}
