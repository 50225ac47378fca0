import Foundation
import HMMKitCorpus
import HMMKitTestSupport
import Testing

@Suite("Corpus splits: takes, speakers, seeded fractions, leave one speaker out")
struct CorpusSplitTests {
    /// An in-memory corpus (splits never open files): `labels × speakers × takes` FSDD names.
    static func corpus(labels: [String], speakers: [String?], takes: Range<Int>) -> LabelledCorpus {
        var entries: [CorpusEntry] = []
        for label in labels {
            for speaker in speakers {
                for take in takes {
                    let url = URL(fileURLWithPath: "/corpus/\(label)_\(speaker ?? "x")_\(take).wav")
                    entries.append(CorpusEntry(url: url, label: label, speaker: speaker, take: take))
                }
            }
        }
        return LabelledCorpus(entries: entries, origin: "/corpus")
    }

    static let digits = (0..<10).map(String.init)
    static let fsdd = corpus(labels: digits, speakers: ["george", "jackson", "lucas", "nicolas"], takes: 0..<50)

    @Test func takeSplitFSDDConvention() throws {
        let split = try Self.fsdd.split(.fsdd)
        #expect(split.train.entries.count == 1800 && split.test.entries.count == 200 && split.unassigned.isEmpty)
        #expect(split.train.entries.allSatisfy { (5...49).contains($0.take!) })
        #expect(split.test.entries.allSatisfy { (0...4).contains($0.take!) })
        // Takes outside both ranges are left out; several ranges per side.
        let partial = try Self.fsdd.split(CorpusSplitSpecification.parse("takes:5-9,20/0-1,3"))
        #expect(partial.train.entries.count == 240 && partial.test.entries.count == 120)
        #expect(partial.unassigned.count == 2000 - 360)
        #expect(Set(partial.test.entries.map { $0.take! }) == [0, 1, 3])
    }

    @Test func takeSplitNeedsTakes() {
        var corpus = Self.corpus(labels: ["a", "b"], speakers: ["s"], takes: 0..<6)
        corpus.entries[2].take = nil
        corpus.entries[7].take = nil
        let error = corpusError { _ = try corpus.split(.takes(train: [2...5], test: [0...1])) }
        #expect(error.map(kinds) == [.missingTake(count: 2, example: "/corpus/a_s_2.wav")])
        // A range that selects nothing for a part.
        let empty = corpusError { _ = try corpus.split(.takes(train: [2...5], test: [40...49])) }
        #expect(empty.map(kinds)?.contains(.emptyPart(part: "test")) == true)
    }

    @Test func speakerSplit() throws {
        let corpus = Self.corpus(labels: ["a", "b"], speakers: ["ann", "bob", nil], takes: 0..<3)
        let split = try corpus.split(CorpusSplitSpecification.parse("speaker:bob"))
        #expect(split.test.entries.count == 6 && split.test.speakers == ["bob"])
        #expect(split.train.entries.count == 12)  // ann and the unknown speaker
        #expect(split.train.speakers == ["ann"])
        let error = corpusError { _ = try corpus.split(.speakers(test: ["bob", "carl"])) }
        #expect(error.map(kinds) == [.unknownSpeaker(name: "carl", known: ["ann", "bob"])])
        let everyone = corpusError { _ = try Self.corpus(labels: ["a", "b"], speakers: ["ann"], takes: 0..<2).split(.speakers(test: ["ann"])) }
        #expect(everyone.map(kinds) == [.emptyPart(part: "train")])
    }

    @Test func labelWithoutTrainingEntries() {
        var corpus = Self.corpus(labels: ["a", "b"], speakers: ["ann", "bob"], takes: 0..<2)
        corpus.entries.removeAll { $0.label == "b" && $0.speaker == "ann" }
        let error = corpusError { _ = try corpus.split(.speakers(test: ["bob"])) }
        #expect(error.map(kinds) == [.labelMissingFromTraining(label: "b", part: "train")])
    }

    @Test func fractionSplitIsStratifiedAndCoversEverything() throws {
        // Label sizes 1, 2, 3, 7 and 40: expected test counts round(0.25 n) clamped to 1…n−1 (n ≥ 2).
        var entries: [CorpusEntry] = []
        for (label, size) in [("one", 1), ("two", 2), ("three", 3), ("seven", 7), ("forty", 40)] {
            entries += (0..<size).map { CorpusEntry(url: URL(fileURLWithPath: "/c/\(label)_\($0).wav"), label: label) }
        }
        let corpus = LabelledCorpus(entries: entries, origin: "/c")
        let split = try corpus.split(.fraction(test: 0.25), seed: 7)
        let testCounts = Dictionary(grouping: split.test.entries, by: \.label).mapValues(\.count)
        #expect(testCounts == ["two": 1, "three": 1, "seven": 2, "forty": 10])
        #expect(split.train.entries.count + split.test.entries.count == entries.count && split.unassigned.isEmpty)
        #expect(Set(split.train.entries).isDisjoint(with: split.test.entries))
        // Both parts keep corpus order.
        #expect(split.test.entries == entries.filter(Set(split.test.entries).contains))
    }

    @Test func fractionSplitIsDeterministicPerSeedAndPerLabel() throws {
        let corpus = Self.corpus(labels: ["a", "b", "c"], speakers: ["s", "t"], takes: 0..<20)
        let first = try corpus.split(.fraction(test: 0.3), seed: 42)
        #expect(try corpus.split(.fraction(test: 0.3), seed: 42) == first)
        #expect(try corpus.split(.fraction(test: 0.3), seed: 43) != first)
        // Reordering the entries (another file system's listing order) changes nothing.
        let shuffled = LabelledCorpus(entries: corpus.entries.reversed(), origin: corpus.origin)
        #expect(Set(try shuffled.split(.fraction(test: 0.3), seed: 42).test.entries) == Set(first.test.entries))
        // Removing label "c" leaves the split of "a" and "b" as it was.
        let fewer = corpus.selecting(CorpusSelection(labels: ["a", "b"]))
        #expect(try fewer.split(.fraction(test: 0.3), seed: 42).test.entries == first.test.entries.filter { $0.label != "c" })
    }

    /// Pinned against Tools/references/make_corpus_split_reference.py, an independent Python
    /// implementation of the documented algorithm (natural path order, SplitMix64 seeded with
    /// seed ^ FNV-1a(label), Fisher–Yates with rejection sampling, round-half-away counts).
    @Test func fractionSplitMatchesTheReferenceImplementation() throws {
        let corpus = Self.corpus(labels: ["0", "1", "yes"], speakers: ["george", "lucas"], takes: 0..<12)
        let split = try corpus.split(.fraction(test: 0.2), seed: 2024)
        #expect(names(split.test.entries) == CorpusSplitReference.seed2024Fraction02)
    }

    @Test func leaveOneSpeakerOut() throws {
        let folds = try Self.fsdd.leaveOneSpeakerOut()
        #expect(folds.map(\.heldOutSpeaker) == ["george", "jackson", "lucas", "nicolas"])
        for fold in folds {
            #expect(fold.test.entries.count == 500 && fold.train.entries.count == 1500)
            #expect(fold.test.speakers == [fold.heldOutSpeaker])
            #expect(!fold.train.speakers.contains(fold.heldOutSpeaker))
            #expect(fold.train.labels == Self.digits.sorted(by: NaturalOrder.precedes))
        }
    }

    @Test func leaveOneSpeakerOutProblems() {
        let unknown = Self.corpus(labels: ["a", "b"], speakers: ["ann", nil], takes: 0..<2)
        let error = corpusError { _ = try unknown.leaveOneSpeakerOut() }
        #expect(error.map(kinds) == [.missingSpeaker(count: 4, example: "/corpus/a_x_0.wav"),
                                     .tooFewSpeakers(found: ["ann"])])
        var gap = Self.corpus(labels: ["a", "b"], speakers: ["ann", "bob", "cy"], takes: 0..<2)
        gap.entries.removeAll { $0.label == "b" && $0.speaker != "cy" }  // only cy says "b"
        let folds = corpusError { _ = try gap.leaveOneSpeakerOut() }
        #expect(folds.map(kinds) == [.labelMissingFromTraining(label: "b", part: "train (all but cy)")])
    }

    @Test func specificationsParseAndPrintBack() throws {
        let cases: [(String, CorpusSplitSpecification)] = [
            ("takes:5-49/0-4", .takes(train: [5...49], test: [0...4])),
            ("TAKES: 5-9, 12 / 0-4", .takes(train: [5...9, 12...12], test: [0...4])),
            ("speaker:george", .speakers(test: ["george"])),
            ("speakers:george, lucas", .speakers(test: ["george", "lucas"])),
            ("fraction:0.2", .fraction(test: 0.2)),
        ]
        for (text, expected) in cases {
            let parsed = try CorpusSplitSpecification.parse(text)
            #expect(parsed == expected, "\(text)")
            #expect(try CorpusSplitSpecification.parse(parsed.description) == parsed)
        }
        #expect(CorpusSplitSpecification.fsdd.description == "takes:5-49/0-4")
    }

    @Test(arguments: [
        ("takes5-49/0-4", "no `kind:` prefix"),
        ("random:0.2", "unknown split kind \"random\""),
        ("takes:5-49", "expected TRAIN/TEST"),
        ("takes:5-49/0-4/7", "expected TRAIN/TEST"),
        ("takes:49-5/0-4", "the take range 49-5 is reversed"),
        ("takes:5-49/-1-4", "is not a take range"),
        ("takes:5-x/0-4", "\"5-x\" is not a take range"),
        ("takes:5-49/", "\"\" is not a take range"),
        ("takes:0-49/0-4", "train takes 0-49 and test takes 0-4 overlap"),
        ("speaker:", "no speaker named"),
        ("speakers: , ", "no speaker named"),
        ("fraction:1", "between 0 and 1"),
        ("fraction:0", "between 0 and 1"),
        ("fraction:nan", "between 0 and 1"),
        ("fraction:20%", "between 0 and 1"),
    ])
    func malformedSpecifications(text: String, message: String) {
        do {
            _ = try CorpusSplitSpecification.parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.argument == text)
            #expect("\(error)".contains(message), "\(error)")
            #expect("\(error)".contains("use takes:TRAIN/TEST"))
        }
    }
}
