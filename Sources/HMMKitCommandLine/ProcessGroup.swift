import ArgumentParser
import Foundation
import HMMKit
import HMMKitDistributed

/// The processes a command trains with: this one alone, or every rank of an MPI job.
struct ProcessGroup {
    let communicator: any TrainingCommunicator
    private let finishing: () -> Void

    /// This process alone, or (with `mpi`) the MPI job it belongs to.
    /// - Throws: `ValidationError` when MPI was asked for and this build has none; a
    ///   ``TrainingError`` when MPI cannot start.
    static func make(mpi: Bool) throws -> ProcessGroup {
        guard mpi else { return ProcessGroup(communicator: SingleProcess(), finishing: {}) }
        guard MPISupport.isAvailable else {
            throw ValidationError("this hmmkit was built without MPI; rebuild it with `swift build -c release --traits MPI`")
        }
        let world = try MPISupport.startWorld()
        return ProcessGroup(communicator: world.communicator, finishing: world.finish)
    }

    /// Whether this process writes files and progress.
    var isRoot: Bool { communicator.isRoot }

    /// An error that rank 0 reports for every rank (bad input all ranks read alike, or a
    /// failure of work rank 0 did for all): the other ranks stay silent.
    struct ReportedByRoot: Error {}

    /// Runs `body`; on failure prints the error (naming the rank in a job of several) and ends
    /// the whole job with exit status 1, so that no rank waits for the failed one. A failure rank
    /// 0 reports (``ReportedByRoot``, ``TrainingError/rootFailed(_:)``) is printed by rank 0 alone:
    /// the other ranks wait in `MPI_Finalize` until rank 0 has printed it and ended the job.
    func run(_ body: () throws -> Void) throws {
        do {
            try body()
            finishing()
        } catch where communicator.size == 1 && (error is ValidationError || error is ExitCode) {
            finishing()
            throw error
        } catch where !isRoot && Self.isReportedByRoot(error) {
            finishing()
            throw ExitCode(1)
        } catch {
            let prefix = communicator.size > 1 ? "[rank \(communicator.rank)] " : ""
            Terminal.error(prefix + CommandFailure.message(for: error))
            if communicator.size > 1 { communicator.abort(exitCode: 1) }
            finishing()
            throw ExitCode(1)
        }
    }

    /// Runs `body` on every rank, where each finds the same outcome (checking input every rank
    /// reads alike): when rank 0 fails, the ranks that fail too leave the report to it
    /// (``ReportedByRoot``); a rank that fails alone reports its own error. Collective.
    func everyRank<T>(_ body: () throws -> T) throws -> T {
        let outcome = Result { try body() }
        if communicator.size > 1 {
            var rootFailed = [isRoot && (try? outcome.get()) == nil ? 1.0 : 0]
            try communicator.allReduceSum(&rootFailed)
            if !isRoot, rootFailed[0] > 0, (try? outcome.get()) == nil { throw ReportedByRoot() }
        }
        return try outcome.get()
    }

    /// Whether rank 0 reports `error` for every rank.
    private static func isReportedByRoot(_ error: any Error) -> Bool {
        switch error {
        case is ReportedByRoot, TrainingError.rootFailed, RecognizerError.training(.rootFailed): return true
        default: return false
        }
    }
}
