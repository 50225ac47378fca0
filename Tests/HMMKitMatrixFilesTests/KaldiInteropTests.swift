import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import Testing

/// Archives written by kaldiio 2.18 (Tools/references/make_kaldi_references.py) read exactly, and
/// the archives HMMKit writes are the committed ones that the script checks with kaldiio.
@Suite struct KaldiInteropTests {
    /// The entries of a kaldiio script file, read with paths relative to its folder.
    private func script(_ name: String) throws -> KaldiScript {
        try KaldiScript.read(from: KaldiFixtures.url("kaldiio/\(name).scp"), resolution: .scriptFolder)
    }

    @Test(arguments: ["float", "double"])
    func binaryArchivesReadExactlyInBothPrecisions(name: String) throws {
        let index = try script(name)
        let asFloat = try KaldiArchive.read(Float.self, from: KaldiFixtures.url("kaldiio/\(name).ark"))
        let asDouble = try KaldiArchive.read(Double.self, from: KaldiFixtures.url("kaldiio/\(name).ark"))
        #expect(asFloat.map(\.key) == index.entries.map(\.key))
        #expect(asFloat.map(\.offset) == index.entries.map { $0.offset! })
        for (float, double) in zip(asFloat, asDouble) {
            #expect(float.encoding == (name == "float" ? .binaryFloat : .binaryDouble))
            if name == "float" {
                // Stored float32: exact in Float, and widened exactly to Double.
                #expect(identical(float.matrix, try KaldiFixtures.expected(float.key, as: Float.self)), "\(float.key)")
                #expect(identical(double.matrix, try KaldiFixtures.expected(float.key, as: Double.self)), "\(float.key)")
            } else {
                // Stored float64: exact in Double; in Float rounded to nearest, as Kaldi converts.
                let expected = try KaldiFixtures.expected(double.key, as: Double.self)
                #expect(identical(double.matrix, expected), "\(double.key)")
                #expect(identical(float.matrix, expected.converted(to: Float.self)), "\(float.key)")
            }
        }
        // kaldiio writes an empty matrix as 0 rows × 3 columns; it reads as such.
        if name == "float", let empty = asFloat.first(where: { $0.key == "f_empty" }) {
            #expect(empty.matrix.rowCount == 0 && empty.matrix.columnCount == 3)
        }
    }

    @Test(arguments: ["float", "double", "text", "compressed", "mixed"])
    func scriptEntriesGiveTheArchivesMatrices(name: String) throws {
        let sequential = try KaldiArchive.read(Double.self, from: KaldiFixtures.url("kaldiio/\(name).ark"))
        let reader = try KaldiScriptReader<Double>(script: script(name))
        #expect(reader.count == sequential.count)
        var inOrder: [KaldiArchiveRecord<Double>] = []
        while let record = try reader.next() { inOrder.append(record) }
        for (a, b) in zip(inOrder, sequential) {
            #expect(a.key == b.key && a.offset == b.offset && a.encoding == b.encoding)
            #expect(identical(a.matrix, b.matrix), "\(a.key)")
        }
        // Random access, last key first.
        for record in sequential.reversed() {
            #expect(identical(try reader.matrix(forKey: record.key), record.matrix), "\(record.key)")
        }
    }

    @Test func textArchiveParsesEachNumberOnceInEitherPrecision() throws {
        let url = KaldiFixtures.url("kaldiio/text.ark")
        for record in try KaldiArchive.read(Float.self, from: url) {
            #expect(record.encoding == .text)
            #expect(identical(record.matrix, try KaldiFixtures.expected(record.key, as: Float.self)), "\(record.key)")
        }
        // As Double the decimals give the float64 values Python's float() gives, not the widened float32.
        for record in try KaldiArchive.read(Double.self, from: url) {
            #expect(identical(record.matrix, try KaldiFixtures.expected("\(record.key).text64", as: Double.self)), "\(record.key)")
        }
    }

    @Test func compressedMatricesExpandAsKaldiDoes() throws {
        let records = try KaldiArchive.read(Float.self, from: KaldiFixtures.url("kaldiio/compressed.ark"))
        let encodings = Dictionary(uniqueKeysWithValues: records.map { ($0.key, $0.encoding) })
        #expect(encodings == ["c_speech": .compressedSpeechFeature, "c_speech_short": .compressedSpeechFeature,
                              "c_twobyte": .compressedTwoByte, "c_onebyte": .compressedOneByte,
                              "c_auto_small": .compressedTwoByte])
        let asDouble = try KaldiArchive.read(Double.self, from: KaldiFixtures.url("kaldiio/compressed.ark"))
        for (record, wide) in zip(records, asDouble) {
            // Bit for bit Kaldi's CompressedMatrix::CopyToMat (transcribed in the script with numpy scalars).
            let kaldi = try KaldiFixtures.expected("\(record.key).kaldi", as: Float.self)
            #expect(identical(record.matrix, kaldi), "\(record.key)")
            #expect(identical(wide.matrix, kaldi.converted(to: Double.self)), "\(record.key)")
            // kaldiio expands with other float32 arithmetic (min + v·range/c): the script measured
            // 1.5e-7 relative to the largest value; allow 1e-6.
            let kaldiio = try KaldiFixtures.expected("\(record.key).kaldiio", as: Float.self)
            let scale = kaldi.elements.map(abs).max()!
            #expect(zip(record.matrix.elements, kaldiio.elements).allSatisfy { abs($0 - $1) <= 1e-6 * scale }, "\(record.key)")
            // And the compression error against the original values stays within one quantisation
            // step: range/65535 (CM2), range/255 (CM3), range/63 for the coarsest CM interval.
            let original = try KaldiFixtures.expected(record.key, as: Float.self)
            let range = original.elements.max()! - original.elements.min()!
            let step: Float = record.encoding == .compressedTwoByte ? range / 65535
                : record.encoding == .compressedOneByte ? range / 255 : range / 63
            #expect(zip(record.matrix.elements, original.elements).allSatisfy { abs($0 - $1) <= step + 1e-6 * scale },
                    "\(record.key)")
        }
    }

    @Test func mixedArchiveSwitchesBetweenForms() throws {
        let records = try KaldiArchive.read(Double.self, from: KaldiFixtures.url("kaldiio/mixed.ark"))
        #expect(records.map(\.encoding) == [.binaryFloat, .text, .binaryDouble, .compressedTwoByte])
        #expect(identical(records[0].matrix, try KaldiFixtures.expected("f_regular", as: Double.self)))
        #expect(identical(records[1].matrix, try KaldiFixtures.expected("t_regular.text64", as: Double.self)))
        #expect(identical(records[2].matrix, try KaldiFixtures.expected("d_regular", as: Double.self)))
        #expect(identical(records[3].matrix, try KaldiFixtures.expected("c_twobyte.kaldi", as: Double.self)))
    }

    @Test func plainPathEntryReadsAKeylessObject() throws {
        let reader = try KaldiScriptReader<Float>(url: KaldiFixtures.url("kaldiio/plain.scp"), resolution: .scriptFolder)
        #expect(reader.script.entries.first?.offset == nil)
        #expect(identical(try reader.matrix(forKey: "single"), try KaldiFixtures.expected("f_row", as: Float.self)))
    }

    @Test func rangesSelectWhatKaldiioSelects() throws {
        let reader = try KaldiScriptReader<Double>(url: KaldiFixtures.url("kaldiio/ranges.scp"), resolution: .scriptFolder)
        #expect(reader.script.entries.map(\.rowRange) == [1...3, 10...19, nil])
        #expect(reader.script.entries.map(\.columnRange) == [nil, 0...12, 1...2])
        for entry in reader.script.entries {
            #expect(identical(try reader.matrix(forKey: entry.key), try KaldiFixtures.expected(entry.key, as: Double.self)),
                    "\(entry.key)")
        }
    }

    @Test func readSpecifiersReadArchivesAndScripts() throws {
        let archive = try KaldiTableReader<Float>(specifier: "ark,s,cs:" + KaldiFixtures.url("kaldiio/float.ark").path)
        let script = try KaldiTableReader<Float>(specifier: "scp:" + KaldiFixtures.url("kaldiio/float.scp").path,
                                                 resolution: .scriptFolder)
        var count = 0
        while let a = try archive.next() {
            let b = try #require(try script.next())
            #expect(a.key == b.key && identical(a.matrix, b.matrix))
            count += 1
        }
        #expect(count == 5)
        #expect(try script.next() == nil)
    }

    /// HMMKit writes the known matrices as archives; they must equal the committed
    /// `Fixtures/kaldi/hmmkit` files, which the reference script reads with kaldiio.
    /// `HMMKIT_REGENERATE_KALDI_FIXTURES=1` rewrites the committed files instead.
    @Test func hmmkitWrittenArchives() throws {
        let regenerate = ProcessInfo.processInfo.environment["HMMKIT_REGENERATE_KALDI_FIXTURES"] == "1"
        let folder = try TemporaryFolder()
        let target = regenerate
            ? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/kaldi/hmmkit")
            : folder.url
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let floats = ["f_regular", "f_row", "f_special", "f_empty", "f_features"]
        let doubles = ["d_regular", "d_special", "d_features"]
        try KaldiArchive.write(try floats.map { ($0, try KaldiFixtures.expected($0, as: Float.self)) },
                               to: target.appendingPathComponent("float.ark"),
                               script: target.appendingPathComponent("float.scp"), archiveNameInScript: "float.ark")
        try KaldiArchive.write(try doubles.map { ($0, try KaldiFixtures.expected($0, as: Double.self)) },
                               to: target.appendingPathComponent("double.ark"),
                               script: target.appendingPathComponent("double.scp"), archiveNameInScript: "double.ark")
        // Text from Double, so each number is the shortest decimal that reads back to the float64.
        try KaldiArchive.write(try ["t_regular", "t_wide", "t_single", "d_regular"].map { ($0, try KaldiFixtures.expected($0, as: Double.self)) },
                               to: target.appendingPathComponent("text.ark"), script: target.appendingPathComponent("text.scp"),
                               encoding: .text, archiveNameInScript: "text.ark")
        guard !regenerate else { return }
        var names = ["float.ark", "float.scp", "double.ark", "double.scp", "text.ark", "text.scp"]
        for archive in ["float", "double", "text"] {
            names.append(try generationFile(of: target.appendingPathComponent("\(archive).ark"),
                                            script: target.appendingPathComponent("\(archive).scp")))
        }
        for name in names {
            let written = try Data(contentsOf: target.appendingPathComponent(name))
            let committed = try Data(contentsOf: KaldiFixtures.url("hmmkit/\(name)"))
            #expect(written == committed, "\(name) differs from the committed fixture checked with kaldiio")
        }
        // And HMMKit reads its own text back exactly (the float64 values, not the decimal's float32).
        let text = try KaldiArchive.read(Double.self, from: target.appendingPathComponent("text.ark"))
        #expect(identical(text[3].matrix, try KaldiFixtures.expected("d_regular", as: Double.self)))
    }
}
