import Foundation
import HMMKitCorpus
import HMMKitTestSupport
import Testing

@Suite("Corpus sources: file names, label folders, manifests")
struct CorpusLoadingTests {
    @Test func fileNameFolderGivesLabelSpeakerAndTake() throws {
        let corpus = try CorpusFolder()
        try corpus.fsdd(labels: ["7", "10", "2"], speakers: ["jackson", "george"], takes: 0..<2)
        try corpus.text("not a recording", to: "README.md")
        try corpus.wav(".hidden_x_1.wav")
        #expect(try CorpusSource.parse(path: corpus.path) == .fileNames(folder: corpus.url))

        let loaded = try LabelledCorpus.load(path: corpus.path)
        #expect(loaded.entries.count == 12)
        #expect(loaded.labels == ["2", "7", "10"])  // natural order
        #expect(loaded.speakers == ["george", "jackson"])
        let entry = try #require(loaded.entries.first { $0.fileName == "7_jackson_1.wav" })
        #expect(entry.label == "7" && entry.speaker == "jackson" && entry.take == 1 && entry.line == nil)
        // The header check fills in duration and rate: 400 samples at 8 kHz.
        #expect(entry.duration == 0.05 && entry.sampleRate == 8000)
        // Natural order of file names: 10_… after 7_…, take 1 after take 0.
        #expect(names(loaded.entries).prefix(4) == ["2_george_0.wav", "2_george_1.wav", "2_jackson_0.wav", "2_jackson_1.wav"])
        #expect(names(loaded.entries).last == "10_jackson_1.wav")
    }

    @Test func fileNameForms() throws {
        let corpus = try CorpusFolder()
        for name in ["yes_alice.wav", "yes_03.wav", "no_bob_x.wav", "no_carol_4_extra.WAV", "no_dave_5.flac"] {
            try corpus.wav(name)
        }
        let loaded = try LabelledCorpus.load(path: corpus.path, options: CorpusLoadOptions(audioCheck: .existence))
        let byName = Dictionary(uniqueKeysWithValues: loaded.entries.map { ($0.fileName, $0) })
        #expect(byName["yes_alice.wav"]?.speaker == "alice" && byName["yes_alice.wav"]?.take == nil)
        #expect(byName["yes_03.wav"]?.speaker == nil && byName["yes_03.wav"]?.take == 3)
        #expect(byName["no_bob_x.wav"]?.speaker == "bob" && byName["no_bob_x.wav"]?.take == nil)
        #expect(byName["no_carol_4_extra.WAV"]?.take == 4)
        #expect(byName["no_dave_5.flac"]?.label == "no")  // any audio extension, any case
    }

    @Test func labelFolders() throws {
        let corpus = try CorpusFolder()
        try corpus.wav("yes/a.wav")
        try corpus.wav("yes/x_alice_3.wav")                 // FSDD form inside a label folder
        try corpus.wav("yes/0a7c2a8d_nohash_1.wav")         // Speech Commands form
        try corpus.wav("no/bob/take1.wav")                  // speaker sub-folder
        try corpus.wav("no/bob/deeper/q_carol_2.wav")       // first folder below the label wins
        try corpus.text("notes", to: "no/notes.txt")
        try corpus.wav(".cache/z.wav")                      // hidden folder: ignored
        #expect(try CorpusSource.parse(path: corpus.path) == .labelFolders(folder: corpus.url))

        let loaded = try LabelledCorpus.load(path: corpus.path)
        #expect(loaded.labels == ["no", "yes"])
        let byName = Dictionary(uniqueKeysWithValues: loaded.entries.map { ($0.fileName, $0) })
        #expect(byName.count == 5)
        #expect(byName["a.wav"].map { $0.label == "yes" && $0.speaker == nil && $0.take == nil } == true)
        #expect(byName["x_alice_3.wav"].map { $0.speaker == "alice" && $0.take == 3 } == true)
        #expect(byName["0a7c2a8d_nohash_1.wav"].map { $0.speaker == "0a7c2a8d" && $0.take == 1 } == true)
        #expect(byName["take1.wav"].map { $0.label == "no" && $0.speaker == "bob" } == true)
        #expect(byName["q_carol_2.wav"].map { $0.speaker == "bob" && $0.take == 2 } == true)
    }

    @Test func tsvManifestWithoutHeader() throws {
        let corpus = try CorpusFolder()
        try corpus.wav("audio/one.wav")
        try corpus.wav("audio/two.wav")
        let absolute = try corpus.wav("elsewhere/three.wav")
        try corpus.text("# a comment\n\naudio/one.wav\tyes\talice\r\n./audio/../audio/two.wav\tno\n\(absolute.path)\tno\tbob\n",
                        to: "lists/../list.tsv")
        let source = try CorpusSource.parse(path: corpus.url.appendingPathComponent("list.tsv").path)
        #expect(source == .manifest(file: corpus.url.appendingPathComponent("list.tsv"), delimiter: nil))
        let loaded = try LabelledCorpus.load(source)
        #expect(loaded.entries.map(\.label) == ["yes", "no", "no"])
        #expect(loaded.entries.map(\.speaker) == ["alice", nil, "bob"])
        #expect(loaded.entries.map(\.line) == [3, 4, 5])
        #expect(loaded.entries.map(\.path) == [corpus.url.appendingPathComponent("audio/one.wav").path,
                                              corpus.url.appendingPathComponent("audio/two.wav").path, absolute.path])
    }

    @Test func csvManifestWithQuotesAndHeaderInAnyOrder() throws {
        let corpus = try CorpusFolder()
        try corpus.wav("a, b.wav")
        try corpus.wav("say \"hi\".wav")
        try corpus.wav("7_jackson_32.wav")
        // Columns in any order with an extra one; a BOM; spaces around a quoted field; a quoted
        // field over two lines; doubled quotes; an empty quoted field.
        let text = "\u{FEFF}Speaker,Label,notes,Path\n"
            + "alice, \"go, now\" ,\"free text with a\nline break\",\"a, b.wav\"\n"
            + ",stop,,\"say \"\"hi\"\".wav\"\n"
            + "\"\",seven,,7_jackson_32.wav"
        try corpus.text(text, to: "list.csv")
        let loaded = try LabelledCorpus.load(path: corpus.url.appendingPathComponent("list.csv").path)
        #expect(loaded.entries.map(\.fileName) == ["a, b.wav", "say \"hi\".wav", "7_jackson_32.wav"])
        #expect(loaded.entries.map(\.label) == ["go, now", "stop", "seven"])
        // The speaker column is authoritative: an empty field is an unknown speaker, even beside an
        // FSDD-style name, which gives the take; --speakers from-names reads the names instead.
        #expect(loaded.entries.map(\.speaker) == ["alice", nil, nil])
        #expect(loaded.entries.map(\.take) == [nil, nil, 32])
        let fromNames = try LabelledCorpus.load(path: corpus.url.appendingPathComponent("list.csv").path,
                                                options: CorpusLoadOptions(speakers: .fromNames))
        #expect(fromNames.entries.map(\.speaker) == [nil, nil, "jackson"])
        let anonymous = try LabelledCorpus.load(path: corpus.url.appendingPathComponent("list.csv").path,
                                                options: CorpusLoadOptions(speakers: .anonymous))
        #expect(anonymous.entries.allSatisfy { $0.speaker == nil })
        // Lines count physical lines, and a record starts where its first field does.
        #expect(loaded.entries.map(\.line) == [2, 4, 5])
    }

    @Test func manifestWithUnknownExtensionGuessesTheDelimiter() throws {
        let corpus = try CorpusFolder()
        try corpus.wav("a.wav")
        try corpus.wav("b.wav")
        try corpus.text("a.wav\tx\nb.wav\ty\n", to: "list.txt")
        try corpus.text("a.wav,x\nb.wav,y\n", to: "list.lst")
        for name in ["list.txt", "list.lst"] {
            let loaded = try LabelledCorpus.load(path: corpus.url.appendingPathComponent(name).path)
            #expect(loaded.entries.map(\.label) == ["x", "y"], "\(name)")
        }
    }

    @Test func manifestTakeColumn() throws {
        let corpus = try CorpusFolder()
        try corpus.wav("a.wav")
        try corpus.wav("b.wav")
        try corpus.wav("c.wav")
        try corpus.text("file\tword\ttake\na.wav\tx\t3\nb.wav\ty\tthree\nc.wav\ty\n", to: "list.tsv")
        let error = corpusError { _ = try LabelledCorpus.load(path: corpus.url.appendingPathComponent("list.tsv").path) }
        #expect(error?.problems.map(\.line) == [3])
        #expect(error.map { "\($0)".contains("take \"three\" is not a whole number") } == true)
        try corpus.text("file\tword\ttake\na.wav\tx\t3\nb.wav\ty\t007\n", to: "list.tsv")
        let loaded = try LabelledCorpus.load(path: corpus.url.appendingPathComponent("list.tsv").path)
        #expect(loaded.entries.map(\.take) == [3, 7])
    }
}
