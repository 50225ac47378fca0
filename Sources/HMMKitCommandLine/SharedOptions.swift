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
    /// Prints `object` as one line of JSON on stdout (keys sorted). JSON has no infinities or
    /// NaN, so every non-finite number becomes `null` and its object gains a `"nonFinite"` entry
    /// that names the field and the value (``JSONValues/sanitized(_:)``): the output is always
    /// valid JSON and says what happened.
    static func printJSON(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: JSONValues.sanitized(object), options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// Prints `value` (an `Encodable` report such as an evaluation) as ``printJSON(_:)`` does, with
    /// its non-finite numbers made `null` and named in `"nonFinite"`.
    static func printJSON<Value: Encodable>(encoding value: Value) throws {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: JSONValues.positiveInfinity, negativeInfinity: JSONValues.negativeInfinity, nan: JSONValues.notANumber)
        let object = try JSONSerialization.jsonObject(with: try encoder.encode(value))
        guard let dictionary = object as? [String: Any] else {
            print(String(decoding: try JSONSerialization.data(withJSONObject: JSONValues.sanitized(object), options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self))
            return
        }
        try printJSON(dictionary)
    }
}

/// Making values JSON can hold: infinities and NaN become `null`, recorded beside them.
enum JSONValues {
    /// Markers the encoder writes for non-finite numbers (``Terminal/printJSON(encoding:)``).
    static let positiveInfinity = "\u{1}+inf", negativeInfinity = "\u{1}-inf", notANumber = "\u{1}nan"

    /// `value` with every non-finite number (or encoder marker) replaced by `null`; a dictionary
    /// that held one gains `"nonFinite": {field: "-inf" | "inf" | "nan" | "n of m values"}`.
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

    /// `"inf"`, `"-inf"` or `"nan"` for a non-finite number or its encoder marker, else `nil`.
    static func nonFiniteText(_ value: Any) -> String? {
        if let text = value as? String {
            switch text {
            case positiveInfinity: return "inf"
            case negativeInfinity: return "-inf"
            case notANumber: return "nan"
            default: return nil
            }
        }
        if value is Bool || value is Int { return nil }
        let number: Double
        if let double = value as? Double { number = double } else if let float = value as? Float { number = Double(float) } else { return nil }
        guard !number.isFinite else { return nil }
        return number.isNaN ? "nan" : (number > 0 ? "inf" : "-inf")
    }
}
