import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import Testing

/// `\0B`, the token and its space, then the two sized int32 dimensions.
private func header(_ token: String, rows: Int32, columns: Int32) -> [UInt8] {
    var bytes: [UInt8] = [0, 0x42] + Array("\(token) ".utf8)
    for value in [rows, columns] {
        bytes.append(4)
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
    return bytes
}

private func floats(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

/// Every damaged archive, script file and specifier throws its own ``KaldiArchiveError``,
/// naming the file, the key and the byte offset.
@Suite struct KaldiArchiveErrorTests {
    /// Writes `bytes` as an archive, reads it whole as Float, and returns the error.
    private func archiveError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> (KaldiArchiveError?, String) {
        let folder = try TemporaryFolder()
        let url = try folder.write(bytes, to: "bad.ark")
        let error = kaldiError(sourceLocation: sourceLocation) { _ = try KaldiArchive.read(Float.self, from: url) }
        return (error, url.path)
    }

    @Test func truncationAtEveryByteNamesTheEntryAndOffset() throws {
        let folder = try TemporaryFolder()
        let full = folder.file("full.ark")
        let binary = try KaldiArchiveWriter<Double>(archive: full, durable: false)
        try binary.write(key: "a", matrix: Matrix(rows: [[1, 2, 3], [4, 5, 6]]))
        try binary.finish()
        let text = folder.file("text.ark")
        try KaldiArchive.write([("bb", Matrix<Double>(rows: [[0.5, -1], [2, 3]]))], to: text, encoding: .text, durable: false)
        let last = folder.file("last.ark")
        try KaldiArchive.write([("ccc", Matrix<Float>(rows: [[7, 8]]))], to: last, durable: false)
        let bytes = Array(try Data(contentsOf: full)) + Array(try Data(contentsOf: text)) + Array(try Data(contentsOf: last))
        let whole = try folder.write(bytes, to: "whole.ark")
        let records = try KaldiArchive.read(Double.self, from: whole)
        #expect(records.map(\.key) == ["a", "bb", "ccc"])
        let keyStarts = records.map { $0.offset - $0.key.utf8.count - 1 }
        let ends = Array(keyStarts.dropFirst()) + [bytes.count]

        for length in 0..<bytes.count {
            let url = try folder.write(Array(bytes.prefix(length)), to: "cut.ark")
            let path = url.path
            // Complete entries: at an entry's end, and for the text entry also before its final newline.
            if let complete = (0..<3).first(where: { ends[$0] == length || (records[$0].encoding == .text && ends[$0] - 1 == length) }) {
                #expect(try KaldiArchive.read(Double.self, from: url).map(\.key) == Array(records.prefix(complete + 1).map(\.key)))
                continue
            }
            if length == 0 {
                #expect(try KaldiArchive.read(Double.self, from: url).isEmpty)
                continue
            }
            let entry = (0..<3).last { keyStarts[$0] < length }!
            let key = records[entry].key
            let expected: KaldiArchiveError = length < records[entry].offset
                ? .truncated(file: path, key: String(key.prefix(length - keyStarts[entry])), offset: keyStarts[entry], endOffset: length)
                : .truncated(file: path, key: key, offset: records[entry].offset, endOffset: length)
            #expect(kaldiError { _ = try KaldiArchive.read(Double.self, from: url) } == expected, "cut at \(length)")
        }
    }

    @Test func notAnArchive() throws {
        // A NumPy file: its magic is followed by the version byte 0x01.
        let npy = [0x93] + Array("NUMPY".utf8) + [1, 0, 0x76, 0] + Array("{'descr': '<f4', }".utf8)
        var (error, path) = try archiveError(npy)
        #expect(error == .malformedKey(file: path, offset: 0, problem: "control byte 0x1 at byte 6"))
        (error, path) = try archiveError([0, 0, 0, 1])
        #expect(error == .malformedKey(file: path, offset: 0, problem: "control byte 0x0 at byte 0"))
        (error, path) = try archiveError(Array("hello world\n".utf8))
        #expect(error == .malformedText(file: path, key: "hello", offset: 6, problem: "expected '[', found 'world'"))
        (error, path) = try archiveError(Array(repeating: UInt8(ascii: "x"), count: 70_000))
        #expect(error == .malformedKey(file: path, offset: 0, problem: "no whitespace within 65536 bytes"))
    }

    @Test func objectsThatAreNotMatrices() throws {
        var (error, path) = try archiveError(Array("v ".utf8) + [0, 0x42] + Array("FV ".utf8) + [4, 1, 0, 0, 0] + floats([1]))
        #expect(error == .unsupportedObject(file: path, key: "v", offset: 2, token: "FV"))
        // An int32 vector (alignments): \0B then \x04 and the length.
        (error, path) = try archiveError(Array("ali ".utf8) + [0, 0x42, 4, 2, 0, 0, 0, 4, 1, 0, 0, 0, 4, 1, 0, 0, 0])
        #expect(error == .unsupportedObject(file: path, key: "ali", offset: 4, token: "\\x04"))
        (error, path) = try archiveError(Array("k ".utf8) + [0, 0x42] + Array("CM4 ".utf8) + Array(repeating: 0, count: 16))
        #expect(error == .unsupportedObject(file: path, key: "k", offset: 2, token: "CM4"))
        (error, path) = try archiveError(Array("k ".utf8) + [0, 0x41] + Array("FM ".utf8))
        #expect(error == .malformedHeader(file: path, key: "k", offset: 2, problem: "\\0 is not followed by B"))
    }

    @Test func badHeaders() throws {
        var bytes = Array("k ".utf8) + header("FM", rows: 1, columns: 2) + floats([1, 2])
        bytes[7] = 8  // the rows' size byte
        var (error, path) = try archiveError(bytes)
        #expect(error == .malformedHeader(file: path, key: "k", offset: 2, problem: "the row count has size byte 8, not 4 (int32)"))
        (error, path) = try archiveError(Array("k ".utf8) + header("FM", rows: -1, columns: 3))
        #expect(error == .badDimensions(file: path, key: "k", offset: 2, rows: -1, columns: 3))
        (error, path) = try archiveError(Array("k ".utf8) + header("DM", rows: .max, columns: .max))
        #expect(error == .badDimensions(file: path, key: "k", offset: 2, rows: Int(Int32.max), columns: Int(Int32.max)))
        // A header that claims more data than the file holds: refused before anything is allocated.
        (error, path) = try archiveError(Array("big ".utf8) + header("FM", rows: 100_000, columns: 39) + floats([1, 2, 3]))
        #expect(error == .truncated(file: path, key: "big", offset: 4, endOffset: 4 + 15 + 12))
        // Compressed: negative dimensions, and data cut short.
        let global = floats([0, 1]) + [3, 0, 0, 0] + [2, 0, 0, 0]
        (error, path) = try archiveError(Array("c ".utf8) + [0, 0x42] + Array("CM2 ".utf8) + floats([0, 1]) + [0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0])
        #expect(error == .badDimensions(file: path, key: "c", offset: 2, rows: -1, columns: 2))
        (error, path) = try archiveError(Array("c ".utf8) + [0, 0x42] + Array("CM ".utf8) + global + [1, 2, 3])
        #expect(error == .truncated(file: path, key: "c", offset: 2, endOffset: 2 + 5 + 16 + 3))
    }

    @Test(arguments: [
        ("k [ 1 2 \n 3 ]\n", "row 1 has 1 numbers, row 0 has 2"),
        ("k [ 1 abc ]\n", "expected a number, found 'abc'"),
        ("k [ 1.5.5 ]\n", "expected a number, found '1.5.5'"),
        ("k [ 1,5 ]\n", "expected a number, found '1,5'"),
        ("k  1 2 3\n", "expected '[', found '1'"),
        ("k FM 2 2 [ 1 2 ]\n", "expected '[', found 'FM'"),
    ])
    func malformedText(text: String, problem: String) throws {
        let (error, path) = try archiveError(Array(text.utf8))
        #expect(error == .malformedText(file: path, key: "k", offset: 2, problem: problem))
    }

    @Test func textAcceptsWhatKaldiAccepts() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(Array("a [ 1 2 3 ]\nb [\n 1 2 ; 3 4\r\n ]\r\nc []\nd [ inf -inf nan 1e-3 -0 ]\n".utf8), to: "t.ark")
        let records = try KaldiArchive.read(Float.self, from: url)
        #expect(records.map(\.key) == ["a", "b", "c", "d"])
        #expect(records[0].matrix == Matrix(rows: [[1, 2, 3]]))
        #expect(records[1].matrix == Matrix(rows: [[1, 2], [3, 4]]))
        #expect(records[2].matrix.shape == (0, 0))
        #expect(identical(records[3].matrix, Matrix(rows: [[.infinity, -.infinity, .nan, 0.001, -0.0]])))
        let (error, path) = try archiveError(Array("k [ 1 2".utf8))
        #expect(error == .truncated(file: path, key: "k", offset: 2, endOffset: 7))
    }

    @Test func missingAndUnreadableFiles() throws {
        let folder = try TemporaryFolder()
        let missing = folder.file("nope.ark")
        #expect(kaldiError { _ = try KaldiArchiveReader<Float>(url: missing) } == .fileNotFound(file: missing.path))
        let error = kaldiError { _ = try KaldiArchiveReader<Float>(url: folder.url) }
        #expect(error == .notRegularFile(file: folder.url.path(percentEncoded: false), kind: "a folder"))
        #expect(kaldiError { _ = try KaldiScript.read(from: folder.file("nope.scp")) } == .fileNotFound(file: folder.file("nope.scp").path))
    }

    // MARK: Script files

    /// A folder with `a.ark` (entries "x", 2×3 floats at offset 2, and "y") and a script file
    /// made by `lines` from the archive's size.
    private func scriptFolder(_ lines: (Int) -> String) throws -> (TemporaryFolder, URL, URL) {
        let folder = try TemporaryFolder()
        let archive = folder.file("a.ark")
        try KaldiArchive.write([("x", Matrix<Float>(rows: [[1, 2, 3], [4, 5, 6]])), ("y", Matrix<Float>.identity(2))], to: archive)
        let size = try Data(contentsOf: archive).count
        return (folder, archive, try folder.write(Array(lines(size).utf8), to: "a.scp"))
    }

    @Test func malformedScriptLines() throws {
        let (folder, _, scp) = try scriptFolder { _ in "x a.ark:2\njustakey\n" }
        #expect(kaldiError { _ = try KaldiScript.read(from: scp) }
                == .malformedScriptLine(file: scp.path, line: 2, text: "justakey", problem: "no location after the key"))
        withExtendedLifetime(folder) {}
        for (location, problem) in [("a.ark:2[1:x]", "range [1:x] has '1:x', not first:last with 0 ≤ first ≤ last"),
                                    ("a.ark:2[3:1]", "range [3:1] has '3:1', not first:last with 0 ≤ first ≤ last"),
                                    ("a.ark:2[0:1,]", "range [0:1,] is not [r1:r2] or [r1:r2,c1:c2]"),
                                    (":2", "empty file name")] {
            let error = kaldiError { _ = try KaldiScript(parsing: "x \(location)\n", file: "s.scp") }
            #expect(error == .malformedScriptLine(file: "s.scp", line: 1, text: "x \(location)", problem: problem))
        }
        for location in ["gunzip -c a.ark.gz |", "-", "| cat"] {
            let error = kaldiError { _ = try KaldiScript(parsing: "\n\nx \(location)", file: "s.scp") }
            #expect(error == .unsupportedLocation(file: "s.scp", line: 3, location: location))
        }
    }

    @Test func scriptLocationsAreResolvedAsAsked() throws {
        let text = "x a.ark:2\ny /abs/b.ark\nz sub/c.ark:10[0:1]\nw name:with:colons.ark\n"
        let kaldi = try KaldiScript(parsing: text, file: "/data/s.scp")
        #expect(kaldi.entries.map(\.path) == ["a.ark", "/abs/b.ark", "sub/c.ark", "name:with:colons.ark"])
        #expect(kaldi.entries.map(\.offset) == [2, nil, 10, nil])
        let local = try KaldiScript(parsing: text, file: "/data/s.scp", resolution: .scriptFolder)
        #expect(local.entries.map(\.path) == ["/data/a.ark", "/abs/b.ark", "/data/sub/c.ark", "/data/name:with:colons.ark"])
        #expect(local.index(ofKey: "z") == 2 && local.index(ofKey: "q") == nil)
    }

    @Test func scriptEntriesThatPointAstray() throws {
        let (folder, archive, scp) = try scriptFolder { size in
            "past a.ark:9999\nend a.ark:\(size)\ninside a.ark:3\ngone missing.ark:2\nwide a.ark:2[0:1,0:5]\nfine a.ark:2[1:1]\n"
        }
        let reader = try KaldiScriptReader<Float>(url: scp, resolution: .scriptFolder)
        let size = try Data(contentsOf: archive).count
        #expect(kaldiError { _ = try reader.matrix(forKey: "past") } == .offsetPastEnd(file: archive.path, key: "past", offset: 9999, fileSize: size))
        #expect(kaldiError { _ = try reader.matrix(forKey: "end") } == .offsetPastEnd(file: archive.path, key: "end", offset: size, fileSize: size))
        // One byte after the \0B marker: no matrix starts there, which the error says.
        #expect(kaldiError { _ = try reader.matrix(forKey: "inside") }
                == .noObjectAtOffset(file: archive.path, key: "inside", offset: 3, script: scp.path))
        let missing = folder.file("missing.ark").path
        #expect(kaldiError { _ = try reader.matrix(forKey: "gone") }
                == .scriptArchive(script: scp.path, line: 4, key: "gone", error: .fileNotFound(file: missing)))
        #expect(kaldiError { _ = try reader.matrix(forKey: "wide") }
                == .rangeOutOfBounds(file: archive.path, key: "wide", range: "0:1,0:5", rows: 2, columns: 3))
        #expect(try reader.matrix(forKey: "fine") == Matrix(rows: [[4, 5, 6]]))
        #expect(kaldiError { _ = try reader.matrix(forKey: "nobody") } == .keyNotFound(file: scp.path, key: "nobody"))
    }

    // MARK: Read specifiers

    @Test func readSpecifiers() throws {
        #expect(try KaldiReadSpecifier(parsing: "ark:feats.ark") == .archive(path: "feats.ark"))
        #expect(try KaldiReadSpecifier(parsing: "ark,s,cs:/d/feats.ark") == .archive(path: "/d/feats.ark"))
        #expect(try KaldiReadSpecifier(parsing: "scp,p:data/feats.scp") == .script(path: "data/feats.scp"))
        #expect(KaldiReadSpecifier.looksLikeSpecifier("ark,t:x") && !KaldiReadSpecifier.looksLikeSpecifier("feats.ark"))
        for (text, problem) in [("feats.ark", "no 'ark:' or 'scp:' prefix"),
                                ("ark,scp:x", "the prefix must name exactly one of ark and scp"),
                                ("npy:x", "the prefix must name exactly one of ark and scp"),
                                ("ark,zz:x", "unknown option 'zz'"),
                                ("ark:", "no file after the colon")] {
            #expect(kaldiError { _ = try KaldiReadSpecifier(parsing: text) } == .malformedSpecifier(specifier: text, problem: problem))
        }
        #expect(kaldiError { _ = try KaldiReadSpecifier(parsing: "ark:-") } == .unsupportedLocation(file: "ark:-", line: 0, location: "-"))
        #expect(kaldiError { _ = try KaldiReadSpecifier(parsing: "scp:cat a.scp |") }
                == .unsupportedLocation(file: "scp:cat a.scp |", line: 0, location: "cat a.scp |"))
    }

    @Test func descriptionsSayWhatToDo() {
        #expect(KaldiArchiveError.truncated(file: "f.ark", key: "utt7", offset: 1234, endOffset: 2000).description
                == "f.ark: entry 'utt7' at byte 1234 is cut short, the file ends at byte 2000; re-copy or re-create the archive")
        #expect(KaldiArchiveError.offsetPastEnd(file: "f.ark", key: "u", offset: 99, fileSize: 10).description
                == "f.ark: entry 'u' points at byte 99 but the file has 10 bytes; "
                + "the script file does not belong to this archive, or the archive was cut short")
        #expect(KaldiArchiveError.unsupportedLocation(file: "s.scp", line: 3, location: "gunzip -c x |").description.hasPrefix("s.scp:3: "))
        let missing = KaldiArchiveError.scriptArchive(script: "s.scp", line: 2, key: "utt2", error: .fileNotFound(file: "f.a?k"))
        #expect(missing.file == "s.scp")
        #expect(missing.description.hasPrefix("s.scp:2: the archive of entry 'utt2' cannot be opened: f.a?k: "))
    }
}
