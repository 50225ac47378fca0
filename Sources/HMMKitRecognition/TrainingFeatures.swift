import Dispatch
import Foundation
import HMMKitAudio
import HMMKitCorpus
import HMMKitFeatures
import HMMKitNumerics
import Synchronization

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
    /// Decodes every entry, resamples it to the front end's rate, makes the speed-perturbed
    /// copies, and computes their features, on `threadCount` workers; with `bySpeaker`, means and
    /// variances are normalised per speaker (recordings without one get the front end's own
    /// normalisation).
    static func compute(_ entries: [CorpusEntry], configuration: FeatureConfiguration, perturbation: [Double],
                        threadCount: Int, bySpeaker: Bool = false) throws(RecognizerError) -> FeatureSet {
        let signals = load(entries, sampleRate: configuration.sampleRate, perturbation: perturbation, threadCount: threadCount)
        let groups = speakerGroups(entries, copies: signals.copies, bySpeaker: bySpeaker)
        return try features(of: signals, entries: entries, configuration: configuration, warpFactors: nil,
                            normalizationGroups: groups, threadCount: threadCount)
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
        let loaded = Mutex<[Int: Result<[Double], FeatureError>]>([:])
        DispatchQueue.concurrentPerform(iterations: max(1, min(threadCount, entries.count))) { worker in
            for index in stride(from: worker, to: entries.count, by: max(1, min(threadCount, entries.count))) {
                let result = Result { () throws(FeatureError) in try AudioLoader.load(entries[index].url, sampleRate: rate) }
                loaded.withLock { $0[index] = result }
            }
        }
        let decoded = loaded.withLock { $0 }
        let resampler = Resampler()
        for index in entries.indices {
            switch decoded[index]! {
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
