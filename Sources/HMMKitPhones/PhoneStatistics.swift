import HMMKitMixtures
import HMMKitTraining

/// The E-step's sums for ``PhoneModels``: sequences, frames and log-likelihood, every phone's
/// expected transition counts (its `[N × (N + 1)]` block, exits last), then the pooled states'
/// Gaussian statistics — one flat buffer of Doubles, added with `+` by threads, statistics files
/// and MPI alike.
public struct PhoneStatistics: AdditiveStatistics, Equatable {
    /// Sequences, frames, `Σ log p(x)`, then the transition counts of each phone in inventory order.
    public private(set) var counts: [Double]
    /// The pooled states' statistics (the layout of ``/HMMKitMarkov/MixtureEmissions``).
    public private(set) var emissions: GaussianMixtureStatistics

    static let sequencesIndex = 0, framesIndex = 1, logLikelihoodIndex = 2, transitionOffset = 3

    /// Empty statistics with `transitionValues` transition counts over `emissions`' layout.
    init(transitionValues: Int, emissions: GaussianMixtureStatistics) {
        counts = [Double](repeating: 0, count: Self.transitionOffset + transitionValues)
        self.emissions = emissions
    }

    public var values: [Double] { counts + emissions.values }
    public var frameCount: Double { counts[Self.framesIndex] }
    public var logLikelihood: Double { counts[Self.logLikelihoodIndex] }
    /// Sequences accumulated.
    public var sequenceCount: Double { counts[Self.sequencesIndex] }
    /// The transition counts, phone after phone.
    public var transitionCounts: ArraySlice<Double> { counts[Self.transitionOffset...] }

    /// Adds one aligned sequence's frames and log-likelihood.
    mutating func addSequence(frames: Int, logLikelihood: Double) {
        counts[Self.sequencesIndex] += 1
        counts[Self.framesIndex] += Double(frames)
        counts[Self.logLikelihoodIndex] += logLikelihood
    }

    /// Adds `value` to transition count `index` (within ``transitionCounts``).
    mutating func addTransition(_ index: Int, _ value: Double) { counts[Self.transitionOffset + index] += value }

    /// Runs `body` on the emission statistics in place.
    mutating func withEmissions(_ body: (inout GaussianMixtureStatistics) -> Void) { body(&emissions) }

    public mutating func replaceAll(with values: [Double]) throws(TrainingError) {
        guard values.count == counts.count + emissions.values.count else {
            throw .statisticsMismatch("expected \(counts.count + emissions.values.count) values, got \(values.count)")
        }
        counts = Array(values[..<counts.count])
        do { try emissions.replaceValues(with: Array(values[counts.count...])) } catch { throw .mixture(error) }
    }

    public mutating func accumulate(_ other: PhoneStatistics) throws(TrainingError) {
        guard other.counts.count == counts.count else {
            throw .statisticsMismatch("\(other.counts.count - Self.transitionOffset) transition counts added to "
                + "\(counts.count - Self.transitionOffset)")
        }
        for index in counts.indices { counts[index] += other.counts[index] }
        do { try emissions.add(other.emissions) } catch { throw .mixture(error) }
    }

    public func consistencyProblem() -> String? {
        guard sequenceCount >= 0, frameCount >= 0 else {
            return "the sequence count is \(sequenceCount) and the frame count \(frameCount); they cannot be negative"
        }
        let scale = transitionCounts.reduce(1.0) { max($0, abs($1)) }
        if let index = transitionCounts.firstIndex(where: { $0 < -1e-9 * scale }) {
            return "transition count \(index - Self.transitionOffset) is \(counts[index]); it cannot be negative"
        }
        return emissions.consistencyProblem().map { "emissions: \($0)" }
    }
}
