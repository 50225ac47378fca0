import ArgumentParser
import Foundation
import HMMKit

/// Where the numbers run: shared by every command that computes.
struct EngineOptions: ParsableArguments {
    @Option(help: "Numerical backend: accelerated (OpenBLAS, LAPACKE, FFTW) or reference (pure Swift).")
    var backend: ComputeBackend = .accelerated

    @Option(help: "Worker threads (default: all cores, shared among the MPI ranks on this machine; results do not depend on it).")
    var threads: Int = EngineOptions.defaultThreadCount

    /// All cores, divided among the processes an MPI launcher started on this machine (OpenMPI
    /// sets `OMPI_COMM_WORLD_LOCAL_SIZE`, MPICH `MPI_LOCALNRANKS`), so ranks do not oversubscribe.
    static var defaultThreadCount: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let environment = ProcessInfo.processInfo.environment
        let local = Int(environment["OMPI_COMM_WORLD_LOCAL_SIZE"] ?? environment["MPI_LOCALNRANKS"] ?? "") ?? 1
        return max(1, cores / max(local, 1))
    }

    func validate() throws {
        try OptionRange.check(threads, in: 1...InputLimits.maximumThreadCount, "--threads")
    }
}

/// How a command reports: shared by every command that works for a while.
struct ReportOptions: ParsableArguments {
    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    @Flag(help: "No progress on stderr.")
    var quiet = false
}

extension Terminal {
    /// Prints `object` as one line of JSON on stdout (keys sorted).
    static func printJSON(_ object: [String: Any]) throws {
        print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
    }
}
