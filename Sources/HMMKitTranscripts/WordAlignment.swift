/// One step of an alignment of a reference word sequence with a hypothesis.
public enum AlignmentStep: Sendable, Hashable {
    /// The hypothesis has the reference's word (a hit, HTK's H).
    case match(String)
    /// The hypothesis has another word in the reference word's place (S).
    case substitution(reference: String, hypothesis: String)
    /// The reference word is missing from the hypothesis (D).
    case deletion(String)
    /// The hypothesis has a word the reference does not (I).
    case insertion(String)
}

/// Counts of an alignment, HTK's `HResults` letters: hits H, deletions D, substitutions S,
/// insertions I, and the reference length N = H + D + S.
public struct WordErrorCounts: Sendable, Hashable, Codable {
    /// Reference words the hypothesis has in place (H).
    public var hits: Int
    /// Reference words missing from the hypothesis (D).
    public var deletions: Int
    /// Reference words replaced by another word (S).
    public var substitutions: Int
    /// Hypothesis words with no reference word (I).
    public var insertions: Int

    /// Counts with the given hits, deletions, substitutions and insertions (default none).
    public init(hits: Int = 0, deletions: Int = 0, substitutions: Int = 0, insertions: Int = 0) {
        self.hits = hits
        self.deletions = deletions
        self.substitutions = substitutions
        self.insertions = insertions
    }

    /// Reference words, N = H + D + S.
    public var referenceWords: Int { hits + deletions + substitutions }
    /// Errors, S + D + I: the Levenshtein distance.
    public var errors: Int { substitutions + deletions + insertions }

    /// HTK's `%Corr` = 100 · H / N; `nil` when N = 0.
    public var percentCorrect: Double? { percent(hits) }
    /// HTK's `Acc` = 100 · (H − I) / N (word accuracy, insertions counted); `nil` when N = 0.
    public var accuracy: Double? { percent(hits - insertions) }
    /// Word error rate in percent, 100 · (S + D + I) / N = 100 − `Acc`; `nil` when N = 0.
    public var wordErrorRate: Double? { percent(errors) }

    private func percent(_ count: Int) -> Double? {
        referenceWords == 0 ? nil : 100 * Double(count) / Double(referenceWords)
    }

    /// The counts of two sets of utterances together.
    public static func + (left: WordErrorCounts, right: WordErrorCounts) -> WordErrorCounts {
        WordErrorCounts(hits: left.hits + right.hits, deletions: left.deletions + right.deletions,
                        substitutions: left.substitutions + right.substitutions, insertions: left.insertions + right.insertions)
    }

    /// Adds `other`'s counts to these.
    public static func += (left: inout WordErrorCounts, right: WordErrorCounts) { left = left + right }
}

/// A minimum-edit-distance (Levenshtein) alignment of a hypothesis with its reference, unit costs
/// for substitution, deletion and insertion.
///
/// Several alignments often share the minimum distance ("a b" against "b": delete "a" and keep
/// "b", or substitute and delete); they differ in how the errors split into S, D and I, never in
/// their total. This alignment breaks ties as Kaldi's `LevenshteinEditDistance`
/// (`util/edit-distance-inl.h`) and the `kaldialign` package do, so its counts equal theirs
/// exactly: the table runs over hypothesis words (outer) and reference words (inner), and each
/// cell takes the diagonal (hit or substitution) only when it is strictly cheaper than both
/// other moves, else the deletion when strictly cheaper than the insertion, else the insertion.
/// The steps are the path those choices make, so ``counts`` is the path's own count.
/// `HResults` may split some tied alignments differently (its costs are 10/7/7); the total of
/// errors is the same.
///
/// Time and memory are O(reference words × hypothesis words): sentences, not whole books.
public struct WordAlignment: Sendable, Equatable {
    /// The steps, in order through both sequences.
    public let steps: [AlignmentStep]
    /// The steps' counts.
    public let counts: WordErrorCounts

    /// The alignment of `hypothesis` with `reference`.
    public init(reference: [String], hypothesis: [String]) {
        let referenceCount = reference.count, hypothesisCount = hypothesis.count
        let width = referenceCount + 1
        // back[h · width + r]: the move that reached cell (h, r).
        var back = [Move](repeating: .deletion, count: (hypothesisCount + 1) * width)
        var previous = Array(0...referenceCount)  // row h − 1's costs; row 0: r deletions
        var current = [Int](repeating: 0, count: width)
        for h in stride(from: 1, through: hypothesisCount, by: 1) {
            current[0] = previous[0] + 1
            back[h * width] = .insertion
            let word = hypothesis[h - 1]
            for r in stride(from: 1, through: referenceCount, by: 1) {
                let insertion = previous[r] + 1
                let deletion = current[r - 1] + 1
                let same = word == reference[r - 1]
                let diagonal = previous[r - 1] + (same ? 0 : 1)
                let move: Move
                if diagonal < insertion && diagonal < deletion {
                    current[r] = diagonal
                    move = same ? .match : .substitution
                } else if deletion < insertion {
                    current[r] = deletion
                    move = .deletion
                } else {
                    current[r] = insertion
                    move = .insertion
                }
                back[h * width + r] = move
            }
            swap(&previous, &current)
        }

        var steps: [AlignmentStep] = []
        steps.reserveCapacity(max(referenceCount, hypothesisCount))
        var counts = WordErrorCounts()
        var h = hypothesisCount, r = referenceCount
        while h > 0 || r > 0 {
            switch back[h * width + r] {
            case .match:
                steps.append(.match(reference[r - 1])); counts.hits += 1; h -= 1; r -= 1
            case .substitution:
                steps.append(.substitution(reference: reference[r - 1], hypothesis: hypothesis[h - 1]))
                counts.substitutions += 1; h -= 1; r -= 1
            case .deletion:
                steps.append(.deletion(reference[r - 1])); counts.deletions += 1; r -= 1
            case .insertion:
                steps.append(.insertion(hypothesis[h - 1])); counts.insertions += 1; h -= 1
            }
        }
        self.steps = steps.reversed()
        self.counts = counts
    }

    private enum Move: UInt8 { case match, substitution, deletion, insertion }
}
