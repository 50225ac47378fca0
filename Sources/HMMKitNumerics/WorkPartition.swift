/// A fixed split of frames into parallel work: at most ``chunkCount`` contiguous chunks — the
/// blocks that ``ParallelWork`` hands to workers — each processed in blocks of about
/// ``framesPerBlock`` frames. The split depends on the data's sizes alone, never on the thread
/// count, and chunk results are combined in chunk order, so results are bitwise the same for
/// any thread count.
///
/// The frames are either the rows of one matrix (``chunks(rows:)`` and ``blocks(ofRows:)``: a
/// mixture's E-step) or whole sequences of given lengths (``chunks(frameCounts:)`` and
/// ``blocks(frameCounts:)``: Markov models' batches, which never split a sequence).
public struct WorkPartition: Sendable, Hashable, Codable {
    /// Chunks, at most (default 32: more chunks than cores balance the load; each chunk costs
    /// one partial result, e.g. one statistics buffer).
    public var chunkCount: Int = 32
    /// Frames per block, about (default 2048; a sequence longer than this is its own block).
    /// A block's frames are scored together (one GEMM), so its buffers should stay in cache.
    public var framesPerBlock: Int = 2048

    public init(chunkCount: Int = 32, framesPerBlock: Int = 2048) {
        precondition(chunkCount >= 1 && framesPerBlock >= 1,
                     "WorkPartition needs positive sizes (got chunkCount \(chunkCount), framesPerBlock \(framesPerBlock))")
        self.chunkCount = chunkCount
        self.framesPerBlock = framesPerBlock
    }

    /// Chunks of the rows `0..<rows`, block-aligned: the `⌈rows / framesPerBlock⌉` blocks spread
    /// evenly over at most ``chunkCount`` chunks (one empty chunk when `rows` is 0).
    public func chunks(rows: Int) -> [Range<Int>] {
        let blocks = (rows + framesPerBlock - 1) / framesPerBlock
        let chunks = min(chunkCount, max(blocks, 1))
        return (0..<chunks).map { index in
            let firstBlock = blocks * index / chunks, lastBlock = blocks * (index + 1) / chunks
            return min(firstBlock * framesPerBlock, rows)..<min(lastBlock * framesPerBlock, rows)
        }
    }

    /// The blocks of `chunk` (rows): ``framesPerBlock`` rows each, the last one shorter.
    public func blocks(ofRows chunk: Range<Int>) -> [Range<Int>] {
        stride(from: chunk.lowerBound, to: chunk.upperBound, by: framesPerBlock).map { start in
            start..<min(start + framesPerBlock, chunk.upperBound)
        }
    }

    /// Chunks of sequences with `frameCounts` frames each, as contiguous ranges of sequence
    /// indices balanced by frames: chunk k starts at the first sequence whose first frame is at
    /// or after `k · total / chunks`, with `chunks = min(chunkCount, sequences)`; empty chunks
    /// are dropped (none for no sequences).
    public func chunks(frameCounts: [Int]) -> [Range<Int>] {
        let total = frameCounts.reduce(0, +)
        let chunks = min(chunkCount, max(frameCounts.count, 1))
        var boundaries = [0]
        var sequence = 0, before = 0
        for k in 1..<max(chunks, 1) {
            let target = total * k / chunks
            while sequence < frameCounts.count && before < target {
                before += frameCounts[sequence]
                sequence += 1
            }
            boundaries.append(sequence)
        }
        boundaries.append(frameCounts.count)
        return zip(boundaries, boundaries.dropFirst()).compactMap { $0 < $1 ? $0..<$1 : nil }
    }

    /// The blocks of each chunk of ``chunks(frameCounts:)``, as ranges of sequence indices: whole
    /// consecutive sequences, a block closing once it holds ``framesPerBlock`` frames or more.
    public func blocks(frameCounts: [Int]) -> [[Range<Int>]] {
        chunks(frameCounts: frameCounts).map { chunk in
            var blocks: [Range<Int>] = []
            var start = chunk.lowerBound, frames = 0
            for sequence in chunk {
                frames += frameCounts[sequence]
                if frames >= framesPerBlock {
                    blocks.append(start..<(sequence + 1))
                    start = sequence + 1
                    frames = 0
                }
            }
            if start < chunk.upperBound { blocks.append(start..<chunk.upperBound) }
            return blocks
        }
    }
}
