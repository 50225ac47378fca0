import HMMKitNumerics

/// The sufficient statistics of a ``HiddenMarkovModel`` over some sequences: the chain's
/// (``MarkovStatistics``: start counts, occupancies, transition counts, log-likelihood) and the
/// emissions'. Statistics of disjoint data add up; ``values`` is one flat buffer (chain first),
/// so threads, statistics files and MPI all reduce the same numbers.
public struct HMMStatistics<Emission: EmissionStatistics>: Sendable, Equatable, Codable {
    /// Start counts, occupancies, transition counts and the total log-likelihood.
    public var markov: MarkovStatistics
    /// The emission model's sums.
    public var emissions: Emission

    /// Statistics made of the chain's and the emissions' sums (of the same data).
    public init(markov: MarkovStatistics, emissions: Emission) {
        self.markov = markov
        self.emissions = emissions
    }

    /// `Σ_k log p(x_k)` under the model the statistics were gathered with.
    public var logLikelihood: Double { markov.logLikelihood }
    /// Frames accumulated.
    public var frameCount: Double { markov.frameCount }

    /// Every number: the chain's values, then the emissions'.
    public var values: [Double] { markov.values + emissions.values }

    /// Restores every number from ``values`` (e.g. after an MPI all-reduce).
    /// - Throws: ``HMMError/shapeMismatch(_:)`` when the count does not fit.
    public mutating func load(values: [Double]) throws(HMMError) {
        let split = markov.values.count
        guard values.count == split + emissions.values.count else {
            throw .shapeMismatch("expected \(split + emissions.values.count) statistics values, got \(values.count)")
        }
        do { try markov.replaceValues(with: Array(values[..<split])) } catch { throw .markov(error) }
        try emissions.load(values: Array(values[split...]))
    }

    /// Adds `other`, scaled by `scale`.
    /// - Throws: ``HMMError`` when the layouts differ.
    public mutating func add(_ other: HMMStatistics, scale: Double = 1) throws(HMMError) {
        do { try markov.add(other.markov, scale: scale) } catch { throw .markov(error) }
        try emissions.merge(other.emissions, scale: scale)
    }

    /// The sum of statistics of the same layout (traps otherwise; use ``add(_:scale:)`` for data from outside).
    public static func + (lhs: HMMStatistics, rhs: HMMStatistics) -> HMMStatistics {
        var sum = lhs
        do { try sum.add(rhs) } catch { preconditionFailure("\(error)") }
        return sum
    }
}

extension HiddenMarkovModel {
    /// Statistics of zero data in this model's layout.
    public func emptyStatistics() -> HMMStatistics<Emissions.Statistics> {
        HMMStatistics(markov: MarkovStatistics(stateCount: stateCount), emissions: emissions.emptyStatistics())
    }

    /// The E-step: forward-backward over every sequence and the statistics of the chain and the
    /// emissions, on `threadCount` workers. The emission log-likelihoods of a block of
    /// sequences are one GEMM; each sequence's posteriors are accumulated as soon as it is
    /// done (memory: a block's `[rows × S]` buffers per worker, whatever the corpus size).
    /// Bitwise the same for any thread count (see ``/HMMKitNumerics/WorkPartition/blocks(frameCounts:)``).
    ///
    /// With `weights` (one finite, non-negative weight per sequence), sequence k counts `weights[k]`
    /// times: its posteriors (hence the emissions' sums), transition counts, frames and
    /// log-likelihood in the chain's statistics are scaled by it; the emissions' own frame count
    /// still counts the frames seen. (The denominator statistics of discriminative training,
    /// each sequence weighted by the word's posterior.)
    /// - Throws: as ``logLikelihoods(of:lengths:implementation:threadCount:partition:unscorableAsNegativeInfinity:)``;
    ///   ``HMMError/invalidArgument(_:)`` for weights that are not one finite, non-negative value per sequence.
    @_specialize(where Emissions == MixtureEmissions<Float>)
    @_specialize(where Emissions == MixtureEmissions<Double>)
    public func statistics(of frames: Matrix<Scalar>, lengths: [Int], weights: [Double]? = nil,
                           implementation: ForwardBackwardImplementation = .scaled,
                           threadCount: Int = 1, partition: WorkPartition = WorkPartition())
        throws(HMMError) -> HMMStatistics<Emissions.Statistics>
    {
        let layout = try layout(frames, lengths: lengths)
        if let weights, weights.count != lengths.count || !weights.allSatisfy({ $0 >= 0 && $0.isFinite }) {
            throw .invalidArgument("sequence weights must be one finite, non-negative value per sequence (\(weights.count) for "
                + "\(lengths.count) sequences)")
        }
        let model = self, s = stateCount
        let partials = try runBatch(frames, layout: layout, threadCount: threadCount, partition: partition,
                                    initial: emptyStatistics()) { (statistics: inout HMMStatistics<Emissions.Statistics>, worker, block, firstRow) throws(HMMError) in
            let rows = layout.offsets[block.upperBound - 1] + layout.lengths[block.upperBound - 1] - firstRow
            let gamma = worker.posteriors.reserve(max(rows * s, 1))
            for sequence in block {
                let count = layout.lengths[sequence], offset = (layout.offsets[sequence] - firstRow) * s
                let outcome = model.chain.forwardBackward(worker.logLikelihoods.pointer + offset, frames: count, sequence: sequence,
                                                          implementation: implementation, workspace: worker.markovWorkspace,
                                                          posteriors: gamma + offset)
                switch outcome {
                case .failure(let error): throw model.explain(error, frames: frames, layout: layout)
                case .success(let logLikelihood):
                    let weight = weights?[sequence] ?? 1
                    if weights != nil { Self.scale(gamma + offset, count: count * s, transitionCounts: worker.markovWorkspace,
                                                   states: s, by: weight) }
                    statistics.markov.addSequence(frames: count, logLikelihood: logLikelihood, posteriors: UnsafePointer(gamma + offset),
                                                  transitionCounts: worker.markovWorkspace.transitionCounts.pointer, weight: weight)
                }
            }
            model.emissions.accumulate(worker.emissionWorkspace, statePosteriors: gamma, into: &statistics.emissions)
        }
        return partials.dropFirst().reduce(partials[0], +)
    }

    /// Scales one sequence's posteriors (`count` values) and the transition counts in `workspace` by `weight`.
    private static func scale(_ posteriors: UnsafeMutablePointer<Scalar>, count: Int, transitionCounts workspace: MarkovWorkspace<Scalar>,
                              states: Int, by weight: Double) {
        let factor = Scalar(weight)
        for index in 0..<count { posteriors[index] *= factor }
        let xi = workspace.transitionCounts.pointer
        for index in 0..<(states * states) { xi[index] *= weight }
    }

    /// ``statistics(of:lengths:weights:implementation:threadCount:partition:)`` of separate sequences.
    public func statistics(of sequences: [Matrix<Scalar>], implementation: ForwardBackwardImplementation = .scaled,
                           threadCount: Int = 1) throws(HMMError) -> HMMStatistics<Emissions.Statistics> {
        let (frames, lengths) = try stack(sequences)
        return try statistics(of: frames, lengths: lengths, implementation: implementation, threadCount: threadCount)
    }
}
