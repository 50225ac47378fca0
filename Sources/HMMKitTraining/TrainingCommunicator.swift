import Foundation

/// The processes that train one model together (MPI ranks), as ``EMDriver`` sees them:
/// each accumulates the statistics of its shard, one all-reduce sums them, and every process
/// applies the same update. ``SingleProcess`` is the trivial group; `HMMKitDistributed` provides
/// the MPI one (built with the `MPI` package trait).
///
/// Every process must make the same calls in the same order (they are collective).
public protocol TrainingCommunicator: Sendable {
    /// This process, `0 ..< size`; rank 0 alone writes files and progress.
    var rank: Int { get }
    /// Processes in the group.
    var size: Int { get }
    /// Replaces `values` on every process by their element-wise sum over all processes
    /// (`MPI_Allreduce` with `MPI_SUM`); every process receives the same bits.
    func allReduceSum(_ values: inout [Double]) throws(TrainingError)
    /// Replaces `bytes` on every process by those of process `root` (`MPI_Bcast`; other
    /// processes may pass any array, its length is sent first).
    func broadcast(_ bytes: inout [UInt8], from root: Int) throws(TrainingError)
    /// Ends every process of the group after a failure on this one (`MPI_Abort`), so none is
    /// left waiting in a collective call; never returns.
    func abort(exitCode: Int32) -> Never
}

extension TrainingCommunicator {
    /// Whether this process writes files and progress (rank 0).
    public var isRoot: Bool { rank == 0 }

    /// This process's part of the corpus: sequences `rank, rank + size, …`.
    public var shard: SequenceShard {
        // rank < size by construction of every communicator.
        try! SequenceShard(index: rank, count: size)
    }

    /// Runs `make` on rank 0 alone and gives every process its bytes (one broadcast): work done
    /// once and shared, such as reading a checkpoint or surveying a corpus. Collective.
    /// - Throws: on rank 0, what `make` threw; on the others, ``TrainingError/rootFailed(_:)``
    ///   quoting it, so that no process goes on without the shared bytes.
    public func shareFromRoot(_ make: () throws -> [UInt8]) throws -> [UInt8] {
        try shareFromRoot(make, failing: { $0 })
    }

    /// ``shareFromRoot(_:)`` with typed errors: `make`'s own on rank 0, and the broadcast's or
    /// ``TrainingError/rootFailed(_:)`` as `failing` turns them into `Failure`. Collective.
    /// - Throws: on rank 0, what `make` threw; on every rank, a failed broadcast; on the others,
    ///   ``TrainingError/rootFailed(_:)`` quoting rank 0's error (only its message crosses between
    ///   processes).
    public func shareFromRoot<Failure: Error>(_ make: () throws(Failure) -> [UInt8],
                                              failing: (TrainingError) -> Failure) throws(Failure) -> [UInt8] {
        var message: [UInt8] = []
        var failure: Failure?
        if isRoot {
            do {
                message = [0] + (try make())
            } catch {
                failure = error
                message = [1] + Array("\(error)".utf8)
            }
        }
        if size > 1 {
            do { try broadcast(&message, from: 0) } catch { throw failing(error) }
        }
        if let failure { throw failure }
        guard message.first == 0 else {
            throw failing(.rootFailed(String(decoding: message.dropFirst(), as: UTF8.self)))
        }
        return Array(message.dropFirst())
    }
}

/// One process training alone: the collective operations do nothing.
public struct SingleProcess: TrainingCommunicator {
    /// This process, alone.
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduceSum(_ values: inout [Double]) throws(TrainingError) {}
    public func broadcast(_ bytes: inout [UInt8], from root: Int) throws(TrainingError) {}
    public func abort(exitCode: Int32) -> Never { exit(exitCode) }
}
