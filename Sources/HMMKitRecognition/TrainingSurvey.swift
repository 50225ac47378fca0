import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitTraining

/// The first pass of streaming training over labelled recordings: every recording decoded and
/// featurised once, a batch at a time, to learn before training what in-memory training learns
/// from the features it holds: every unusable recording or copy (reported all at once), the
/// recordings and frames each label keeps, and the statistics of per-speaker CMVN (and of the
/// CMVN prior, ``RecognizerConfiguration/normalizationPriorFrames``). The same pass
/// can draw the initialisation samples, so a fresh run reads the corpus once before training.
struct TrainingSurvey: Sendable, Codable {
    /// The labels, in natural order (the order of the word models).
    var labels: [String]
    /// Per label, recordings with at least one usable copy (the recognizer's training counts).
    var recordingCounts: [Int]
    /// Per label, frames of its usable copies.
    var frameCounts: [Int]
    /// Per label, usable copies (training sequences).
    var sequenceCounts: [Int]
    /// Every recording that cannot be used in whole or in part, in corpus order (as in-memory
    /// training finds them).
    var unusable: [UnusableRecording]
    /// Positions of the recordings the problems are about: the only ones a later pass may find
    /// wanting without failing.
    var flagged: Set<Int>
    /// How features are normalised (with the speakers' statistics when per speaker).
    var normalization: CepstralGroupNormalization
    /// Seconds of audio, all recordings (before perturbation).
    var audioSeconds: Double

    /// How the survey draws the initialisation samples (``SequenceSample/drawByLabel(from:frameBudget:seed:)``).
    struct Sampling {
        /// Frames per label, at most.
        var frameBudget: Int
        var seed: UInt64
    }

    /// Surveys `entries` (recordings in parallel on `threadCount` workers, `batchSize` at a time)
    /// and, with `sampling`, draws each label's initialisation sample from the sequences
    /// ``RecordingSequenceSource`` delivers: the same sequences, normalised alike. With `cache`, it
    /// also keeps the unnormalised sequences of its shard there, as a source's first read would.
    /// - Throws: ``RecognizerError/corpus(_:)`` with every problem when a label is left without a
    ///   usable recording (what in-memory training throws before it trains).
    static func run(_ entries: [CorpusEntry], labels: [String], configuration: RecognizerConfiguration, minimumFrames: Int,
                    threadCount: Int, batchSize: Int, sampling: Sampling?,
                    cache: (shard: SequenceShard, file: SequenceCacheFile)? = nil)
        throws(RecognizerError) -> (survey: TrainingSurvey, samples: [String: SequenceSample<Double>]?)
    {
        let recordings = try RecordingList(entries, configuration: configuration, perturbed: true, threadCount: threadCount)
        let frontEnd = recordings.frontEnd
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var survey = TrainingSurvey(labels: labels, recordingCounts: Array(repeating: 0, count: labels.count),
                                    frameCounts: Array(repeating: 0, count: labels.count),
                                    sequenceCounts: Array(repeating: 0, count: labels.count), unusable: [], flagged: [],
                                    normalization: CepstralGroupNormalization(fallback: configuration.features.normalization),
                                    audioSeconds: 0)
        var sampler: SequenceSample<Double>.LabelSampler?
        // The normalisation prior pools every copy, in corpus order, as in-memory training does.
        var pooled: CepstralStatistics?
        do {
            if let sampling { sampler = try .init(frameBudget: sampling.frameBudget, seed: sampling.seed) }
            cache?.file.writing { try $0.restart() }
            try frontEnd.forEach(Array(entries.indices), batchSize: batchSize, audio: { recordings.decode($0) }) {
                position, features in
                let entry = entries[position]
                survey.audioSeconds += features.seconds
                survey.normalization.add(features) { recordings.normalizationGroup(position, copy: $0) }
                if configuration.normalizationPriorFrames != nil {
                    for copy in features.copies {
                        if pooled == nil { pooled = CepstralStatistics(dimension: copy.frames.columnCount) }
                        pooled!.add(copy.frames)
                    }
                }
                let (usable, unusable) = TrainingUse.usableCopies(features, of: entry, minimumFrames: minimumFrames,
                                                                  configuration: configuration)
                if let unusable {
                    survey.unusable.append(unusable)
                    survey.flagged.insert(position)
                }
                guard !usable.isEmpty, let label = labelIndex[entry.label] else { return }
                survey.recordingCounts[label] += 1
                survey.sequenceCounts[label] += usable.count
                survey.frameCounts[label] += usable.reduce(0) { $0 + $1.frames.rowCount }
                // Unnormalised for now: the speakers' statistics are complete only at the end.
                for copy in usable {
                    let record = TrainingUse.record(entry, position: position, copy: copy, recordings: recordings)
                    try sampler?.add(record)
                    if let cache, cache.shard.contains(record.index) { cache.file.writing { try $0.append(record) } }
                }
            }
            cache?.file.writing { try $0.finish() }
        } catch {
            throw .training(error as? TrainingError ?? .input(error))
        }
        if let frames = configuration.normalizationPriorFrames {
            survey.normalization.prior = CepstralPrior(statistics: pooled ?? CepstralStatistics(dimension: 0), frames: frames)
        }
        let empty = TrainingUse.emptyLabels(labels, counts: survey.recordingCounts)
        guard empty.isEmpty else { throw .corpus(survey.unusable.flatMap(\.messages) + empty) }
        guard let sampler else { return (survey, nil) }
        var samples: [String: SequenceSample<Double>]
        do { samples = try sampler.samples() } catch { throw .training(error) }
        for label in samples.keys {
            for index in samples[label]!.records.indices {
                let sequence = samples[label]!.records[index].index, copies = frontEnd.speedFactors.count
                survey.normalization.apply(to: &samples[label]!.records[index].frames,
                                           group: recordings.normalizationGroup(sequence / copies, copy: sequence % copies))
            }
        }
        return (survey, samples)
    }
}
