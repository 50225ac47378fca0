import Dispatch
import Synchronization

/// Deterministic parallel work over a fixed list of blocks: the one way HMMKit runs E-steps,
/// batches and front-end loops on threads.
///
/// The caller fixes the blocks (indices `0..<blockCount`, usually from a ``WorkPartition``) from
/// the data alone, never from the thread count. Up to `threadCount` workers take the next
/// unstarted block whenever they are free (dynamic scheduling, so long and short blocks
/// balance); each worker owns one scratch value made by `worker` on its own thread. Results come
/// back in block order, and ``reduce(_:threadCount:into:worker:_:combine:)`` combines them in
/// block order, so a sum of floating-point partials is bitwise the same for every thread count.
///
/// A failing block does not stop the others that come before it: the error thrown is that of
/// the lowest-indexed failing block, whatever the thread count or schedule. Blocks after a known
/// failure are skipped (their results would be discarded).
///
/// Built on `DispatchQueue.concurrentPerform`; with one worker (or one block) everything runs
/// on the calling thread.
public enum ParallelWork {
    /// The order in which unstarted blocks are handed to free workers. Results, their order and
    /// the error thrown never depend on it; only the wall-clock time does.
    public enum Order: Sendable, Hashable {
        /// Block 0, 1, 2, …
        case ascending
        /// The most costly block first (ties in block order), so that the last block to finish
        /// is a cheap one: with few workers and blocks of very different costs (one model per
        /// word), a fixed round-robin could leave one core idle while another runs two large blocks.
        /// `costs` has one entry per block.
        case largestFirst(costs: [Int])

        /// The block indices in hand-out order.
        func schedule(_ blockCount: Int) -> [Int] {
            switch self {
            case .ascending:
                return Array(0..<blockCount)
            case .largestFirst(let costs):
                precondition(costs.count == blockCount, "largestFirst has \(costs.count) costs for \(blockCount) blocks")
                return (0..<blockCount).sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : $0 < $1 }
            }
        }
    }

    /// `body(index, &worker)` for every block index in `0..<blockCount`, on up to `threadCount`
    /// workers; the results in block order.
    /// - Parameters:
    ///   - blockCount: the blocks, indices `0..<blockCount`.
    ///   - threadCount: workers at most (the calling thread alone when 1).
    ///   - order: the order blocks are handed out in (results are in block order either way).
    ///   - makeWorker: makes one worker's scratch value (a workspace, an extractor); called on the
    ///     worker's thread before its first block, and never shared between threads.
    ///   - body: the work of one block; it must depend only on the index (and scratch contents it
    ///     overwrites), never on which worker runs it.
    /// - Throws: the error of the lowest-indexed failing block.
    /// - Precondition: `blockCount ≥ 0`, `threadCount ≥ 1`.
    public static func map<Worker, Output: Sendable, Failure: Error>(
        _ blockCount: Int, threadCount: Int, order: Order = .ascending,
        worker makeWorker: @Sendable () -> Worker,
        _ body: @Sendable (Int, inout Worker) throws(Failure) -> Output
    ) throws(Failure) -> [Output] {
        precondition(blockCount >= 0, "ParallelWork needs a block count ≥ 0 (got \(blockCount))")
        precondition(threadCount >= 1, "ParallelWork needs at least one thread (got \(threadCount))")
        let schedule = order.schedule(blockCount)
        let results = Mutex<[Output?]>(Array(repeating: nil, count: blockCount))
        let failure = Mutex<(index: Int, error: Failure)?>(nil)
        // The lowest failing index seen so far; blocks above it are not started.
        let lowestFailure = Atomic<Int>(Int.max)
        let next = Atomic<Int>(0)
        @Sendable func runWorker() {
            var scratch: Worker? = nil
            while true {
                let position = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard position < blockCount else { return }
                let index = schedule[position]
                guard index < lowestFailure.load(ordering: .relaxed) else { continue }
                if scratch == nil { scratch = makeWorker() }
                do throws(Failure) {
                    let result = try body(index, &scratch!)
                    results.withLock { $0[index] = result }
                } catch {
                    lowestFailure.min(index, ordering: .relaxed)
                    failure.withLock { first in
                        if first == nil || index < first!.index { first = (index, error) }
                    }
                }
            }
        }
        let workers = min(threadCount, blockCount)
        if workers <= 1 {
            runWorker()
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in runWorker() }
        }
        if let (_, error) = failure.withLock({ $0 }) { throw error }
        return results.withLock { $0.map { $0! } }
    }

    /// ``map(_:threadCount:order:worker:_:)`` without per-worker scratch.
    public static func map<Output: Sendable, Failure: Error>(
        _ blockCount: Int, threadCount: Int, order: Order = .ascending,
        _ body: @Sendable (Int) throws(Failure) -> Output
    ) throws(Failure) -> [Output] {
        try map(blockCount, threadCount: threadCount, order: order, worker: {}) { (index, _: inout Void) throws(Failure) in
            try body(index)
        }
    }

    /// The blocks' partial results, computed as ``map(_:threadCount:order:worker:_:)`` does,
    /// folded into `initial` by `combine` in block order (0, 1, 2, …) on the calling thread:
    /// Double sums come out bitwise the same for every thread count.
    /// - Throws: the error of the lowest-indexed failing block.
    public static func reduce<Worker, Partial: Sendable, Value, Failure: Error>(
        _ blockCount: Int, threadCount: Int, into initial: Value,
        worker makeWorker: @Sendable () -> Worker,
        _ body: @Sendable (Int, inout Worker) throws(Failure) -> Partial,
        combine: (inout Value, Partial) -> Void
    ) throws(Failure) -> Value {
        var value = initial
        for partial in try map(blockCount, threadCount: threadCount, worker: makeWorker, body) { combine(&value, partial) }
        return value
    }
}
