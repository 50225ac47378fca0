import Foundation
import HMMKitNumerics
import HMMKitTestSupport
import Synchronization
import Testing

// ParallelWork and WorkPartition: results, sums and errors the same for every thread count and
// schedule, over awkward sizes (0, 1, 2, 3, 5, 10 blocks or frames per block).

private let threadCounts = [1, 2, 3, 8]
private let blockCounts = [0, 1, 2, 3, 5, 10]

private enum BlockFailure: Error, Equatable {
    case failed(block: Int)
}

/// Costs for `.largestFirst` that are neither sorted nor distinct.
private func costs(_ count: Int) -> [Int] { (0..<count).map { ($0 * 7) % 4 } }

/// Values whose sum depends on the order of addition (magnitudes from 1e-8 to 1e8).
private func awkwardValues(_ count: Int, seed: UInt64) -> [Double] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in
        Double.random(in: -1...1, using: &generator) * pow(10, Double.random(in: -8...8, using: &generator))
    }
}

/// A worker's scratch: counts the blocks its worker ran and reports the count when released.
private final class BlockCounter {
    var blocks = 0
    let report: @Sendable (Int) -> Void
    init(_ report: @escaping @Sendable (Int) -> Void) { self.report = report }
    deinit { report(blocks) }
}

@Suite("parallel work")
struct ParallelWorkTests {
    @Test(arguments: blockCounts)
    func mapReturnsEveryResultInBlockOrder(blockCount: Int) {
        let expected = (0..<blockCount).map { $0 * $0 + 1 }
        for threads in threadCounts {
            for order in [ParallelWork.Order.ascending, .largestFirst(costs: costs(blockCount))] {
                let results = ParallelWork.map(blockCount, threadCount: threads, order: order) { $0 * $0 + 1 }
                #expect(results == expected, "\(threads) threads, \(order)")
            }
        }
    }

    @Test(arguments: blockCounts)
    func reduceIsBitwiseTheSameForEveryThreadCount(blockCount: Int) {
        let values = awkwardValues(blockCount * 37, seed: UInt64(blockCount) + 11)
        // The serial fold in block order, each block summed left to right.
        var expected = 0.0
        for block in 0..<blockCount { expected += values[(block * 37)..<((block + 1) * 37)].reduce(0, +) }
        for threads in threadCounts {
            let sum = ParallelWork.reduce(blockCount, threadCount: threads, into: 0.0, worker: {}) { (block, _: inout Void) in
                values[(block * 37)..<((block + 1) * 37)].reduce(0, +)
            } combine: { $0 += $1 }
            #expect(sum.bitPattern == expected.bitPattern, "\(threads) threads: \(sum) vs \(expected)")
        }
    }

    @Test(arguments: blockCounts)
    func theLowestFailingBlockIsThrownAndEveryBlockBeforeItRuns(blockCount: Int) {
        // Failing sets: none, the first block, the last, two in the middle, every odd block.
        let failingSets: [Set<Int>] = [[], [0], [blockCount - 1], [blockCount / 2, blockCount - 1], Set((0..<blockCount).filter { $0 % 2 == 1 })]
        for failing in failingSets {
            let lowest = failing.filter { (0..<blockCount).contains($0) }.min()
            for threads in threadCounts {
                for order in [ParallelWork.Order.ascending, .largestFirst(costs: costs(blockCount))] {
                    let ran = Mutex<Set<Int>>([])
                    let outcome = Result { () throws(BlockFailure) -> [Int] in
                        try ParallelWork.map(blockCount, threadCount: threads, order: order) { (block: Int) throws(BlockFailure) -> Int in
                            ran.withLock { _ = $0.insert(block) }
                            if failing.contains(block) { throw .failed(block: block) }
                            return block
                        }
                    }
                    switch (outcome, lowest) {
                    case (.success(let results), nil):
                        #expect(results == Array(0..<blockCount))
                    case (.failure(let error), let lowest?):
                        #expect(error == .failed(block: lowest), "\(threads) threads, \(order), failing \(failing)")
                        #expect(ran.withLock { $0.isSuperset(of: 0...lowest) }, "a block before the failure did not run")
                    default:
                        Issue.record("\(threads) threads, \(order), failing \(failing): got \(outcome)")
                    }
                }
            }
        }
    }

    @Test func eachWorkerMakesItsScratchOnceAndKeepsIt() {
        for blockCount in blockCounts {
            for threads in threadCounts {
                let made = Atomic<Int>(0)
                // The scratch counts the blocks its worker ran; the counts add up to every block.
                let perWorker = Mutex<[Int]>([])
                let results = ParallelWork.map(blockCount, threadCount: threads) { () -> BlockCounter in
                    made.wrappingAdd(1, ordering: .relaxed)
                    return BlockCounter { count in perWorker.withLock { $0.append(count) } }
                } _: { (block, counter: inout BlockCounter) in
                    counter.blocks += 1
                    return block
                }
                #expect(results == Array(0..<blockCount))
                #expect(made.load(ordering: .relaxed) <= min(threads, blockCount))
                #expect(perWorker.withLock { $0.reduce(0, +) } == blockCount)
            }
        }
    }

    @Test func largestFirstHandsOutTheCostliestBlocksFirst() {
        let order = ParallelWork.Order.largestFirst(costs: [5, 9, 1, 9, 0, 5])
        let handedOut = Mutex<[Int]>([])
        let results = ParallelWork.map(6, threadCount: 1, order: order) { block in
            handedOut.withLock { $0.append(block) }
            return block * 10
        }
        #expect(handedOut.withLock { $0 } == [1, 3, 0, 5, 2, 4])
        #expect(results == [0, 10, 20, 30, 40, 50])
    }

    @Test func aLaterBlockFailingFirstDoesNotHideAnEarlierFailure() {
        // Block 3 is handed out and fails first; block 1 still runs and its error wins; block 2,
        // after a known failure, is skipped.
        for threads in [1, 2] {
            let ran = Mutex<[Int]>([])
            #expect(throws: BlockFailure.failed(block: 1)) {
                try ParallelWork.map(4, threadCount: threads, order: .largestFirst(costs: [0, 0, 0, 9])) { (block: Int) throws(BlockFailure) in
                    ran.withLock { $0.append(block) }
                    if block == 1 || block == 3 { throw .failed(block: block) }
                }
            }
            if threads == 1 { #expect(ran.withLock { $0 } == [3, 0, 1]) }
        }
    }
}

@Suite("work partition")
struct WorkPartitionTests {
    @Test(arguments: [1, 2, 3, 5, 10])
    func rowChunksCoverTheRowsInBlockAlignedRanges(framesPerBlock: Int) {
        for rows in blockCounts + [37, 1000] {
            for chunkCount in [1, 2, 3, 5, 32] {
                let partition = WorkPartition(chunkCount: chunkCount, framesPerBlock: framesPerBlock)
                let chunks = partition.chunks(rows: rows)
                #expect(chunks.count == min(chunkCount, max(1, (rows + framesPerBlock - 1) / framesPerBlock)))
                #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == rows)
                for (a, b) in zip(chunks, chunks.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
                for chunk in chunks {
                    #expect(chunk.lowerBound % framesPerBlock == 0)
                    let blocks = partition.blocks(ofRows: chunk)
                    #expect(blocks.first?.lowerBound ?? chunk.lowerBound == chunk.lowerBound)
                    #expect(blocks.last?.upperBound ?? chunk.upperBound == chunk.upperBound)
                    #expect(blocks.dropLast().allSatisfy { $0.count == framesPerBlock })
                }
            }
        }
    }

    @Test(arguments: [1, 2, 3, 5, 10])
    func sequenceChunksAndBlocksCoverTheSequencesInOrder(framesPerBlock: Int) {
        var generator = SeededGenerator(seed: 15)
        for count in blockCounts {
            let frameCounts = (0..<count).map { _ in Int.random(in: 0...7, using: &generator) }
            for chunkCount in [1, 2, 3, 5, 32] {
                let partition = WorkPartition(chunkCount: chunkCount, framesPerBlock: framesPerBlock)
                let chunks = partition.chunks(frameCounts: frameCounts)
                #expect(chunks.count <= min(chunkCount, count))
                #expect(chunks.flatMap { Array($0) } == Array(0..<count))
                #expect(chunks.allSatisfy { !$0.isEmpty })
                let blocks = partition.blocks(frameCounts: frameCounts)
                #expect(blocks.count == chunks.count)
                for (chunk, chunkBlocks) in zip(chunks, blocks) {
                    #expect(chunkBlocks.flatMap { Array($0) } == Array(chunk))
                    // Every block but a chunk's last holds at least framesPerBlock frames.
                    for block in chunkBlocks.dropLast() { #expect(block.reduce(0) { $0 + frameCounts[$1] } >= framesPerBlock) }
                }
            }
        }
    }

    @Test func partitionsArePinned() {
        // Fixed by the sizes alone: these ranges are what every thread count sees.
        let rows = WorkPartition(chunkCount: 2, framesPerBlock: 3)
        #expect(rows.chunks(rows: 10) == [0..<6, 6..<10])
        #expect(rows.chunks(rows: 0) == [0..<0])
        #expect(rows.blocks(ofRows: 6..<10) == [6..<9, 9..<10])
        let sequences = WorkPartition(chunkCount: 2, framesPerBlock: 4)
        #expect(sequences.chunks(frameCounts: [5, 1, 1, 5, 2]) == [0..<3, 3..<5])
        #expect(sequences.blocks(frameCounts: [5, 1, 1, 5, 2]) == [[0..<1, 1..<3], [3..<4, 4..<5]])
        #expect(sequences.chunks(frameCounts: []) == [])
    }
}
