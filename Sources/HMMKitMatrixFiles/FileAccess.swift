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
    /// file's size, or the error that names why it could not be read. Named pipes, sockets,
    /// devices and folders are refused before they are opened (``FileSystem/openForReading(_:)``).
    static func readFile(_ path: String, limit: Int? = nil) throws(MatrixFileError) -> (bytes: [UInt8], fileSize: Int) {
        switch FileSystem.readFile(path, limit: limit) {
        case .success(let read): return read
        case .failure(.missing): throw .fileNotFound(file: path)
        case .failure(.notRegularFile(let kind)): throw .notRegularFile(file: path, kind: kind)
        case .failure(.unreadable(let reason)): throw .unreadable(file: path, reason: reason)
        }
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
