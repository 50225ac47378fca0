import Dispatch
import Foundation
import HMMKitAudio
import HMMKitCorpus
import HMMKitFeatures
import HMMKitNumerics
import HMMKitTraining
import Synchronization

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
        let (signals, problems, seconds) = self.signals(of: entry, position: position, wanted: wanted)
        guard problems.isEmpty else { return RecordingFeatures(copies: [], problems: problems, seconds: seconds) }
        return features(of: signals, entry: entry, position: position, extractor: extractor, seconds: seconds)
    }

    /// The decoded audio of `entry`, the recording at `position`, at the front end's rate, and its
    /// speed-perturbed copies `wanted(position, copy)` accepts (default all); no signals when
    /// decoding or a copy failed (`problems` say why). `seconds`: the audio's length.
    func signals(of entry: CorpusEntry, position: Int, wanted: (@Sendable (Int, Int) -> Bool)? = nil)
        -> (signals: [(copy: Int, samples: [Double])], problems: [String], seconds: Double)
    {
        let rate = frontEnd.sampleRate
        let samples: [Double]
        do { samples = try AudioLoader.load(entry.url, sampleRate: rate) } catch {
            return ([], ["\(error)"], 0)
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
        return problems.isEmpty ? (signals, [], seconds) : ([], problems, seconds)
    }

    /// The features of `signals` (copies of `entry`, the recording at `position`), computed with `extractor`.
    private func features(of signals: [(copy: Int, samples: [Double])], entry: CorpusEntry, position: Int,
                          extractor: MFCCExtractor<Double>, seconds: Double) -> RecordingFeatures {
        var problems: [String] = []
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
        let workers = min(threadCount, max(positions.count, 1))
        // Validated in init, so these cannot fail.
        let extractors = (0..<workers).map { _ in try! MFCCExtractor<Double>(configuration: frontEnd) }
        var start = 0
        while start < positions.count {
            let batch = Array(positions[start..<min(start + max(batchSize, 1), positions.count)])
            start += batch.count
            if workers == 1 {
                for position in batch {
                    try body(position, features(of: entries[position], position: position, extractor: extractors[0], wanted: copies))
                }
                continue
            }
            let results = Mutex<[RecordingFeatures?]>(Array(repeating: nil, count: batch.count))
            let next = Atomic<Int>(0)
            let shared = UnsafeExtractors(extractors)
            DispatchQueue.concurrentPerform(iterations: min(workers, batch.count)) { worker in
                while true {
                    let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard item < batch.count else { return }
                    let outcome = features(of: entries[batch[item]], position: batch[item], extractor: shared.extractors[worker],
                                           wanted: copies)
                    results.withLock { $0[item] = outcome }
                }
            }
            let outcomes = results.withLock { $0 }
            for (item, position) in batch.enumerated() { try body(position, outcomes[item]!) }
        }
    }
}

/// The workers' extractors, each used by one worker only (``MFCCExtractor`` is not shared
/// between threads; worker `i` of `concurrentPerform` takes `extractors[i]`).
private struct UnsafeExtractors: @unchecked Sendable {
    let extractors: [MFCCExtractor<Double>]
    init(_ extractors: [MFCCExtractor<Double>]) { self.extractors = extractors }
}
