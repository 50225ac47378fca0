import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitNumerics

/// How training features are normalised: by the front end itself (per utterance, or not at all),
/// or per speaker (Kaldi's `apply-cmvn --utt2spk`) with statistics over every copy of every
/// recording of the speaker, which needs a pass over the corpus first. Recordings that name no
/// speaker then get the front end's own normalisation.
struct TrainingNormalization: Sendable, Codable {
    /// Per speaker, the statistics of all their copies' raw features (nil: the front end normalises).
    var speakers: [String: CepstralStatistics]?
    /// The front end's normalisation, for recordings without a speaker.
    var fallback: CepstralNormalization

    /// Whether `configuration` normalises `entries` per speaker.
    static func isBySpeaker(_ configuration: RecognizerConfiguration, _ entries: [CorpusEntry]) -> Bool {
        configuration.speakerNormalization && entries.contains { $0.speaker != nil }
    }

    /// The front end features are computed with: without normalisation when speakers normalise later.
    static func frontEnd(_ configuration: RecognizerConfiguration, bySpeaker: Bool) -> FeatureConfiguration {
        var frontEnd = configuration.features
        if bySpeaker { frontEnd.normalization = .none }
        return frontEnd
    }

    /// Adds every copy of a recording of `speaker` to its statistics (in corpus order, as
    /// ``CepstralNormalizer/normalizeBySpeaker(_:speakers:dividingByDeviation:)`` adds them).
    static func add(_ features: RecordingFeatures, speaker: String?, to statistics: inout [String: CepstralStatistics]) {
        guard let speaker else { return }
        for copy in features.copies {
            statistics[speaker, default: CepstralStatistics(dimension: copy.frames.columnCount)].add(copy.frames)
        }
    }

    /// Normalises a copy of a recording of `speaker`.
    func apply(to frames: inout Matrix<Double>, speaker: String?) {
        guard let speakers else { return }
        if let speaker, let statistics = speakers[speaker] {
            statistics.apply(to: &frames, dividingByDeviation: true)
        } else {
            CepstralNormalizer.normalize(&frames, fallback)
        }
    }
}

/// Which copies of a recording train its word model: those with at least the frames the
/// topology needs. Shared by in-memory and streaming training, so both train on the same
/// sequences and report the same problems.
enum TrainingUse {
    /// The copies of `features` that can train, and the problems to report (every message of the
    /// recording, placed at its manifest line when it has one).
    static func usableCopies(_ features: RecordingFeatures, of entry: CorpusEntry, minimumFrames: Int,
                             configuration: RecognizerConfiguration) -> (copies: [(copy: Int, frames: Matrix<Double>)], problems: [String]) {
        var problems = features.problems.map { message in entry.line.map { "line \($0): \(message)" } ?? message }
        let usable = features.copies.filter { $0.frames.rowCount >= minimumFrames }
        if usable.count < features.copies.count {
            problems.append("\(entry.path): \(features.copies.map(\.frames.rowCount).min()!) frames, fewer than the \(minimumFrames) "
                + "a \(configuration.stateCount)-state \(configuration.topology) model needs; skipped")
        }
        return (usable, problems)
    }

    /// The report of a corpus in which some labels have no usable recording.
    static func emptyLabels(_ labels: [String], counts: [Int]) -> [String] {
        labels.indices.filter { counts[$0] == 0 }.map { "label \"\(labels[$0])\" has no usable recording" }
    }
}

enum FeatureComputation {
    /// The features of every entry (``RecordingFeaturizer``), normalised as `configuration` says,
    /// computed on `threadCount` workers and held in memory.
    static func compute(_ entries: [CorpusEntry], configuration: RecognizerConfiguration,
                        threadCount: Int) throws(RecognizerError) -> [RecordingFeatures] {
        let bySpeaker = TrainingNormalization.isBySpeaker(configuration, entries)
        let featurizer = try RecordingFeaturizer(frontEnd: TrainingNormalization.frontEnd(configuration, bySpeaker: bySpeaker),
                                                 perturbation: configuration.speedPerturbation, threadCount: threadCount)
        var all: [RecordingFeatures] = []
        all.reserveCapacity(entries.count)
        // The body does not throw.
        try! featurizer.forEach(Array(entries.indices), of: entries, batchSize: entries.count) { all.append($1) }
        guard bySpeaker else { return all }
        var statistics: [String: CepstralStatistics] = [:]
        for (entry, features) in zip(entries, all) { TrainingNormalization.add(features, speaker: entry.speaker, to: &statistics) }
        let normalization = TrainingNormalization(speakers: statistics, fallback: configuration.features.normalization)
        for index in all.indices {
            for copy in all[index].copies.indices {
                normalization.apply(to: &all[index].copies[copy].frames, speaker: entries[index].speaker)
            }
        }
        return all
    }
}
