/// Which reference utterances are scored when the hypothesis file lacks some, as Kaldi's
/// `compute-wer --mode`.
public enum MissingHypothesisPolicy: String, Sendable, Hashable, CaseIterable, Codable {
    /// Every reference utterance needs a hypothesis; a missing one is an error (Kaldi's `strict`,
    /// the default: a decoder that dropped files should not look better for it).
    case strict
    /// A missing hypothesis counts as empty: all of its reference words are deletions (`all`).
    case all
    /// Only utterances with a hypothesis are scored (`present`); the others are listed in
    /// ``WordScoring/unscored``.
    case present
}

/// A substitution and how often it happened: one cell of a confusion table.
public struct SubstitutionCount: Sendable, Hashable, Codable {
    /// The reference word.
    public var reference: String
    /// The word the hypothesis had in its place.
    public var hypothesis: String
    /// How many times.
    public var count: Int

    /// `count` substitutions of `hypothesis` for `reference`.
    public init(reference: String, hypothesis: String, count: Int) {
        self.reference = reference
        self.hypothesis = hypothesis
        self.count = count
    }
}

/// One utterance's alignment in a ``WordScoring``.
public struct UtteranceScore: Sendable, Equatable {
    /// The utterance id.
    public var id: String
    /// The alignment of its hypothesis with its reference.
    public var alignment: WordAlignment
    /// Whether the hypothesis was missing and taken as empty (``MissingHypothesisPolicy/all``).
    public var hypothesisMissing: Bool

    /// Whether the whole utterance is right: no substitution, deletion or insertion.
    public var isCorrect: Bool { alignment.counts.errors == 0 }
}

/// Why a reference and a hypothesis set cannot be scored against each other.
public enum ScoringError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Reference utterances without a hypothesis under ``MissingHypothesisPolicy/strict``.
    case missingHypotheses(ids: [String])
    /// Hypothesis utterances the reference does not have (a mismatched pair of files).
    case unknownUtterances(ids: [String])

    public var description: String {
        func list(_ ids: [String]) -> String {
            ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? ", … (\(ids.count) in all)" : "")
        }
        switch self {
        case .missingHypotheses(let ids):
            return "\(ids.count) reference utterance(s) have no hypothesis: \(list(ids)); "
                + "score them as empty with --mode all, or only the others with --mode present"
        case .unknownUtterances(let ids):
            return "\(ids.count) hypothesis utterance(s) are not in the reference: \(list(ids)); "
                + "check that the two files belong together"
        }
    }
}

/// Word and sentence error counts of a hypothesis set against its reference, as HTK's `HResults`
/// and Kaldi's `compute-wer` report them, with the alignment of every utterance and a
/// confusion table of the substitutions.
///
/// Each utterance is aligned on its own (``WordAlignment``, Kaldi's tie rule) and the counts are
/// added. An empty reference with an empty hypothesis is a correct sentence of no words; an
/// empty reference with words in the hypothesis is all insertions.
///
/// ```swift
/// let scoring = try WordScoring(reference: TranscriptSet.read(path: "text"),
///                               hypothesis: TranscriptSet.read(path: "hyp.txt"))
/// print(scoring.words.accuracy ?? 0, scoring.sentenceErrors)
/// ```
public struct WordScoring: Sendable, Equatable {
    /// Every scored utterance, in the reference's order.
    public let utterances: [UtteranceScore]
    /// Reference utterances left out under ``MissingHypothesisPolicy/present``.
    public let unscored: [String]
    /// The word counts of all scored utterances.
    public let words: WordErrorCounts

    /// Scores `hypothesis` against `reference`.
    ///
    /// - Throws: ``ScoringError/unknownUtterances(ids:)`` when the hypothesis has ids the
    ///   reference lacks; ``ScoringError/missingHypotheses(ids:)`` when it lacks some of the
    ///   reference's and `missing` is ``MissingHypothesisPolicy/strict``.
    public init(reference: TranscriptSet, hypothesis: TranscriptSet,
                missing: MissingHypothesisPolicy = .strict) throws(ScoringError) {
        let unknown = hypothesis.ids.filter { reference[id: $0] == nil }
        if !unknown.isEmpty { throw .unknownUtterances(ids: unknown) }
        let absent = reference.ids.filter { hypothesis[id: $0] == nil }
        if missing == .strict && !absent.isEmpty { throw .missingHypotheses(ids: absent) }

        var utterances: [UtteranceScore] = []
        var total = WordErrorCounts()
        for transcript in reference.transcripts {
            let words = hypothesis[id: transcript.id]
            if words == nil && missing == .present { continue }
            let alignment = WordAlignment(reference: transcript.words, hypothesis: words ?? [])
            total += alignment.counts
            utterances.append(UtteranceScore(id: transcript.id, alignment: alignment, hypothesisMissing: words == nil))
        }
        self.utterances = utterances
        unscored = missing == .present ? absent : []
        words = total
    }

    /// Utterances scored (HTK's sentence N).
    public var sentences: Int { utterances.count }
    /// Utterances with at least one error.
    public var sentenceErrors: Int { utterances.count { !$0.isCorrect } }
    /// Sentence error rate in percent (Kaldi's `%SER`); `nil` with no utterances.
    public var sentenceErrorRate: Double? {
        sentences == 0 ? nil : 100 * Double(sentenceErrors) / Double(sentences)
    }
    /// HTK's sentence `%Correct` = 100 − ``sentenceErrorRate``; `nil` with no utterances.
    public var sentenceCorrect: Double? { sentenceErrorRate.map { 100 - $0 } }

    /// Every distinct substitution with its count, most frequent first (ties by reference word,
    /// then hypothesis word, in Swift's string order).
    public var substitutions: [SubstitutionCount] {
        var counts: [SubstitutionPairKey: Int] = [:]
        for utterance in utterances {
            for case let .substitution(reference, hypothesis) in utterance.alignment.steps {
                counts[SubstitutionPairKey(reference: reference, hypothesis: hypothesis), default: 0] += 1
            }
        }
        return counts.map { SubstitutionCount(reference: $0.key.reference, hypothesis: $0.key.hypothesis, count: $0.value) }
            .sorted { ($1.count, $0.reference, $0.hypothesis) < ($0.count, $1.reference, $1.hypothesis) }
    }

    private struct SubstitutionPairKey: Hashable { var reference: String; var hypothesis: String }
}
