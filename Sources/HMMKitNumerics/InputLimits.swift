/// The largest sizes and values HMMKit accepts from outside: from a file it reads (audio, model,
/// recognizer, statistics and checkpoint files) or from a command-line option. Every reader and
/// every option validator checks against these constants, so this file is the one place that
/// says what "too large" means, and why.
///
/// Each limit is far above any real use and far below what would overflow an `Int`, exhaust
/// memory on a workstation, or hang the process: a value past it is a damaged or hostile input,
/// and is refused with a typed error that names the file (or option), the field and the value.
public enum InputLimits {
    // MARK: - Arithmetic on untrusted sizes

    /// `a * b` when it neither overflows nor exceeds `limit`, else `nil` (for sizes read from a
    /// file before anything is allocated from them).
    @inlinable
    public static func product(_ a: Int, _ b: Int, limit: Int = Int.max) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || value > limit ? nil : value
    }

    /// `a + b` when it neither overflows nor exceeds `limit`, else `nil`.
    @inlinable
    public static func sum(_ a: Int, _ b: Int, limit: Int = Int.max) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow || value > limit ? nil : value
    }

    // MARK: - Front end (audio and features)

    // MARK: - Models (mixtures, Markov chains, recognizers)

    // MARK: - Statistics and checkpoint files
}
