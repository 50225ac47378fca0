import HMMKitFileSystem

/// Why a transcript, CTM or TextGrid file cannot be read or written: every problem found, each
/// with the line it is on, so that a file is fixed in one round.
///
/// Reading collects every bad line before throwing; writing checks everything it would write
/// first and leaves the destination untouched when anything is wrong.
public struct TranscriptError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file read or written.
    public var file: String
    /// The problems, in line order.
    public var problems: [TranscriptProblem]

    /// An error about `file` listing `problems` (at least one).
    public init(file: String, problems: [TranscriptProblem]) {
        precondition(!problems.isEmpty, "TranscriptError needs at least one problem")
        self.file = file
        self.problems = problems
    }

    /// An error about `file` with one problem.
    public init(file: String, line: Int? = nil, _ kind: TranscriptProblem.Kind) {
        self.init(file: file, problems: [TranscriptProblem(line: line, kind: kind)])
    }

    /// At most this many problems are described in ``description``; the rest are counted.
    static let describedProblemCount = 20

    /// `"<file>:<line>: <problem>"`, one a line (at most 20, then how many more).
    public var description: String {
        var lines = problems.prefix(Self.describedProblemCount).map { problem -> String in
            if case .access(let access) = problem.kind { return access.description }
            return problem.line.map { "\(file):\($0): \(problem.kind)" } ?? "\(file): \(problem.kind)"
        }
        if problems.count > Self.describedProblemCount {
            lines.append("\(file): … and \(problems.count - Self.describedProblemCount) more problem(s)")
        }
        return lines.joined(separator: "\n")
    }
}

/// One problem of a transcript, CTM or TextGrid file: where it is and what it is.
public struct TranscriptProblem: Equatable, Sendable {
    /// What is wrong, with the offending value.
    public enum Kind: Equatable, Sendable, CustomStringConvertible {
        /// The file could not be read or written.
        case access(FileAccessError)
        /// The bytes are not UTF-8 text.
        case notText
        /// A line (or an entry to write) has no utterance id.
        case emptyID
        /// An utterance id appears a second time; `firstLine` is where it appeared first.
        case duplicateID(id: String, firstLine: Int)
        /// A token is empty or holds a space, tab or line break, which the line-based formats use
        /// as separators.
        case whitespaceInToken(field: String, value: String)
        /// A line has too few or too many fields; `expected` says what the format wants.
        case fieldCount(found: Int, expected: String)
        /// A field that must be a number is not one, or is out of its range (`reason` says which).
        case badNumber(field: String, value: String, reason: String)
        /// An interval or timed word ends before it starts, overlaps the one before it, or lies
        /// outside its grid (times in seconds).
        case badTimes(what: String, start: Double, end: Double, reason: String)

        public var description: String {
            switch self {
            case .access(let error): return error.description
            case .notText: return "not UTF-8 text"
            case .emptyID: return "no utterance id; every line starts with one"
            case let .duplicateID(id, firstLine):
                return "utterance id \"\(id)\" appears again (first on line \(firstLine)); ids must be unique"
            case let .whitespaceInToken(field, value) where value.isEmpty:
                return "\(field) is empty; every field needs at least one character"
            case let .whitespaceInToken(field, value):
                return "\(field) \"\(value)\" holds whitespace, which separates fields; replace it (e.g. with _)"
            case let .fieldCount(found, expected): return "\(found) field(s); expected \(expected)"
            case let .badNumber(field, value, reason): return "\(field) \"\(value)\" \(reason)"
            case let .badTimes(what, start, end, reason): return "\(what) from \(start) s to \(end) s: \(reason)"
            }
        }
    }

    /// The line (from 1) of the file read, or of the file that would have been written; `nil` for
    /// the whole file.
    public var line: Int?
    /// What is wrong.
    public var kind: Kind

    /// A problem on `line` (nil: the whole file).
    public init(line: Int?, kind: Kind) {
        self.line = line
        self.kind = kind
    }
}
