// The POSIX calls of the module: reading a whole file with errors that say why it could not be
// read, and atomic writes (through HMMKitFileSystem).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HMMKitFileSystem

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

    /// Writes `chunks` to `path` atomically (``FileSystem/writeAtomically(_:to:durable:)``); with
    /// `durable: false` the `fsync`s are skipped (for bulk outputs that can be recomputed).
    static func writeAtomically(_ chunks: [UnsafeRawBufferPointer], to path: String, durable: Bool = true) throws(MatrixFileError) {
        if let reason = FileSystem.writeAtomically(chunks, to: path, durable: durable) {
            throw .cannotWrite(file: path, reason: reason)
        }
    }

    /// `strerror(3)` of `code`.
    static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
