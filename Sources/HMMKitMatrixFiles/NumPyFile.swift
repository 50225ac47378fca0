#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitNumerics

/// NumPy `.npy` files to and from ``/HMMKitNumerics/Matrix``: the exchange format with numpy, librosa,
/// python_speech_features and the reference scripts.
///
/// - Writing produces format version 1.0, `'<f4'` for `Matrix<Float>` and `'<f8'` for
///   `Matrix<Double>`, C order, shape `(rows, columns)` (for features: `(frames, dimensions)`),
///   byte for byte what `numpy.save` (numpy 2.x) writes for the same array, and atomically: a
///   temporary file in the same folder is flushed and renamed over the destination, so no reader
///   ever sees half a file.
/// - Reading accepts versions 1.0, 2.0 and 3.0, `'<f4'` and `'<f8'`, 2-D arrays and 1-D arrays
///   (read as one column, `[n × 1]`), and converts between float32 and float64 only when asked
///   (`convertingPrecision: true`). Fortran order, big-endian data, other element types, other
///   ranks, truncated or over-long data and a bad magic string each throw a ``MatrixFileError``
///   naming the file.
public enum NumPyFile {
    /// The header of the `.npy` file at `url` (checked as ``read(_:from:convertingPrecision:)``
    /// checks it, including the data length), reading only the start of the file.
    public static func header(of url: URL) throws(MatrixFileError) -> NumPyHeader {
        let path = try filePath(url)
        // A version 1.0 header is at most 10 + 65535 bytes; longer (2.0) headers are read whole.
        let (start, fileSize) = try FileAccess.readFile(path, limit: 65_546)
        do {
            return try NumPyHeader.decode(start, fileSize: fileSize, file: path)
        } catch .truncatedHeader where start.count < fileSize {
            let (all, size) = try FileAccess.readFile(path)
            return try NumPyHeader.decode(all, fileSize: size, file: path)
        }
    }

    /// Reads the `.npy` file at `url` as a `[rows × columns]` matrix of `Scalar`.
    ///
    /// - Parameters:
    ///   - type: `Float.self` or `Double.self`.
    ///   - url: a file URL.
    ///   - convertingPrecision: when the file holds the other precision, convert (float64 to
    ///     float32 rounds to nearest) instead of throwing ``MatrixFileError/precisionMismatch(file:stored:requested:)``.
    public static func read<Scalar: MatrixScalar>(_ type: Scalar.Type = Scalar.self, from url: URL,
                                                  convertingPrecision: Bool = false) throws(MatrixFileError) -> Matrix<Scalar> {
        let path = try filePath(url)
        let (bytes, _) = try FileAccess.readFile(path)
        return try decode(type, from: bytes, convertingPrecision: convertingPrecision, source: path)
    }

    /// Writes `matrix` to `url` as a version 1.0 `.npy` file (`'<f4'` or `'<f8'`, C order, shape
    /// `(rowCount, columnCount)`), atomically; the bytes are those of ``encode(_:)``.
    ///
    /// `durable` (default true) also `fsync`s the file and its folder, so the write survives a
    /// power cut; bulk outputs that can be recomputed (`hmmkit features`) skip that.
    ///
    /// - Throws: ``MatrixFileError/cannotWrite(file:reason:)`` when the folder is missing or not
    ///   writable or the disk is full; the destination is then unchanged.
    public static func write<Scalar: MatrixScalar>(_ matrix: Matrix<Scalar>, to url: URL, durable: Bool = true) throws(MatrixFileError) {
        let path = try filePath(url, writing: true)
        let header = NumPyHeader.encode(rows: matrix.rowCount, columns: matrix.columnCount, precision: Scalar.precision)
        #if _endian(little)
        // The elements are already the file's bytes: hand the storage over without a copy.
        // (`withUnsafe…` rethrow untyped errors, so the failure is carried out as a value.)
        let outcome: Result<Void, MatrixFileError> = header.withUnsafeBytes { headerBytes in
            matrix.withUnsafeElements { elements in
                Result { () throws(MatrixFileError) in
                    try FileAccess.writeAtomically([headerBytes, UnsafeRawBufferPointer(elements)], to: path, durable: durable)
                }
            }
        }
        #else
        let bytes = encode(matrix)
        let outcome: Result<Void, MatrixFileError> = bytes.withUnsafeBytes { all in
            Result { () throws(MatrixFileError) in try FileAccess.writeAtomically([all], to: path, durable: durable) }
        }
        #endif
        try outcome.get()
    }

    /// The bytes of the `.npy` file ``write(_:to:durable:)`` writes for `matrix`: the 1.0 header padded
    /// to 64 bytes, then the elements row after row, little-endian.
    public static func encode<Scalar: MatrixScalar>(_ matrix: Matrix<Scalar>) -> [UInt8] {
        var bytes = NumPyHeader.encode(rows: matrix.rowCount, columns: matrix.columnCount, precision: Scalar.precision)
        let headerCount = bytes.count
        matrix.withUnsafeElements { elements in bytes += UnsafeRawBufferPointer(elements) }
        #if _endian(big)
        swapElementBytes(&bytes, from: headerCount, elementSize: MemoryLayout<Scalar>.size)
        #else
        _ = headerCount
        #endif
        return bytes
    }

    /// Decodes the bytes of a whole `.npy` file as a `[rows × columns]` matrix of `Scalar`;
    /// `source` names the bytes in errors. See ``read(_:from:convertingPrecision:)``.
    public static func decode<Scalar: MatrixScalar>(_ type: Scalar.Type = Scalar.self, from bytes: [UInt8],
                                                    convertingPrecision: Bool = false,
                                                    source: String = "<memory>") throws(MatrixFileError) -> Matrix<Scalar> {
        let header = try NumPyHeader.decode(bytes, fileSize: bytes.count, file: source)
        if header.precision != Scalar.precision && !convertingPrecision {
            throw .precisionMismatch(file: source, stored: header.precision, requested: Scalar.precision)
        }
        let count = header.rowCount * header.columnCount
        let elements: [Scalar]
        switch header.precision {
        case Scalar.precision: elements = loadElements(Scalar.self, from: bytes, offset: header.dataOffset, count: count)
        case .single: elements = loadElements(Float.self, from: bytes, offset: header.dataOffset, count: count).map { Scalar($0) }
        case .double: elements = loadElements(Double.self, from: bytes, offset: header.dataOffset, count: count).map { Scalar($0) }
        }
        return Matrix(rowCount: header.rowCount, columnCount: header.columnCount, elements: elements)
    }

    /// `count` little-endian elements of `T` starting at byte `offset` (one copy).
    private static func loadElements<T: MatrixScalar>(_: T.Type, from bytes: [UInt8], offset: Int, count: Int) -> [T] {
        let size = MemoryLayout<T>.size
        precondition(offset + count * size <= bytes.count, "NPY data shorter than its checked length")
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableRawBufferPointer(buffer)
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count * size)]))
            }
            #if _endian(big)
            for index in 0..<count {
                UnsafeMutableRawBufferPointer(rebasing: target[index * size..<(index + 1) * size]).reverse()
            }
            #endif
            initialized = count
        }
    }

    #if _endian(big)
    private static func swapElementBytes(_ bytes: inout [UInt8], from start: Int, elementSize: Int) {
        var index = start
        while index < bytes.count {
            bytes[index..<(index + elementSize)].reverse()
            index += elementSize
        }
    }
    #endif

    /// The path of a file URL, or the error for any other URL.
    private static func filePath(_ url: URL, writing: Bool = false) throws(MatrixFileError) -> String {
        guard url.isFileURL else {
            let reason = "not a file URL"
            throw writing ? .cannotWrite(file: url.absoluteString, reason: reason)
                          : .unreadable(file: url.absoluteString, reason: reason)
        }
        return url.path(percentEncoded: false)
    }
}
