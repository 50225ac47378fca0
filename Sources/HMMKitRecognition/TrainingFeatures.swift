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
    /// Problems with entries (index, message), in entry order.
    var problems: [(Int, String)]
    /// Seconds of audio read.
    var audioSeconds: Double
}

enum FeatureComputation {
    /// Decodes every entry, resamples it to the front end's rate, makes the speed-perturbed
    /// copies (resampling from `rate · f` to `rate`, as Kaldi's speed perturbation does with sox),
    /// and computes their features, on `threadCount` workers.
    static func compute(_ entries: [CorpusEntry], configuration: FeatureConfiguration, perturbation: [Double],
                        threadCount: Int, bySpeaker: Bool = false) throws(RecognizerError) -> FeatureSet {
        guard bySpeaker, entries.contains(where: { $0.speaker != nil }) else {
            return try computeEach(entries, configuration: configuration, perturbation: perturbation, threadCount: threadCount)
        }
        var raw = configuration
        raw.normalization = .none
        var set = try computeEach(entries, configuration: raw, perturbation: perturbation, threadCount: threadCount)
        // Speaker statistics over every copy of every recording of the speaker; recordings without
        // a speaker get the front end's own normalisation.
        var matrices: [Matrix<Double>] = [], speakers: [String] = [], places: [(Int, Int)] = []
        for (index, copies) in set.features.enumerated() {
            for (copy, matrix) in copies.enumerated() {
                if let speaker = entries[index].speaker {
                    matrices.append(matrix)
                    speakers.append(speaker)
                    places.append((index, copy))
                } else {
                    CepstralNormalizer.normalize(&set.features[index][copy], configuration.normalization)
                }
            }
        }
        CepstralNormalizer.normalizeBySpeaker(&matrices, speakers: speakers, dividingByDeviation: true)
        for (k, place) in places.enumerated() { set.features[place.0][place.1] = matrices[k] }
        return set
    }

    static func computeEach(_ entries: [CorpusEntry], configuration: FeatureConfiguration, perturbation: [Double],
                            threadCount: Int) throws(RecognizerError) -> FeatureSet {
        let rate = configuration.sampleRate
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
        let batch: FeatureBatch<Double>
        do { batch = try FeatureBatch<Double>(configuration: configuration, threadCount: threadCount) } catch {
            throw .configuration(["\(error)"])
        }
        let results = batch.extract(signals: signals)
        var features: [[Matrix<Double>]] = Array(repeating: [], count: entries.count)
        let failed = Set(problems.map(\.0))
        for index in entries.indices where !failed.contains(index) {
            for copy in factors.indices {
                switch results[index * factors.count + copy] {
                case .success(let matrix):
                    if matrix.rowCount == 0 {
                        problems.append((index, "\(entries[index].path): shorter than one frame"))
                    } else {
                        features[index].append(matrix)
                    }
                case .failure(let error): problems.append((index, "\(entries[index].path): \(error)"))
                }
            }
        }
        problems.sort { $0.0 < $1.0 }
        return FeatureSet(features: features, problems: problems, audioSeconds: seconds)
    }
}
