import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitMarkov
import HMMKitNumerics

/// Vocal-tract-length normalisation (``VTLNOptions``): warp groups, the likelihood search over
/// the candidate factors, training with warped features, and scoring unseen speakers.
extension Recognizer {
    /// For each VTLN group of `recordings` (``RecordingList/warpGroup(_:copy:)``), the candidate
    /// factor whose features give the group's copies the highest total of `objective`.
    /// `objective(k, features)` gets the features of every recording of `audio` warped by
    /// `candidates[k]` (and normalised) and returns one value per copy of each; NaN and infinite
    /// values are not counted. Ties go to the factor closest to 1; so does a group with nothing
    /// counted (its recordings unreadable, say) and one with fewer than `minimumFrames` frames.
    /// Candidates are tried closest to 1 first; when no group has `minimumFrames`, that one is
    /// the only one tried.
    static func chooseWarps(
        _ candidates: [Double], minimumFrames: Int = 0, recordings: RecordingList, audio: [DecodedRecording],
        objective: (Int, [RecordingFeatures<Double>]) throws(RecognizerError) -> [[Double]]
    ) throws(RecognizerError) -> [String: Double] {
        let order = nearestOneFirst(candidates)
        var totals: [String: [Double]] = [:], frames: [String: Int] = [:]
        for k in order {
            let features = recordings.features(audio: audio) { _, _ in candidates[k] }
            if k == order[0] {
                for (position, recording) in features.enumerated() {
                    for copy in recording.copies { frames[recordings.warpGroup(position, copy: copy.index), default: 0] += copy.frames.rowCount }
                }
            }
            for (position, values) in try objective(k, features).enumerated() {
                for (copy, value) in zip(features[position].copies, values) where value.isFinite {
                    totals[recordings.warpGroup(position, copy: copy.index), default: [Double](repeating: 0, count: candidates.count)][k] += value
                }
            }
            if k == order[0] && !frames.values.contains(where: { $0 >= minimumFrames }) { break }
        }
        totals = totals.filter { frames[$0.key, default: 0] >= minimumFrames }
        return bestWarps(candidates, totals: totals, groups: recordings.warpGroups)
    }

    /// The indices of `candidates`, closest to 1 first (the lower of two as close).
    static func nearestOneFirst(_ candidates: [Double]) -> [Int] {
        candidates.indices.sorted { (abs(candidates[$0] - 1), candidates[$0]) < (abs(candidates[$1] - 1), candidates[$1]) }
    }

    /// For each of `groups`, the candidate with the highest of its `totals` (one per candidate).
    /// Ties go to the factor closest to 1, and so does a group without totals.
    static func bestWarps(_ candidates: [Double], totals: [String: [Double]], groups: Set<String>) -> [String: Double] {
        // Candidates nearest 1 first, so that ties and empty groups stay closest to no warp.
        let order = nearestOneFirst(candidates)
        var chosen: [String: Double] = [:]
        for group in groups {
            guard let total = totals[group] else {
                chosen[group] = candidates[order[0]]
                continue
            }
            var best = order[0]
            for k in order where total[k] > total[best] { best = k }
            chosen[group] = candidates[best]
        }
        return chosen
    }

    /// The normalised features of every recording of `audio`, each copy warped by its group's
    /// factor in `chosen`.
    static func warpedFeatures(_ recordings: RecordingList, audio: [DecodedRecording], chosen: [String: Double]) -> [RecordingFeatures<Double>] {
        recordings.features(audio: audio) { position, copy in chosen[recordings.warpGroup(position, copy: copy)]! }
    }

    /// Training with VTLN: models on unwarped features, then ``VTLNOptions/trainingPasses`` rounds
    /// of choosing each training speaker's factor against the models of the recordings' own labels
    /// and training again on the warped features.
    static func trainWithVTLN(_ entries: [CorpusEntry], labels: [String], recordings: RecordingList, vtln: VTLNOptions,
                              configuration: RecognizerConfiguration, threadCount: Int, started: Date,
                              unusable policy: UnusableRecordingPolicy,
                              progress: (@Sendable (Progress) -> Void)?) throws(RecognizerError) -> Recognizer {
        let audio = recordings.decoded()
        let minimumFrames: Int
        do { minimumFrames = try configuration.minimumFrameCount() } catch { throw .wordModel(error) }
        // The unwarped features live only for the first models (a scope of their own, so they are
        // freed before the warp search computes the candidates').
        let (recordings, first) = try { () throws(RecognizerError) -> (RecordingList, Recognizer) in
            var unwarped = recordings.rawFeatures(audio: audio) { _, _ in 1 }
            let recordings = recordings.withTrainingPrior(unwarped)
            recordings.normalize(&unwarped)
            progress?(.features(files: entries.count, copies: recordings.frontEnd.speedFactors.count,
                                seconds: Date().timeIntervalSince(started)))
            try screen(entries, features: unwarped, minimumFrames: minimumFrames, configuration: configuration, policy: policy,
                       progress: progress)
            let first = try fitWordModels(entries, labels: labels, features: unwarped, configuration: configuration,
                                          threadCount: threadCount, progress: progress)
            // Discriminative training refines the last models trained, here without warp passes.
            guard vtln.trainingPasses == 0 else { return (recordings, first) }
            return (recordings, try refinedDiscriminatively(first, entries: entries, features: unwarped, threadCount: threadCount,
                                                            progress: progress))
        }()
        var recognizer = first
        var chosen: [String: Double] = [:]
        for pass in 0..<vtln.trainingPasses {
            let begun = Date()
            let current = recognizer
            chosen = try chooseWarps(vtln.warpFactors, minimumFrames: vtln.minimumFrames ?? 0, recordings: recordings, audio: audio) {
                (_: Int, features: [RecordingFeatures<Double>]) throws(RecognizerError) -> [[Double]] in
                try current.ownLabelScores(features, entries: entries, minimumFrames: minimumFrames, threadCount: threadCount)
            }
            progress?(.warps(pass: pass + 1, of: vtln.trainingPasses, factors: chosen, seconds: Date().timeIntervalSince(begun)))
            let features = warpedFeatures(recordings, audio: audio, chosen: chosen)
            recognizer = try fitWordModels(entries, labels: labels, features: features, configuration: configuration,
                                           threadCount: threadCount, progress: progress)
            if pass + 1 == vtln.trainingPasses {
                recognizer = try refinedDiscriminatively(recognizer, entries: entries, features: features, threadCount: threadCount,
                                                         progress: progress)
            }
        }
        return Recognizer(configuration: configuration, labels: recognizer.labels, models: recognizer.models,
                          trainingCounts: recognizer.trainingCounts, trainingHistory: recognizer.trainingHistory,
                          trainingWarps: chosen, normalizationPrior: recordings.normalizationPrior)
    }

    /// The log-likelihood of every copy of `features` under the model of its entry's own label (each
    /// label's copies scored in one batch, labels on `threadCount` workers); NaN for copies
    /// shorter than `minimumFrames` and for entries whose label has no model.
    func ownLabelScores(_ features: [RecordingFeatures<Double>], entries: [CorpusEntry], minimumFrames: Int,
                        threadCount: Int) throws(RecognizerError) -> [[Double]] {
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var places: [[(entry: Int, position: Int)]] = Array(repeating: [], count: labels.count)
        for (entry, recording) in features.enumerated() {
            guard let label = labelIndex[entries[entry].label] else { continue }
            for (position, copy) in recording.copies.enumerated() where copy.frames.rowCount >= minimumFrames {
                places[label].append((entry, position))
            }
        }
        let models = self.models, labels = self.labels, matrices = features.map { $0.copies.map(\.frames) }, work = places
        let columns = try ParallelWork.map(labels.count, threadCount: threadCount) { (label) throws(RecognizerError) -> [Double] in
            guard !work[label].isEmpty else { return [] }
            do throws(HMMError) {
                let (frames, lengths) = try stack(work[label].map { matrices[$0.entry][$0.position] })
                return try models[label].logLikelihoods(of: frames, lengths: lengths, unscorableAsNegativeInfinity: true)
            } catch { throw .model(label: labels[label], error) }
        }
        var scores = features.map { [Double](repeating: .nan, count: $0.copies.count) }
        for (label, values) in columns.enumerated() {
            for (k, place) in places[label].enumerated() { scores[place.entry][place.position] = values[k] }
        }
        return scores
    }

    /// ``score(_:threadCount:)`` with VTLN: every candidate factor's features and score table, one
    /// factor per speaker (per recording without one) chosen without labels — the one that
    /// maximises the speaker's sum of best-word log-likelihoods — and that factor's rows; with
    /// speaker adaptation also the usable recordings' features at their chosen factors.
    func scoreWithVTLN(_ recordings: RecordingList, vtln: VTLNOptions,
                       threadCount: Int) throws(RecognizerError) -> (ScoredRecordings, [Matrix<Double>]?) {
        let audio = recordings.decoded()
        var tables: [Int: [[Double]]] = [:], usable: [Int] = [], frames: [Int] = [], problems: [Int: FeatureError] = [:]
        let chosen = try Self.chooseWarps(vtln.warpFactors, minimumFrames: vtln.minimumFrames ?? 0, recordings: recordings, audio: audio) {
            (k: Int, features: [RecordingFeatures<Double>]) throws(RecognizerError) -> [[Double]] in
            // Framing does not depend on the warp: the same recordings are usable for every factor.
            (usable, problems) = Self.usable(features)
            let sequences = usable.map { features[$0].copies[0].frames }
            frames = sequences.map(\.rowCount)
            let table = try scores(sequences, threadCount: threadCount)
            tables[k] = table
            var best = features.map { [Double](repeating: .nan, count: $0.copies.count) }
            for (row, position) in usable.enumerated() { best[position][0] = table[row].max() ?? .nan }
            return best
        }
        let candidate = Dictionary(vtln.warpFactors.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let factors = usable.map { chosen[recordings.warpGroup($0, copy: 0)]! }
        let table = usable.indices.map { row in tables[candidate[factors[row]]!]![row] }
        let scored = ScoredRecordings(usable: usable, table: table, frames: frames, problems: problems, warpFactors: factors,
                                      groupWarps: chosen)
        guard configuration.adaptation != nil else { return (scored, nil) }
        let features = Self.warpedFeatures(recordings, audio: audio, chosen: chosen)
        return (scored, usable.map { features[$0].copies[0].frames })
    }
}
