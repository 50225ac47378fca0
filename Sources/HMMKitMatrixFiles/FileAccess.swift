// The module's file reads and writes: ``AtomicFile`` (HMMKitFileSystem), with its failures as
// ``MatrixFileError``s.
import HMMKitFileSystem

enum FileAccess {
    /// The first `limit` bytes of the file at `path` (all of it when `limit` is `nil`) and the
    /// file's size (``AtomicFile/read(_:limit:)``).
    static func readFile(_ path: String, limit: Int? = nil) throws(MatrixFileError) -> (bytes: [UInt8], fileSize: Int) {
        do { return try AtomicFile.read(path, limit: limit) } catch { throw MatrixFileError(error) }
    }

    /// Writes `chunks` to `path` atomically (``AtomicFile/write(_:to:durable:)``).
    static func writeAtomically(_ chunks: [UnsafeRawBufferPointer], to path: String, durable: Bool = true) throws(MatrixFileError) {
        do { try AtomicFile.write(chunks, to: path, durable: durable) } catch { throw MatrixFileError(error) }
    }
}

extension MatrixFileError {
    /// The matrix-file error of a failed whole-file read or write.
    package init(_ failure: FileAccessError) {
        switch failure {
        case let .fileNotFound(file): self = .fileNotFound(file: file)
        case let .unreadable(file, reason): self = .unreadable(file: file, reason: reason)
        case let .notRegularFile(file, kind): self = .notRegularFile(file: file, kind: kind)
        case let .cannotWrite(file, reason): self = .cannotWrite(file: file, reason: reason)
        }
    }
}
