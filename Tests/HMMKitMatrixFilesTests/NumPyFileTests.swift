import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// A fresh folder under the system temporary directory, removed when the value is dropped.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("HMMKitMatrixFilesTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    func write(_ bytes: [UInt8], to name: String) throws -> URL {
        let target = file(name)
        try Data(bytes).write(to: target)
        return target
    }
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }
}

/// The bytes of an NPY file with header text `dictionary`, padded as the NPY spec asks (spaces
/// and a final newline, so that the data starts at a multiple of 64), then `data`.
func npyBytes(_ dictionary: String, version: (UInt8, UInt8) = (1, 0), data: [UInt8]) -> [UInt8] {
    let lengthFieldSize = version.0 == 1 ? 2 : 4
    var text = dictionary
    while (8 + lengthFieldSize + text.utf8.count + 1) % 64 != 0 { text += " " }
    text += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version.0, version.1]
    let length = text.utf8.count
    for index in 0..<lengthFieldSize { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * index))) }
    return bytes + Array(text.utf8) + data
}

/// Little-endian bytes of doubles and floats.
func littleEndianBytes(_ values: [Double]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}
func littleEndianBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

/// Bytes from a hex string ("0a1b…").
func hexBytes(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        bytes.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

@Suite struct NumPyFileTests {
    static let shapes: [(Int, Int)] = [(0, 39), (1, 1), (3, 39), (2, 3), (5, 1), (1, 5), (65, 7), (0, 0)]

    /// Write → read gives the same matrix, for both precisions and awkward shapes; the data
    /// starts at a multiple of 64 bytes and the file is exactly header + data long.
    @Test(arguments: shapes.indices)
    func roundTrip(shapeIndex: Int) throws {
        let (rows, columns) = Self.shapes[shapeIndex]
        try checkRoundTrip(Float.self, rows: rows, columns: columns)
        try checkRoundTrip(Double.self, rows: rows, columns: columns)
    }

    private func checkRoundTrip<S: MatrixScalar>(_: S.Type, rows: Int, columns: Int) throws {
        var generator = SeededGenerator(seed: UInt64(rows * 1000 + columns))
        let elements = (0..<(rows * columns)).map { _ in S(Double.random(in: -1e3...1e3, using: &generator)) }
        let matrix = Matrix<S>(rowCount: rows, columnCount: columns, elements: elements)
        let folder = try TemporaryFolder()
        let url = folder.file("m.npy")
        try NumPyFile.write(matrix, to: url)
        #expect(try NumPyFile.read(S.self, from: url) == matrix)
        let header = try NumPyFile.header(of: url)
        #expect(header.shape == [rows, columns] && header.precision == S.precision)
        #expect(header.majorVersion == 1 && header.minorVersion == 0)
        #expect(header.dataOffset % 64 == 0)
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(bytes == NumPyFile.encode(matrix))
        #expect(bytes.count == header.dataOffset + rows * columns * MemoryLayout<S>.size)
        #expect(bytes[header.dataOffset - 1] == 0x0A)  // The header ends in a newline.
        #expect(try NumPyFile.decode(S.self, from: bytes) == matrix)
    }

    /// Headers as numpy 2.4 `numpy.save` writes them (copied from its output): the dictionary,
    /// 21 − digits(rows) spaces of room to grow, padding to 64 bytes, a newline.
    @Test func headerMatchesNumPySave() {
        let expected: [(Int, Int, Precision, String)] = [
            (2, 3, .double, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }" + String(repeating: " ", count: 58) + "\n"),
            (0, 39, .single, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 39), }" + String(repeating: " ", count: 57) + "\n"),
            (3, 39, .single, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 39), }" + String(repeating: " ", count: 57) + "\n"),
            (100000, 39, .single,
             "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 39), }" + String(repeating: " ", count: 52) + "\n"),
        ]
        for (rows, columns, precision, text) in expected {
            let bytes = precision == .single
                ? NumPyFile.encode(Matrix<Float>(rowCount: rows, columnCount: columns))
                : NumPyFile.encode(Matrix<Double>(rowCount: rows, columnCount: columns))
            #expect(Array(bytes.prefix(10)) == [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0])
            #expect(String(decoding: bytes[10..<128], as: UTF8.self) == text)
        }
    }

    /// Whole files as numpy 2.4 writes `np.array([[1, -2.5], [0.125, 3e-3]], dtype=…)`.
    @Test func fileMatchesNumPySaveByteForByte() {
        let values: [[Double]] = [[1, -2.5], [0.125, 3e-3]]
        let single = NumPyFile.encode(Matrix<Float>(rows: values.map { $0.map(Float.init) }))
        #expect(single.count == 144)
        #expect(Array(single[128...]) == hexBytes("0000803f000020c00000003ea69b443b"))
        let double = NumPyFile.encode(Matrix<Double>(rows: values))
        #expect(double.count == 160)
        #expect(Array(double[128...]) == hexBytes("000000000000f03f00000000000004c0000000000000c03ffa7e6abc7493683f"))
    }

    /// A file built by hand as numpy writes it: magic, version 1.0, header length, the
    /// dictionary padded with spaces and ended by a newline, then 6 little-endian doubles.
    @Test func readsHandBuiltFile() throws {
        let values: [Double] = [1, 2, 3, -4.5, 0.25, 1e-300]
        let bytes = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data: littleEndianBytes(values))
        #expect(bytes.count == 128 + 48)
        #expect(Array(bytes.prefix(8)) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00])
        let folder = try TemporaryFolder()
        let url = try folder.write(bytes, to: "hand.npy")
        let matrix = try NumPyFile.read(Double.self, from: url)
        #expect(matrix == Matrix(rows: [[1, 2, 3], [-4.5, 0.25, 1e-300]]))
        // As Float only on request; 1e-300 underflows to 0.
        let converted = try NumPyFile.read(Float.self, from: url, convertingPrecision: true)
        #expect(converted == Matrix<Float>(rows: [[1, 2, 3], [-4.5, 0.25, 0]]))
        let path = url.path(percentEncoded: false)
        #expect(throws: MatrixFileError.precisionMismatch(file: path, stored: .double, requested: .single)) {
            try NumPyFile.read(Float.self, from: url)
        }
    }

    @Test func convertsFloatToDoubleOnRequest() throws {
        let matrix = Matrix<Float>(rows: [[0.1, -0.2], [1e30, 3]])
        let bytes = NumPyFile.encode(matrix)
        #expect(try NumPyFile.decode(Double.self, from: bytes, convertingPrecision: true) == matrix.converted(to: Double.self))
        #expect(throws: MatrixFileError.precisionMismatch(file: "<memory>", stored: .single, requested: .double)) {
            try NumPyFile.decode(Double.self, from: bytes)
        }
    }

    @Test func readsOneDimensionalAsColumn() throws {
        let bytes = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", data: littleEndianBytes([Float(1), 2, 3, 4]))
        let matrix = try NumPyFile.decode(Float.self, from: bytes)
        #expect(matrix.rowCount == 4 && matrix.columnCount == 1 && matrix.elements == [1, 2, 3, 4])
        let empty = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", data: [])
        #expect(try NumPyFile.decode(Float.self, from: empty).shape == (0, 1))
    }

    @Test func readsVersions2And3() throws {
        let data = littleEndianBytes([Double(1), 2])
        for version: (UInt8, UInt8) in [(2, 0), (3, 0)] {
            let bytes = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", version: version, data: data)
            #expect(bytes.count == 128 + 16)  // 12-byte prefix, still aligned.
            #expect(try NumPyFile.decode(Double.self, from: bytes) == Matrix(rows: [[1, 2]]))
        }
    }

    /// Other spellings Python can produce: double quotes, no trailing comma, keys in another
    /// order, Python 2's long integers, no padding at all.
    @Test func readsOtherHeaderSpellings() throws {
        let data = littleEndianBytes([Double(1), 2, 3, 4, 5, 6])
        for text in ["{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2, 3)}",
                     "{'shape': (2L, 3L), 'fortran_order': False, 'descr': '<f8'}",
                     "{ 'descr' : '<f8' , 'fortran_order' : False , 'shape' : ( 2 , 3 , ) , }"] {
            #expect(try NumPyFile.decode(Double.self, from: npyBytes(text, data: data)).shape == (2, 3), "\(text)")
        }
        var unpadded: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let text = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n"
        unpadded += [UInt8(text.utf8.count), 0] + Array(text.utf8) + data
        #expect(try NumPyFile.decode(Double.self, from: unpadded).elements == [1, 2, 3, 4, 5, 6])
    }
}
