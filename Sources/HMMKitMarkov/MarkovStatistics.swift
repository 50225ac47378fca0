import HMMKitNumerics

/// Sufficient statistics of a Markov chain over some sequences (what Baum-Welch's M-step for
/// `π` and `A` needs): sequence and frame counts, the total log-likelihood, start counts
/// `Σ_seq γ_1(i)`, occupancies `Σ_seq Σ_t γ_t(i)` and transition counts `Σ_seq Σ_{t<T} ξ_t(i, j)` —
/// all Double, in **one contiguous buffer**, so merging is `+` and a cluster reduction is one
/// all-reduce of ``values``.
public struct MarkovStatistics: Sendable, Equatable, Codable {
    /// States, S.
    public let stateCount: Int
    /// `[sequences, frames, log-likelihood, start counts (S), occupancies (S), transition counts (S × S, row-major)]`.
    public private(set) var values: [Double]

    /// Zero statistics for `stateCount` states.
    public init(stateCount: Int) {
        precondition(stateCount >= 1, "MarkovStatistics needs at least one state")
        self.stateCount = stateCount
        values = [Double](repeating: 0, count: 3 + 2 * stateCount + stateCount * stateCount)
    }

    static let sequencesIndex = 0
    static let framesIndex = 1
    static let logLikelihoodIndex = 2
    static let startOffset = 3
    var occupancyOffset: Int { 3 + stateCount }
    var transitionOffset: Int { 3 + 2 * stateCount }

    /// Sequences accumulated.
    public var sequenceCount: Double { values[Self.sequencesIndex] }
    /// Frames accumulated.
    public var frameCount: Double { values[Self.framesIndex] }
    /// `Σ_seq log p(x)`.
    public var logLikelihood: Double { values[Self.logLikelihoodIndex] }
    /// `Σ_seq γ_1(i)`, `[S]`.
    public var startCounts: ArraySlice<Double> { values[Self.startOffset..<occupancyOffset] }
    /// `Σ_seq Σ_t γ_t(i)`, `[S]`.
    public var occupancies: ArraySlice<Double> { values[occupancyOffset..<transitionOffset] }
    /// `Σ_seq Σ_{t<T} ξ_t(i, j)`, `[S × S]` row-major (`i → j` at `i·S + j`).
    public var transitionCounts: ArraySlice<Double> { values[transitionOffset...] }

    /// Adds `other` (same state count), scaled by `scale`.
    /// - Throws: ``MarkovError/statisticsMismatch(_:)`` for another state count.
    public mutating func add(_ other: MarkovStatistics, scale: Double = 1) throws(MarkovError) {
        guard other.stateCount == stateCount else {
            throw .statisticsMismatch("cannot add \(other.stateCount)-state statistics to \(stateCount)-state ones")
        }
        for i in 0..<values.count { values[i] += scale * other.values[i] }
    }

    /// The sum of two statistics of the same state count (traps otherwise; use ``add(_:scale:)``
    /// for data from outside).
    public static func + (lhs: MarkovStatistics, rhs: MarkovStatistics) -> MarkovStatistics {
        var sum = lhs
        do { try sum.add(rhs) } catch { preconditionFailure("\(error)") }
        return sum
    }

    /// Restores statistics from their flat values (e.g. after an MPI all-reduce).
    /// - Throws: ``MarkovError/statisticsMismatch(_:)`` when the count does not fit.
    public mutating func replaceValues(with newValues: [Double]) throws(MarkovError) {
        guard newValues.count == values.count else {
            throw .statisticsMismatch("expected \(values.count) values, got \(newValues.count)")
        }
        values = newValues
    }

    /// Adds one sequence's results: γ (`[T × S]`) and ξ (`[S × S]`), both already scaled by
    /// `weight`, which scales the sequence, frame and log-likelihood sums too (1: plain counts).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func addSequence<Scalar: MatrixScalar>(frames: Int, logLikelihood: Double, posteriors: UnsafePointer<Scalar>,
                                                    transitionCounts: UnsafePointer<Double>, weight: Double = 1) {
        let n = stateCount, start = Self.startOffset, occupancy = occupancyOffset, transition = transitionOffset
        values.withUnsafeMutableBufferPointer { v in
            v[Self.sequencesIndex] += weight
            v[Self.framesIndex] += weight * Double(frames)
            v[Self.logLikelihoodIndex] += weight * logLikelihood
            for i in 0..<n { v[start + i] += Double(posteriors[i]) }
            for t in 0..<frames {
                let row = posteriors + t * n
                for i in 0..<n { v[occupancy + i] += Double(row[i]) }
            }
            for k in 0..<(n * n) { v[transition + k] += transitionCounts[k] }
        }
    }
}
