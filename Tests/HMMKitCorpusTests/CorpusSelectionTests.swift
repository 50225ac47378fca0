import Foundation
import HMMKitCorpus
import HMMKitTestSupport
import Testing

@Suite("Corpus selection: globs, speakers, labels")
struct CorpusSelectionTests {
    /// 3 labels × 3 speakers × 2 takes, as FSDD names.
    func corpus() throws -> (CorpusFolder, LabelledCorpus) {
        let folder = try CorpusFolder()
        try folder.fsdd(labels: ["0", "1", "2"], speakers: ["george", "jackson", "lucas"], takes: 0..<2)
        return (folder, try LabelledCorpus.load(path: folder.path, options: CorpusLoadOptions(audioCheck: .existence)))
    }

    @Test func includeAndExcludeGlobs() throws {
        let (folder, all) = try corpus()
        let jackson = CorpusSelection(include: ["*_jackson_*"])
        #expect(all.selecting(jackson).entries.count == 6)
        #expect(all.selecting(jackson).entries.allSatisfy { $0.speaker == "jackson" })
        // Several patterns: any may match; exclusion wins.
        let twoSpeakers = CorpusSelection(include: ["*_jackson_*", "*_lucas_?.wav"], exclude: ["2_*"])
        #expect(Set(names(all.selecting(twoSpeakers).entries)) == [
            "0_jackson_0.wav", "0_jackson_1.wav", "1_jackson_0.wav", "1_jackson_1.wav",
            "0_lucas_0.wav", "0_lucas_1.wav", "1_lucas_0.wav", "1_lucas_1.wav",
        ])
        // Character classes; a pattern with `/` matches the whole path.
        #expect(all.selecting(CorpusSelection(include: ["[01]_george_1.wav"])).entries.count == 2)
        #expect(all.selecting(CorpusSelection(include: ["\(folder.path)/1_*"])).entries.count == 6)
        #expect(all.selecting(CorpusSelection(include: ["*/nowhere/*"])).entries.isEmpty)
        // Through load, with the selection applied before the checks.
        let loaded = try LabelledCorpus.load(path: folder.path, selection: jackson)
        #expect(loaded.speakers == ["jackson"] && loaded.entries.count == 6)
    }

    @Test func speakersAndLabels() throws {
        let (folder, all) = try corpus()
        let selection = CorpusSelection(speakers: CorpusSelection.names(inList: " george,lucas ,"), labels: ["0", "2"])
        #expect(selection.speakers == ["george", "lucas"])
        let kept = all.selecting(selection)
        #expect(kept.entries.count == 8)
        #expect(kept.speakers == ["george", "lucas"] && kept.labels == ["0", "2"])
        #expect(try LabelledCorpus.load(path: folder.path, selection: selection) == LabelledCorpus.load(
            path: folder.path, selection: CorpusSelection(exclude: ["*_jackson_*", "1_*"])))
        // Anonymous recordings are still chosen by the speakers the corpus names, then lose them.
        let anonymous = try LabelledCorpus.load(path: folder.path, selection: selection, options: CorpusLoadOptions(speakers: .anonymous))
        #expect(anonymous.entries.map(\.url) == kept.entries.map(\.url) && anonymous.speakers.isEmpty)
    }

    @Test func speakerGroupingDescriptions() {
        #expect("\(SpeakerGrouping(mode: .anonymous, speakers: [nil, nil]))" == "speakers: none (2 recordings, each its own speaker)")
        #expect("\(SpeakerGrouping(mode: .fromNames, speakers: ["lucas", "george", "lucas"]))"
            == "speakers: from-names, 2 speakers: george 1, lucas 2")
        #expect("\(SpeakerGrouping(mode: .fromManifest, speakers: ["ann", nil]))"
            == "speakers: from-manifest, 1 speaker: ann 1; 1 recording without a speaker, each its own")
        let many = (1...13).map { "s\($0)" } + ["s1"]
        #expect("\(SpeakerGrouping(mode: nil, speakers: many))" == "speakers: given, 13 speakers: 1 to 2 recordings each")
    }

    @Test func unknownNamesAreReportedTogether() throws {
        let (folder, _) = try corpus()
        let selection = CorpusSelection(speakers: ["jakson", "george"], labels: ["3"])
        let error = try #require(corpusError { _ = try LabelledCorpus.load(path: folder.path, selection: selection) })
        let known = ["george", "jackson", "lucas"]
        #expect(kinds(error).contains(.unknownSpeaker(name: "jakson", known: known)))
        #expect(kinds(error).contains(.unknownLabel(name: "3", known: ["0", "1", "2"])))
        #expect("\(error)".contains("speaker \"jakson\" does not occur in the corpus; its speakers are george, jackson, lucas"))
    }

    @Test func selectionOfNothingOrOneLabel() throws {
        let (folder, _) = try corpus()
        let none = corpusError { _ = try LabelledCorpus.load(path: folder.path, selection: CorpusSelection(include: ["*.flac"])) }
        #expect(none.map(kinds) == [.noEntries])
        let one = corpusError { _ = try LabelledCorpus.load(path: folder.path, selection: CorpusSelection(labels: ["1"])) }
        #expect(one.map(kinds) == [.tooFewLabels(found: ["1"], minimum: 2)])
        // One label is fine when asked for (evaluating on one word).
        let evaluation = try LabelledCorpus.load(path: folder.path, selection: CorpusSelection(labels: ["1"]),
                                                 options: CorpusLoadOptions(minimumLabelCount: 1))
        #expect(evaluation.entries.count == 6)
    }
}
