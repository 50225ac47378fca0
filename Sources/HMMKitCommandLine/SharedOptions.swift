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
    /// Prints `value` (a command's `--json` output) as one line of JSON on stdout, keys sorted.
    /// JSON has no infinities or NaN, so every non-finite number becomes `null` and its object
    /// gains a `"nonFinite"` entry that names the field and the value (``JSONValues/sanitized(_:)``):
    /// the output is always valid JSON and says what happened. ``JSONObjectEncoder`` makes the
    /// object tree and `JSONSerialization` writes it.
    static func printJSON<Value: Encodable>(_ value: Value) throws {
        print(try jsonLine(value))
    }

    /// The line ``printJSON(_:)`` prints.
    static func jsonLine<Value: Encodable>(_ value: Value) throws -> String {
        let object = JSONValues.sanitized(try JSONObjectEncoder.object(value))
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// Making values JSON can hold: infinities and NaN become `null`, recorded beside them.
enum JSONValues {
    /// `value` with every non-finite number replaced by `null`; a dictionary that held one gains
    /// `"nonFinite": {field: "-inf" | "inf" | "nan" | "n of m values"}`.
    static func sanitized(_ value: Any) -> Any {
        switch value {
        case let dictionary as [String: Any]:
            var result: [String: Any] = [:]
            var notes: [String: String] = [:]
            for (key, element) in dictionary {
                if let text = nonFiniteText(element) {
                    result[key] = NSNull()
                    notes[key] = text
                } else if let array = element as? [Any] {
                    let count = array.reduce(0) { $0 + (nonFiniteText($1) == nil ? 0 : 1) }
                    if count > 0 { notes[key] = "\(count) of \(array.count) values not finite (null)" }
                    result[key] = sanitized(array)
                } else {
                    result[key] = sanitized(element)
                }
            }
            if !notes.isEmpty { result["nonFinite"] = notes }
            return result
        case let array as [Any]:
            return array.map { nonFiniteText($0) == nil ? sanitized($0) : NSNull() }
        default:
            return value
        }
    }

    /// `"inf"`, `"-inf"` or `"nan"` for a non-finite number, else `nil`.
    static func nonFiniteText(_ value: Any) -> String? {
        if value is Bool || value is Int { return nil }
        let number: Double
        if let double = value as? Double { number = double } else if let float = value as? Float { number = Double(float) } else { return nil }
        guard !number.isFinite else { return nil }
        return number.isNaN ? "nan" : (number > 0 ? "inf" : "-inf")
    }
}
