import HMMKitFileSystem
import HMMKitNumerics

/// Failures reading or writing a matrix file: each names the file, the problem, and what to do.
///
/// Error policy: a file that is missing, damaged or of the wrong kind throws one of these; a
/// programmer's misuse traps with a precondition message instead.
public enum MatrixFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing exists at the path.
    case fileNotFound(file: String)
    /// The path exists but cannot be read (a directory, no permission, an I/O error).
    case unreadable(file: String, reason: String)
    /// The path names a named pipe, socket, device or folder, which HMMKit does not read (a pipe
    /// would block the reader forever); `kind` says which ("a named pipe").
    case notRegularFile(file: String, kind: String)
    /// Writing failed (the folder is missing or not writable, the disk is full); the destination
    /// is left as it was.
    case cannotWrite(file: String, reason: String)
    /// The file does not start with the NPY magic string `\x93NUMPY`; `leadingBytes` are its first bytes.
    case notNumPy(file: String, leadingBytes: [UInt8])
    /// An NPY format version other than 1.0, 2.0 or 3.0.
    case unsupportedVersion(file: String, major: Int, minor: Int)
    /// The file ends inside the magic, the header length or the header.
    case truncatedHeader(file: String, byteCount: Int)
    /// The header is not the Python dictionary literal the NPY format prescribes.
    case malformedHeader(file: String, header: String, problem: String)
    /// The array is stored in Fortran (column-major) order (`'fortran_order': True`).
    case fortranOrder(file: String)
    /// The array is stored big-endian (`descr` such as `'>f8'`).
    case bigEndian(file: String, descr: String)
    /// The element type is not little-endian float32 (`'<f4'`) or float64 (`'<f8'`).
    case unsupportedDType(file: String, descr: String)
    /// The array is not 1-D (read as a column) or 2-D.
    case unsupportedShape(file: String, shape: [Int])
    /// The file's precision differs from the one asked for, and conversion was not requested.
    case precisionMismatch(file: String, stored: Precision, requested: Precision)
    /// The data is shorter than the shape needs: the file was cut short.
    case truncatedData(file: String, shape: [Int], expectedBytes: Int, actualBytes: Int)
    /// The data is longer than the shape accounts for.
    case trailingData(file: String, shape: [Int], expectedBytes: Int, actualBytes: Int)

    /// The file the error is about.
    public var file: String {
        switch self {
        case let .fileNotFound(file), let .unreadable(file, _), let .notRegularFile(file, _), let .cannotWrite(file, _),
             let .notNumPy(file, _),
             let .unsupportedVersion(file, _, _), let .truncatedHeader(file, _), let .malformedHeader(file, _, _),
             let .fortranOrder(file), let .bigEndian(file, _), let .unsupportedDType(file, _),
             let .unsupportedShape(file, _), let .precisionMismatch(file, _, _), let .truncatedData(file, _, _, _),
             let .trailingData(file, _, _, _):
            return file
        }
    }

    /// `"<file>: <what is wrong>; <what to do>"`.
    public var description: String {
        switch self {
        case let .fileNotFound(file): return FileProblemText.notFound(file)
        case let .unreadable(file, reason): return FileProblemText.unreadable(file, reason)
        case let .notRegularFile(file, kind): return FileProblemText.notRegularFile(file, kind)
        case let .cannotWrite(file, reason): return FileProblemText.cannotWrite(file, reason)
        case let .notNumPy(file, leading):
            let shown = leading.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            return "\(file): not a NumPy .npy file (it starts with \(shown), not \\x93NUMPY); "
                + "an .npz archive must be unpacked first, and text matrices are not read here"
        case let .unsupportedVersion(file, major, minor):
            return "\(file): NPY format version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are); "
                + "save it again with numpy.save"
        case let .truncatedHeader(file, count):
            return "\(file): truncated inside the NPY header (the file has only \(count) bytes); re-copy or re-create it"
        case let .malformedHeader(file, header, problem):
            return "\(file): malformed NPY header (\(problem)) in \(header.debugDescription); "
                + "the file is damaged or was not written by numpy.save"
        case let .fortranOrder(file):
            return "\(file): the array is stored in Fortran (column-major) order; "
                + "save numpy.ascontiguousarray(a) instead"
        case let .bigEndian(file, descr):
            return "\(file): the array is big-endian ('\(descr)'); save a.astype('<\(descr.dropFirst())') instead"
        case let .unsupportedDType(file, descr):
            return "\(file): element type '\(descr)' is not float32 ('<f4') or float64 ('<f8'); "
                + "save a.astype(numpy.float32) or a.astype(numpy.float64) instead"
        case let .unsupportedShape(file, shape):
            return "\(file): shape \(NumPyHeader.pythonTuple(shape)) is not 1-D or 2-D; "
                + "reshape it to (frames, dimensions) before saving"
        case let .precisionMismatch(file, stored, requested):
            return "\(file): holds \(stored.numPyName) but \(requested.numPyName) was requested; read it as "
                + "Matrix<\(stored == .single ? "Float" : "Double")>, or pass convertingPrecision: true to convert"
        case let .truncatedData(file, shape, expected, actual):
            return "\(file): truncated, shape \(NumPyHeader.pythonTuple(shape)) needs \(expected) data bytes "
                + "but only \(actual) are present; re-copy or re-create it"
        case let .trailingData(file, shape, expected, actual):
            return "\(file): \(actual - expected) bytes follow the \(expected) data bytes of shape "
                + "\(NumPyHeader.pythonTuple(shape)); the file is damaged or was not written by numpy.save"
        }
    }
}

extension Precision {
    /// `"float32 ('<f4')"` or `"float64 ('<f8')"`.
    var numPyName: String { self == .single ? "float32 ('<f4')" : "float64 ('<f8')" }
}
