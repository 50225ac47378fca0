import Foundation
import HMMKitAudio
import HMMKitCorpus
import HMMKitTestSupport
import Testing

@Suite("Corpus validation: every problem, reported together")
struct CorpusValidationTests {
    @Test func manifestProblemsAllWithLineNumbers() throws {
        let corpus = try CorpusFolder()
        try corpus.wav("good/a.wav")
        try corpus.wav("good/b.wav")
        try corpus.text("hello, I am not audio", to: "text.wav")
        try corpus.write([], to: "zero.wav")
        try corpus.write(floatWAVBytes([]), to: "noframes.wav")
        let manifest = try corpus.text("""
            path,label,speaker
            good/a.wav,yes,ann
            missing.wav,yes
            text.wav,no
            zero.wav,no
            noframes.wav,no
            good/b.wav,
            ,no
            good/a.wav,no
            lonely
            good/b.wav,no,"bob
            """, to: "list.csv")
        let path = manifest.path
        let error = try #require(corpusError { _ = try LabelledCorpus.load(path: path) })
        let file = { (name: String) in corpus.url.appendingPathComponent(name).path }
        // Listing problems first (in line order, the unterminated quote first as the parser meets
        // it at the end), then the files' problems, then the set's.
        #expect(error.problems.map(\.line) == [11, 7, 8, 9, 10, 3, 4, 5, 6, nil])
        #expect(error.problems.dropLast().allSatisfy { $0.path == path })
        let expected: [CorpusProblem.Kind] = [
            .malformedLine(reason: "a quoted field opened here is never closed (a `\"` is missing)"),
            .emptyLabel,
            .emptyPath,
            .duplicateFile(file: file("good/a.wav"), firstLine: 2),
            .malformedLine(reason: "1 field(s) (comma-separated), the header names 2 columns"),
            .missingFile(file: file("missing.wav")),
            .unreadableAudio(.notAudio(file: file("text.wav"), message: "Format not recognised.")),
            .emptyAudio(file: file("zero.wav")),
            .emptyAudio(file: file("noframes.wav")),
            .labelWithoutUsableFile(label: "no"),
        ]
        #expect(kinds(error).count == expected.count)
        for (got, want) in zip(kinds(error), expected) {
            if case .unreadableAudio(let audio) = got {
                #expect(audio.file == file("text.wav"))  // libsndfile's wording may vary
            } else {
                #expect(got == want)
            }
        }
        let text = "\(error)"
        #expect(text.hasPrefix("\(path): 10 problems; fix them and run again:\n"))
        #expect(text.contains("\(path):3: \(file("missing.wav")): no such file"))
        #expect(text.contains("\(path):7: empty label"))
        #expect(text.contains("\(path):9: \(file("good/a.wav")) is listed twice (first on line 2)"))
        #expect(text.contains("label \"no\" has no usable recording"))
    }

    @Test func manifestWithTooManyColumnsAndNoHeader() throws {
        let corpus = try CorpusFolder()
        try corpus.wav("a.wav")
        try corpus.wav("b.wav")
        try corpus.text("a.wav,x,ann\nb.wav,y,bob,extra\n", to: "list.csv")
        let error = corpusError { _ = try LabelledCorpus.load(path: corpus.url.appendingPathComponent("list.csv").path) }
        #expect(error?.problems.map(\.line) == [2, nil])
        #expect(error.map { "\($0)".contains("4 fields, at most 3 expected") } == true)
    }

    @Test func fileNameFolderProblems() throws {
        let corpus = try CorpusFolder()
        try corpus.fsdd(labels: ["1", "2"], speakers: ["ann"], takes: 0..<2)
        try corpus.wav("nounderscore.wav")
        try corpus.wav("_ann_3.wav")
        try corpus.text("<html>", to: "2_ann_9.wav")
        let error = try #require(corpusError { _ = try LabelledCorpus.load(path: corpus.path) })
        #expect(error.problems.map(\.path) == ["_ann_3.wav", "nounderscore.wav", "2_ann_9.wav"].map {
            corpus.url.appendingPathComponent($0).path
        })
        #expect(kinds(error).prefix(2) == [.emptyLabel, .noLabelInFileName(fileName: "nounderscore.wav")])
        let text = "\(error)"
        #expect(text.contains("\(corpus.path)/nounderscore.wav: no `_` in the file name"))
        // The decoder's message names the file once, not twice.
        #expect(text.contains("\n  \(corpus.path)/2_ann_9.wav: not an audio file"))
    }

    @Test func sourceProblems() throws {
        let corpus = try CorpusFolder()
        func parseError(_ path: String) -> [CorpusProblem.Kind]? {
            corpusError { _ = try CorpusSource.parse(path: path) }.map(kinds)
        }
        #expect(parseError(corpus.path + "/nowhere") == [.notFound])
        try corpus.makeFolder("empty")
        try corpus.text("x", to: "docs/readme.txt")
        #expect(parseError(corpus.path) == [.noAudio])  // no audio in it nor below it
        let single = try corpus.wav("one/x_a_1.wav")
        #expect(parseError(single.path) == [.audioFileGivenAsCorpus])
        try corpus.wav("loose_a_1.wav")
        #expect(parseError(corpus.path) == [.ambiguousFolder(audioFileCount: 1, labelFolderCount: 1)])
        let message = corpusError { _ = try CorpusSource.parse(path: corpus.path + "/nowhere") }.map { "\($0)" }
        #expect(message?.contains("no such file or folder; give a folder of LABEL_….wav files") == true)
    }

    @Test func labelFolderWithoutAudioAndLabelWithoutUsableFile() throws {
        let corpus = try CorpusFolder()
        try corpus.wav("yes/1.wav")
        try corpus.wav("maybe/1.wav")
        try corpus.text("", to: "no/1.wav")
        try corpus.makeFolder("later")
        let error = try #require(corpusError { _ = try LabelledCorpus.load(path: corpus.path) })
        #expect(kinds(error) == [
            .noAudio,
            .emptyAudio(file: corpus.url.appendingPathComponent("no/1.wav").path),
            .labelWithoutUsableFile(label: "no"),
        ])
        #expect(error.problems[0].path == corpus.url.appendingPathComponent("later").path)
    }

    @Test func oneLabelOnly() throws {
        let corpus = try CorpusFolder()
        try corpus.fsdd(labels: ["7"], speakers: ["ann", "bob"], takes: 0..<3)
        let error = corpusError { _ = try LabelledCorpus.load(path: corpus.path) }
        #expect(error.map(kinds) == [.tooFewLabels(found: ["7"], minimum: 2)])
        #expect(error.map { "\($0)".contains("1 label(s) (7), at least 2 needed") } == true)
    }

    @Test func emptyAndForeignManifests() throws {
        let corpus = try CorpusFolder()
        let empty = try corpus.text("# nothing yet\n\n", to: "empty.tsv")
        #expect(corpusError { _ = try LabelledCorpus.load(path: empty.path) }.map(kinds) == [.noEntries])
        let header = try corpus.text("path\tlabel\n", to: "header.tsv")
        #expect(corpusError { _ = try LabelledCorpus.load(path: header.path) }.map(kinds) == [.noEntries])
        let binary = try corpus.write([0xFF, 0xFE, 0x00, 0x41, 0x80], to: "binary.csv")
        let error = corpusError { _ = try LabelledCorpus.load(path: binary.path) }
        #expect(error.map { "\($0)".contains("not UTF-8 text") } == true)
    }

    @Test func tooShortForOneFrame() throws {
        let corpus = try CorpusFolder()
        try corpus.wav("a_x_1.wav", seconds: 0.5)
        try corpus.wav("a_x_2.wav", seconds: 0.02)  // 160 samples: less than one 25 ms frame
        try corpus.wav("b_x_1.wav", seconds: 0.5)
        let options = CorpusLoadOptions(minimumDuration: 0.025)
        let error = corpusError { _ = try LabelledCorpus.load(path: corpus.path, options: options) }
        let file = corpus.url.appendingPathComponent("a_x_2.wav").path
        #expect(error.map(kinds) == [.tooShort(file: file, seconds: 0.02, minimum: 0.025)])
        #expect(error.map { "\($0)".contains("\(file): 0.02 s of audio, shorter than the 0.025 s needed") } == true)
        #expect(try LabelledCorpus.load(path: corpus.path).entries.count == 3)  // no minimum by default
    }

    @Test func decodeCheckCatchesTruncationTheHeaderCheckMisses() throws {
        let corpus = try CorpusFolder()
        try corpus.wav("a_x_1.wav")
        try corpus.wav("b_x_1.wav")
        let whole = floatWAVBytes([Float](repeating: 0.1, count: 800))
        let cut = try corpus.write(Array(whole.dropLast(1600)), to: "b_x_2.wav")
        #expect(try LabelledCorpus.load(path: corpus.path).entries.count == 3)
        let error = corpusError { _ = try LabelledCorpus.load(path: corpus.path, options: CorpusLoadOptions(audioCheck: .decode)) }
        #expect(error.map(kinds) == [.unreadableAudio(.truncated(file: cut.path, expectedFrames: 800, decodedFrames: 400))])
        // Existence only: nothing is opened, and no duration is known.
        let quick = try LabelledCorpus.load(path: corpus.path, options: CorpusLoadOptions(audioCheck: .existence))
        #expect(quick.entries.allSatisfy { $0.duration == nil })
    }

    @Test func skippingBadFiles() throws {
        let corpus = try CorpusFolder()
        try corpus.fsdd(labels: ["1", "2"], speakers: ["ann"], takes: 0..<2)
        try corpus.text("junk", to: "1_ann_7.wav")
        let options = CorpusLoadOptions(badFiles: .skip)
        let loaded = try LabelledCorpus.load(path: corpus.path, options: options)
        #expect(loaded.entries.count == 4)
        #expect(loaded.skipped.map(\.path) == [corpus.url.appendingPathComponent("1_ann_7.wav").path])
        // A label left with nothing still stops the run.
        try corpus.text("junk", to: "3_ann_0.wav")
        let error = corpusError { _ = try LabelledCorpus.load(path: corpus.path, options: options) }
        #expect(error.map(kinds)?.last == .labelWithoutUsableFile(label: "3"))
        // And so does a corpus that is left with one label.
        for take in 0..<2 { try corpus.text("junk", to: "2_ann_\(take).wav") }
        let one = corpusError { _ = try LabelledCorpus.load(path: corpus.path, options: options) }
        #expect(one.map(kinds)?.contains(.tooFewLabels(found: ["1"], minimum: 2)) == true)
    }

    @Test func longReportsListTwentyThenTally() throws {
        var problems = (1...30).map { (n: Int) in CorpusProblem(path: "/m.tsv", line: n, kind: .missingFile(file: "/f\(n).wav")) }
        problems += (31...33).map { CorpusProblem(path: "/m.tsv", line: $0, kind: .emptyLabel) }
        let text = "\(CorpusError(corpus: "/m.tsv", problems: problems))"
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1 + CorpusError.listedProblemCount + 1)
        #expect(lines[0] == "/m.tsv: 33 problems; fix them and run again:")
        #expect(lines[20] == "  /m.tsv:20: /f20.wav: no such file; fix the path (manifest paths are relative to the manifest's folder) or remove the entry")
        #expect(lines[21] == "  … and 13 more: 10 × missing file, 3 × empty label")
    }
}
