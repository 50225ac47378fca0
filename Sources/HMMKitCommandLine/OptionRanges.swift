import ArgumentParser
import HMMKit

/// The declared valid range of every numeric option, checked in `validate()` before `run()`:
/// a value outside it — NaN, an infinity, a size past ``InputLimits`` — is bad usage (exit 64)
/// with a message that names the option, its range and the value given.
enum OptionRange {
    /// Throws unless `value` lies in `range`.
    static func check(_ value: Int, in range: ClosedRange<Int>, _ option: String) throws {
        guard range.contains(value) else {
            let upper = range.upperBound == Int.max ? "" : "\(range.upperBound)"
            throw ValidationError("\(option) must lie in \(range.lowerBound)…\(upper) (got \(value))")
        }
    }

    /// Throws unless `value` is finite and lies in `range` (NaN never does).
    static func check(_ value: Double, in range: ClosedRange<Double>, _ option: String) throws {
        guard value.isFinite, range.contains(value) else {
            let lower = range.lowerBound == -.greatestFiniteMagnitude ? "" : "\(range.lowerBound)"
            let upper = range.upperBound == .greatestFiniteMagnitude ? "" : "\(range.upperBound)"
            let bounds = lower.isEmpty && upper.isEmpty ? "be a finite number" : "be finite and lie in \(lower)…\(upper)"
            throw ValidationError("\(option) must \(bounds) (got \(value))")
        }
    }

    /// A finite value ≥ 0.
    static let nonNegative: ClosedRange<Double> = 0...Double.greatestFiniteMagnitude
    /// Any finite value.
    static let finite: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
    /// Counts of EM iterations.
    static let iterations = 1...InputLimits.maximumIterationCount
    /// Markov states.
    static let states = 1...InputLimits.maximumStateCount
    /// Gaussian components per mixture.
    static let components = 1...InputLimits.maximumComponentCount
    /// A left-to-right topology's largest forward jump.
    static let jump = 0...InputLimits.maximumJump
}
