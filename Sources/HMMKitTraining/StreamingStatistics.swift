import HMMKitNumerics

/// What one pass over a shard accumulated, for progress.
public struct PassSummary: Sendable, Hashable, Codable {
    /// Sequences read.
    public var sequenceCount: Int
    /// Frames read.
    public var frameCount: Int
    /// Chunks accumulated.
    public var chunkCount: Int
}

/// One E-step pass over a shard of a corpus in bounded memory: a reader thread cuts the shard
/// into chunks (``ChunkingPolicy``) while the model accumulates the previous chunk on
/// `threadCount` workers; chunk statistics are added in chunk order, so the result is the same
/// bits on every run and for any thread count (it does depend on the chunking).
public enum StreamingStatistics {
    /// The statistics of `shard` of `source` under `model`.
    /// - Parameters:
    ///   - chunkDone: called after each chunk with the running totals (for progress).
    /// - Throws: ``TrainingError`` from the source (naming the file), a sequence of the wrong
    ///   dimension, or a sequence the model refuses (naming it).
    public static func accumulate<Model: StreamingTrainable, Source: SequenceSource>(
        _ model: Model, over source: Source, shard: SequenceShard = .all, chunking: ChunkingPolicy = ChunkingPolicy(),
        threadCount: Int = 1, backend: ComputeBackend = .default, chunkDone: ((PassSummary) -> Void)? = nil
    ) throws(TrainingError) -> (statistics: Model.Statistics, summary: PassSummary) where Source.Scalar == Model.Scalar {
        guard threadCount >= 1 else { throw .invalidArgument("threadCount must be at least 1 (got \(threadCount))") }
        let reader = ChunkPrefetcher<Model.Scalar>(source: source, shard: shard, policy: chunking, dimension: model.dimension)
        defer { reader.cancelAndWait() }
        var total = model.emptyStatistics()
        var summary = PassSummary(sequenceCount: 0, frameCount: 0, chunkCount: 0)
        while let chunk = try reader.next() {
            let statistics = try model.statistics(of: chunk, threadCount: threadCount, backend: backend)
            try total.accumulate(statistics)
            summary.sequenceCount += chunk.lengths.count
            summary.frameCount += chunk.frames.rowCount
            summary.chunkCount += 1
            chunkDone?(summary)
        }
        return (total, summary)
    }
}
