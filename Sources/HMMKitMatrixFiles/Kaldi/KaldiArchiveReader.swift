#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitNumerics

/// Reads a Kaldi archive (`.ark`) one matrix at a time, front to back, holding only the current
/// matrix and a read buffer: the way to stream a corpus that does not fit in memory.
///
/// An archive is a sequence of entries `key` + one space + a matrix object, as Kaldi's
/// `ark:` writers and kaldiio's `save_ark` make them: binary float (`FM`) or double (`DM`)
/// matrices, compressed ones (`CM`, `CM2`, `CM3`, expanded exactly as Kaldi expands them), or
/// the text form (`key  [\n  1 2 \n  3 4 ]\n`), in any mix. Matrices come back in `Scalar`,
/// converted when stored in the other precision, as Kaldi's `Matrix<Real>::Read` does.
///
/// Binary data is copied in bulk from the file into the matrix (no per-element parsing); see
/// BENCHMARKS.md for the measured rate.
///
/// ```swift
/// let reader = try KaldiArchiveReader<Float>(url: URL(fileURLWithPath: "feats.ark"))
/// while let record = try reader.next() {
///     accumulate(record.matrix)          // [frames × dimension]
/// }
/// ```
///
/// Every damaged entry throws a ``KaldiArchiveError`` naming the file, the key and the byte
/// offset (``KaldiArchiveError/truncated(file:key:offset:endOffset:)`` for an archive cut short).
public final class KaldiArchiveReader<Scalar: MatrixScalar> {
    /// The archive's path.
    public var path: String { handle.path }
    /// The archive's size in bytes.
    public var byteCount: Int { handle.size }
    /// The byte offset where the next entry's key is looked for (how far reading has come).
    public var position: Int { handle.position }

    private let handle: KaldiFileHandle

    /// The longest key accepted: longer runs of bytes without whitespace are not a key.
    static var maximumKeyLength: Int { 65_536 }

    /// Opens the archive at `url` (a file URL) for reading from its start.
    /// - Parameters:
    ///   - url: the archive's file URL.
    ///   - bufferSize: bytes read from the file at a time (1 MiB by default, at least 64;
    ///     matrices larger than the buffer are read straight into their storage).
    /// - Throws: ``KaldiArchiveError/fileNotFound(file:)`` or ``KaldiArchiveError/unreadable(file:reason:)``.
    public init(url: URL, bufferSize: Int = 1 << 20) throws(KaldiArchiveError) {
        handle = try KaldiFileHandle(path: url.path(percentEncoded: false), bufferSize: bufferSize)
    }

    /// The next entry, or `nil` after the last one.
    /// - Throws: a ``KaldiArchiveError`` naming the key and offset of a damaged entry.
    public func next() throws(KaldiArchiveError) -> KaldiArchiveRecord<Scalar>? {
        guard let key = try Self.readKey(from: handle) else { return nil }
        let offset = handle.position
        let (matrix, encoding) = try KaldiMatrixObject.read(Scalar.self, from: handle, key: key)
        return KaldiArchiveRecord(key: key, matrix: matrix, offset: offset, encoding: encoding)
    }

    /// Every remaining entry, in order (holds them all: for large archives prefer ``next()``).
    public func readAll() throws(KaldiArchiveError) -> [KaldiArchiveRecord<Scalar>] {
        var records: [KaldiArchiveRecord<Scalar>] = []
        while let record = try next() { records.append(record) }
        return records
    }

    /// The key at the handle's position (leading whitespace skipped) and the one whitespace
    /// character after it, as Kaldi's archive reader takes them (`is >> key; is.get()`); `nil`
    /// at the end of the file.
    static func readKey(from handle: KaldiFileHandle) throws(KaldiArchiveError) -> String? {
        while let byte = try handle.peekByte(), KaldiTextMatrix.isSpace(byte) { _ = try handle.readByte() }
        let start = handle.position
        var bytes: [UInt8] = []
        while true {
            guard let byte = try handle.readByte() else {
                if bytes.isEmpty { return nil }
                throw .truncated(file: handle.path, key: String(decoding: bytes, as: UTF8.self), offset: start, endOffset: handle.size)
            }
            if KaldiTextMatrix.isSpace(byte) { break }
            if byte < 0x20 || byte == 0x7F {
                throw .malformedKey(file: handle.path, offset: start,
                                    problem: "control byte 0x\(String(byte, radix: 16, uppercase: true)) at byte \(handle.position - 1)")
            }
            bytes.append(byte)
            if bytes.count > maximumKeyLength {
                throw .malformedKey(file: handle.path, offset: start, problem: "no whitespace within \(maximumKeyLength) bytes")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Whole-archive conveniences over ``KaldiArchiveReader`` and ``KaldiArchiveWriter``.
public enum KaldiArchive {
    /// Every entry of the archive at `url`, in order, as `Scalar` matrices.
    public static func read<Scalar: MatrixScalar>(_: Scalar.Type = Scalar.self,
                                                  from url: URL) throws(KaldiArchiveError) -> [KaldiArchiveRecord<Scalar>] {
        try KaldiArchiveReader<Scalar>(url: url).readAll()
    }

    /// Writes `entries` (key, matrix) to `url` as one archive, and their index to `script` if
    /// given, atomically; see ``KaldiArchiveWriter``.
    public static func write<Scalar: MatrixScalar>(_ entries: [(key: String, matrix: Matrix<Scalar>)], to url: URL,
                                                   script: URL? = nil, encoding: KaldiWriteEncoding = .binary,
                                                   archiveNameInScript: String? = nil,
                                                   durable: Bool = true) throws(KaldiArchiveError) {
        let writer = try KaldiArchiveWriter<Scalar>(archive: url, script: script, encoding: encoding,
                                                    archiveNameInScript: archiveNameInScript, durable: durable)
        for entry in entries { try writer.write(key: entry.key, matrix: entry.matrix) }
        try writer.finish()
    }
}
