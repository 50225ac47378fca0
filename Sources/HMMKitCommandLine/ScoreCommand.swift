import ArgumentParser
import Foundation
import HMMKit

extension MissingHypothesisPolicy: ExpressibleByArgument {}

/// `hmmkit score REF HYP`: word and sentence error rates of a hypothesis file against its
/// reference, both Kaldi `text` files, printed as HTK's HResults and Kaldi's compute-wer do.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Word error rate of hypotheses against references (Kaldi text files), printed as HResults does.",
        discussion: """
            REF and HYP hold one utterance a line: utt-id word word … (a line with only the id is an empty \
            transcript). Each utterance is aligned by minimum edit distance, ties broken as Kaldi's compute-wer \
            and kaldialign do, so H, D, S and I equal theirs. Prints %Corr, Acc and H, D, S, I, N (HResults), \
            %WER and %SER (compute-wer) and the substitutions, most frequent first. Exit codes: 0 scored, \
            1 unreadable or mismatched files, 64 bad usage.
            """)

    @Argument(help: "The reference transcripts (Kaldi text).")
    var reference: String
    @Argument(help: "The hypothesis transcripts (Kaldi text).")
    var hypothesis: String
    @Option(help: "Reference utterances without a hypothesis: strict (an error), all (scored as empty), present (left out).")
    var mode: MissingHypothesisPolicy = .strict
    @Option(help: "Substitution pairs to list, most frequent first.")
    var substitutions: Int = 50
    @Flag(help: "After the results, print the alignment of every utterance with an error (REF, HYP, EVAL lines).")
    var alignments = false
    @Flag(help: "Print the results as JSON on stdout.")
    var json = false

    func validate() throws {
        try OptionRange.check(substitutions, in: 0...Int.max, "--substitutions")
    }

    func run() throws {
        let scoring = try WordScoring(reference: TranscriptSet.read(path: reference),
                                      hypothesis: TranscriptSet.read(path: hypothesis), missing: mode)
        if json {
            try Terminal.printJSON(ScoringSummary(scoring, reference: reference, hypothesis: hypothesis, mode: mode,
                                                  substitutionLimit: substitutions))
        } else {
            print(scoring.report(referenceName: reference, hypothesisName: hypothesis, substitutionLimit: substitutions),
                  terminator: "")
            if alignments {
                for utterance in scoring.utterances where !utterance.isCorrect {
                    let counts = utterance.alignment.counts
                    print("\n\(utterance.id)  (S=\(counts.substitutions), D=\(counts.deletions), I=\(counts.insertions))")
                    print(utterance.alignment.sclitePrintout)
                }
            }
        }
    }
}

/// `hmmkit score --json`: the counts, the rates (`null` when there is nothing to divide by),
/// the utterances left out and the substitutions.
struct ScoringSummary: Encodable {
    struct Words: Encodable {
        let counts: WordErrorCounts
        enum CodingKeys: String, CodingKey {
            case hits, deletions, substitutions, insertions, referenceWords, errors, percentCorrect, accuracy, wordErrorRate
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(counts.hits, forKey: .hits)
            try container.encode(counts.deletions, forKey: .deletions)
            try container.encode(counts.substitutions, forKey: .substitutions)
            try container.encode(counts.insertions, forKey: .insertions)
            try container.encode(counts.referenceWords, forKey: .referenceWords)
            try container.encode(counts.errors, forKey: .errors)
            try container.encodeOrNull(counts.percentCorrect, forKey: .percentCorrect)
            try container.encodeOrNull(counts.accuracy, forKey: .accuracy)
            try container.encodeOrNull(counts.wordErrorRate, forKey: .wordErrorRate)
        }
    }
    struct Sentences: Encodable {
        let count: Int, errors: Int, errorRate: Double?
        enum CodingKeys: String, CodingKey { case count, errors, errorRate }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(count, forKey: .count)
            try container.encode(errors, forKey: .errors)
            try container.encodeOrNull(errorRate, forKey: .errorRate)
        }
    }

    let reference: String
    let hypothesis: String
    let mode: String
    let words: Words
    let sentences: Sentences
    let unscored: [String]
    let substitutions: [SubstitutionCount]

    init(_ scoring: WordScoring, reference: String, hypothesis: String, mode: MissingHypothesisPolicy, substitutionLimit: Int) {
        self.reference = reference
        self.hypothesis = hypothesis
        self.mode = mode.rawValue
        words = Words(counts: scoring.words)
        sentences = Sentences(count: scoring.sentences, errors: scoring.sentenceErrors, errorRate: scoring.sentenceErrorRate)
        unscored = scoring.unscored
        substitutions = Array(scoring.substitutions.prefix(substitutionLimit))
    }
}

extension KeyedEncodingContainer {
    /// `value`, or JSON `null` when it is `nil` (synthesised coding would leave the key out).
    mutating func encodeOrNull(_ value: Double?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
