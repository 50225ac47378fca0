import HMMKitMarkov
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Sums γ's columns per state, in Double, as an emission accumulator would.
struct OccupancyAccumulator<Scalar: MatrixScalar>: PosteriorAccumulator {
    var occupancies: [Double]
    var sequences: [Int] = []
    var logLikelihoodSum = 0.0

    mutating func accumulate(sequence: Int, logLikelihoods: UnsafeBufferPointer<Scalar>, posteriors: Matrix<Scalar>) {
        sequences.append(sequence)
        for t in 0..<posteriors.rowCount {
            for i in 0..<posteriors.columnCount { occupancies[i] += Double(posteriors[t, i]) }
        }
        for value in logLikelihoods { logLikelihoodSum += Double(value) }
    }

    mutating func merge(_ other: OccupancyAccumulator) {
        for i in occupancies.indices { occupancies[i] += other.occupancies[i] }
        sequences += other.sequences
        logLikelihoodSum += other.logLikelihoodSum
    }
}

@Suite("Batch statistics")
struct BatchTests {
    static func data(_ n: Int, count: Int, seed: UInt64) -> [Matrix<Double>] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            MarkovTestData.logLikelihoods(Double.self, frames: Int.random(in: n...(n + 60), using: &generator), states: n,
                                          seed: seed &+ UInt64(index))
        }
    }

    /// The statistics are bitwise the same on 1, 2 and 3 threads, for separate and stacked
    /// sequences, in both implementations and precisions.
    @Test(arguments: ForwardBackwardImplementation.allCases)
    func threadedEqualsSerialBitwise(implementation: ForwardBackwardImplementation) throws {
        let n = 5
        let sequences = Self.data(n, count: 37, seed: 1)
        let chain = try MarkovTestData.chain(Double.self, stateCount: n, topology: .leftToRight(maximumJump: 1), seed: 2)
        let partition = WorkPartition(chunkCount: 7)
        let serial = try chain.statistics(of: SequenceBatch(sequences), implementation: implementation, threadCount: 1, partition: partition)
        let stackedBatch = try SequenceBatch(stacked: Matrix(rows: sequences.flatMap { m in (0..<m.rowCount).map { Array(m[row: $0]) } }),
                                             lengths: sequences.map(\.rowCount))
        for threads in [1, 2, 3] {
            #expect(try chain.statistics(of: SequenceBatch(sequences), implementation: implementation, threadCount: threads,
                                         partition: partition) == serial)
            #expect(try chain.statistics(of: stackedBatch, implementation: implementation, threadCount: threads,
                                         partition: partition) == serial)
        }
        let floatChain = try MarkovChain(startProbabilities: chain.startProbabilities.map { Float($0) },
                                         transitions: chain.transitions.converted(to: Float.self), topology: chain.topology)
        let floatBatch = SequenceBatch(sequences.map { $0.converted(to: Float.self) })
        let floatSerial = try floatChain.statistics(of: floatBatch, implementation: implementation, partition: partition)
        #expect(try floatChain.statistics(of: floatBatch, implementation: implementation, threadCount: 2, partition: partition) == floatSerial)
        #expect(relativeError(floatSerial.values, serial.values) < 1e-4)
    }

    /// The batch sums the per-sequence results (1e-12 relative: Double sums of ≤ 2,500 terms),
    /// and its parts add up: start counts sum to the sequence count, occupancies to the frames,
    /// transition counts to frames − sequences.
    @Test func batchSumsSequences() throws {
        let n = 4
        let sequences = Self.data(n, count: 12, seed: 3)
        let chain = try MarkovTestData.chain(Double.self, stateCount: n, topology: .ergodic, seed: 4)
        let statistics = try chain.statistics(of: SequenceBatch(sequences), threadCount: 2, partition: WorkPartition(chunkCount: 5))
        var logLikelihood = 0.0, start = [Double](repeating: 0, count: n), occupancy = start
        var transitions = [Double](repeating: 0, count: n * n)
        for (index, sequence) in sequences.enumerated() {
            let result = try chain.forwardBackward(sequence, sequence: index)
            logLikelihood += result.logLikelihood
            for i in 0..<n { start[i] += result.posteriors[0, i] }
            for t in 0..<sequence.rowCount { for i in 0..<n { occupancy[i] += result.posteriors[t, i] } }
            for k in 0..<(n * n) { transitions[k] += result.transitionCounts.elements[k] }
        }
        let frames = Double(sequences.map(\.rowCount).reduce(0, +))
        #expect(statistics.sequenceCount == 12 && statistics.frameCount == frames)
        #expect(abs(statistics.logLikelihood - logLikelihood) < 1e-12 * abs(logLikelihood))
        #expect(relativeError(statistics.startCounts, start) < 1e-12)
        #expect(relativeError(statistics.occupancies, occupancy) < 1e-12)
        #expect(relativeError(statistics.transitionCounts, transitions) < 1e-12)
        #expect(abs(statistics.startCounts.reduce(0, +) - 12) < 1e-12)
        #expect(abs(statistics.occupancies.reduce(0, +) - frames) < 1e-9)
        #expect(abs(statistics.transitionCounts.reduce(0, +) - (frames - 12)) < 1e-9)
        // Merging is `+`: two halves give the whole (1e-12 relative).
        let first = try chain.statistics(of: SequenceBatch(Array(sequences[..<5])))
        let second = try chain.statistics(of: SequenceBatch(Array(sequences[5...])))
        #expect(relativeError((first + second).values, statistics.values) < 1e-12)
    }

    /// An accumulator sees every sequence once, in order after merging, with the posteriors the
    /// statistics were built from (bitwise the same occupancies), and is thread-count independent.
    @Test func posteriorAccumulator() throws {
        let n = 3
        let sequences = Self.data(n, count: 20, seed: 5)
        let chain = try MarkovTestData.chain(Double.self, stateCount: n, topology: .leftToRight(maximumJump: 0), seed: 6)
        let empty = OccupancyAccumulator<Double>(occupancies: [0, 0, 0])
        let partition = WorkPartition(chunkCount: 6)
        let (statistics, serial) = try chain.statistics(of: SequenceBatch(sequences), accumulating: empty, partition: partition)
        #expect(serial.sequences == Array(0..<20))
        #expect(serial.occupancies == Array(statistics.occupancies))
        let emissionSum = sequences.reduce(0.0) { $0 + $1.elements.reduce(0, +) }
        #expect(abs(serial.logLikelihoodSum - emissionSum) < 1e-9 * abs(emissionSum))
        for threads in [2, 3] {
            let (threadedStatistics, threaded) = try chain.statistics(of: SequenceBatch(sequences), accumulating: empty,
                                                                      threadCount: threads, partition: partition)
            #expect(threadedStatistics == statistics)
            #expect(threaded.occupancies == serial.occupancies && threaded.sequences == serial.sequences)
        }
    }
}
