/// Why a file HMMKit reads or writes (a model, statistics, a checkpoint) cannot be used: the
/// file itself could not be read or written, or what it holds is not what was expected.
public enum FileProblem: Error, Equatable, Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// Reading or writing the file failed (missing, not a regular file, unreadable, unwritable).
    case access(FileAccessError)
    /// The file was read but what it holds cannot be used: another kind of file, a newer format
    /// version, a damaged or out-of-range field, or data of another model; `reason` says which,
    /// without the file's name.
    case content(String)

    /// A content problem (``content(_:)``) worded as `reason`.
    public init(stringLiteral reason: String) { self = .content(reason) }

    /// A content problem (``content(_:)``) worded by an interpolated string.
    public init(stringInterpolation: DefaultStringInterpolation) { self = .content(String(stringInterpolation: stringInterpolation)) }

    /// What went wrong, without the file's name: the system's reason, or the content problem.
    public var description: String {
        switch self {
        case .access(let error): return error.reason
        case .content(let reason): return reason
        }
    }

    /// `"<path>: <what is wrong>"`, for the errors whose `file` case carries a problem (an access
    /// error names its own file and says what to do).
    package func message(path: String) -> String {
        switch self {
        case .access(let error): return error.description
        case .content(let reason): return reason.hasPrefix(path) ? reason : "\(path): \(reason)"
        }
    }
}
