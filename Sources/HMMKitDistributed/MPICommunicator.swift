// Data-parallel training over OpenMPI. Everything here needs the `MPI` package trait
// (`swift build --traits MPI`); without it this module is empty except for
// `MPISupport.isAvailable`, so packages that do not have OpenMPI still build.
import HMMKitTraining

/// Whether this build of HMMKit can run under MPI, and the way in that needs no `#if` in the
/// modules that use it (only this module is compiled with the MPI condition, also under CMake).
public enum MPISupport {
    /// True when built with the `MPI` package trait (`MPICommunicator` exists).
    #if MPI
    /// True: this build has the `MPI` trait.
    public static let isAvailable = true
    #else
    /// False: this build has no `MPI` trait.
    public static let isAvailable = false
    #endif

    /// Starts MPI (``MPICommunicator/start()``) and returns the world with the function that ends
    /// MPI (call it once, after the last collective call).
    /// - Throws: ``/HMMKitTraining/TrainingError/communication(_:)`` when MPI cannot start or this build has no MPI.
    public static func startWorld() throws(TrainingError) -> (communicator: any TrainingCommunicator, finish: @Sendable () -> Void) {
        #if MPI
        let world = try MPICommunicator.start()
        return (world, { world.finish() })
        #else
        throw .communication("this build of HMMKit has no MPI; build it with the MPI trait (`swift build --traits MPI`, needs libopenmpi-dev)")
        #endif
    }
}

#if MPI
import CMPI
import Foundation
import Synchronization

/// `MPI_COMM_WORLD` as a ``/HMMKitTraining/TrainingCommunicator``: the processes `mpirun` (or `srun`) started.
///
/// One per process: ``start()`` calls `MPI_Init_thread` (funnelled: only the thread that
/// started MPI calls it; HMMKit's reader and worker threads never do), ``finish()`` calls
/// `MPI_Finalize`. Every MPI error aborts the job (OpenMPI's default handler), so no rank is
/// left waiting in a collective call.
public final class MPICommunicator: TrainingCommunicator, @unchecked Sendable {
    /// This process's rank in `MPI_COMM_WORLD` (`MPI_Comm_rank`), 0 ..< ``size``.
    public let rank: Int
    /// The number of processes in `MPI_COMM_WORLD` (`MPI_Comm_size`).
    public let size: Int
    private static let started = Mutex(false)

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Starts MPI in this process (`MPI_Init_thread` with `MPI_THREAD_FUNNELED`).
    /// - Throws: ``/HMMKitTraining/TrainingError/communication(_:)`` if MPI cannot start or was started before.
    public static func start() throws(TrainingError) -> MPICommunicator {
        let already = started.withLock { value -> Bool in
            defer { value = true }
            return value
        }
        guard !already else { throw .communication("MPI was already started in this process") }
        var provided: Int32 = 0
        let status = MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)
        guard status == MPI_SUCCESS else { throw .communication("MPI_Init_thread failed (error \(status))") }
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(hmmkit_mpi_comm_world(), &rank)
        MPI_Comm_size(hmmkit_mpi_comm_world(), &size)
        return MPICommunicator(rank: Int(rank), size: Int(size))
    }

    /// Ends MPI in this process (`MPI_Finalize`); call once, after the last collective call.
    public func finish() {
        MPI_Finalize()
    }

    /// `MPI_Allreduce(MPI_IN_PLACE, values, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD)`, in pieces
    /// of at most 2³⁰ values (MPI counts are 32-bit).
    public func allReduceSum(_ values: inout [Double]) throws(TrainingError) {
        let piece = 1 << 30
        let status: Int32 = values.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let count = min(piece, buffer.count - start)
                let result = MPI_Allreduce(hmmkit_mpi_in_place(), buffer.baseAddress! + start, Int32(count),
                                           hmmkit_mpi_double(), hmmkit_mpi_sum(), hmmkit_mpi_comm_world())
                if result != MPI_SUCCESS { return result }
                start += count
            }
            return MPI_SUCCESS
        }
        guard status == MPI_SUCCESS else { throw .communication("MPI_Allreduce failed (error \(status))") }
    }

    /// The byte count (`MPI_LONG`), then the bytes (`MPI_BYTE`), from `root` (`MPI_Bcast`).
    public func broadcast(_ bytes: inout [UInt8], from root: Int) throws(TrainingError) {
        var count = Int(bytes.count)
        var status = MPI_Bcast(&count, 1, hmmkit_mpi_long(), Int32(root), hmmkit_mpi_comm_world())
        guard status == MPI_SUCCESS else { throw .communication("MPI_Bcast of the length failed (error \(status))") }
        if rank != root { bytes = [UInt8](repeating: 0, count: count) }
        let piece = 1 << 30
        var start = 0
        while start < count, status == MPI_SUCCESS {
            let length = min(piece, count - start)
            status = bytes.withUnsafeMutableBytes { buffer in
                MPI_Bcast(buffer.baseAddress! + start, Int32(length), hmmkit_mpi_byte(), Int32(root), hmmkit_mpi_comm_world())
            }
            start += length
        }
        guard status == MPI_SUCCESS else { throw .communication("MPI_Bcast failed (error \(status))") }
    }

    /// `MPI_Abort(MPI_COMM_WORLD, exitCode)`: ends every rank of the job.
    public func abort(exitCode: Int32) -> Never {
        MPI_Abort(hmmkit_mpi_comm_world(), exitCode)
        exit(exitCode)
    }
}
#endif
