import Foundation
import HMMKitCorpus
import HMMKitFeatures

/// The first pass of streaming training over labelled recordings: every recording decoded and
/// featurised once, a batch at a time, to learn before training what in-memory training learns
/// from the features it holds: every unusable recording or copy (reported all at once), the
/// recordings and frames each label keeps, and the statistics of per-speaker CMVN.
struct TrainingSurvey: Sendable, Codable {
    /// The labels, in natural order (the order of the word models).
    var labels: [String]
    /// Per label, recordings with at least one usable copy (the recognizer's training counts).
    var recordingCounts: [Int]
    /// Per label, frames of its usable copies.
    var frameCounts: [Int]
    /// Per label, usable copies (training sequences).
    var sequenceCounts: [Int]
    /// Every problem found, in corpus order (as in-memory training words them).
    var problems: [String]
    /// Positions of the recordings the problems are about: the only ones a later pass may find
    /// wanting without failing.
    var flagged: Set<Int>
    /// How features are normalised (with the speakers' statistics when per speaker).
    var normalization: TrainingNormalization
    /// Seconds of audio, all recordings (before perturbation).
    var audioSeconds: Double

    /// Surveys `entries` (recordings in parallel on `threadCount` workers, `batchSize` at a time).
    /// - Throws: ``RecognizerError/corpus(_:)`` with every problem when a label is left without a
    ///   usable recording (what in-memory training throws before it trains).
    static func run(_ entries: [CorpusEntry], labels: [String], configuration: RecognizerConfiguration, minimumFrames: Int,
                    threadCount: Int, batchSize: Int) throws(RecognizerError) -> TrainingSurvey {
        let bySpeaker = TrainingNormalization.isBySpeaker(configuration, entries)
        let featurizer = try RecordingFeaturizer(frontEnd: TrainingNormalization.frontEnd(configuration, bySpeaker: bySpeaker),
                                                 perturbation: configuration.speedPerturbation, threadCount: threadCount)
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var survey = TrainingSurvey(labels: labels, recordingCounts: Array(repeating: 0, count: labels.count),
                                    frameCounts: Array(repeating: 0, count: labels.count),
                                    sequenceCounts: Array(repeating: 0, count: labels.count), problems: [], flagged: [],
                                    normalization: TrainingNormalization(speakers: nil, fallback: configuration.features.normalization),
                                    audioSeconds: 0)
        var speakers: [String: CepstralStatistics] = [:]
        // The body does not throw.
        try! featurizer.forEach(Array(entries.indices), of: entries, batchSize: batchSize) { position, features in
            let entry = entries[position]
            survey.audioSeconds += features.seconds
            if bySpeaker { TrainingNormalization.add(features, speaker: entry.speaker, to: &speakers) }
            let (usable, problems) = TrainingUse.usableCopies(features, of: entry, minimumFrames: minimumFrames,
                                                              configuration: configuration)
            if !problems.isEmpty {
                survey.problems += problems
                survey.flagged.insert(position)
            }
            guard !usable.isEmpty, let label = labelIndex[entry.label] else { return }
            survey.recordingCounts[label] += 1
            survey.sequenceCounts[label] += usable.count
            survey.frameCounts[label] += usable.reduce(0) { $0 + $1.frames.rowCount }
        }
        if bySpeaker { survey.normalization.speakers = speakers }
        let empty = TrainingUse.emptyLabels(labels, counts: survey.recordingCounts)
        guard empty.isEmpty else { throw .corpus(survey.problems + empty) }
        return survey
    }
}
