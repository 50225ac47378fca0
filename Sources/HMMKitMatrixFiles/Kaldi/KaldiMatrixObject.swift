import HMMKitNumerics

/// How an archive stores one matrix (Kaldi's `Matrix<Real>::Write` and `CompressedMatrix::Write`).
public enum KaldiMatrixEncoding: String, Sendable, Equatable, CaseIterable {
    /// Binary float32: `\0B` `FM ` rows cols, then the elements row after row.
    case binaryFloat = "FM"
    /// Binary float64: `\0B` `DM ` rows cols, then the elements row after row.
    case binaryDouble = "DM"
    /// Compressed, one byte per element with per-column quantiles (`--compression-method=2`,
    /// Kaldi's `kSpeechFeature`, what `copy-feats --compress=true` writes).
    case compressedSpeechFeature = "CM"
    /// Compressed, two bytes per element on one global range (`kTwoByteAuto` and friends).
    case compressedTwoByte = "CM2"
    /// Compressed, one byte per element on one global range (`kOneByteAuto` and friends).
    case compressedOneByte = "CM3"
    /// Text: `[` rows separated by newlines `]`, as `copy-feats ark:… ark,t:…` writes.
    case text
}

/// One matrix of an archive, as the readers return it.
public struct KaldiArchiveRecord<Scalar: MatrixScalar>: Sendable {
    /// The entry's key (the utterance id).
    public let key: String
    /// The matrix, `[frames × dimension]` for features, converted to `Scalar` if stored otherwise.
    public let matrix: Matrix<Scalar>
    /// The byte offset of the object in its archive: what an `scp` line `key file.ark:offset`
    /// points at (the `\0B` marker of a binary matrix, the text after `key ` of a text one).
    public let offset: Int
    /// How the archive stores it.
    public let encoding: KaldiMatrixEncoding
}

/// Reads one Kaldi matrix object at a handle's position, following `Matrix<Real>::Read` and
/// `CompressedMatrix::Read` (kaldi/src/matrix): `\0B` starts a binary object, anything else is
/// the text form. A double matrix read as `Float` (and a float one as `Double`) is converted, as
/// Kaldi converts; compressed matrices are expanded with Kaldi's own float arithmetic.
enum KaldiMatrixObject {
    /// The matrix whose object starts at `handle.position`; `key` names it in errors.
    static func read<Scalar: MatrixScalar>(_: Scalar.Type, from handle: KaldiFileHandle,
                                           key: String) throws(KaldiArchiveError) -> (Matrix<Scalar>, KaldiMatrixEncoding) {
        let offset = handle.position
        guard let first = try handle.peekByte() else {
            throw .truncated(file: handle.path, key: key, offset: offset, endOffset: handle.size)
        }
        guard first == 0 else {
            return (try KaldiTextMatrix.read(Scalar.self, from: handle, key: key), .text)
        }
        var reader = BinaryReader(handle: handle, key: key, offset: offset)
        _ = try reader.byte()
        guard try reader.byte() == UInt8(ascii: "B") else {
            throw .malformedHeader(file: handle.path, key: key, offset: offset, problem: "\\0 is not followed by B")
        }
        let token = try reader.token()
        switch token {
        case "FM": return (try reader.plainMatrix(Scalar.self, stored: Float.self), .binaryFloat)
        case "DM": return (try reader.plainMatrix(Scalar.self, stored: Double.self), .binaryDouble)
        case "CM", "CM2", "CM3":
            let encoding = KaldiMatrixEncoding(rawValue: token)!
            return (try KaldiCompressedMatrix.read(Scalar.self, encoding: encoding, from: &reader), encoding)
        default:
            throw .unsupportedObject(file: handle.path, key: key, offset: offset, token: token)
        }
    }
}

extension KaldiMatrixObject {
    /// Whether a matrix object starts at the handle's position: `\0B`, or a text `[` after
    /// whitespace. The position is left where it was. (What a script's offset must point at.)
    static func startsHere(_ handle: KaldiFileHandle) throws(KaldiArchiveError) -> Bool {
        let start = handle.position
        defer { handle.seek(to: start) }
        guard var byte = try handle.readByte() else { return true }  // the read reports the truncation
        if byte == 0 { return try handle.readByte() == UInt8(ascii: "B") }
        var skipped = 0
        while KaldiTextMatrix.isSpace(byte), skipped < 4096 {
            guard let next = try handle.readByte() else { return true }
            byte = next
            skipped += 1
        }
        return byte == UInt8(ascii: "[")
    }
}

/// The pieces of Kaldi's binary format: tokens (`FM `), sized integers (`\x04` + int32
/// little-endian) and raw blocks, each failure naming the entry.
struct BinaryReader {
    let handle: KaldiFileHandle
    let key: String
    /// Where the object starts (for errors).
    let offset: Int

    /// The longest type token accepted ("CM2" is the longest Kaldi writes).
    private static let maximumTokenLength = 16

    func truncated() -> KaldiArchiveError {
        .truncated(file: handle.path, key: key, offset: offset, endOffset: handle.size)
    }

    func malformed(_ problem: String) -> KaldiArchiveError {
        .malformedHeader(file: handle.path, key: key, offset: offset, problem: problem)
    }

    mutating func byte() throws(KaldiArchiveError) -> UInt8 {
        guard let byte = try handle.readByte() else { throw truncated() }
        return byte
    }

    /// `WriteToken` in binary mode: the characters, then one space.
    mutating func token() throws(KaldiArchiveError) -> String {
        var bytes: [UInt8] = []
        while true {
            let next = try byte()
            if next == UInt8(ascii: " ") { break }
            bytes.append(next)
            if bytes.count > Self.maximumTokenLength || next < 0x21 || next > 0x7E {
                // Not a token: report what is there (an int32 vector starts with \x04).
                let shown = bytes.map { $0 >= 0x21 && $0 <= 0x7E ? String(UnicodeScalar($0)) : "\\x" + hex($0) }
                throw .unsupportedObject(file: handle.path, key: key, offset: offset, token: shown.joined())
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func hex(_ byte: UInt8) -> String {
        (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }

    /// `WriteBasicType<int32>` in binary mode: the size byte 4, then the value little-endian.
    mutating func int32(_ what: String) throws(KaldiArchiveError) -> Int {
        let size = try byte()
        guard size == 4 else { throw malformed("the \(what) has size byte \(size), not 4 (int32)") }
        return Int(try rawInt32())
    }

    /// Four bytes, little-endian.
    mutating func rawInt32() throws(KaldiArchiveError) -> Int32 {
        var value: UInt32 = 0
        for shift in stride(from: 0, to: 32, by: 8) { value |= UInt32(try byte()) << UInt32(shift) }
        return Int32(bitPattern: value)
    }

    /// Four bytes, a little-endian IEEE float.
    mutating func rawFloat() throws(KaldiArchiveError) -> Float {
        Float(bitPattern: UInt32(bitPattern: try rawInt32()))
    }

    /// Checks a header's dimensions and that the file holds `rows × columns × elementSize` more
    /// bytes (before anything is allocated); returns the element count.
    func checkedCount(rows: Int, columns: Int, elementSize: Int, extraBytes: Int = 0) throws(KaldiArchiveError) -> Int {
        guard rows >= 0, columns >= 0 else {
            throw .badDimensions(file: handle.path, key: key, offset: offset, rows: rows, columns: columns)
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, overflow2) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow, !overflow2 else {
            throw .badDimensions(file: handle.path, key: key, offset: offset, rows: rows, columns: columns)
        }
        guard bytes + extraBytes <= handle.remaining else { throw truncated() }
        return count
    }

    /// Exactly `count` elements of `T` (little-endian) straight from the file.
    mutating func elements<T: Numeric>(_: T.Type, count: Int) throws(KaldiArchiveError) -> [T] {
        precondition(_isPOD(T.self), "BinaryReader.elements reads plain numbers only")
        var failure: KaldiArchiveError?
        let values = [T](unsafeUninitializedCapacity: count) { storage, initialized in
            do throws(KaldiArchiveError) {
                let got = try handle.read(into: UnsafeMutableRawBufferPointer(storage))
                if got < count * MemoryLayout<T>.stride { failure = truncated() }
            } catch {
                failure = error
            }
            // The bytes are plain numbers: a short read leaves garbage that is never returned.
            initialized = count
        }
        if let failure { throw failure }
        #if _endian(big)
        var swapped = values
        swapped.withUnsafeMutableBytes { raw in
            let size = MemoryLayout<T>.stride
            for start in stride(from: 0, to: raw.count, by: size) { raw[start..<(start + size)].reverse() }
        }
        return swapped
        #else
        return values
        #endif
    }

    /// `values` in another precision, by a plain loop over the buffers (the float → double
    /// case, the one streaming training meets on every pass, vectorises, where `map` with the
    /// generic initialiser does not).
    @_specialize(where Scalar == Float, Stored == Double)
    @_specialize(where Scalar == Double, Stored == Float)
    static func converted<Scalar: MatrixScalar, Stored: MatrixScalar>(_ values: [Stored], to _: Scalar.Type) -> [Scalar] {
        values.withUnsafeBufferPointer { source in
            [Scalar](unsafeUninitializedCapacity: source.count) { target, initialized in
                if let floats = source as? UnsafeBufferPointer<Float>, Scalar.self == Double.self {
                    target.withMemoryRebound(to: Double.self) { doubles in
                        for i in 0..<floats.count { doubles[i] = Double(floats[i]) }
                    }
                } else {
                    for i in 0..<source.count { target[i] = Scalar(source[i]) }
                }
                initialized = source.count
            }
        }
    }

    /// An `FM`/`DM` matrix after its token: rows, columns, then the elements in `Stored`
    /// precision, converted to `Scalar` if it differs.
    @_specialize(where Scalar == Float, Stored == Float)
    @_specialize(where Scalar == Float, Stored == Double)
    @_specialize(where Scalar == Double, Stored == Float)
    @_specialize(where Scalar == Double, Stored == Double)
    mutating func plainMatrix<Scalar: MatrixScalar, Stored: MatrixScalar>(_: Scalar.Type,
                                                                          stored: Stored.Type) throws(KaldiArchiveError) -> Matrix<Scalar> {
        let rows = try int32("row count")
        let columns = try int32("column count")
        let count = try checkedCount(rows: rows, columns: columns, elementSize: MemoryLayout<Stored>.size)
        // Same precision: the bytes land in the matrix's own storage, no second copy.
        let values: [Scalar]
        if Stored.precision == Scalar.precision {
            values = try elements(Scalar.self, count: count)
        } else {
            values = Self.converted(try elements(Stored.self, count: count), to: Scalar.self)
        }
        return Matrix(rowCount: rows, columnCount: columns, elements: values)
    }
}
