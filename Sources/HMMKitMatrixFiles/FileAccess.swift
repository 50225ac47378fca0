// The POSIX calls of the module: reading a whole file with errors that say why it could not be
// read, and atomic writes (a temporary file in the destination's folder, `fsync`, `rename`).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum FileAccess {
    /// The first `limit` bytes of the file at `path` (all of it when `limit` is `nil`) and the
    /// file's size, or the error that names why it could not be read.
    static func readFile(_ path: String, limit: Int? = nil) throws(MatrixFileError) -> (bytes: [UInt8], fileSize: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .fileNotFound(file: path) }
            throw .unreadable(file: path, reason: describe(errno: code))
        }
        defer { close(descriptor) }
        var information = stat()
        guard fstat(descriptor, &information) == 0 else { throw .unreadable(file: path, reason: describe(errno: errno)) }
        guard (information.st_mode & S_IFMT) == S_IFREG else {
            throw .unreadable(file: path, reason: "not a regular file: a directory, device or pipe")
        }
        let fileSize = Int(information.st_size)
        let wanted = min(fileSize, limit ?? fileSize)
        var bytes = [UInt8](repeating: 0, count: wanted)
        var filled = 0
        var failure: Int32?
        bytes.withUnsafeMutableBytes { buffer in
            while filled < wanted {
                let count = read(descriptor, buffer.baseAddress! + filled, wanted - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if count == 0 { return }  // The file shrank while being read.
                filled += count
            }
        }
        if let failure { throw .unreadable(file: path, reason: describe(errno: failure)) }
        if filled < wanted { bytes.removeLast(wanted - filled) }
        return (bytes, limit == nil ? filled : fileSize)
    }

    /// Writes `chunks` one after the other to `path` atomically: into `.<name>.tmp-XXXXXX` in the
    /// same folder (`mkstemp`, mode 0644), `fsync`, then `rename` over `path`. On any failure the
    /// temporary file is removed and `path` is left as it was. With `durable: false` the two
    /// `fsync` calls are skipped: readers still never see a half-written file, but a power cut
    /// right after the write may lose it (for bulk outputs that can be recomputed).
    static func writeAtomically(_ chunks: [UnsafeRawBufferPointer], to path: String, durable: Bool = true) throws(MatrixFileError) {
        let name = path.split(separator: "/").last.map(String.init) ?? "matrix"
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .cannotWrite(file: path, reason: "cannot create a temporary file in \(directory): \(describe(errno: errno))")
        }
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var failure: String?
        if fchmod(descriptor, 0o644) != 0 { failure = "chmod: \(describe(errno: errno))" }
        outer: for chunk in chunks where failure == nil {
            var written = 0
            while written < chunk.count {
                let count = write(descriptor, chunk.baseAddress! + written, chunk.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = describe(errno: errno)
                    break outer
                }
                written += count
            }
        }
        if durable, failure == nil, fsync(descriptor) != 0 { failure = "fsync: \(describe(errno: errno))" }
        if close(descriptor) != 0, failure == nil { failure = "close: \(describe(errno: errno))" }
        if failure == nil, rename(temporaryPath, path) != 0 {
            failure = "cannot rename the temporary file over it: \(describe(errno: errno))"
        }
        if let failure {
            unlink(temporaryPath)
            throw .cannotWrite(file: path, reason: failure)
        }
        // Make the rename itself durable (best effort: some file systems refuse fsync on a folder).
        guard durable else { return }
        let folder = open(directory, O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    /// `strerror(3)` of `code`.
    static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
