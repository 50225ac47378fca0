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
        var rowsOfGroup: [String: [Int]] = [:]
        for (row, group) in groups.enumerated() { rowsOfGroup[group, default: []].append(row) }
        var gains: [String: Double] = [:]
        for group in rowsOfGroup.keys.sorted() {
            let rows = rowsOfGroup[group]!
            guard rows.reduce(0, { $0 + sequences[$1].rowCount }) >= options.minimumFrames else { continue }
            var transform = AffineFeatureTransform.identity(dimension: sequences[rows[0]].columnCount)
            var current = rows.map { sequences[$0] }
            var gain = 0.0
            for _ in 0..<options.passes {
                var accumulator: FMLLRAccumulator
                do { accumulator = try FMLLRAccumulator(models: models) } catch { throw .adaptation(error) }
                for (k, row) in rows.enumerated() {
                    guard let answer = Self.bestLabel(result.table[row]) else { continue }
                    // The answer's model scored this row finitely, so it can align it; a row it
                    // cannot align anyway adds nothing rather than stopping the speaker's adaptation.
                    do { try accumulator.add(sequences[row], model: answer, alignmentFrames: current[k]) } catch { continue }
                }
                let estimate = accumulator.statistics().estimate(from: transform, iterations: options.iterations)
                guard estimate.transform != transform else { break }
                transform = estimate.transform
                gain += estimate.gainPerFrame
                do { current = try rows.map { row throws(AdaptationError) in try transform.apply(sequences[row]) } } catch {
                    throw .adaptation(error)
                }
                // The Jacobian is the same for every word, so it never changes a decision; it
                // keeps the scores proper log-likelihoods of the untransformed features.
                let jacobian = transform.logAbsDeterminant
                let table = try scores(current, threadCount: threadCount)
                for (k, row) in rows.enumerated() {
                    result.table[row] = table[k].map { $0 + Double(current[k].rowCount) * jacobian }
                }
            }
            gains[group] = gain
        }
        result.adaptationGains = gains
        return result
    }

    /// The index of the highest finite score, nil when none is finite.
    static func bestLabel(_ scores: [Double]) -> Int? {
        var best: Int? = nil
        for (k, score) in scores.enumerated() where score.isFinite && (best == nil || score > scores[best!]) { best = k }
        return best
    }
}
