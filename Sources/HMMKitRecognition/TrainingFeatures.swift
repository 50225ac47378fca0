import Foundation
import HMMKitAudio
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
    /// The copies of `features` that can train, and the recording's problems (nil when it has none).
    static func usableCopies(_ features: RecordingFeatures, of entry: CorpusEntry, minimumFrames: Int,
                             configuration: RecognizerConfiguration) -> (copies: [(copy: Int, frames: Matrix<Double>)], unusable: UnusableRecording?) {
        var reasons = features.problems
        let usable = features.copies.filter { $0.frames.rowCount >= minimumFrames }
        if usable.count < features.copies.count {
            reasons.append("\(entry.path): \(features.copies.map(\.frames.rowCount).min()!) frames, fewer than the \(minimumFrames) "
                + "a \(configuration.stateCount)-state \(configuration.topology) model needs")
        }
        guard !reasons.isEmpty else { return (usable, nil) }
        return (usable, UnusableRecording(path: entry.path, line: entry.line, reasons: reasons, usableCopies: usable.count))
    }

    /// Every recording of `entries` that cannot be used in whole or in part, in corpus order.
    static func unusableRecordings(_ entries: [CorpusEntry], features: [RecordingFeatures], minimumFrames: Int,
                                   configuration: RecognizerConfiguration) -> [UnusableRecording] {
        zip(entries, features).compactMap { entry, recording in
            usableCopies(recording, of: entry, minimumFrames: minimumFrames, configuration: configuration).unusable
        }
    }

    /// The report of a corpus in which some labels have no usable recording.
    static func emptyLabels(_ labels: [String], counts: [Int]) -> [String] {
        labels.indices.filter { counts[$0] == 0 }.map { "label \"\(labels[$0])\" has no usable recording" }
    }
}

/// The features of labelled recordings, ready for training or evaluation: per entry, the
/// feature matrix of each speed-perturbed copy (one copy when there is no perturbation).
struct FeatureSet: Sendable {
    /// `features[entry][copy]`.
    var features: [[Matrix<Double>]]
    /// `sources[entry][k]`: the index in the ``SignalSet`` of the signal `features[entry][k]` comes from.
    var sources: [[Int]]
    /// Problems with entries (index, message), in entry order.
    var problems: [(Int, String)]
    /// Seconds of audio read.
    var audioSeconds: Double
}

/// Decoded audio at the front end's rate with its speed-perturbed copies, kept in memory so that
/// features can be computed again (with other VTLN warps) without decoding again.
struct SignalSet: Sendable {
    /// `signals[entry * copies + copy]`; empty for an entry that could not be read.
    var signals: [[Double]]
    /// The speed factor of each copy (`[1]` without perturbation).
    var factors: [Double]
    /// Problems found while reading and perturbing (index, message), in entry order.
    var problems: [(Int, String)]
    /// Seconds of audio read.
    var audioSeconds: Double

    /// Copies per entry.
    var copies: Int { factors.count }
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

    /// The normalisation group of every signal: the entry's speaker (with `bySpeaker`, when any
    /// entry names one), else nil (the front end's per-utterance normalisation).
    static func speakerGroups(_ entries: [CorpusEntry], copies: Int, bySpeaker: Bool) -> [String?] {
        let useSpeakers = bySpeaker && entries.contains { $0.speaker != nil }
        return entries.flatMap { entry in [String?](repeating: useSpeakers ? entry.speaker : nil, count: copies) }
    }

    /// Decodes every entry, resamples it to `sampleRate`, and makes the speed-perturbed copies
    /// (resampling from `rate · f` to `rate`, as Kaldi's speed perturbation does with sox).
    static func load(_ entries: [CorpusEntry], sampleRate rate: Double, perturbation: [Double], threadCount: Int) -> SignalSet {
        let factors = perturbation.isEmpty ? [1.0] : perturbation
        var signals: [[Double]] = Array(repeating: [], count: entries.count * factors.count)
        var problems: [(Int, String)] = []
        var seconds = 0.0
        let decoded = ParallelWork.map(entries.count, threadCount: max(1, threadCount)) { index in
            Result { () throws(FeatureError) in try AudioLoader.load(entries[index].url, sampleRate: rate) }
        }
        let resampler = Resampler()
        for index in entries.indices {
            switch decoded[index] {
            case .failure(let error): problems.append((index, "\(error)"))
            case .success(let samples):
                seconds += Double(samples.count) / rate
                for (copy, factor) in factors.enumerated() {
                    if factor == 1 {
                        signals[index * factors.count + copy] = samples
                    } else {
                        do { signals[index * factors.count + copy] = try resampler.resample(samples, from: rate * factor, to: rate) } catch {
                            problems.append((index, "speed perturbation \(factor): \(error)"))
                        }
                    }
                }
            }
        }
        return SignalSet(signals: signals, factors: factors, problems: problems, audioSeconds: seconds)
    }

    /// Features of every signal, each warped by `warpFactors[signal]` (nil: the front end as
    /// configured), then normalised: signals of one non-nil `normalizationGroups` value together
    /// (means and variances, Kaldi's `apply-cmvn --utt2spk`), the others with the front end's own
    /// per-utterance normalisation.
    static func features(of set: SignalSet, entries: [CorpusEntry], configuration: FeatureConfiguration, warpFactors: [Double]?,
                         normalizationGroups: [String?], threadCount: Int) throws(RecognizerError) -> FeatureSet {
        let copies = set.copies
        var raw = configuration
        raw.normalization = .none
        let batch: FeatureBatch<Double>
        do { batch = try FeatureBatch<Double>(configuration: raw, threadCount: threadCount) } catch {
            throw .configuration(["\(error)"])
        }
        let results = warpFactors.map { batch.extract(signals: set.signals, warpFactors: $0) } ?? batch.extract(signals: set.signals)
        var problems = set.problems
        var features: [[Matrix<Double>]] = Array(repeating: [], count: entries.count)
        var groupOf: [[String?]] = Array(repeating: [], count: entries.count)
        var sources: [[Int]] = Array(repeating: [], count: entries.count)
        let failed = Set(problems.map(\.0))
        for index in entries.indices where !failed.contains(index) {
            for copy in 0..<copies {
                switch results[index * copies + copy] {
                case .success(let matrix):
                    if matrix.rowCount == 0 {
                        problems.append((index, "\(entries[index].path): shorter than one frame"))
                    } else {
                        features[index].append(matrix)
                        groupOf[index].append(normalizationGroups[index * copies + copy])
                        sources[index].append(index * copies + copy)
                    }
                case .failure(let error): problems.append((index, "\(entries[index].path): \(error)"))
                }
            }
        }
        problems.sort { $0.0 < $1.0 }
        // Group statistics over every copy in the group; ungrouped copies are normalised alone.
        var matrices: [Matrix<Double>] = [], groups: [String] = [], places: [(Int, Int)] = []
        for index in features.indices {
            for copy in features[index].indices {
                if let group = groupOf[index][copy] {
                    matrices.append(features[index][copy])
                    groups.append(group)
                    places.append((index, copy))
                } else {
                    CepstralNormalizer.normalize(&features[index][copy], configuration.normalization)
                }
            }
        }
        if !matrices.isEmpty {
            CepstralNormalizer.normalizeBySpeaker(&matrices, speakers: groups, dividingByDeviation: true)
            for (k, place) in places.enumerated() { features[place.0][place.1] = matrices[k] }
        }
        return FeatureSet(features: features, sources: sources, problems: problems, audioSeconds: set.audioSeconds)
    }
}

extension FeatureSet {
    /// The same features as ``RecordingFeatures`` (what ``Recognizer/fitWordModels(_:labels:features:configuration:threadCount:progress:)``
    /// trains on), for signals made with `copies` copies per entry.
    func recordings(copies: Int) -> [RecordingFeatures] {
        var messages: [[String]] = Array(repeating: [], count: features.count)
        for (index, message) in problems { messages[index].append(message) }
        return features.indices.map { index in
            RecordingFeatures(copies: zip(sources[index], features[index]).map { (copy: $0 - index * copies, frames: $1) },
                              problems: messages[index], seconds: 0)
        }
    }
}
