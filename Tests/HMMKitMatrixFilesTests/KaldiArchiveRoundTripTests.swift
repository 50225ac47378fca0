import Foundation
@testable import HMMKitMatrixFiles
import HMMKitNumerics
import Testing

/// What HMMKit writes reads back exactly, in Kaldi's byte layout, atomically.
@Suite struct KaldiArchiveRoundTripTests {
    /// Shapes over the awkward sizes, each matrix with special values first.
    private static let shapes = [(0, 0), (0, 3), (1, 1), (1, 2), (2, 3), (3, 5), (5, 10), (10, 39), (257, 13)]

    private func roundTrip<Scalar: MatrixScalar>(_: Scalar.Type, encoding: KaldiWriteEncoding, bufferSize: Int) throws {
        let folder = try TemporaryFolder()
        let archive = folder.file("feats.ark"), script = folder.file("feats.scp")
        let matrices = Self.shapes.enumerated().map { index, shape in
            ("utt\(index)", awkwardMatrix(Scalar.self, rows: shape.0, columns: shape.1, seed: UInt64(index)))
        }
        try KaldiArchive.write(matrices, to: archive, script: script, encoding: encoding, durable: false)
        // The script names the archive's generation file, a second name of the same file.
        #expect(try folder.contents() == ["feats.ark", try generationFile(of: archive, script: script), "feats.scp"])

        let reader = try KaldiArchiveReader<Scalar>(url: archive, bufferSize: bufferSize)
        let records = try reader.readAll()
        let scripted = try KaldiScriptReader<Scalar>(url: script)
        #expect(records.map(\.key) == matrices.map(\.0))
        for (index, (key, matrix)) in matrices.enumerated() {
            // An empty matrix is written as Kaldi writes one: 0 × 0.
            let expected = matrix.elements.isEmpty ? Matrix<Scalar>(rowCount: 0, columnCount: 0) : matrix
            #expect(identical(records[index].matrix, expected), "\(key) \(matrix.shape)")
            #expect(identical(try scripted.matrix(forKey: key), expected), "\(key)")
            #expect(scripted.script.entries[index].offset == records[index].offset)
        }
    }

    @Test(arguments: KaldiWriteEncoding.allCases, [64, 100, 4096, 1 << 20])
    func floatRoundTrip(encoding: KaldiWriteEncoding, bufferSize: Int) throws {
        try roundTrip(Float.self, encoding: encoding, bufferSize: bufferSize)
    }

    @Test(arguments: KaldiWriteEncoding.allCases, [64, 100, 4096, 1 << 20])
    func doubleRoundTrip(encoding: KaldiWriteEncoding, bufferSize: Int) throws {
        try roundTrip(Double.self, encoding: encoding, bufferSize: bufferSize)
    }

    @Test func binaryBytesAreKaldis() throws {
        let folder = try TemporaryFolder()
        let archive = folder.file("a.ark"), script = folder.file("a.scp")
        let m = Matrix<Float>(rows: [[1, 2, 3], [4, 5, 6]])
        try KaldiArchive.write([("u1", m), ("u2", Matrix<Float>(rowCount: 0, columnCount: 4))], to: archive,
                               script: script, archiveNameInScript: "data/a.ark")
        var expected: [UInt8] = Array("u1 ".utf8) + [0, 0x42] + Array("FM ".utf8) + [4, 2, 0, 0, 0, 4, 3, 0, 0, 0]
        for value in m.elements { withUnsafeBytes(of: value.bitPattern.littleEndian) { expected += $0 } }
        let second = expected.count + 3
        expected += Array("u2 ".utf8) + [0, 0x42] + Array("FM ".utf8) + [4, 0, 0, 0, 0, 4, 0, 0, 0, 0]
        #expect(Array(try Data(contentsOf: archive)) == expected)
        // Offsets point at the \0B marker, and the archive's generation is named in the folder given.
        let generation = try generationFile(of: archive, script: script)
        #expect(try String(contentsOf: script, encoding: .utf8) == "u1 data/\(generation):3\nu2 data/\(generation):\(second)\n")
    }

    @Test func doubleAndTextBytesAreKaldis() throws {
        let folder = try TemporaryFolder()
        let m = Matrix<Double>(rows: [[1, -2.5], [1e-5, 0.1]])
        try KaldiArchive.write([("k", m)], to: folder.file("d.ark"))
        #expect(Array(try Data(contentsOf: folder.file("d.ark")).prefix(18)) == Array("k ".utf8) + [0, 0x42] + Array("DM ".utf8)
                + [4, 2, 0, 0, 0, 4, 2, 0, 0, 0, 0])
        try KaldiArchive.write([("k", m), ("e", Matrix<Double>(rowCount: 0, columnCount: 0))], to: folder.file("t.ark"),
                               script: folder.file("t.scp"), encoding: .text, archiveNameInScript: "t.ark")
        let text = try String(contentsOf: folder.file("t.ark"), encoding: .utf8)
        #expect(text == "k  [\n  1.0 -2.5 \n  1.0e-05 0.1 ]\ne  [ ]\n")
        // Text offsets point just after "key ", as Kaldi's tellp() does.
        let generation = try generationFile(of: folder.file("t.ark"), script: folder.file("t.scp"))
        #expect(try String(contentsOf: folder.file("t.scp"), encoding: .utf8) == "k \(generation):2\ne \(generation):35\n")
    }

    @Test func readingConvertsPrecisionAsKaldiDoes() throws {
        let folder = try TemporaryFolder()
        let m = awkwardMatrix(Double.self, rows: 4, columns: 7, seed: 9)
        try KaldiArchive.write([("x", m)], to: folder.file("x.ark"))
        let asFloat = try KaldiArchive.read(Float.self, from: folder.file("x.ark"))[0].matrix
        #expect(identical(asFloat, m.converted(to: Float.self)))
    }

    @Test func manyEntriesStreamInOrder() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("many.ark")
        let writer = try KaldiArchiveWriter<Float>(archive: url, durable: false)
        for index in 0..<2000 {
            try writer.write(key: "utt-\(index)", matrix: awkwardMatrix(Float.self, rows: index % 7, columns: 3, seed: UInt64(index), special: false))
        }
        try writer.finish()
        let reader = try KaldiArchiveReader<Float>(url: url, bufferSize: 256)
        var index = 0
        while let record = try reader.next() {
            #expect(record.key == "utt-\(index)")
            let expected = awkwardMatrix(Float.self, rows: index % 7, columns: 3, seed: UInt64(index), special: false)
            #expect(identical(record.matrix, index % 7 == 0 ? Matrix(rowCount: 0, columnCount: 0) : expected))
            index += 1
        }
        #expect(index == 2000 && reader.position == reader.byteCount)
    }

    @Test func textNumbersHaveADotAndReadBack() {
        #expect(KaldiTextMatrix.format(Float(1)) == "1.0")
        #expect(KaldiTextMatrix.format(Float(1e-5)) == "1.0e-05")
        #expect(KaldiTextMatrix.format(Double(-3e300)) == "-3.0e+300")
        #expect(KaldiTextMatrix.format(Float.infinity) == "inf")
        #expect(KaldiTextMatrix.format(-Double.infinity) == "-inf")
        #expect(KaldiTextMatrix.format(Double.nan) == "nan")
    }

    @Test func invalidAndDuplicateKeysAreRefusedWithoutSpoilingTheWriter() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("k.ark")
        let writer = try KaldiArchiveWriter<Double>(archive: url, script: folder.file("k.scp"))
        let m = Matrix<Double>.identity(2)
        for bad in ["", "a b", "tab\there", "new\nline", "nul\u{0}", "del\u{7F}"] {
            let error = kaldiError { try writer.write(key: bad, matrix: m) }
            #expect(error == .invalidKey(file: url.path, key: bad))
        }
        try writer.write(key: "ok", matrix: m)
        try writer.write(key: "naïve-ünïcode", matrix: m)  // Kaldi allows non-ASCII bytes in keys
        #expect(kaldiError { try writer.write(key: "ok", matrix: m) } == .duplicateKey(file: url.path, key: "ok"))
        try writer.finish()
        #expect(try KaldiArchive.read(Double.self, from: url).map(\.key) == ["ok", "naïve-ünïcode"])
    }

    @Test func abandonedWriterLeavesTheOldArchive() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("feats.ark"), scp = folder.file("feats.scp")
        try KaldiArchive.write([("old", Matrix<Float>.identity(2))], to: url, script: scp)
        let before = try Data(contentsOf: url)
        do {
            let writer = try KaldiArchiveWriter<Float>(archive: url, script: scp)
            try writer.write(key: "new", matrix: Matrix<Float>.identity(3))
            // Dropped without finish(): as if an error had stopped the program's loop.
        }
        #expect(try Data(contentsOf: url) == before)
        let old = try generationFile(of: url, script: scp)
        #expect(try folder.contents() == ["feats.ark", old, "feats.scp"])
        // finish() publishes the new pair, and the old generation goes.
        try KaldiArchive.write([("new", Matrix<Float>.identity(3))], to: url, script: scp)
        #expect(try KaldiArchive.read(Float.self, from: url).map(\.key) == ["new"])
        let new = try generationFile(of: url, script: scp)
        #expect(try new != old && folder.contents() == ["feats.ark", new, "feats.scp"])
        #expect(try String(contentsOf: scp, encoding: .utf8) == "new \(folder.url.path)/\(new):4\n")
    }

    @Test func failedWritesLeaveNothingBehind() throws {
        let folder = try TemporaryFolder()
        let nowhere = folder.file("missing/feats.ark")
        let error = kaldiError { _ = try KaldiArchiveWriter<Float>(archive: nowhere) }
        guard case let .cannotWrite(file, reason) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == nowhere.path && reason.hasSuffix("/missing does not exist"))
        // The destination is a non-empty folder: refused at once; the folder and its file stay.
        let occupied = folder.file("occupied.ark")
        try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: false)
        try Data([1, 2, 3]).write(to: occupied.appendingPathComponent("keep"))
        #expect(kaldiError { _ = try KaldiArchiveWriter<Float>(archive: occupied) }
                == .cannotWrite(file: occupied.path, reason: "it is a folder; name a file to write"))
        #expect(try folder.contents() == ["occupied.ark"])
        #expect(try Data(contentsOf: occupied.appendingPathComponent("keep")) == Data([1, 2, 3]))
    }
}
