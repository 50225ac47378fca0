import Foundation
import HMMKitAudio
import HMMKitCorpus
import HMMKitFeatures
import HMMKitNumerics
import HMMKitTraining

/// The features of one recording's speed-perturbed copies, or what stopped them.
struct RecordingFeatures: Sendable {
    /// Each copy that gave frames: its position among the perturbation factors and its
    /// features, `[frames × dimension]`.
    var copies: [(copy: Int, frames: Matrix<Double>)]
    /// What went wrong with the recording or some of its copies (each message names the file).
    var problems: [String]
    /// Seconds of audio read (at the front end's rate).
    var seconds: Double
}

/// Turns recordings into training features, one recording at a time: decode, resample to the
/// front end's rate, make the speed-perturbed copies (resampling from `rate · f` to `rate`, as
/// Kaldi's speed perturbation does with sox), and compute each copy's features. In-memory and
/// streaming training both go through it, so they see the same bits.
struct RecordingFeaturizer: Sendable {
    /// The front end (its normalisation is applied per copy; speaker normalisation comes later).
    let frontEnd: FeatureConfiguration
    /// Speed factors (`[1]` without perturbation).
    let factors: [Double]
    /// Recordings computed in parallel (1: on the calling thread).
    let threadCount: Int

    /// - Throws: ``RecognizerError/configuration(_:)`` for a front end that cannot run.
    init(frontEnd: FeatureConfiguration, perturbation: [Double], threadCount: Int) throws(RecognizerError) {
        do { _ = try MFCCExtractor<Double>(configuration: frontEnd) } catch { throw .configuration(["\(error)"]) }
        self.frontEnd = frontEnd
        self.factors = perturbation.isEmpty ? [1] : perturbation
        self.threadCount = max(1, threadCount)
    }

    /// The sequence number of copy `copy` of the recording at `position`: recordings in corpus
    /// order, each followed by its copies. It also seeds dither, as it always has.
    func sequenceIndex(position: Int, copy: Int) -> Int { position * factors.count + copy }

    /// Copy `copy` of the recording `entry` at `position` as a training sequence (named by its
    /// path, and its speed when perturbed; labelled with the recording's label).
    func record(_ entry: CorpusEntry, position: Int, copy: Int, frames: Matrix<Double>) -> SequenceRecord<Double> {
        let factor = factors[copy]
        return SequenceRecord(index: sequenceIndex(position: position, copy: copy),
                              name: factor == 1 ? entry.path : "\(entry.path) (speed \(factor))", frames: frames, label: entry.label)
    }

    /// The features of `entry`, the recording at `position` of the corpus: of the copies
    /// `wanted(position, copy)` accepts (default all).
    func features(of entry: CorpusEntry, position: Int, extractor: MFCCExtractor<Double>,
                  wanted: (@Sendable (Int, Int) -> Bool)? = nil) -> RecordingFeatures {
        let rate = frontEnd.sampleRate
        let samples: [Double]
        do { samples = try AudioLoader.load(entry.url, sampleRate: rate) } catch {
            return RecordingFeatures(copies: [], problems: ["\(error)"], seconds: 0)
        }
        let seconds = Double(samples.count) / rate
        var signals: [(copy: Int, samples: [Double])] = [], problems: [String] = []
        for (copy, factor) in factors.enumerated() where wanted?(position, copy) ?? true {
            if factor == 1 {
                signals.append((copy, samples))
            } else {
                do { signals.append((copy, try Resampler().resample(samples, from: rate * factor, to: rate))) } catch {
                    problems.append("\(entry.path): speed perturbation \(factor): \(error)")
                }
            }
        }
        guard problems.isEmpty else { return RecordingFeatures(copies: [], problems: problems, seconds: seconds) }
        var copies: [(copy: Int, frames: Matrix<Double>)] = []
        for (copy, signal) in signals {
            do {
                let matrix = try extractor.features(of: signal, source: entry.path,
                                                    utteranceIndex: sequenceIndex(position: position, copy: copy))
                if matrix.rowCount == 0 {
                    problems.append("\(entry.path): shorter than one frame")
                } else {
                    copies.append((copy, matrix))
                }
            } catch {
                problems.append("\(error)")
            }
        }
        return RecordingFeatures(copies: copies, problems: problems, seconds: seconds)
    }

    /// Calls `body(position, features)` for every position in `positions` (ascending) of
    /// `entries`, in order. Recordings are computed `batchSize` at a time on ``threadCount``
    /// workers, so memory holds one batch's features. `copies` chooses the copies computed.
    func forEach(_ positions: [Int], of entries: [CorpusEntry], batchSize: Int, copies: (@Sendable (Int, Int) -> Bool)? = nil,
                 _ body: (Int, RecordingFeatures) throws -> Void) throws {
        let frontEnd = frontEnd
        var start = 0
        while start < positions.count {
            let batch = Array(positions[start..<min(start + max(batchSize, 1), positions.count)])
            start += batch.count
            // Validated in init, so the extractor cannot fail.
            let outcomes = ParallelWork.map(batch.count, threadCount: threadCount, worker: { try! MFCCExtractor<Double>(configuration: frontEnd) }) {
                item, extractor in
                features(of: entries[batch[item]], position: batch[item], extractor: extractor, wanted: copies)
            }
            for (item, position) in batch.enumerated() { try body(position, outcomes[item]) }
        }
    }
}
