#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why a whole file could not be read or written; each case names the file.
public enum FileAccessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing exists at the path.
    case fileNotFound(file: String)
    /// The path exists but cannot be read (no permission, an I/O error); `reason` is the system's.
    case unreadable(file: String, reason: String)
    /// The path names a named pipe, socket, device or folder; `kind` says which ("a named pipe").
    case notRegularFile(file: String, kind: String)
    /// Writing failed (the folder is missing or not writable, the disk is full); the destination
    /// is left as it was.
    case cannotWrite(file: String, reason: String)

    /// What went wrong, without the file name: the system's reason, or the kind of file found.
    package var reason: String {
        switch self {
        case .fileNotFound: return "no such file"
        case let .unreadable(_, reason), let .cannotWrite(_, reason): return reason
        case let .notRegularFile(_, kind): return "\(kind), not a regular file"
        }
    }

    /// The file the error is about.
    public var file: String {
        switch self {
        case let .fileNotFound(file), let .unreadable(file, _), let .notRegularFile(file, _), let .cannotWrite(file, _):
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
        }
    }
}

/// The wording of the file-system failures that every HMMKit file error shares
/// (``FileAccessError``, and the matrix-file and Kaldi-archive errors built on it).
package enum FileProblemText {
    package static func notFound(_ file: String) -> String { "\(file): no such file; check the path" }

    package static func unreadable(_ file: String, _ reason: String) -> String {
        "\(file): cannot be read (\(reason)); check that it is a regular file you may read"
    }

    package static func notRegularFile(_ file: String, _ kind: String) -> String {
        "\(file): \(kind), not a regular file; HMMKit reads only regular files (copy the data into one first)"
    }

    package static func cannotWrite(_ file: String, _ reason: String) -> String {
        "\(file): cannot write (\(reason)); the file was left as it was"
    }
}

/// Whole-file reads and atomic writes, the one writer for every file HMMKit makes (models,
/// statistics, checkpoints, `.npy` matrices, SVG plots): a write goes to a temporary file in the
/// destination's folder, is `fsync`ed and renamed over the destination
/// (``FileSystem/writeAtomically(_:to:durable:)``), so readers see the old file or the new one,
/// never half of one. Reads refuse named pipes, devices and folders before opening them
/// (``FileSystem/readFile(_:limit:)``).
package enum AtomicFile {
    /// Writes `chunks`, one after the other, to `path` atomically. With `durable` (the default)
    /// the file and its folder are `fsync`ed, so the write survives a power cut; bulk outputs that
    /// can be recomputed skip that.
    /// - Throws: ``FileAccessError/cannotWrite(file:reason:)``; the destination is then unchanged.
    package static func write(_ chunks: [UnsafeRawBufferPointer], to path: String, durable: Bool = true) throws(FileAccessError) {
        if let reason = FileSystem.writeAtomically(chunks, to: path, durable: durable) {
            throw .cannotWrite(file: path, reason: reason)
        }
    }

    /// Writes `bytes` to `path` atomically and durably.
    /// - Throws: ``FileAccessError/cannotWrite(file:reason:)``; the destination is then unchanged.
    package static func write(_ bytes: [UInt8], to path: String) throws(FileAccessError) {
        let reason = bytes.withUnsafeBytes { FileSystem.writeAtomically([$0], to: path) }
        if let reason { throw .cannotWrite(file: path, reason: reason) }
    }

    /// Writes `bytes` to the file URL `url` atomically and durably.
    /// - Throws: ``FileAccessError/cannotWrite(file:reason:)``; the destination is then unchanged.
    package static func write(_ bytes: [UInt8], to url: URL) throws(FileAccessError) {
        try write(bytes, to: url.path(percentEncoded: false))
    }

    /// The first `limit` bytes of the regular file at `path` (all of it when `limit` is `nil`)
    /// and the file's size.
    /// - Throws: ``FileAccessError/fileNotFound(file:)``, ``FileAccessError/notRegularFile(file:kind:)``
    ///   or ``FileAccessError/unreadable(file:reason:)``.
    package static func read(_ path: String, limit: Int? = nil) throws(FileAccessError) -> (bytes: [UInt8], fileSize: Int) {
        switch FileSystem.readFile(path, limit: limit) {
        case .success(let read): return read
        case .failure(.missing): throw .fileNotFound(file: path)
        case .failure(.notRegularFile(let kind)): throw .notRegularFile(file: path, kind: kind)
        case .failure(.unreadable(let reason)): throw .unreadable(file: path, reason: reason)
        }
    }

    /// The whole file at the file URL `url`.
    /// - Throws: as ``read(_:limit:)``.
    package static func read(_ url: URL) throws(FileAccessError) -> [UInt8] {
        try read(url.path(percentEncoded: false)).bytes
    }
}
