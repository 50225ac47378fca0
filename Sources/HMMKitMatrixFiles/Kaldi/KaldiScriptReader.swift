#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitNumerics

/// Reads the matrices a Kaldi script file (`.scp`) points at: by position or key (random
/// access, as Kaldi's `RandomAccessTableReader` with an `scp:` specifier) or in file order
/// (``next()``, as `SequentialTableReader`). Each read seeks to the entry's offset and reads
/// that one matrix, so memory stays at one matrix whatever the corpus size; open archives are
/// kept (up to ``maximumOpenFiles``) so that consecutive entries of one archive reuse its
/// descriptor and read buffer.
public final class KaldiScriptReader<Scalar: MatrixScalar> {
    /// The script being read.
    public let script: KaldiScript
    /// Archives kept open at once; opening another closes them all first.
    public static var maximumOpenFiles: Int { 16 }

    private var handles: [String: KaldiFileHandle] = [:]
    private var nextIndex = 0

    /// A reader over an already parsed script.
    public init(script: KaldiScript) {
        self.script = script
    }

    /// Reads the script file at `url` (see ``KaldiScript/read(from:resolution:)``).
    public convenience init(url: URL, resolution: KaldiPathResolution = .workingDirectory) throws(KaldiArchiveError) {
        self.init(script: try KaldiScript.read(from: url, resolution: resolution))
    }

    /// The number of entries.
    public var count: Int { script.entries.count }

    /// The matrix of entry `index` (`0..<count`; an index outside traps), with its range applied.
    /// - Throws: ``KaldiArchiveError/scriptArchive(script:line:key:error:)`` for an archive that
    ///   cannot be opened (missing, unreadable, not a regular file),
    ///   ``KaldiArchiveError/offsetPastEnd(file:key:offset:fileSize:)``,
    ///   ``KaldiArchiveError/rangeOutOfBounds(file:key:range:rows:columns:)``, or any error of
    ///   a damaged object, naming the archive, the key and the offset.
    public func record(at index: Int) throws(KaldiArchiveError) -> KaldiArchiveRecord<Scalar> {
        precondition(script.entries.indices.contains(index), "script entry \(index) out of 0..<\(count)")
        let entry = script.entries[index]
        let handle: KaldiFileHandle
        do { handle = try self.handle(for: entry.path) } catch {
            throw .scriptArchive(script: script.file, line: entry.line, key: entry.key, error: error)
        }
        let offset = entry.offset ?? 0
        guard offset < handle.size else {
            throw .offsetPastEnd(file: handle.path, key: entry.key, offset: offset, fileSize: handle.size)
        }
        handle.seek(to: offset)
        guard try KaldiMatrixObject.startsHere(handle) else {
            throw .noObjectAtOffset(file: handle.path, key: entry.key, offset: offset, script: script.file)
        }
        var (matrix, encoding) = try KaldiMatrixObject.read(Scalar.self, from: handle, key: entry.key)
        if entry.rowRange != nil || entry.columnRange != nil {
            matrix = try Self.select(matrix, entry: entry, file: handle.path)
        }
        return KaldiArchiveRecord(key: entry.key, matrix: matrix, offset: offset, encoding: encoding)
    }

    /// The matrix of entry `index`; see ``record(at:)``.
    public func matrix(at index: Int) throws(KaldiArchiveError) -> Matrix<Scalar> {
        try record(at: index).matrix
    }

    /// The matrix of the first entry with `key`.
    /// - Throws: ``KaldiArchiveError/keyNotFound(file:key:)`` and the errors of ``record(at:)``.
    public func matrix(forKey key: String) throws(KaldiArchiveError) -> Matrix<Scalar> {
        guard let index = script.index(ofKey: key) else { throw .keyNotFound(file: script.file, key: key) }
        return try record(at: index).matrix
    }

    /// The entry of the record ``next()`` returned last (its archive, key and line), nil before
    /// the first.
    public var lastEntry: KaldiScriptEntry? { nextIndex > 0 ? script.entries[nextIndex - 1] : nil }

    /// The next entry in file order, or `nil` after the last.
    public func next() throws(KaldiArchiveError) -> KaldiArchiveRecord<Scalar>? {
        guard nextIndex < count else { return nil }
        defer { nextIndex += 1 }
        return try record(at: nextIndex)
    }

    private func handle(for path: String) throws(KaldiArchiveError) -> KaldiFileHandle {
        if let handle = handles[path] { return handle }
        if handles.count >= Self.maximumOpenFiles { handles.removeAll() }
        let handle = try KaldiFileHandle(path: path, bufferSize: 1 << 18)
        handles[path] = handle
        return handle
    }

    /// Kaldi's `ExtractObjectRange` for a matrix: the inclusive row and column ranges, which
    /// must lie inside it.
    static func select(_ matrix: Matrix<Scalar>, entry: KaldiScriptEntry, file: String) throws(KaldiArchiveError) -> Matrix<Scalar> {
        let rows = entry.rowRange ?? 0...(matrix.rowCount - 1)
        let columns = entry.columnRange ?? 0...(matrix.columnCount - 1)
        guard matrix.rowCount > 0, matrix.columnCount > 0,
              rows.upperBound < matrix.rowCount, columns.upperBound < matrix.columnCount else {
            let range = entry.location[entry.location.index(after: entry.location.lastIndex(of: "[")!)...].dropLast()
            throw .rangeOutOfBounds(file: file, key: entry.key, range: String(range),
                                    rows: matrix.rowCount, columns: matrix.columnCount)
        }
        var elements: [Scalar] = []
        elements.reserveCapacity(rows.count * columns.count)
        for row in rows {
            let start = row * matrix.columnCount
            elements += matrix.elements[(start + columns.lowerBound)...(start + columns.upperBound)]
        }
        return Matrix(rowCount: rows.count, columnCount: columns.count, elements: elements)
    }
}
