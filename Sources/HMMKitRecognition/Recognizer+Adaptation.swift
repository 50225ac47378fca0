import HMMKitAdaptation
import HMMKitCorpus
import HMMKitNumerics

/// Speaker adaptation of recognition (``SpeakerAdaptationOptions``): per speaker, fMLLR
/// statistics from the first answers, a transform, and the speaker's recordings scored again.
extension Recognizer {
    /// `scored` with every adaptable speaker's rows recomputed on fMLLR-transformed features.
    /// - Parameters:
    ///   - sequences: the features of `scored.usable`, in order.
    ///   - groups: the speaker (or file) of each usable row.
    func adapted(_ scored: ScoredRecordings, sequences: [Matrix<Double>], groups: [String], options: SpeakerAdaptationOptions,
                 threadCount: Int) throws(RecognizerError) -> ScoredRecordings {
        var result = scored
        var gains: [String: Double] = [:]
        for (group, rows) in Self.rowsOfGroups(groups) {
            let outcome = try adaptationPasses(rows.map { sequences[$0] }, options: options) { k in
                // The whole recording, aligned to the word it was recognized as.
                Self.bestLabel(result.table[rows[k]]).map { [(frames: 0..<sequences[rows[k]].rowCount, model: $0)] } ?? []
            } rescore: { (current: [Matrix<Double>], jacobian: Double) throws(RecognizerError) in
                // The Jacobian is the same for every word, so it never changes a decision; it
                // keeps the scores proper log-likelihoods of the untransformed features.
                let table = try scores(current, threadCount: threadCount)
                for (k, row) in rows.enumerated() {
                    result.table[row] = table[k].map { $0 + Double(current[k].rowCount) * jacobian }
                }
            }
            if let outcome { gains[group] = outcome.gainPerFrame }
        }
        result.adaptationGains = gains
        return result
    }

    /// The rows of each group (rows in order), groups in sorted order.
    static func rowsOfGroups(_ groups: [String]) -> [(group: String, rows: [Int])] {
        var rowsOfGroup: [String: [Int]] = [:]
        for (row, group) in groups.enumerated() { rowsOfGroup[group, default: []].append(row) }
        return rowsOfGroup.keys.sorted().map { ($0, rowsOfGroup[$0]!) }
    }

    /// fMLLR for one speaker's `sequences` against the word models: ``SpeakerAdaptationOptions/passes``
    /// rounds of gathering statistics over the current answers' word segments, estimating the
    /// transform and answering again. `segments(k)` gives the frames of sequence `k` and the word
    /// model each was answered with (frames in no segment, such as silence, add nothing); the
    /// posteriors come from the current transform's output, the statistics from the original
    /// features (Kaldi's two-pass fMLLR decoding). `rescore` gets every sequence transformed and
    /// the transform's log |det A| (add it per frame to keep log-likelihoods of the original
    /// features), and updates the answers `segments` reads.
    /// - Returns: the transform and the rise of the auxiliary function per frame, summed over the
    ///   passes; nil (nothing done) for fewer than ``SpeakerAdaptationOptions/minimumFrames`` frames.
    func adaptationPasses(_ sequences: [Matrix<Double>], options: SpeakerAdaptationOptions,
                          segments: (Int) -> [(frames: Range<Int>, model: Int)],
                          rescore: ([Matrix<Double>], Double) throws(RecognizerError) -> Void)
        throws(RecognizerError) -> (transform: AffineFeatureTransform, gainPerFrame: Double)?
    {
        guard let first = sequences.first, sequences.reduce(0, { $0 + $1.rowCount }) >= options.minimumFrames else { return nil }
        var transform = AffineFeatureTransform.identity(dimension: first.columnCount)
        var current = sequences
        var gain = 0.0
        for _ in 0..<options.passes {
            var accumulator: FMLLRAccumulator
            do { accumulator = try FMLLRAccumulator(models: models) } catch { throw .adaptation(error) }
            for k in sequences.indices {
                for segment in segments(k) {
                    let whole = segment.frames == 0..<sequences[k].rowCount
                    let frames = whole ? sequences[k] : sequences[k].rows(segment.frames)
                    let aligned = whole ? current[k] : current[k].rows(segment.frames)
                    // The answer's model scored these frames finitely, so it can align them; a
                    // segment it cannot align anyway adds nothing rather than stopping the
                    // speaker's adaptation.
                    do { try accumulator.add(frames, model: segment.model, alignmentFrames: aligned) } catch { continue }
                }
            }
            let estimate = accumulator.statistics().estimate(from: transform, iterations: options.iterations)
            guard estimate.transform != transform else { break }
            transform = estimate.transform
            gain += estimate.gainPerFrame
            do { current = try sequences.map { sequence throws(AdaptationError) in try transform.apply(sequence) } } catch {
                throw .adaptation(error)
            }
            try rescore(current, transform.logAbsDeterminant)
        }
        return (transform, gain)
    }

    /// The index of the highest finite score, nil when none is finite.
    static func bestLabel(_ scores: [Double]) -> Int? {
        var best: Int? = nil
        for (k, score) in scores.enumerated() where score.isFinite && (best == nil || score > scores[best!]) { best = k }
        return best
    }
}
