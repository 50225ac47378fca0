import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import Testing

/// Every refusal throws its own ``MatrixFileError``, naming the file.
@Suite struct NumPyFileErrorTests {
    /// Writes `bytes` to a file, reads it as `Double`, and checks the error and its message.
    private func expectError(_ bytes: [UInt8], _ expected: (String) -> MatrixFileError,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(bytes, to: "bad.npy")
        let path = url.path(percentEncoded: false)
        let error = #expect(throws: MatrixFileError.self, sourceLocation: sourceLocation) {
            try NumPyFile.read(Double.self, from: url)
        }
        #expect(error == expected(path), sourceLocation: sourceLocation)
        #expect(error?.file == path, sourceLocation: sourceLocation)
        #expect(error?.description.hasPrefix(path + ": ") == true, sourceLocation: sourceLocation)
        // header(of:) applies the same checks.
        #expect(throws: expected(path), sourceLocation: sourceLocation) { try NumPyFile.header(of: url) }
    }

    private let sixDoubles = littleEndianBytes([Double](repeating: 1, count: 6))

    @Test func fortranOrder() throws {
        try expectError(npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", data: sixDoubles)) {
            .fortranOrder(file: $0)
        }
    }

    @Test func bigEndian() throws {
        try expectError(npyBytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }", data: sixDoubles)) {
            .bigEndian(file: $0, descr: ">f8")
        }
    }

    @Test(arguments: ["<i8", "|u1", "<f2", "<c16", "|b1", "<U3"])
    func otherElementTypes(descr: String) throws {
        try expectError(npyBytes("{'descr': '\(descr)', 'fortran_order': False, 'shape': (2, 3), }", data: sixDoubles)) {
            .unsupportedDType(file: $0, descr: descr)
        }
    }

    @Test func structuredElementType() throws {
        try expectError(npyBytes("{'descr': [('x', '<f8'), ('y', '<f8')], 'fortran_order': False, 'shape': (3,), }",
                                 data: sixDoubles)) {
            .unsupportedDType(file: $0, descr: "[('x', '<f8'), ('y', '<f8')]")
        }
    }

    @Test func otherRanks() throws {
        try expectError(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3), }", data: sixDoubles)) {
            .unsupportedShape(file: $0, shape: [1, 2, 3])
        }
        try expectError(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", data: Array(sixDoubles.prefix(8)))) {
            .unsupportedShape(file: $0, shape: [])
        }
    }

    @Test func truncatedData() throws {
        try expectError(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data: Array(sixDoubles.dropLast(5)))) {
            .truncatedData(file: $0, shape: [2, 3], expectedBytes: 48, actualBytes: 43)
        }
        try expectError(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 39), }", data: [])) {
            .truncatedData(file: $0, shape: [100000, 39], expectedBytes: 15_600_000, actualBytes: 0)
        }
    }

    @Test func trailingData() throws {
        try expectError(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data: sixDoubles + [0, 0])) {
            .trailingData(file: $0, shape: [2, 3], expectedBytes: 48, actualBytes: 50)
        }
    }

    @Test func badMagic() throws {
        try expectError(Array("time,value\n0,1\n".utf8)) { .notNumPy(file: $0, leadingBytes: Array("time,val".utf8)) }
        var wrong = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data: sixDoubles)
        wrong[0] = 0x94
        try expectError(wrong) { .notNumPy(file: $0, leadingBytes: Array(wrong.prefix(8))) }
        try expectError([0x50, 0x4B, 0x03, 0x04]) { .notNumPy(file: $0, leadingBytes: [0x50, 0x4B, 0x03, 0x04]) }  // .npz (zip)
    }

    @Test func truncatedHeader() throws {
        let whole = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data: sixDoubles)
        for length in [0, 3, 8, 9, 10, 60, 127] {  // 0: an empty file
            try expectError(Array(whole.prefix(length))) { .truncatedHeader(file: $0, byteCount: length) }
        }
    }

    @Test func unsupportedVersion() throws {
        for version: (UInt8, UInt8) in [(4, 0), (1, 1), (0, 9)] {
            try expectError(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", version: version,
                                     data: sixDoubles)) {
                .unsupportedVersion(file: $0, major: Int(version.0), minor: Int(version.1))
            }
        }
    }

    @Test(arguments: [
        ("{'descr': '<f8', 'shape': (2, 3), }", "no 'fortran_order' key"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'extra': 1, }", "unexpected key 'extra'"),
        ("{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 3), }", "'fortran_order' is not True or False"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3], }", "'shape' is not a tuple of integers"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3), }", "expected a non-negative integer at character 54"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), ", "the header ends early"),
        ("descr: <f8", "expected '{' at character 0"),
        ("{'descr': '<f8', 'fortran_order': Nope, 'shape': (2, 3), }", "unexpected 'Nope' at character 34"),
        ("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}", "key 'descr' appears twice"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)} trailing", "unexpected text after the dictionary at character 58"),
    ])
    func malformedHeader(text: String, problem: String) throws {
        let bytes = npyBytes(text, data: littleEndianBytes([Double](repeating: 1, count: 6)))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let paddedText = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        try expectError(bytes) { .malformedHeader(file: $0, header: paddedText, problem: problem) }
    }

    @Test func missingFileAndDirectory() throws {
        let folder = try TemporaryFolder()
        let missing = folder.file("nope.npy")
        #expect(throws: MatrixFileError.fileNotFound(file: missing.path(percentEncoded: false))) {
            try NumPyFile.read(Float.self, from: missing)
        }
        let error = #expect(throws: MatrixFileError.self) { try NumPyFile.read(Float.self, from: folder.url) }
        #expect(error == .notRegularFile(file: folder.url.path(percentEncoded: false), kind: "a folder"))
    }

    @Test func precisionMismatchSaysWhatToDo() {
        let error = MatrixFileError.precisionMismatch(file: "a.npy", stored: .single, requested: .double)
        #expect(error.description == "a.npy: holds float32 ('<f4') but float64 ('<f8') was requested; "
                + "read it as Matrix<Float>, or pass convertingPrecision: true to convert")
    }
}

/// Writes replace the destination in one step and never leave a partial or temporary file.
@Suite struct NumPyFileAtomicWriteTests {
    @Test func overwritesInOneStep() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("features.npy")
        try NumPyFile.write(Matrix<Float>(rowCount: 100, columnCount: 39, repeating: 1), to: url)
        let replacement = Matrix<Float>(rowCount: 2, columnCount: 39, repeating: 2)
        try NumPyFile.write(replacement, to: url)
        #expect(try NumPyFile.read(Float.self, from: url) == replacement)
        #expect(try folder.contents() == ["features.npy"])
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o644)
    }

    @Test func failedWriteLeavesNothingBehind() throws {
        let folder = try TemporaryFolder()
        let nowhere = folder.file("missing/features.npy")
        let error = #expect(throws: MatrixFileError.self) {
            try NumPyFile.write(Matrix<Double>.identity(3), to: nowhere)
        }
        guard case let .cannotWrite(file, reason) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == nowhere.path(percentEncoded: false) && reason.hasSuffix("/missing does not exist"))

        // The destination is a non-empty folder: refused before anything is written; the folder
        // and its file stay.
        let occupied = folder.file("occupied.npy")
        try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: false)
        try Data([1, 2, 3]).write(to: occupied.appendingPathComponent("keep"))
        #expect(throws: MatrixFileError.cannotWrite(file: occupied.path(percentEncoded: false), reason: "it is a folder; name a file to write")) {
            try NumPyFile.write(Matrix<Double>.identity(3), to: occupied)
        }
        #expect(try folder.contents() == ["occupied.npy"])
        #expect(try Data(contentsOf: occupied.appendingPathComponent("keep")) == Data([1, 2, 3]))
    }
}
