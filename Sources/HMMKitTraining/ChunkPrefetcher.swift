import Foundation
import HMMKitNumerics

/// Reads a shard of a ``SequenceSource`` on its own thread, cut into chunks, at most
/// ``ChunkingPolicy/prefetchDepth`` chunks ahead of the consumer: reading and decoding the next
/// chunk overlaps the E-step of the current one, and memory stays bounded whatever the corpus
/// size. Chunks come out in order; a source error comes out after the chunks before it.
///
/// The reader thread keeps the prefetcher alive: always end with ``cancelAndWait()``.
final class ChunkPrefetcher<Scalar: MatrixScalar>: @unchecked Sendable {
    private struct Cancelled: Error {}

    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [SequenceChunk<Scalar>] = []
    private var finished = false
    private var threadExited = false
    private var cancelled = false
    private var failure: TrainingError?
    private var spare: [[Scalar]] = []
    private let depth: Int

    /// Starts reading `shard` of `source` at once.
    /// - Parameter dimension: the columns every sequence must have (nil: those of the first).
    init<Source: SequenceSource>(source: Source, shard: SequenceShard, policy: ChunkingPolicy, dimension: Int?)
        where Source.Scalar == Scalar
    {
        depth = policy.prefetchDepth
        let thread = Thread { [self] in
            self.produce(source: source, shard: shard, policy: policy, dimension: dimension)
        }
        thread.name = "HMMKit chunk reader"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The next chunk, waiting for it if needed; nil at the end of the shard.
    /// - Throws: the source's error (``TrainingError/input(_:)``) or a
    ///   ``TrainingError/dimensionMismatch(sequence:expected:found:)``, once the chunks read before it are consumed.
    func next() throws(TrainingError) -> SequenceChunk<Scalar>? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        if !queue.isEmpty {
            let chunk = queue.removeFirst()
            condition.broadcast()
            return chunk
        }
        if let failure { throw failure }
        return nil
    }

    /// Hands a consumed chunk's storage back for a later chunk (optional; saves mapping and
    /// faulting in fresh memory for every chunk). Drop every other copy of the chunk first.
    func recycle(_ chunk: consuming SequenceChunk<Scalar>) {
        let storage = chunk.frames.elements
        _ = consume chunk
        condition.lock()
        if spare.isEmpty { spare.append(storage) }
        condition.unlock()
    }

    private func takeSpare() -> [Scalar]? {
        condition.lock()
        defer { condition.unlock() }
        return spare.popLast()
    }

    /// Stops the reader (after the sequence it is reading) and waits for its thread to end.
    func cancelAndWait() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !threadExited { condition.wait() }
        queue.removeAll()
        condition.unlock()
    }

    private func produce<Source: SequenceSource>(source: Source, shard: SequenceShard, policy: ChunkingPolicy, dimension: Int?)
        where Source.Scalar == Scalar
    {
        var builder = ChunkBuilder<Scalar>(policy: policy, dimension: dimension)
        builder.recycledStorage = { [self] in takeSpare() }
        var outcome: TrainingError?
        do {
            try source.forEachSequence(in: shard) { record in
                if isCancelled { throw Cancelled() }
                if let chunk = try builder.add(record) { try push(chunk) }
            }
            if let chunk = builder.flush() { try push(chunk) }
        } catch is Cancelled {
        } catch let error as TrainingError {
            outcome = error
        } catch {
            outcome = .input(error)
        }
        condition.lock()
        failure = outcome
        finished = true
        threadExited = true
        condition.broadcast()
        condition.unlock()
    }

    private var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    private func push(_ chunk: SequenceChunk<Scalar>) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= depth && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        queue.append(chunk)
        condition.broadcast()
    }
}
