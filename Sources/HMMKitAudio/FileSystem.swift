// The POSIX calls of the module: checking a path before libsndfile opens it (so that "missing",
// "a directory" and "empty" get their own clear errors), and the temporary file + rename that
// makes writes atomic.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum FileSystem {
    /// What a path names, from `stat(2)`.
    enum PathStatus: Equatable {
        case missing
        case regularFile(byteCount: Int)
        case notRegularFile
        case inaccessible(reason: String)
    }

    /// `stat(2)` of `path`, following symbolic links.
    static func status(of path: String) -> PathStatus {
        var information = stat()
        guard stat(path, &information) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .missing }
            return .inaccessible(reason: describe(errno: code))
        }
        guard (information.st_mode & S_IFMT) == S_IFREG else { return .notRegularFile }
        return .regularFile(byteCount: Int(information.st_size))
    }

    /// `strerror(3)` of `code`.
    static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// The folder part of `path` (`"."` when it has none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// A new, empty file next to `path`, named `.<name>.tmp-XXXXXX`, created with `mkstemp(3)`
    /// (so two writers never share one) and made readable by everyone (`0644`); returns its path and
    /// an open descriptor, or the reason it could not be made.
    static func makeTemporaryFile(beside path: String) -> Result<(path: String, descriptor: Int32), TemporaryFileFailure> {
        let name = path.split(separator: "/").last.map(String.init) ?? "file"
        let directory = directory(of: path)
        var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return .failure(TemporaryFileFailure(reason: describe(errno: errno))) }
        _ = fchmod(descriptor, 0o644)
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return .success((temporaryPath, descriptor))
    }

    struct TemporaryFileFailure: Error { let reason: String }

    /// `rename(2)`: atomically replaces `destination` by `source` (same file system); `nil` on success.
    static func moveAtomically(_ source: String, to destination: String) -> String? {
        guard rename(source, destination) == 0 else { return describe(errno: errno) }
        return nil
    }

    /// `fsync(2)` then `close(2)` of `descriptor`; the reason when either fails, else `nil`.
    static func synchronizeAndClose(_ descriptor: Int32) -> String? {
        var failure: String?
        if fsync(descriptor) != 0 { failure = describe(errno: errno) }
        if close(descriptor) != 0, failure == nil { failure = describe(errno: errno) }
        return failure
    }

    /// `close(2)`, ignoring failures (used to clean up after a failed write).
    static func closeIgnoringErrors(_ descriptor: Int32) { _ = close(descriptor) }

    /// `unlink(2)`, ignoring failures (used to clean up after a failed write).
    static func remove(_ path: String) { _ = unlink(path) }
}
