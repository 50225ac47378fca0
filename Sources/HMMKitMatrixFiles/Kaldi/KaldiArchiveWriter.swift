#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitFileSystem
import HMMKitNumerics

/// How ``KaldiArchiveWriter`` stores matrices.
public enum KaldiWriteEncoding: String, Sendable, CaseIterable {
    /// Kaldi's binary form: `FM` for `Matrix<Float>`, `DM` for `Matrix<Double>` (Kaldi's default, `ark:`).
    case binary
    /// Kaldi's text form (`ark,t:`), with numbers that read back exactly.
    case text
}

/// Writes a Kaldi archive one matrix at a time, and optionally its script (`.scp`) index, as
/// Kaldi's `ark,scp:feats.ark,feats.scp` write specifier does: each script line is
/// `key <archive name>:<offset>`, the offset being that of the matrix object (the `\0B` marker
/// of a binary matrix), so Kaldi, kaldiio and lhotse can read either file.
///
/// Atomic: the archive is written to a temporary file beside it and renamed over the destination
/// only by ``finish()``, then the script is written the same way. A writer that fails, or is
/// dropped without ``finish()``, removes its temporary file and leaves both destinations as
/// they were: no reader ever sees half an archive. (The two renames are two steps: a crash
/// between them leaves the new archive beside the old script.)
///
/// Memory stays at one matrix and a 1 MiB buffer whatever the archive's size.
///
/// An empty matrix (no rows or no columns) is written as Kaldi writes one, `0 × 0`.
public final class KaldiArchiveWriter<Scalar: MatrixScalar> {
    /// The archive's path.
    public let archivePath: String
    /// The script file's path, if one is written.
    public let scriptPath: String?
    /// How matrices are stored.
    public let encoding: KaldiWriteEncoding

    private let nameInScript: String
    private let durable: Bool
    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    /// Bytes of the archive so far (written and buffered): the offset of the next byte.
    private var byteCount = 0
    private var script: [UInt8] = []
    private var keys: Set<String> = []
    private var failure: String?
    private var finished = false
    private var temporaryExists = true

    private static var bufferLimit: Int { 1 << 20 }

    /// Starts an archive at `archive`, with a script file at `script` if given.
    /// - Parameters:
    ///   - archiveNameInScript: how script lines name the archive (default: the archive URL's
    ///     path). Kaldi writes the name exactly as given in the write specifier, so relative names
    ///     are read relative to the working directory of the reader.
    ///   - durable: also `fsync` the files and folder so that they survive a power cut (bulk
    ///     outputs that can be recomputed, such as `hmmkit features`, skip it).
    /// - Throws: ``KaldiArchiveError/cannotWrite(file:reason:)`` when the folder is missing or not writable.
    public init(archive: URL, script: URL? = nil, encoding: KaldiWriteEncoding = .binary,
                archiveNameInScript: String? = nil, durable: Bool = true) throws(KaldiArchiveError) {
        archivePath = archive.path(percentEncoded: false)
        scriptPath = script?.path(percentEncoded: false)
        self.encoding = encoding
        self.durable = durable
        nameInScript = archiveNameInScript ?? archivePath
        switch FileSystem.makeTemporaryFile(beside: archivePath) {
        case .success(let created):
            temporaryPath = created.path
            descriptor = created.descriptor
        case .failure(let failure):
            throw .cannotWrite(file: archivePath, reason: failure.message)
        }
        buffer.reserveCapacity(Self.bufferLimit + 64)
    }

    deinit {
        abandon()
    }

    /// Appends `matrix` under `key`.
    /// - Throws: ``KaldiArchiveError/invalidKey(file:key:)`` or ``KaldiArchiveError/duplicateKey(file:key:)``
    ///   (nothing is written, the writer stays usable), or ``KaldiArchiveError/cannotWrite(file:reason:)``
    ///   (the temporary file is removed and the writer is spent).
    public func write(key: String, matrix: Matrix<Scalar>) throws(KaldiArchiveError) {
        precondition(!finished, "KaldiArchiveWriter.write called after finish()")
        if let failure { throw .cannotWrite(file: archivePath, reason: "an earlier write failed: \(failure)") }
        guard Self.isValidKey(key) else { throw .invalidKey(file: archivePath, key: key) }
        guard keys.insert(key).inserted else { throw .duplicateKey(file: archivePath, key: key) }
        append(Array(key.utf8) + [0x20])
        let offset = byteCount
        switch encoding {
        case .text:
            append(KaldiTextMatrix.encode(matrix))
        case .binary:
            precondition(matrix.rowCount <= Int(Int32.max) && matrix.columnCount <= Int(Int32.max),
                         "a Kaldi archive stores dimensions as int32 (got \(matrix.rowCount) × \(matrix.columnCount))")
            let empty = matrix.rowCount == 0 || matrix.columnCount == 0
            let rows = empty ? 0 : matrix.rowCount, columns = empty ? 0 : matrix.columnCount
            var header: [UInt8] = [0, UInt8(ascii: "B")] + Array((Scalar.precision == .single ? "FM " : "DM ").utf8)
            for value in [rows, columns] {
                header.append(4)
                withUnsafeBytes(of: Int32(value).littleEndian) { header += $0 }
            }
            append(header)
            if !empty { appendElements(of: matrix) }
        }
        script += Array("\(key) \(nameInScript):\(offset)\n".utf8)
        if buffer.count >= Self.bufferLimit { flush() }
        if let failure {
            abandon()
            throw .cannotWrite(file: archivePath, reason: failure)
        }
    }

    /// Writes what is buffered, makes the archive (then the script) appear at its destination.
    /// - Throws: ``KaldiArchiveError/cannotWrite(file:reason:)``; the destinations are then unchanged
    ///   (unless the archive was renamed and only the script failed, which the error names).
    public func finish() throws(KaldiArchiveError) {
        precondition(!finished, "KaldiArchiveWriter.finish called twice")
        if let failure { throw .cannotWrite(file: archivePath, reason: "an earlier write failed: \(failure)") }
        flush()
        finished = true
        if let failure {
            abandon()
            throw .cannotWrite(file: archivePath, reason: failure)
        }
        let temporary = (path: temporaryPath, descriptor: descriptor)
        descriptor = -1
        temporaryExists = false
        if let reason = FileSystem.commitTemporaryFile(temporary, to: archivePath, durable: durable) {
            throw .cannotWrite(file: archivePath, reason: reason)
        }
        if let scriptPath {
            let reason = script.withUnsafeBytes { FileSystem.writeAtomically([$0], to: scriptPath, durable: durable) }
            if let reason { throw .cannotWrite(file: scriptPath, reason: reason) }
        }
    }

    /// Kaldi's `IsToken`: non-empty, no ASCII whitespace or control characters.
    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    private func append(_ bytes: [UInt8]) {
        buffer += bytes
        byteCount += bytes.count
    }

    /// The elements little-endian, through the buffer when small, straight from storage when large.
    private func appendElements(of matrix: Matrix<Scalar>) {
        let size = matrix.rowCount * matrix.columnCount * MemoryLayout<Scalar>.size
        #if _endian(little)
        matrix.withUnsafeElements { elements in
            let raw = UnsafeRawBufferPointer(elements)
            if size < Self.bufferLimit / 4 {
                buffer.append(contentsOf: raw)
            } else {
                flush()
                writeAll(raw)
            }
        }
        #else
        for value in matrix.elements { withUnsafeBytes(of: value) { buffer += $0.reversed() } }
        #endif
        byteCount += size
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `bytes` to the temporary file; records the first failure.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        failure = FileSystem.writeAll(bytes, to: descriptor)
    }

    /// Closes and removes the temporary file (once).
    private func abandon() {
        if descriptor >= 0 { FileSystem.closeIgnoringErrors(descriptor) }
        descriptor = -1
        if temporaryExists { FileSystem.remove(temporaryPath) }
        temporaryExists = false
    }
}
