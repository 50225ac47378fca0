import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitMarkov
import HMMKitNumerics

/// Vocal-tract-length normalisation (``VTLNOptions``): warp groups, the likelihood search over
/// the candidate factors, training with warped features, and scoring unseen speakers.
extension Recognizer {
    /// The VTLN group of every signal of a ``SignalSet`` (entry-major, `factors.count` copies per
    /// entry): the entry's speaker, or its file path when it names none; with `separateCopies`,
    /// each speed-perturbed copy is a speaker of its own (`george@0.9`), as Kaldi recipes treat them.
    static func warpGroups(_ entries: [CorpusEntry], factors: [Double], separateCopies: Bool = false) -> [String] {
        entries.flatMap { entry in
            factors.map { factor in
                let speaker = entry.speaker ?? entry.path
                return factors == [1] || !separateCopies ? speaker : "\(speaker)@\(factor)"
            }
        }
    }

    /// The normalisation group of every signal under VTLN: its warp group when speaker CMVN is on
    /// and the entry names a speaker (statistics of features warped alike), else nil (per utterance).
    static func warpNormalizationGroups(_ entries: [CorpusEntry], groups: [String], copies: Int,
                                        configuration: RecognizerConfiguration) -> [String?] {
        groups.indices.map { signal in
            configuration.speakerNormalization && entries[signal / copies].speaker != nil ? groups[signal] : nil
        }
    }

    /// For each warp group, the candidate factor whose features give the group's signals the
    /// highest total of `objective`. `objective(k, set)` gets the features of every signal warped by
    /// `candidates[k]` (and normalised) and returns one value per matrix of `set.features`; NaN
    /// and infinite values are not counted. Ties go to the factor closest to 1; a group with
    /// nothing counted gets the candidate closest to 1.
    static func chooseWarps(
        _ candidates: [Double], signals: SignalSet, entries: [CorpusEntry], groups: [String], normalizationGroups: [String?],
        vtln: VTLNOptions, configuration: RecognizerConfiguration, threadCount: Int,
        objective: (Int, FeatureSet) throws(RecognizerError) -> [[Double]]
    ) throws(RecognizerError) -> [String: Double] {
        var totals: [String: [Double]] = [:]
        for (k, factor) in candidates.enumerated() {
            let set = try warpedFeatures(signals, entries: entries, factors: [Double](repeating: factor, count: signals.signals.count),
                                         normalizationGroups: normalizationGroups, vtln: vtln, configuration: configuration,
                                         threadCount: threadCount)
            for (entry, values) in try objective(k, set).enumerated() {
                for (position, value) in values.enumerated() where value.isFinite {
                    totals[groups[set.sources[entry][position]], default: [Double](repeating: 0, count: candidates.count)][k] += value
                }
            }
        }
        // Candidates nearest 1 first, so that ties and empty groups stay closest to no warp.
        let order = candidates.indices.sorted { (abs(candidates[$0] - 1), candidates[$0]) < (abs(candidates[$1] - 1), candidates[$1]) }
        var chosen: [String: Double] = [:]
        for group in Set(groups) {
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

    /// Features of `signals`, each warped by its factor with the VTLN cut-offs, then normalised.
    static func warpedFeatures(_ signals: SignalSet, entries: [CorpusEntry], factors: [Double], normalizationGroups: [String?],
                               vtln: VTLNOptions, configuration: RecognizerConfiguration,
                               threadCount: Int) throws(RecognizerError) -> FeatureSet {
        var front = configuration.features
        front.vtlnWarp = vtln.warp(1)
        return try FeatureComputation.features(of: signals, entries: entries, configuration: front, warpFactors: factors,
                                               normalizationGroups: normalizationGroups, threadCount: threadCount)
    }

    /// Training with VTLN: models on unwarped features, then ``VTLNOptions/trainingPasses`` rounds
    /// of choosing each training speaker's factor against the models of the recordings' own labels
    /// and training again on the warped features.
    static func trainWithVTLN(_ entries: [CorpusEntry], labels: [String], signals: SignalSet, vtln: VTLNOptions,
                              configuration: RecognizerConfiguration, threadCount: Int, started: Date,
                              unusable policy: UnusableRecordingPolicy,
                              progress: (@Sendable (Progress) -> Void)?) throws(RecognizerError) -> Recognizer {
        let groups = warpGroups(entries, factors: signals.factors, separateCopies: vtln.perturbedCopiesAsSpeakers)
        let normalization = warpNormalizationGroups(entries, groups: groups, copies: signals.copies, configuration: configuration)
        var set = try warpedFeatures(signals, entries: entries, factors: [Double](repeating: 1, count: groups.count),
                                     normalizationGroups: normalization, vtln: vtln, configuration: configuration, threadCount: threadCount)
        progress?(.features(files: entries.count, copies: signals.copies, seconds: Date().timeIntervalSince(started)))
        let minimumFrames: Int
        do { minimumFrames = try configuration.minimumFrameCount() } catch { throw .configuration(["\(error)"]) }
        let unwarped = set.recordings(copies: signals.copies)
        try screen(entries, features: unwarped, minimumFrames: minimumFrames, configuration: configuration, policy: policy,
                   progress: progress)
        var recognizer = try fitWordModels(entries, labels: labels, features: unwarped, configuration: configuration,
                                           threadCount: threadCount, progress: progress)
        var chosen: [String: Double] = [:]
        for pass in 0..<vtln.trainingPasses {
            let begun = Date()
            let current = recognizer
            chosen = try chooseWarps(vtln.warpFactors, signals: signals, entries: entries, groups: groups,
                                     normalizationGroups: normalization, vtln: vtln, configuration: configuration,
                                     threadCount: threadCount) { (_: Int, set: FeatureSet) throws(RecognizerError) -> [[Double]] in
                try current.ownLabelScores(set, entries: entries, minimumFrames: minimumFrames, threadCount: threadCount)
            }
            progress?(.warps(pass: pass + 1, of: vtln.trainingPasses, factors: chosen, seconds: Date().timeIntervalSince(begun)))
            set = try warpedFeatures(signals, entries: entries, factors: groups.map { chosen[$0]! }, normalizationGroups: normalization,
                                     vtln: vtln, configuration: configuration, threadCount: threadCount)
            recognizer = try fitWordModels(entries, labels: labels, features: set.recordings(copies: signals.copies), configuration: configuration,
                                           threadCount: threadCount, progress: progress)
        }
        return Recognizer(configuration: configuration, labels: recognizer.labels, models: recognizer.models,
                          trainingCounts: recognizer.trainingCounts, trainingHistory: recognizer.trainingHistory,
                          trainingWarps: chosen)
    }

    /// The log-likelihood of every matrix of `set` under the model of its entry's own label (each
    /// label's matrices scored in one batch, labels on `threadCount` workers); NaN for matrices
    /// shorter than `minimumFrames` and for entries whose label has no model.
    func ownLabelScores(_ set: FeatureSet, entries: [CorpusEntry], minimumFrames: Int,
                        threadCount: Int) throws(RecognizerError) -> [[Double]] {
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var places: [[(entry: Int, position: Int)]] = Array(repeating: [], count: labels.count)
        for (entry, matrices) in set.features.enumerated() {
            guard let label = labelIndex[entries[entry].label] else { continue }
            for (position, matrix) in matrices.enumerated() where matrix.rowCount >= minimumFrames {
                places[label].append((entry, position))
            }
        }
        let models = self.models, labels = self.labels, features = set.features, work = places
        let columns = try ParallelWork.map(labels.count, threadCount: threadCount) { (label) throws(RecognizerError) -> [Double] in
            guard !work[label].isEmpty else { return [] }
            do throws(HMMError) {
                let (frames, lengths) = try stack(work[label].map { features[$0.entry][$0.position] })
                return try models[label].logLikelihoods(of: frames, lengths: lengths, unscorableAsNegativeInfinity: true)
            } catch { throw .model(label: labels[label], error) }
        }
        var scores = set.features.map { [Double](repeating: .nan, count: $0.count) }
        for (label, values) in columns.enumerated() {
            for (k, place) in places[label].enumerated() { scores[place.entry][place.position] = values[k] }
        }
        return scores
    }

    /// ``score(_:threadCount:speaker:)`` with VTLN: every candidate factor's features and score
    /// table, one factor per speaker (per recording without one) chosen without the labels — the
    /// one that maximises the speaker's sum of best-word log-likelihoods — and that factor's rows;
    /// with speaker adaptation also the usable entries' features at their chosen factors.
    func scoreWithVTLN(_ entries: [CorpusEntry], vtln: VTLNOptions,
                       threadCount: Int) throws(RecognizerError) -> (ScoredRecordings, [Matrix<Double>]?) {
        let signals = FeatureComputation.load(entries, sampleRate: configuration.features.sampleRate, perturbation: [],
                                              threadCount: threadCount)
        let groups = Self.warpGroups(entries, factors: [1])
        let normalization = Self.warpNormalizationGroups(entries, groups: groups, copies: 1, configuration: configuration)
        var tables: [[[Double]]] = [], usable: [Int] = [], frames: [Int] = [], problems: [Int: String] = [:]
        let chosen = try Self.chooseWarps(vtln.warpFactors, signals: signals, entries: entries, groups: groups,
                                          normalizationGroups: normalization, vtln: vtln, configuration: configuration,
                                          threadCount: threadCount) { (_: Int, set: FeatureSet) throws(RecognizerError) -> [[Double]] in
            // Framing does not depend on the warp: the same entries are usable for every factor.
            problems = Dictionary(set.problems.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            usable = entries.indices.filter { problems[$0] == nil && !set.features[$0].isEmpty }
            let sequences = usable.map { set.features[$0][0] }
            frames = sequences.map(\.rowCount)
            let table = try scores(sequences, threadCount: threadCount)
            tables.append(table)
            var best = set.features.map { [Double](repeating: .nan, count: $0.count) }
            for (row, entry) in usable.enumerated() { best[entry][0] = table[row].max() ?? .nan }
            return best
        }
        let candidate = Dictionary(vtln.warpFactors.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let factors = usable.map { chosen[groups[$0]]! }
        let table = usable.indices.map { row in tables[candidate[factors[row]]!][row] }
        let scored = ScoredRecordings(usable: usable, table: table, frames: frames, problems: problems, warpFactors: factors,
                                      groupWarps: chosen)
        guard configuration.adaptation != nil else { return (scored, nil) }
        let set = try Self.warpedFeatures(signals, entries: entries, factors: groups.map { chosen[$0]! }, normalizationGroups: normalization,
                                          vtln: vtln, configuration: configuration, threadCount: threadCount)
        return (scored, usable.map { set.features[$0][0] })
    }
}
