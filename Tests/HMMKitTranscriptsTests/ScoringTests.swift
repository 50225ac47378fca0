import Foundation
import HMMKitTestSupport
import HMMKitTranscripts
import Testing

/// The fixtures of `Tools/references/make_scoring_references.py`: kaldialign's counts.
enum ScoringFixtures {
    static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("scoring")
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The tab-separated integer rows of `name` (comment lines skipped), keyed by nothing.
    static func rows(_ name: String) throws -> [[String]] {
        try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
    }
}

@Suite("Word scoring against kaldialign")
struct ScoringTests {
    /// Every utterance's insertions, deletions and substitutions equal kaldialign's exactly
    /// (ties included), and so do the totals and the sentence errors.
    @Test func countsEqualKaldialignExactly() throws {
        let reference = try TranscriptSet.read(path: ScoringFixtures.path("ref.txt"))
        let hypothesis = try TranscriptSet.read(path: ScoringFixtures.path("hyp.txt"))
        let scoring = try WordScoring(reference: reference, hypothesis: hypothesis)
        let expected = try ScoringFixtures.rows("counts.tsv")
        #expect(scoring.utterances.count == expected.count && expected.count == 415)
        for (utterance, row) in zip(scoring.utterances, expected) {
            let counts = utterance.alignment.counts
            let values = row.dropFirst().map { Int($0)! }
            #expect(utterance.id == row[0])
            #expect([counts.insertions, counts.deletions, counts.substitutions, counts.errors, counts.referenceWords] == values,
                    "\(row[0]): \(counts)")
        }
        let total = try ScoringFixtures.rows("total.tsv")[0].map { Int($0)! }
        let words = scoring.words
        #expect([words.insertions, words.deletions, words.substitutions, words.errors, words.referenceWords,
                 scoring.sentenceErrors, scoring.sentences] == total)
    }

    /// The steps spell out both sequences: matches and substitutions and deletions give the
    /// reference, matches and substitutions and insertions the hypothesis.
    @Test func stepsRebuildBothSequences() throws {
        let reference = try TranscriptSet.read(path: ScoringFixtures.path("ref.txt"))
        let hypothesis = try TranscriptSet.read(path: ScoringFixtures.path("hyp.txt"))
        for transcript in reference.transcripts {
            let hypothesisWords = hypothesis[id: transcript.id]!
            let alignment = WordAlignment(reference: transcript.words, hypothesis: hypothesisWords)
            var rebuiltReference: [String] = [], rebuiltHypothesis: [String] = []
            for step in alignment.steps {
                switch step {
                case .match(let word): rebuiltReference.append(word); rebuiltHypothesis.append(word)
                case let .substitution(reference, hypothesis): rebuiltReference.append(reference); rebuiltHypothesis.append(hypothesis)
                case .deletion(let word): rebuiltReference.append(word)
                case .insertion(let word): rebuiltHypothesis.append(word)
                }
            }
            #expect(rebuiltReference == transcript.words && rebuiltHypothesis == hypothesisWords, "\(transcript.id)")
        }
    }

    @Test func reportPrintsHResultsAndKaldiLines() throws {
        let reference = try TranscriptSet([Transcript(id: "u1", words: ["one", "two", "three"]),
                                           Transcript(id: "u2", words: ["seven", "seven"])])
        let hypothesis = try TranscriptSet([Transcript(id: "u1", words: ["one", "two", "three"]),
                                            Transcript(id: "u2", words: ["eight", "seven", "oh"])])
        let scoring = try WordScoring(reference: reference, hypothesis: hypothesis)
        // u2: "seven seven" → "eight seven oh": S(seven→eight), H, I(oh).
        #expect(scoring.words == WordErrorCounts(hits: 4, deletions: 0, substitutions: 1, insertions: 1))
        #expect(scoring.report(referenceName: "ref", hypothesisName: "hyp") == """
            ====================== HTK Results Analysis =======================
              Ref : ref
              Rec : hyp
            ------------------------ Overall Results --------------------------
            SENT: %Correct=50.00 [H=1, S=1, N=2]
            WORD: %Corr=80.00, Acc=60.00 [H=4, D=0, S=1, I=1, N=5]
            ===================================================================
            %WER 40.00 [ 2 / 5, 1 ins, 0 del, 1 sub ]
            %SER 50.00 [ 1 / 2 ]
            ------------------------ Substitutions ----------------------------
                 1  seven -> eight

            """)
        #expect(scoring.substitutions == [SubstitutionCount(reference: "seven", hypothesis: "eight", count: 1)])
        #expect(scoring.utterances[1].alignment.sclitePrintout == """
            REF:  seven seven ***
            HYP:  eight seven oh
            EVAL: S           I
            """)
        #expect(WordAlignment(reference: ["a", "b"], hypothesis: ["b"]).sclitePrintout == """
            REF:  a   b
            HYP:  *** b
            EVAL: D
            """)
    }

    /// With no reference words the rates are undefined, not 0 or NaN.
    @Test func emptyReferencesHaveNoRates() throws {
        let reference = try TranscriptSet([Transcript(id: "u1", words: [])])
        let hypothesis = try TranscriptSet([Transcript(id: "u1", words: ["yes"])])
        let scoring = try WordScoring(reference: reference, hypothesis: hypothesis)
        #expect(scoring.words.insertions == 1 && scoring.words.accuracy == nil && scoring.words.wordErrorRate == nil)
        #expect(scoring.report(referenceName: "r", hypothesisName: "h").contains("WORD: %Corr=n/a, Acc=n/a [H=0, D=0, S=0, I=1, N=0]"))
    }

    @Test func missingAndUnknownHypotheses() throws {
        let reference = try TranscriptSet([Transcript(id: "a", words: ["yes", "no"]), Transcript(id: "b", words: ["no"])])
        let partial = try TranscriptSet([Transcript(id: "a", words: ["yes", "no"])])
        #expect(throws: ScoringError.missingHypotheses(ids: ["b"])) { try WordScoring(reference: reference, hypothesis: partial) }
        let all = try WordScoring(reference: reference, hypothesis: partial, missing: .all)
        #expect(all.words == WordErrorCounts(hits: 2, deletions: 1) && all.sentenceErrors == 1 && all.utterances[1].hypothesisMissing)
        let present = try WordScoring(reference: reference, hypothesis: partial, missing: .present)
        #expect(present.words == WordErrorCounts(hits: 2) && present.unscored == ["b"] && present.sentences == 1)
        let extra = try TranscriptSet([Transcript(id: "a", words: []), Transcript(id: "b", words: []), Transcript(id: "c", words: [])])
        #expect(throws: ScoringError.unknownUtterances(ids: ["c"])) { try WordScoring(reference: reference, hypothesis: extra) }
    }
}
