// The POSIX file calls HMMKit's modules share: checking a path before a library opens it (so
// that "missing", "a directory" and "empty" get their own clear errors), and the temporary file +
// fsync + rename that makes every write atomic (audio, .npy matrices, model files, SVG plots).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

package enum FileSystem {
    /// What a path names, from `stat(2)`.
    package enum PathStatus: Equatable {
        case missing
        case regularFile(byteCount: Int)
        case notRegularFile
        case inaccessible(reason: String)
    }

    /// `stat(2)` of `path`, following symbolic links.
    package static func status(of path: String) -> PathStatus {
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
    package static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// The folder part of `path` (`"."` when it has none).
    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// A new, empty file next to `path`, named `.<name>.tmp-XXXXXX`, created with `mkstemp(3)`
    /// (so two writers never share one) and made readable by everyone (`0644`); returns its path and
    /// an open descriptor, or the reason it could not be made.
    package static func makeTemporaryFile(beside path: String) -> Result<(path: String, descriptor: Int32), TemporaryFileFailure> {
        let name = path.split(separator: "/").last.map(String.init) ?? "file"
        let directory = directory(of: path)
        var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return .failure(TemporaryFileFailure(reason: describe(errno: errno))) }
        _ = fchmod(descriptor, 0o644)
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return .success((temporaryPath, descriptor))
    }

    package struct TemporaryFileFailure: Error { package let reason: String }

    /// `rename(2)`: atomically replaces `destination` by `source` (same file system); `nil` on success.
    package static func moveAtomically(_ source: String, to destination: String) -> String? {
        guard rename(source, destination) == 0 else { return describe(errno: errno) }
        return nil
    }

    /// `fsync(2)` then `close(2)` of `descriptor`; the reason when either fails, else `nil`.
    package static func synchronizeAndClose(_ descriptor: Int32) -> String? {
        var failure: String?
        if fsync(descriptor) != 0 { failure = describe(errno: errno) }
        if close(descriptor) != 0, failure == nil { failure = describe(errno: errno) }
        return failure
    }

    /// `close(2)`, ignoring failures (used to clean up after a failed write).
    package static func closeIgnoringErrors(_ descriptor: Int32) { _ = close(descriptor) }

    /// `unlink(2)`, ignoring failures (used to clean up after a failed write).
    package static func remove(_ path: String) { _ = unlink(path) }

    /// Writes `chunks` one after the other to `path` atomically: into a temporary file beside it
    /// (``makeTemporaryFile(beside:)``), then `fsync` (when `durable`), `close` and `rename` over
    /// `path`, and with `durable` an `fsync` of the folder so the rename survives a power cut.
    /// Readers see the old file or the new one, never part of one. Returns the reason on failure
    /// (the destination is then unchanged and the temporary file removed), `nil` on success.
    package static func writeAtomically(_ chunks: [UnsafeRawBufferPointer], to path: String, durable: Bool = true) -> String? {
        let temporary: (path: String, descriptor: Int32)
        switch makeTemporaryFile(beside: path) {
        case .success(let created): temporary = created
        case .failure(let failure):
            return "cannot create a temporary file in \(directory(of: path)): \(failure.reason)"
        }
        for chunk in chunks {
            if let failure = writeAll(chunk, to: temporary.descriptor) {
                closeIgnoringErrors(temporary.descriptor)
                remove(temporary.path)
                return failure
            }
        }
        return commitTemporaryFile(temporary, to: path, durable: durable)
    }

    /// `write(2)` until every byte of `bytes` is out (retrying after `EINTR`); the reason on failure.
    package static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> String? {
        var written = 0
        while written < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                return describe(errno: errno)
            }
            written += count
        }
        return nil
    }

    /// The last steps of an atomic write: `fsync` (when `durable`) and `close` the temporary file,
    /// `rename` it over `path`, and with `durable` `fsync` the folder so the rename survives a
    /// power cut. On failure the temporary file is removed and the reason returned; `nil` on success.
    package static func commitTemporaryFile(_ temporary: (path: String, descriptor: Int32), to path: String,
                                            durable: Bool) -> String? {
        var failure: String?
        if durable, fsync(temporary.descriptor) != 0 { failure = "fsync: \(describe(errno: errno))" }
        if close(temporary.descriptor) != 0, failure == nil { failure = "close: \(describe(errno: errno))" }
        if failure == nil, let reason = moveAtomically(temporary.path, to: path) {
            failure = "cannot rename the temporary file over it: \(reason)"
        }
        if let failure {
            remove(temporary.path)
            return failure
        }
        if durable {
            // Make the rename itself durable (best effort: some file systems refuse fsync on a folder).
            let folder = open(directory(of: path), O_RDONLY | O_CLOEXEC)
            if folder >= 0 {
                _ = fsync(folder)
                _ = close(folder)
            }
        }
        return nil
    }
}
