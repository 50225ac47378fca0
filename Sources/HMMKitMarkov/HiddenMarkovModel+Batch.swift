import HMMKitMixtures
import HMMKitNumerics

/// Where each sequence of a stacked `[N × D]` matrix starts, checked against the model.
package struct SequenceLayout: Sendable {
    package let lengths: [Int]
    package let offsets: [Int]

    /// - Throws: ``HMMError/invalidArgument(_:)`` for no sequences; ``HMMError/markov(_:)`` for
    ///   negative lengths, lengths not summing to N, or a sequence shorter than the chain allows.
    package init(lengths: [Int], rows: Int, chain: MarkovChain<some MatrixScalar>, checkingLengths: Bool = true) throws(HMMError) {
        guard !lengths.isEmpty else { throw .invalidArgument("no sequences (lengths is empty)") }
        var offsets: [Int] = [], total = 0
        for (index, length) in lengths.enumerated() {
            guard length >= 0 else { throw .markov(.invalidLengths("length \(index) is \(length); lengths must be ≥ 0")) }
            offsets.append(total)
            total += length
        }
        guard total == rows else {
            throw .markov(.invalidLengths("lengths sum to \(total) but the stacked matrix has \(rows) rows"))
        }
        for (index, length) in lengths.enumerated() where checkingLengths {
            do { try chain.checkSequence(frames: length, columns: chain.stateCount, sequence: index) } catch { throw .markov(error) }
        }
        self.lengths = lengths
        self.offsets = offsets
    }
}

/// One worker's scratch memory: the emission workspace, the Markov kernels' buffers, and the
/// block's emission log-likelihoods and posteriors (`[rows × S]`).
final class BatchWorker<Emissions: EmissionModel> {
    let emissionWorkspace: Emissions.Workspace
    let markovWorkspace = MarkovWorkspace<Emissions.Scalar>()
    let logLikelihoods = ScratchBuffer<Emissions.Scalar>()
    let posteriors = ScratchBuffer<Emissions.Scalar>()

    init(_ emissions: Emissions, scoringOnly: Bool) {
        emissionWorkspace = scoringOnly ? emissions.makeScoringWorkspace() : emissions.makeWorkspace()
    }
}

extension HiddenMarkovModel {
    /// Runs `body` on every block of sequences after scoring the block's frames into
    /// `worker.logLikelihoods` (`[rows × S]` from the block's first row). The chunks of
    /// ``/HMMKitNumerics/WorkPartition/blocks(frameCounts:)`` run on up to `threadCount` workers; each chunk folds
    /// its blocks into a copy of `initial`; the partial results are returned in chunk order. The
    /// first error (lowest sequence) is thrown.
    /// `scoringOnly`: `body` never accumulates emission statistics (scoring, decoding).
    func runBatch<Partial: Sendable>(
        _ frames: Matrix<Scalar>, layout: SequenceLayout, threadCount: Int, partition: WorkPartition, initial: Partial,
        scoringOnly: Bool = false,
        _ body: @Sendable (inout Partial, BatchWorker<Emissions>, Range<Int>, Int) throws(HMMError) -> Void
    ) throws(HMMError) -> [Partial] {
        precondition(threadCount >= 1, "threadCount must be ≥ 1 (got \(threadCount))")
        let chunks = partition.blocks(frameCounts: layout.lengths)
        let model = self, s = stateCount
        return try ParallelWork.map(chunks.count, threadCount: threadCount,
                                    worker: { BatchWorker(model.emissions, scoringOnly: scoringOnly) }) {
            (index, worker) throws(HMMError) -> Partial in
            var partial = initial
            for block in chunks[index] {
                let firstRow = layout.offsets[block.lowerBound]
                let rows = firstRow..<(layout.offsets[block.upperBound - 1] + layout.lengths[block.upperBound - 1])
                let output = worker.logLikelihoods.reserve(max(rows.count * s, 1))
                model.emissions.score(frames, rows: rows, workspace: worker.emissionWorkspace, into: output)
                try body(&partial, worker, block, firstRow)
            }
            return partial
        }
    }

    /// A kernel's error for sequence `sequence`, as the caller should see it: a non-finite
    /// emission log-likelihood or an impossible frame caused by a NaN, ±∞ or out-of-range value
    /// becomes ``HMMError/nonFiniteData(sequence:frame:column:value:)``.
    func explain(_ error: MarkovError, frames: Matrix<Scalar>, layout: SequenceLayout) -> HMMError {
        let failing: (sequence: Int, frame: Int)?
        switch error {
        case let .invalidLogLikelihood(sequence, frame, _, _), let .impossibleSequence(sequence, _, frame):
            failing = (sequence, frame)
        default: failing = nil
        }
        if let (sequence, frame) = failing, frame >= 0, frame < layout.lengths[sequence] {
            let row = layout.offsets[sequence] + frame
            for column in 0..<frames.columnCount where !FeatureValues.isUsable(Double(frames[row, column])) {
                return .nonFiniteData(sequence: sequence, frame: frame, column: column, value: Double(frames[row, column]))
            }
        }
        return .markov(error)
    }

    /// Checks the frames' dimension and the lengths.
    func layout(_ frames: Matrix<Scalar>, lengths: [Int], checkingLengths: Bool = true) throws(HMMError) -> SequenceLayout {
        guard frames.columnCount == dimension else {
            throw .shapeMismatch("frames have \(frames.columnCount) columns but the model has dimension \(dimension)")
        }
        return try SequenceLayout(lengths: lengths, rows: frames.rowCount, chain: chain, checkingLengths: checkingLengths)
    }
}

/// Separate sequences stacked into one matrix (the layout every batch method works on), with their lengths.
package func stack<Scalar: MatrixScalar>(_ sequences: [Matrix<Scalar>]) throws(HMMError) -> (Matrix<Scalar>, [Int]) {
    guard let width = sequences.first?.columnCount else { throw .invalidArgument("no sequences") }
    guard sequences.allSatisfy({ $0.columnCount == width }) else {
        throw .shapeMismatch("sequences of different dimensions: \(Set(sequences.map(\.columnCount)).sorted())")
    }
    let total = sequences.reduce(0) { $0 + $1.rowCount }
    var stacked = Matrix<Scalar>(rowCount: total, columnCount: width)
    var row = 0
    stacked.withUnsafeMutableElements { target in
        for sequence in sequences {
            sequence.withUnsafeElements { source in
                if source.count > 0 { (target.baseAddress! + row * width).update(from: source.baseAddress!, count: source.count) }
            }
            row += sequence.rowCount
        }
    }
    return (stacked, sequences.map(\.rowCount))
}
