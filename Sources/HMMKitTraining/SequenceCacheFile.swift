import Foundation
import HMMKitNumerics

/// Labelled sequences kept on disk between passes, as Kaldi keeps `feats.ark`: a streamed
/// training pass whose features are costly to compute (decoding, resampling, MFCCs) writes them
/// once and every later pass reads them back, bit for bit.
///
/// Layout, native byte order, one record after another: the index, the name's and the label's
/// UTF-8 byte counts (the label's −1 for none), the row and column counts (five `Int64`), the
/// name's and the label's bytes, then the frames' `Double`s row by row. The file is written under
/// a temporary name and renamed when complete, so a file under its own name is whole.
public enum SequenceCacheFile {
    /// Writes records to `url` as they come (buffered); ``finish()`` makes the file appear.
    public final class Writer {
        private let url: URL
        private let partial: URL
        private let handle: FileHandle
        private var buffer: [UInt8] = []

        /// Starts the file at `url` (written at `url.partial` until finished).
        /// - Throws: ``TrainingError/file(path:problem:)`` when it cannot be created.
        public init(_ url: URL) throws(TrainingError) {
            self.url = url
            partial = URL(fileURLWithPath: url.path + ".partial")
            guard FileManager.default.createFile(atPath: partial.path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: partial.path) else {
                throw .file(path: partial.path, problem: "cannot create the feature cache")
            }
            self.handle = handle
            buffer.reserveCapacity(Self.flushBytes)
        }

        deinit { try? handle.close() }

        private static let flushBytes = 1 << 22

        /// Appends `record`.
        public func append(_ record: SequenceRecord<Double>) throws(TrainingError) {
            let name = Array(record.name.utf8), label = record.label.map { Array($0.utf8) }
            for value in [record.index, name.count, label?.count ?? -1, record.frames.rowCount, record.frames.columnCount] {
                withUnsafeBytes(of: Int64(value)) { buffer.append(contentsOf: $0) }
            }
            buffer += name
            buffer += label ?? []
            record.frames.withUnsafeElements { buffer.append(contentsOf: UnsafeRawBufferPointer($0)) }
            if buffer.count >= Self.flushBytes { try flush() }
        }

        /// Writes what is buffered and renames the file to its own name.
        public func finish() throws(TrainingError) {
            try flush()
            do {
                try handle.close()
                _ = try? FileManager.default.removeItem(at: url)
                try FileManager.default.moveItem(at: partial, to: url)
            } catch { throw .file(path: url.path, problem: "cannot complete the feature cache: \(error)") }
        }

        private func flush() throws(TrainingError) {
            do { try handle.write(contentsOf: buffer) } catch {
                throw .file(path: partial.path, problem: "cannot write the feature cache: \(error)")
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Calls `body` with every record of the file at `url`, in order.
    /// - Throws: ``TrainingError/file(path:problem:)`` for a file that cannot be read or is not
    ///   whole; what `body` throws.
    public static func forEachRecord(at url: URL, _ body: (SequenceRecord<Double>) throws -> Void) throws {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw TrainingError.file(path: url.path, problem: "cannot read the feature cache: \(error)")
        }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws in
            var offset = 0
            func damaged(_ what: String) -> TrainingError {
                .file(path: url.path, problem: "damaged feature cache at byte \(offset): \(what); delete it")
            }
            while offset < bytes.count {
                guard bytes.count - offset >= 40 else { throw damaged("a record header is cut short") }
                let header = (0..<5).map { Int(bytes.loadUnaligned(fromByteOffset: offset + 8 * $0, as: Int64.self)) }
                let (index, nameCount, labelCount, rows, columns) = (header[0], header[1], header[2], header[3], header[4])
                guard index >= 0, nameCount >= 0, labelCount >= -1, rows >= 0, columns >= 0,
                      rows.multipliedReportingOverflow(by: columns).partialValue <= (bytes.count - offset) / 8 else {
                    throw damaged("impossible record header \(header)")
                }
                let start = offset + 40, frameStart = start + nameCount + max(labelCount, 0), end = frameStart + 8 * rows * columns
                guard end <= bytes.count else { throw damaged("a record is cut short") }
                let name = String(decoding: bytes[start..<start + nameCount], as: UTF8.self)
                let label = labelCount < 0 ? nil : String(decoding: bytes[start + nameCount..<frameStart], as: UTF8.self)
                let elements = [Double](unsafeUninitializedCapacity: rows * columns) { values, count in
                    UnsafeMutableRawBufferPointer(values).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[frameStart..<end]))
                    count = rows * columns
                }
                offset = end
                try body(SequenceRecord(index: index, name: name,
                                        frames: Matrix(rowCount: rows, columnCount: columns, elements: elements), label: label))
            }
        }
    }
}
