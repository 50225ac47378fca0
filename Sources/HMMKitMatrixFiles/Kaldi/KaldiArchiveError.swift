import HMMKitFileSystem

/// Failures reading or writing Kaldi archives (`.ark`), script files (`.scp`) and read
/// specifiers (`ark:…`, `scp:…`): each names the file, the entry's key and byte offset when there
/// is one, the problem, and what to do.
///
/// Offsets are byte positions from the start of the archive. For an entry they are the offset of
/// its object (the `\0B` binary marker, or the text after `key `), exactly what a Kaldi `scp`
/// line `key file.ark:OFFSET` points at; for a key they are where the key starts.
///
/// Error policy as in ``MatrixFileError``: data from the outside world that is missing, damaged or
/// of the wrong kind throws; a programmer's misuse traps with a precondition message.
public enum KaldiArchiveError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing exists at the path.
    case fileNotFound(file: String)
    /// The path exists but cannot be read (a directory, no permission, an I/O error).
    case unreadable(file: String, reason: String)
    /// The path names a named pipe, socket, device or folder, which HMMKit does not read (a pipe
    /// would block the reader forever); `kind` says which ("a named pipe").
    case notRegularFile(file: String, kind: String)
    /// Writing failed (missing or read-only folder, full disk); the destination is unchanged.
    case cannotWrite(file: String, reason: String)
    /// The bytes where a key should start are not a key (control bytes, or no space within the
    /// longest key HMMKit accepts): the file is not a Kaldi archive or the offset is wrong.
    case malformedKey(file: String, offset: Int, problem: String)
    /// The file ends inside the entry `key` whose object starts at `offset` (for a key cut short,
    /// `offset` is where the key starts); `endOffset` is the file's size.
    case truncated(file: String, key: String, offset: Int, endOffset: Int)
    /// The binary object's type token (after `\0B`) is not one of the matrix types `FM`, `DM`,
    /// `CM`, `CM2`, `CM3` (for example `FV`, a vector, or an integer vector).
    case unsupportedObject(file: String, key: String, offset: Int, token: String)
    /// A binary header that breaks the format: `\0` not followed by `B`, a token without its
    /// space, or an integer without its size byte 4.
    case malformedHeader(file: String, key: String, offset: Int, problem: String)
    /// The header's dimensions are negative or their product does not fit in memory.
    case badDimensions(file: String, key: String, offset: Int, rows: Int, columns: Int)
    /// A text-form matrix (`[ 1 2 \n 3 4 ]`) that cannot be read: no `[`, a word that is not a
    /// number, rows of different lengths.
    case malformedText(file: String, key: String, offset: Int, problem: String)
    /// A line of a script file that is not `key location`.
    case malformedScriptLine(file: String, line: Int, text: String, problem: String)
    /// A script or specifier location HMMKit cannot open: a pipe (`gunzip -c a.ark.gz |`) or
    /// standard input (`-`).
    case unsupportedLocation(file: String, line: Int, location: String)
    /// A script entry's offset lies at or past the end of its archive.
    case offsetPastEnd(file: String, key: String, offset: Int, fileSize: Int)
    /// A script entry's offset lies inside its archive but no matrix object starts there (neither
    /// the binary marker `\0B` nor a text `[`): the script belongs to another archive or another
    /// version of it, or the offset is wrong.
    case noObjectAtOffset(file: String, key: String, offset: Int, script: String)
    /// A script entry's range (`a.ark:12[0:9]` or `[0:9,0:12]`) lies outside its matrix.
    case rangeOutOfBounds(file: String, key: String, range: String, rows: Int, columns: Int)
    /// No entry of the script has this key.
    case keyNotFound(file: String, key: String)
    /// A key cannot be written: Kaldi keys are non-empty and have no whitespace or control characters.
    case invalidKey(file: String, key: String)
    /// The same key was written twice to one archive.
    case duplicateKey(file: String, key: String)
    /// A read specifier that is not `ark:PATH`, `scp:PATH` (with Kaldi's options such as `ark,s,cs:`).
    case malformedSpecifier(specifier: String, problem: String)
    /// The archive that line `line` of the script file `script` names for the entry `key` cannot
    /// be opened; `error` says why (``fileNotFound(file:)``, ``unreadable(file:reason:)``,
    /// ``notRegularFile(file:kind:)``) and names the archive. Its ``file`` is the script, whose
    /// line is what to repair.
    indirect case scriptArchive(script: String, line: Int, key: String, error: KaldiArchiveError)

    /// The file (or specifier) the error is about.
    public var file: String {
        switch self {
        case let .fileNotFound(file), let .unreadable(file, _), let .notRegularFile(file, _), let .cannotWrite(file, _),
             let .malformedKey(file, _, _), let .truncated(file, _, _, _), let .unsupportedObject(file, _, _, _),
             let .malformedHeader(file, _, _, _), let .badDimensions(file, _, _, _, _), let .malformedText(file, _, _, _),
             let .malformedScriptLine(file, _, _, _), let .unsupportedLocation(file, _, _), let .offsetPastEnd(file, _, _, _),
             let .noObjectAtOffset(file, _, _, _),
             let .rangeOutOfBounds(file, _, _, _, _), let .keyNotFound(file, _), let .invalidKey(file, _),
             let .duplicateKey(file, _), let .malformedSpecifier(file, _):
            return file
        case let .scriptArchive(script, _, _, _):
            return script
        }
    }

    /// `"<file>: <what is wrong>; <what to do>"`.
    public var description: String {
        switch self {
        case let .fileNotFound(file): return FileProblemText.notFound(file)
        case let .unreadable(file, reason): return FileProblemText.unreadable(file, reason)
        case let .notRegularFile(file, kind): return FileProblemText.notRegularFile(file, kind)
        case let .cannotWrite(file, reason): return FileProblemText.cannotWrite(file, reason)
        case let .malformedKey(file, offset, problem):
            return "\(file): no key at byte \(offset) (\(problem)); this is not a Kaldi archive, or the offset is wrong"
        case let .truncated(file, key, offset, end):
            return "\(file): entry '\(key)' at byte \(offset) is cut short, the file ends at byte \(end); "
                + "re-copy or re-create the archive"
        case let .unsupportedObject(file, key, offset, token):
            return "\(file): entry '\(key)' at byte \(offset) holds a '\(token)' object, not a matrix "
                + "(FM, DM, CM, CM2 or CM3); convert it with copy-matrix or copy-feats"
        case let .malformedHeader(file, key, offset, problem):
            return "\(file): entry '\(key)' at byte \(offset) has a malformed binary header (\(problem)); "
                + "the archive is damaged or the offset is wrong"
        case let .badDimensions(file, key, offset, rows, columns):
            return "\(file): entry '\(key)' at byte \(offset) claims \(rows) × \(columns) elements; "
                + "the archive is damaged or the offset is wrong"
        case let .malformedText(file, key, offset, problem):
            return "\(file): entry '\(key)' at byte \(offset) is not a text matrix (\(problem)); "
                + "write it as '[ 1 2 3 \\n 4 5 6 ]'"
        case let .malformedScriptLine(file, line, text, problem):
            return "\(file):\(line): \(problem) in \(text.debugDescription); a script line is 'key archive.ark:offset'"
        case let .unsupportedLocation(file, line, location):
            return "\(file)\(line > 0 ? ":\(line)" : ""): '\(location)' is a pipe or standard input, which HMMKit "
                + "does not run; write the data to a file first (for example with copy-feats)"
        case let .offsetPastEnd(file, key, offset, size):
            return "\(file): entry '\(key)' points at byte \(offset) but the file has \(size) bytes; "
                + "the script file does not belong to this archive, or the archive was cut short"
        case let .noObjectAtOffset(file, key, offset, script):
            return "\(file): entry '\(key)' of \(script) points at byte \(offset), where no matrix starts (neither a binary "
                + "\\0B header nor a text '['); the script file does not belong to this archive (or the archive was "
                + "rewritten after it), or the offset is wrong"
        case let .rangeOutOfBounds(file, key, range, rows, columns):
            return "\(file): range [\(range)] of entry '\(key)' lies outside its \(rows) × \(columns) matrix"
        case let .keyNotFound(file, key):
            return "\(file): no entry has the key '\(key)'"
        case let .invalidKey(file, key):
            return "\(file): \(key.debugDescription) cannot be a Kaldi key (keys are non-empty, "
                + "without whitespace or control characters); rename the input"
        case let .duplicateKey(file, key):
            return "\(file): the key '\(key)' is written twice; keys of one archive must be unique"
        case let .malformedSpecifier(specifier, problem):
            return "\(specifier.debugDescription): \(problem); use ark:FILE.ark or scp:FILE.scp"
        case let .scriptArchive(script, line, key, error):
            return "\(script):\(line): the archive of entry '\(key)' cannot be opened: \(error.description)"
        }
    }
}
