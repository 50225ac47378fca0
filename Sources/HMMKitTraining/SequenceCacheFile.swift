import Foundation
import HMMKitFileSystem
import HMMKitNumerics

/// Labelled sequences kept on disk between the passes of one training run, as Kaldi keeps
/// `feats.ark`: a streamed pass whose features are costly to compute (decoding, resampling,
/// MFCCs) writes them once and every later pass reads them back, bit for bit.
///
/// The file has no name (made in its folder and unlinked at once): its space is freed when the
/// cache is released or ``discard()``ed, and by the kernel when the process ends in any way, so a
/// killed run leaves nothing behind. Reading goes through a buffer of ``Reader/blockBytes``, so
/// memory holds a block and a record, whatever the file's size.
///
/// Layout, native byte order, one record after another: the index, the name's and the label's
/// UTF-8 byte counts (the label's −1 for none), the row and column counts (five `Int64`), the
/// name's and the label's bytes, then the frames' `Double`s row by row. A record's size depends
/// on its name, label and shape only, so caches of the same sequences computed differently (at
/// other VTLN warps, say) hold each record at the same offset.
public final class SequenceCacheFile: @unchecked Sendable {
    // Written by one thread at a time, read once complete (the callers' contract).
    private let file: ScratchFile
    private var buffer: [UInt8] = []
    /// Whether every record is written (``finish()``); a cache left unfinished is written again.
    public private(set) var isComplete = false

    private static let flushBytes = 1 << 20

    /// An empty cache in `folder`.
    /// - Throws: ``TrainingError/file(path:problem:)`` with a ``/HMMKitFileSystem/FileProblem/access(_:)``
    ///   problem naming the folder when no file can be made there.
    public init(folder: URL) throws(TrainingError) {
        let path = folder.path(percentEncoded: false)
        do { file = try ScratchFile(in: path) } catch {
            throw .file(path: path, problem: .access(.cannotWrite(file: path, reason: "no feature cache can be made: \(error.message)")))
        }
    }

    /// Bytes written (with what is still buffered).
    public var byteCount: Int { file.byteCount + buffer.count }

    /// Whether the cache was discarded (it can no longer be used).
    public private(set) var isDiscarded = false

    /// Frees the file's space; the cache cannot be used afterwards.
    public func discard() {
        file.discard()
        buffer = []
        isComplete = false
        isDiscarded = true
    }

    /// `write(self)`; when that throws (a full disk, say), the cache discarded instead: a cache
    /// only saves work, so its user goes on without it. Whether the cache is still in use.
    @discardableResult
    public func writing(_ write: (SequenceCacheFile) throws -> Void) -> Bool {
        guard !isDiscarded else { return false }
        do { try write(self) } catch {
            discard()
            return false
        }
        return true
    }

    /// Forgets every record, to be written again.
    public func restart() throws(TrainingError) {
        buffer.removeAll(keepingCapacity: true)
        isComplete = false
        if let failure = file.truncate() { throw failed(.cannotWrite(file: file.folder, reason: "emptying \(Self.unnamed): \(failure)")) }
    }

    /// Appends `record` (buffered).
    public func append(_ record: SequenceRecord<Double>) throws(TrainingError) {
        precondition(!isComplete, "SequenceCacheFile: appended to after finish()")
        let name = Array(record.name.utf8), label = record.label.map { Array($0.utf8) }
        if buffer.capacity < Self.flushBytes { buffer.reserveCapacity(Self.flushBytes) }
        for value in [record.index, name.count, label?.count ?? -1, record.frames.rowCount, record.frames.columnCount] {
            withUnsafeBytes(of: Int64(value)) { buffer.append(contentsOf: $0) }
        }
        buffer += name
        buffer += label ?? []
        record.frames.withUnsafeElements { buffer.append(contentsOf: UnsafeRawBufferPointer($0)) }
        if buffer.count >= Self.flushBytes { try flush() }
    }

    /// Writes what is buffered; the records can be read from now on.
    public func finish() throws(TrainingError) {
        try flush()
        isComplete = true
    }

    private func flush() throws(TrainingError) {
        if let failure = buffer.withUnsafeBytes({ file.append($0) }) {
            throw failed(.cannotWrite(file: file.folder, reason: "\(Self.unnamed): \(failure)"))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The cache's contents cannot be used: `problem`, naming the cache's folder.
    package func failed(_ problem: String) -> TrainingError {
        .file(path: file.folder, problem: .content(problem + " (an unnamed file in this folder)"))
    }

    /// The cache's file could not be read or written.
    private func failed(_ access: FileAccessError) -> TrainingError {
        .file(path: file.folder, problem: .access(access))
    }

    /// How messages name the cache's file, which has no name.
    private static let unnamed = "the feature cache, an unnamed file in this folder"

    /// Calls `body` with every record, in order.
    /// - Throws: ``TrainingError/file(path:problem:)`` when the file cannot be read or is not
    ///   whole; what `body` throws.
    public func forEachRecord(_ body: (SequenceRecord<Double>) throws -> Void) throws {
        var reader = Reader(self)
        while let record = try reader.next() { try body(record) }
    }

    /// Calls `body` with every record of `choices[0]`, its frames taken from
    /// `choices[choose(record.index)]` (caches of the same sequences, each record at the same
    /// offset in all of them: ``SequenceCacheFile``'s layout).
    /// - Throws: ``TrainingError/file(path:problem:)`` when a file cannot be read or the caches
    ///   do not hold the same sequences; what `body` throws.
    public static func forEachRecord(choosingAmong choices: [SequenceCacheFile], _ choose: (Int) -> Int,
                                     _ body: (SequenceRecord<Double>) throws -> Void) throws {
        var reader = Reader(choices[0])
        while let first = try reader.next() {
            let k = choose(first.index)
            guard k != 0 else {
                try body(first)
                continue
            }
            var chosen = Reader(choices[k], from: reader.recordOffset, blockBytes: reader.recordSize)
            guard let record = try chosen.next(), record.index == first.index, record.name == first.name, record.label == first.label,
                  record.frames.rowCount == first.frames.rowCount, record.frames.columnCount == first.frames.columnCount else {
                throw choices[k].failed("the feature caches of one pass do not hold the same sequences at byte \(reader.recordOffset)")
            }
            try body(record)
        }
    }

    /// Reads a cache's records in order, a block at a time.
    public struct Reader {
        private let cache: SequenceCacheFile
        private var block: [UInt8]
        /// File offset of `block[0]`; valid bytes `start..<end` of `block`.
        private var blockOffset: Int
        private var start = 0, end = 0
        /// Where the last record read starts in the file, and its size in bytes.
        public private(set) var recordOffset = 0, recordSize = 0

        /// The default block: large enough that reading costs one system call per few hundred records.
        public static let blockBytes = 1 << 20

        /// A reader of `cache`'s records from the one at byte `offset` (a record's start), through
        /// a block of `blockBytes` (grown for a larger record).
        public init(_ cache: SequenceCacheFile, from offset: Int = 0, blockBytes: Int = Self.blockBytes) {
            precondition(cache.isComplete, "SequenceCacheFile: read before finish()")
            self.cache = cache
            block = [UInt8](repeating: 0, count: max(blockBytes, 40))
            blockOffset = offset
        }

        private struct Header {
            var index: Int, name: String, label: String?, rows: Int, columns: Int
        }

        private func damaged(_ what: String) -> TrainingError {
            cache.failed("damaged feature cache at byte \(blockOffset + start): \(what)")
        }

        /// Makes `count` bytes from `start` valid (fewer only at the end of the file); the number valid.
        private mutating func fill(_ count: Int) throws(TrainingError) -> Int {
            if end - start >= count { return count }
            if start > 0 {
                block.withUnsafeMutableBytes { bytes in
                    bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + start, byteCount: end - start)
                }
                blockOffset += start
                end -= start
                start = 0
            }
            if block.count < count { block += [UInt8](repeating: 0, count: count - block.count) }
            let wanted = block.count - end, offset = blockOffset + end
            let result = block.withUnsafeMutableBytes { bytes in
                cache.file.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[end..<end + wanted]), at: offset)
            }
            switch result {
            case .success(let read): end += read
            case .failure(let failure): throw cache.failed(.unreadable(file: cache.file.folder, reason: "\(SequenceCacheFile.unnamed): \(failure.reason)"))
            }
            return min(end - start, count)
        }

        /// The next record's header (its frames are read next), its offset in the file and its
        /// size in bytes; nil at the end of the file.
        private mutating func nextHeader() throws(TrainingError) -> (Header, offset: Int, size: Int)? {
            let available = try fill(40)
            if available == 0 { return nil }
            guard available == 40 else { throw damaged("a record header is cut short") }
            let offset = blockOffset + start
            let values = block.withUnsafeBytes { bytes in
                (0..<5).map { Int(bytes.loadUnaligned(fromByteOffset: start + 8 * $0, as: Int64.self)) }
            }
            let (index, nameCount, labelCount, rows, columns) = (values[0], values[1], values[2], values[3], values[4])
            let (elements, overflow) = rows.multipliedReportingOverflow(by: columns)
            guard index >= 0, nameCount >= 0, labelCount >= -1, rows >= 0, columns >= 0, !overflow,
                  elements <= (cache.byteCount - offset) / 8 else {
                throw damaged("impossible record header \(values)")
            }
            let textCount = nameCount + max(labelCount, 0), size = 40 + textCount + 8 * elements
            guard offset + size <= cache.byteCount else { throw damaged("a record is cut short") }
            guard try fill(40 + textCount) == 40 + textCount else { throw damaged("a record is cut short") }
            let text = start + 40
            let name = String(decoding: block[text..<text + nameCount], as: UTF8.self)
            let label = labelCount < 0 ? nil : String(decoding: block[text + nameCount..<text + textCount], as: UTF8.self)
            start += 40 + textCount
            return (Header(index: index, name: name, label: label, rows: rows, columns: columns), offset, size)
        }

        /// The next record; nil at the end of the file.
        /// - Throws: ``TrainingError/file(path:problem:)`` when the file cannot be read or is not whole.
        public mutating func next() throws(TrainingError) -> SequenceRecord<Double>? {
            guard let (header, offset, size) = try nextHeader() else { return nil }
            (recordOffset, recordSize) = (offset, size)
            let count = header.rows * header.columns
            guard try fill(8 * count) == 8 * count else { throw damaged("a record is cut short") }
            let elements = [Double](unsafeUninitializedCapacity: count) { values, initialised in
                block.withUnsafeBytes { bytes in
                    UnsafeMutableRawBufferPointer(values).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<start + 8 * count]))
                }
                initialised = count
            }
            start += 8 * count
            return SequenceRecord(index: header.index, name: header.name,
                                  frames: Matrix(rowCount: header.rows, columnCount: header.columns, elements: elements), label: header.label)
        }
    }
}
