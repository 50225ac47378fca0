import HMMKitMixtures
import HMMKitNumerics

// Baum-Welch for GaussianHMM, as hmmlearn 0.3.3 does it with its default priors
// (Tools/references/README.md, "What hmmlearn 0.3.3 computes"):
//
//   E-step   forward-backward of every sequence under the current parameters; the history entry
//            is Σ_k log p(x_k) (no prior terms), so history[k] belongs to the model after k M-steps.
//   M-step   π_i ∝ Σ γ_0(i), A_ij ∝ Σ ξ(i, j) (entries that are exactly 0 stay 0);
//            μ_s = Σγx / Σγ;
//            diag: v = (c + Σγx² − 2μΣγx + μ²Σγ) / max(max(w − 1, 0) + Σγ, 1e-5);
//            full: Σ = (c·11ᵀ + Σγxxᵀ − (Σγx)μᵀ − μ(Σγx)ᵀ + Σγ·μμᵀ) / (max(w − D, 0) + Σγ),
//            with c = covars_prior (0.01) added to every entry and w = covars_weight (1).

/// The sufficient statistics of a ``GaussianHMM`` over some sequences: the chain's
/// (``MarkovStatistics``) and the states' Gaussian ones (``GaussianMixtureStatistics`` with one
/// "component" per state: occupancies Σγ, first-order Σγx, second-order Σγx² (diag) or Σγxxᵀ
/// (full)), all Double. Statistics of disjoint data add up (``add(_:scale:)``).
public struct GaussianHMMStatistics: Sendable, Equatable {
    /// Start counts, occupancies, transition counts and the total log-likelihood.
    public var markov: MarkovStatistics
    /// Per-state occupancies and first- and second-order sums (its log-likelihood entry is unused, 0).
    public var emissions: GaussianMixtureStatistics

    public init(markov: MarkovStatistics, emissions: GaussianMixtureStatistics) {
        self.markov = markov
        self.emissions = emissions
    }

    /// Adds `other`, scaled by `scale`.
    /// - Throws: ``GaussianHMMError/markov(_:)`` or ``GaussianHMMError/shapeMismatch(_:)`` when the
    ///   state counts, dimensions or covariance types differ.
    public mutating func add(_ other: GaussianHMMStatistics, scale: Double = 1) throws(GaussianHMMError) {
        do { try markov.add(other.markov, scale: scale) } catch { throw .markov(error) }
        do { try emissions.add(other.emissions, scale: scale) } catch {
            throw .shapeMismatch("cannot add these emission statistics: \(error)")
        }
    }
}

/// Gathers Σγ, Σγx and Σγx² or Σγxxᵀ per state in Double while the batch runs forward-backward
/// (the frames are read from the stacked `[N × D]` matrix at each sequence's offset).
struct GaussianEmissionAccumulator<Scalar: MatrixScalar>: PosteriorAccumulator {
    let frames: Matrix<Scalar>
    let offsets: [Int]
    let stateCount: Int
    let full: Bool
    /// The layout of ``GaussianMixtureStatistics``: frames, log-likelihood, occupancies `[S]`,
    /// first order `[S × D]`, second order `[S × D]` or `[S × D × D]` (upper triangles only
    /// until ``statistics()`` mirrors them).
    var values: [Double]

    init(frames: Matrix<Scalar>, lengths: [Int], stateCount: Int, full: Bool) {
        self.frames = frames
        var offsets: [Int] = [], total = 0
        for length in lengths {
            offsets.append(total)
            total += length
        }
        self.offsets = offsets
        self.stateCount = stateCount
        self.full = full
        let d = frames.columnCount
        values = [Double](repeating: 0, count: 2 + stateCount * (1 + d) + stateCount * d * (full ? d : 1))
    }

    mutating func accumulate(sequence: Int, logLikelihoods: UnsafeBufferPointer<Scalar>, posteriors: Matrix<Scalar>) {
        let d = frames.columnCount, s = stateCount, count = posteriors.rowCount, full = self.full
        let occupancy = 2, firstOrder = 2 + s, secondOrder = 2 + s * (1 + d)
        let start = offsets[sequence]
        var x = [Double](repeating: 0, count: d)
        frames.withUnsafeElements { data in
            posteriors.withUnsafeElements { gamma in
                values.withUnsafeMutableBufferPointer { v in
                    v[0] += Double(count)
                    for t in 0..<count {
                        let row = data.baseAddress! + (start + t) * d
                        for j in 0..<d { x[j] = Double(row[j]) }
                        for state in 0..<s {
                            let weight = Double(gamma[t * s + state])
                            guard weight != 0 else { continue }
                            v[occupancy + state] += weight
                            let mean = firstOrder + state * d
                            for j in 0..<d { v[mean + j] += weight * x[j] }
                            if full {
                                let square = secondOrder + state * d * d
                                for i in 0..<d {
                                    let wx = weight * x[i]
                                    for j in i..<d { v[square + i * d + j] += wx * x[j] }
                                }
                            } else {
                                let square = secondOrder + state * d
                                for j in 0..<d { v[square + j] += weight * x[j] * x[j] }
                            }
                        }
                    }
                }
            }
        }
    }

    mutating func merge(_ other: GaussianEmissionAccumulator) {
        for k in values.indices { values[k] += other.values[k] }
    }

    /// The sums as ``GaussianMixtureStatistics`` (full: lower triangles mirrored from the upper).
    func statistics() -> GaussianMixtureStatistics {
        let d = frames.columnCount, s = stateCount
        var sums = values
        if full {
            let secondOrder = 2 + s * (1 + d)
            for state in 0..<s {
                let square = secondOrder + state * d * d
                for i in 0..<d { for j in 0..<i { sums[square + i * d + j] = sums[square + j * d + i] } }
            }
        }
        var result = GaussianMixtureStatistics(componentCount: s, dimension: d, covarianceType: full ? .full : .diagonal)
        // The layout was built for these shapes, so this cannot fail.
        try! result.replaceValues(with: sums)
        return result
    }
}

/// hmmlearn's priors of the GaussianHMM M-step, with its defaults.
public struct GaussianHMMUpdateOptions: Sendable, Equatable {
    /// `covars_prior`: added to every entry of the scatter (off-diagonals included for full
    /// covariances) before the division — 0.01, hmmlearn's default; it is the only variance
    /// floor in hmmlearn's EM.
    public var covariancePrior: Double = 1e-2
    /// `covars_weight`: the denominator is `max(w − 1, 0) + Σγ` (diag) or `max(w − D, 0) + Σγ`
    /// (full) — 1, hmmlearn's default, so both are Σγ.
    public var covarianceWeight: Double = 1

    public init(covariancePrior: Double = 1e-2, covarianceWeight: Double = 1) {
        self.covariancePrior = covariancePrior
        self.covarianceWeight = covarianceWeight
    }
}

/// What one ``GaussianHMMUpdate/apply(_:statistics:options:)`` did.
public struct GaussianHMMUpdateReport: Sendable, Equatable {
    /// `Σ_k log p(x_k)` under the model the statistics were gathered with (the history entry).
    public var logLikelihood: Double
    /// States with zero occupancy: their means and covariances were kept (hmmlearn makes them NaN).
    public var starvedStates: [Int]
    /// Transition rows with zero expected counts: kept as they were (hmmlearn makes them all zero,
    /// which ``MarkovChain`` refuses).
    public var keptTransitionRows: [Int]
}

/// The M-step of ``GaussianHMM``: new parameters from statistics, hmmlearn 0.3.3's formulas
/// with its default priors (means_prior 0, means_weight 0, startprob/transmat prior 1).
public enum GaussianHMMUpdate {
    /// The model re-estimated from `statistics` (gathered with `model`).
    /// - Throws: ``GaussianHMMError`` when the new parameters are unusable (a covariance that is
    ///   not positive definite) or the statistics do not fit the model.
    public static func apply<Scalar: MatrixScalar>(
        _ model: GaussianHMM<Scalar>, statistics: GaussianHMMStatistics, options: GaussianHMMUpdateOptions = GaussianHMMUpdateOptions()
    ) throws(GaussianHMMError) -> (model: GaussianHMM<Scalar>, report: GaussianHMMUpdateReport) {
        let s = model.stateCount, d = model.dimension
        let full = model.covarianceType == .full
        let emissions = statistics.emissions
        guard statistics.markov.stateCount == s, emissions.componentCount == s, emissions.dimension == d,
              emissions.covarianceType == model.covarianceType else {
            throw .shapeMismatch("statistics for \(emissions.componentCount) states of dimension \(emissions.dimension) "
                + "(\(emissions.covarianceType)) do not fit a \(s)-state model of dimension \(d) (\(model.covarianceType))")
        }
        // Chain: normalised expected counts; exact zeros stay zero.
        let oldChain = model.chain
        let startCounts = Array(statistics.markov.startCounts)
        var start = (0..<s).map { oldChain.startProbabilities[$0] == 0 ? 0 : startCounts[$0] }
        let startSum = start.reduce(0, +)
        if startSum > 0 { start = start.map { $0 / startSum } } else { start = oldChain.startProbabilities.map(Double.init) }
        let counts = Array(statistics.markov.transitionCounts)
        var transitions = Matrix<Scalar>(rowCount: s, columnCount: s)
        var keptRows: [Int] = []
        for i in 0..<s {
            var row = (0..<s).map { oldChain.transitions[i, $0] == 0 ? 0 : counts[i * s + $0] }
            let sum = row.reduce(0, +)
            if sum > 0 { row = row.map { $0 / sum } } else {
                row = (0..<s).map { Double(oldChain.transitions[i, $0]) }
                keptRows.append(i)
            }
            for j in 0..<s { transitions[i, j] = Scalar(row[j]) }
        }
        let endStates = oldChain.endStates.indices.filter { oldChain.endStates[$0] }
        let chain: MarkovChain<Scalar>
        do {
            chain = try MarkovChain(startProbabilities: start.map { Scalar($0) }, transitions: transitions,
                                    topology: oldChain.topology, end: .states(endStates))
        } catch { throw .markov(error) }

        // Emissions: γ-weighted means, then covariances around the new means (one-pass form).
        let occupancies = Array(emissions.occupancies), firstOrder = Array(emissions.firstOrder)
        let secondOrder = Array(emissions.secondOrder)
        var means = model.means
        var starved: [Int] = []
        var diagonal: Matrix<Scalar>
        var matrices: [Matrix<Scalar>]
        switch model.covariances {
        case .diagonal(let v): diagonal = v; matrices = []
        case .full(let m): diagonal = Matrix(rowCount: 0, columnCount: 0); matrices = m
        default: throw .unsupportedCovarianceType(model.covarianceType)
        }
        let prior = options.covariancePrior
        for state in 0..<s {
            let n = occupancies[state]
            guard n > 0 else {
                starved.append(state)
                continue
            }
            let sums = Array(firstOrder[(state * d)..<((state + 1) * d)])
            let mu = sums.map { $0 / n }
            for j in 0..<d { means[state, j] = Scalar(mu[j]) }
            if full {
                let denominator = max(options.covarianceWeight - Double(d), 0) + n
                var sigma = Matrix<Scalar>(rowCount: d, columnCount: d)
                let base = state * d * d
                for i in 0..<d {
                    for j in 0..<d {
                        let scatter = secondOrder[base + i * d + j] - sums[i] * mu[j] - mu[i] * sums[j] + mu[i] * mu[j] * n
                        sigma[i, j] = Scalar((prior + scatter) / denominator)
                    }
                }
                matrices[state] = sigma
            } else {
                let denominator = max(max(options.covarianceWeight - 1, 0) + n, 1e-5)
                for j in 0..<d {
                    let scatter = secondOrder[state * d + j] - 2 * mu[j] * sums[j] + mu[j] * mu[j] * n
                    diagonal[state, j] = Scalar((prior + scatter) / denominator)
                }
            }
        }
        let updated = try GaussianHMM(chain: chain, means: means, covariances: full ? .full(matrices) : .diagonal(diagonal),
                                      backend: model.backend)
        return (updated, GaussianHMMUpdateReport(logLikelihood: statistics.markov.logLikelihood, starvedStates: starved,
                                                 keptTransitionRows: keptRows))
    }
}

/// How ``GaussianHMM/fitted(to:lengths:options:)`` runs Baum-Welch.
public struct GaussianHMMTrainingOptions: Sendable, Equatable {
    /// EM iterations, at most: 10, hmmlearn's `n_iter` default.
    public var iterationCount: Int = 10
    /// Stop when the log-likelihood rises by less than this (raw, not relative) between two
    /// iterations: 0.01, hmmlearn's `tol`. `-.infinity` runs every iteration.
    public var tolerance: Double = 1e-2
    /// The forward-backward implementation: log space by default, hmmlearn's `"log"`.
    public var implementation: ForwardBackwardImplementation = .logSpace
    /// Worker threads of the E-step (the statistics are bitwise the same for any count).
    public var threadCount: Int = 1
    /// The M-step's priors.
    public var update = GaussianHMMUpdateOptions()

    public init(iterationCount: Int = 10, tolerance: Double = 1e-2, implementation: ForwardBackwardImplementation = .logSpace,
                threadCount: Int = 1, update: GaussianHMMUpdateOptions = GaussianHMMUpdateOptions()) {
        precondition(iterationCount >= 0, "iterationCount must be ≥ 0 (got \(iterationCount))")
        precondition(threadCount >= 1, "threadCount must be ≥ 1 (got \(threadCount))")
        self.iterationCount = iterationCount
        self.tolerance = tolerance
        self.implementation = implementation
        self.threadCount = threadCount
        self.update = update
    }
}

/// The result of Baum-Welch training.
public struct GaussianHMMFit<Scalar: MatrixScalar>: Sendable {
    /// The model after the last M-step.
    public var model: GaussianHMM<Scalar>
    /// `history[k]`: `Σ_k log p(x_k)` under the model after k M-steps (hmmlearn's `monitor_.history`).
    public var history: [Double]
    /// Whether the tolerance test or the iteration count stopped training (hmmlearn's `converged`).
    public var converged: Bool
    /// What each M-step did.
    public var reports: [GaussianHMMUpdateReport]
}

extension GaussianHMM {
    /// The statistics of the sequences (E-step): forward-backward over every sequence on
    /// `threadCount` workers, with Σγ, Σγx and Σγx² or Σγxxᵀ gathered per state in Double.
    /// - Parameters:
    ///   - frames: stacked frames `[N × D]`; `lengths`: frames per sequence, summing to N.
    /// - Throws: as ``logLikelihoods(of:lengths:implementation:)``.
    public func statistics(of frames: Matrix<Scalar>, lengths: [Int], implementation: ForwardBackwardImplementation = .logSpace,
                           threadCount: Int = 1) throws(GaussianHMMError) -> GaussianHMMStatistics {
        let batch = try emissionBatch(frames, lengths: lengths)
        let accumulator = GaussianEmissionAccumulator(frames: frames, lengths: lengths, stateCount: stateCount,
                                                      full: covarianceType == .full)
        do {
            let (markov, emissions) = try chain.statistics(of: batch, accumulating: accumulator, implementation: implementation,
                                                           threadCount: threadCount)
            return GaussianHMMStatistics(markov: markov, emissions: emissions.statistics())
        } catch { throw .markov(error) }
    }

    /// Baum-Welch from this model (hmmlearn's `fit(X, lengths)` with `init_params=""`): E-step,
    /// M-step, convergence test, for at most `options.iterationCount` iterations.
    /// - Throws: the errors of ``statistics(of:lengths:implementation:threadCount:)`` and
    ///   ``GaussianHMMUpdate/apply(_:statistics:options:)``.
    public func fitted(to frames: Matrix<Scalar>, lengths: [Int],
                       options: GaussianHMMTrainingOptions = GaussianHMMTrainingOptions()) throws(GaussianHMMError) -> GaussianHMMFit<Scalar> {
        var model = self
        var history: [Double] = []
        var reports: [GaussianHMMUpdateReport] = []
        var converged = false
        for iteration in 0..<options.iterationCount {
            let statistics = try model.statistics(of: frames, lengths: lengths, implementation: options.implementation,
                                                  threadCount: options.threadCount)
            let (next, report) = try GaussianHMMUpdate.apply(model, statistics: statistics, options: options.update)
            model = next
            history.append(report.logLikelihood)
            reports.append(report)
            if iteration == options.iterationCount - 1
                || (history.count >= 2 && history[history.count - 1] - history[history.count - 2] < options.tolerance) {
                converged = true
                break
            }
        }
        return GaussianHMMFit(model: model, history: history, converged: converged, reports: reports)
    }
}
