import ArgumentParser
import Foundation
import HMMKit

/// Where the numbers run: shared by every command that computes.
struct EngineOptions: ParsableArguments {
    @Option(help: "Numerical backend: accelerated (OpenBLAS, LAPACKE, FFTW) or reference (pure Swift).")
    var backend: ComputeBackend = .accelerated

    @Option(help: "Worker threads (default: all cores; results do not depend on it).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
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
