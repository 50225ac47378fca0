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
public enum EStepPass {
    /// The statistics of `shard` of `source` under `model`: ``EMModel/statistics(of:options:threadCount:backend:)``
    /// of each chunk, added in chunk order.
    /// - Parameters:
    ///   - model: the model the E-step runs with.
    ///   - source: the corpus.
    ///   - shard: the sequences this process reads (default all).
    ///   - chunking: the most frames and sequences per chunk, and the read-ahead.
    ///   - options: the model's E-step settings.
    ///   - threadCount: workers of each chunk's E-step (results do not depend on it).
    ///   - backend: the numerical backend.
    ///   - chunkDone: called after each chunk with the running totals (for progress).
    /// - Throws: ``TrainingError`` from the source (naming the file), a sequence of the wrong
    ///   dimension, or a sequence the model refuses (naming it).
    public static func accumulate<Model: EMModel, Source: SequenceSource>(
        _ model: Model, over source: Source, shard: SequenceShard = .all, chunking: ChunkingPolicy = ChunkingPolicy(),
        options: Model.EStepOptions = Model.EStepOptions(), threadCount: Int = 1, backend: ComputeBackend = .default,
        chunkDone: ((PassSummary) -> Void)? = nil
    ) throws(TrainingError) -> (statistics: Model.Statistics, summary: PassSummary) where Source.Scalar == Model.Scalar {
        guard threadCount >= 1 else { throw .invalidArgument("threadCount must be at least 1 (got \(threadCount))") }
        func eStep(_ chunk: SequenceChunk<Model.Scalar>) throws(TrainingError) -> Model.Statistics {
            do { return try model.statistics(of: chunk, options: options, threadCount: threadCount, backend: backend) } catch {
                throw source.namesSequences ? Model.named(error, in: chunk) : error
            }
        }
        // A corpus held stacked in memory that fits one chunk is the chunk the reader would make.
        if shard == .all, let whole = source.stackedCorpus, whole.frames.rowCount <= chunking.maximumFrames,
           whole.lengths.count <= chunking.maximumSequences {
            if whole.frames.rowCount > 0, whole.frames.columnCount != model.dimension {
                throw .dimensionMismatch(sequence: whole.names.first ?? "0", expected: model.dimension, found: whole.frames.columnCount)
            }
            let summary = PassSummary(sequenceCount: whole.lengths.count, frameCount: whole.frames.rowCount,
                                      chunkCount: whole.lengths.isEmpty ? 0 : 1)
            var total = model.emptyStatistics()
            if !whole.lengths.isEmpty { try total.accumulate(try eStep(whole)) }
            chunkDone?(summary)
            return (total, summary)
        }
        let reader = ChunkPrefetcher<Model.Scalar>(source: source, shard: shard, policy: chunking, dimension: model.dimension)
        defer { reader.cancelAndWait() }
        var total = model.emptyStatistics()
        var summary = PassSummary(sequenceCount: 0, frameCount: 0, chunkCount: 0)
        while let chunk = try reader.next() {
            let statistics = try eStep(chunk)
            try total.accumulate(statistics)
            summary.sequenceCount += chunk.lengths.count
            summary.frameCount += chunk.frames.rowCount
            summary.chunkCount += 1
            reader.recycle(chunk)
            chunkDone?(summary)
        }
        return (total, summary)
    }
}
