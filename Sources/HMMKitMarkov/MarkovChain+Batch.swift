import HMMKitNumerics

/// Many sequences' emission log-likelihoods: separate `[T_i × S]` matrices, or one stacked
/// `[ΣT_i × S]` matrix with the sequence lengths (hmmlearn's `X, lengths`), read in place.
public struct SequenceBatch<Scalar: MatrixScalar>: Sendable {
    enum Storage: Sendable {
        case separate([Matrix<Scalar>])
        case stacked(Matrix<Scalar>, offsets: [Int])
    }
    let storage: Storage
    /// Frames of each sequence.
    public let frameCounts: [Int]

    /// Sequences given as separate matrices (their column counts are checked against the chain).
    public init(_ sequences: [Matrix<Scalar>]) {
        storage = .separate(sequences)
        frameCounts = sequences.map(\.rowCount)
    }

    /// Sequences stacked in one matrix: sequence i is rows `offset_i ..< offset_i + lengths[i]`.
    /// - Throws: ``MarkovError/invalidLengths(_:)`` for a negative length or lengths not summing to the rows.
    public init(stacked: Matrix<Scalar>, lengths: [Int]) throws(MarkovError) {
        var offsets: [Int] = []
        var total = 0
        for (index, length) in lengths.enumerated() {
            guard length >= 0 else { throw .invalidLengths("length \(index) is \(length); lengths must be ≥ 0") }
            offsets.append(total)
            total += length
        }
        guard total == stacked.rowCount else {
            throw .invalidLengths("lengths sum to \(total) but the stacked matrix has \(stacked.rowCount) rows")
        }
        storage = .stacked(stacked, offsets: offsets)
        frameCounts = lengths
    }

    /// Number of sequences.
    public var count: Int { frameCounts.count }

    /// The column count of sequence `index`.
    func columnCount(of index: Int) -> Int {
        switch storage {
        case .separate(let matrices): return matrices[index].columnCount
        case .stacked(let matrix, _): return matrix.columnCount
        }
    }

    /// Calls `body` with a pointer to sequence `index`'s first frame (row stride S).
    func withSequence<R>(_ index: Int, _ body: (UnsafePointer<Scalar>) -> R) -> R {
        switch storage {
        case .separate(let matrices):
            return matrices[index].withUnsafeElements { body($0.baseAddress!) }
        case .stacked(let matrix, let offsets):
            return matrix.withUnsafeElements { body($0.baseAddress! + offsets[index] * matrix.columnCount) }
        }
    }
}

/// Consumes the state posteriors of each sequence during a batch, e.g. to accumulate emission
/// statistics from γ while it is in cache. One copy of the value given to the batch is made per
/// chunk; each copy sees its chunk's sequences in order, and the copies are merged in chunk
/// order, so accumulators built from Double sums give bitwise the same result for any thread count.
public protocol PosteriorAccumulator: Sendable {
    /// The precision of the posteriors and log-likelihoods it reads.
    associatedtype Scalar: MatrixScalar
    /// Adds sequence `sequence`'s emission log-likelihoods (`frames`, `T` rows of S from
    /// `logLikelihoods`) and posteriors γ (`[T × S]`, rows summing to 1). Called on a worker
    /// thread; γ is not kept by the batch afterwards.
    mutating func accumulate(sequence: Int, logLikelihoods: UnsafeBufferPointer<Scalar>, posteriors: Matrix<Scalar>)
    /// Adds the sums of `other`, the accumulator of the following chunk.
    mutating func merge(_ other: Self)
}

/// The accumulator that ignores posteriors.
struct IgnoredPosteriors<Scalar: MatrixScalar>: PosteriorAccumulator {
    mutating func accumulate(sequence: Int, logLikelihoods: UnsafeBufferPointer<Scalar>, posteriors: Matrix<Scalar>) {}
    mutating func merge(_ other: IgnoredPosteriors) {}
}

extension MarkovChain {
    /// Forward-backward over every sequence of `batch` on `threadCount` workers: the summed
    /// ``MarkovStatistics`` (start counts, occupancies, transition counts, log-likelihood),
    /// bitwise independent of the thread count (the sequences of each chunk of
    /// ``/HMMKitNumerics/WorkPartition/chunks(frameCounts:)`` are accumulated in order, chunks summed in order). Memory: one
    /// sequence's `[T × S]` buffers per worker; nothing is kept across sequences.
    /// - Throws: the first failing sequence's error (lowest index): ``MarkovError/stateCountMismatch(model:data:sequence:)``,
    ///   ``MarkovError/sequenceTooShort(sequence:frameCount:minimumFrameCount:)``,
    ///   ``MarkovError/invalidLogLikelihood(sequence:frame:state:value:)``, ``MarkovError/impossibleSequence(sequence:frameCount:frame:)``.
    public func statistics(of batch: SequenceBatch<Scalar>, implementation: ForwardBackwardImplementation = .scaled,
                           threadCount: Int = 1, partition: WorkPartition = WorkPartition()) throws(MarkovError) -> MarkovStatistics {
        try statistics(of: batch, accumulating: IgnoredPosteriors<Scalar>(), implementation: implementation,
                       threadCount: threadCount, partition: partition).statistics
    }

    /// ``statistics(of:implementation:threadCount:partition:)``, also handing each sequence's
    /// posteriors to a copy of `accumulator` per chunk and returning the copies merged in chunk
    /// order. `accumulator` must be empty: every chunk starts from a copy of it.
    @_specialize(where Scalar == Float, A == IgnoredPosteriors<Float>)
    @_specialize(where Scalar == Double, A == IgnoredPosteriors<Double>)
    public func statistics<A: PosteriorAccumulator>(
        of batch: SequenceBatch<Scalar>, accumulating accumulator: A, implementation: ForwardBackwardImplementation = .scaled,
        threadCount: Int = 1, partition: WorkPartition = WorkPartition()
    ) throws(MarkovError) -> (statistics: MarkovStatistics, accumulator: A) where A.Scalar == Scalar {
        precondition(threadCount >= 1, "threadCount must be ≥ 1 (got \(threadCount))")
        for index in 0..<batch.count {
            try checkSequence(frames: batch.frameCounts[index], columns: batch.columnCount(of: index), sequence: index)
        }
        let chunks = partition.chunks(frameCounts: batch.frameCounts)
        let chain = self
        let partials = try ParallelWork.map(chunks.count, threadCount: threadCount, worker: { MarkovWorkspace<Scalar>() }) {
            (index, workspace) throws(MarkovError) -> (MarkovStatistics, A) in
            var statistics = MarkovStatistics(stateCount: chain.stateCount)
            var local = accumulator
            for sequence in chunks[index] {
                let frames = batch.frameCounts[sequence]
                var posteriors = Matrix<Scalar>(rowCount: frames, columnCount: chain.stateCount)
                let outcome = batch.withSequence(sequence) { input in
                    posteriors.withUnsafeMutableElements { gamma in
                        chain.forwardBackward(input, frames: frames, sequence: sequence, implementation: implementation,
                                              workspace: workspace, posteriors: gamma.baseAddress!)
                    }
                }
                switch outcome {
                case .failure(let error):
                    throw error
                case .success(let logLikelihood):
                    posteriors.withUnsafeElements { gamma in
                        statistics.addSequence(frames: frames, logLikelihood: logLikelihood, posteriors: gamma.baseAddress!,
                                               transitionCounts: workspace.transitionCounts.pointer)
                    }
                    batch.withSequence(sequence) { input in
                        local.accumulate(sequence: sequence,
                                         logLikelihoods: UnsafeBufferPointer(start: input, count: frames * chain.stateCount),
                                         posteriors: posteriors)
                    }
                }
            }
            return (statistics, local)
        }
        var total = MarkovStatistics(stateCount: stateCount)
        var merged: A? = nil
        for (statistics, local) in partials {
            total = total + statistics
            if merged == nil { merged = local } else { merged!.merge(local) }
        }
        return (total, merged ?? accumulator)
    }
}
