import Dispatch
import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitNumerics
import HMMKitTraining
import Synchronization

/// The front end of streamed VTLN training: a recording's signals (decoded, resampled, speed
/// copies) and the features of one signal at a warp factor with a normalisation, the one function
/// ``features(of:sequence:path:warp:normalization:extractors:)``. The features are those
/// in-memory VTLN training computes (``Recognizer/warpedFeatures(_:entries:factors:normalizationGroups:vtln:configuration:threadCount:)``).
struct WarpedFrontEnd: Sendable {
    /// Decoding and speed copies (its own front end unwarped and unnormalised).
    let featurizer: RecordingFeaturizer
    /// The front end without normalisation; the warp is set per factor.
    let raw: FeatureConfiguration
    let vtln: VTLNOptions
    /// The front end's own normalisation, for signals not normalised with a group.
    let utteranceNormalization: CepstralNormalization

    /// How a signal's features are normalised after warping.
    enum Normalization {
        /// Not at all (for the statistics of a group).
        case none
        /// The front end's own (per utterance).
        case utterance
        /// With its group's statistics at the same warp (means and variances, Kaldi's `apply-cmvn --utt2spk`).
        case group(CepstralStatistics)
    }

    /// - Throws: ``RecognizerError/configuration(_:)`` for a front end or warp factor that cannot run.
    init(configuration: RecognizerConfiguration, vtln: VTLNOptions, threadCount: Int) throws(RecognizerError) {
        var raw = configuration.features
        raw.normalization = .none
        featurizer = try RecordingFeaturizer(frontEnd: raw, perturbation: configuration.speedPerturbation, threadCount: threadCount)
        for factor in vtln.warpFactors + [1] {
            var warped = raw
            warped.vtlnWarp = vtln.warp(factor)
            do { _ = try MFCCExtractor<Double>(configuration: warped) } catch { throw .configuration(["VTLN warp factor \(factor): \(error)"]) }
        }
        self.raw = raw
        self.vtln = vtln
        utteranceNormalization = configuration.features.normalization
    }

    /// The features of `signal` (sequence `sequence`, of the file `path`) with the filterbank
    /// warped by `warp`, normalised as `normalization` says; `[frames × dimension]`, possibly empty.
    func features(of signal: [Double], sequence: Int, path: String, warp: Double, normalization: Normalization,
                  extractors: WarpExtractors) throws(FeatureError) -> Matrix<Double> {
        var frames = try extractors.extractor(warp, raw: raw, vtln: vtln).features(of: signal, source: path, utteranceIndex: sequence)
        guard frames.rowCount > 0 else { return frames }
        switch normalization {
        case .none: break
        case .utterance: CepstralNormalizer.normalize(&frames, utteranceNormalization)
        case .group(let statistics): statistics.apply(to: &frames, dividingByDeviation: true)
        }
        return frames
    }

    /// One ``WarpExtractors`` per worker.
    func workerExtractors() -> [WarpExtractors] { (0..<featurizer.threadCount).map { _ in WarpExtractors() } }
}

/// One worker's extractors, one per warp factor, made when first asked for (an ``MFCCExtractor``
/// is used by one thread at a time: worker `i` of ``orderedParallelMap(_:workers:_:)`` alone uses
/// the `i`-th).
final class WarpExtractors: @unchecked Sendable {
    private var byWarp: [Double: MFCCExtractor<Double>] = [:]

    func extractor(_ warp: Double, raw: FeatureConfiguration, vtln: VTLNOptions) -> MFCCExtractor<Double> {
        if let extractor = byWarp[warp] { return extractor }
        var warped = raw
        warped.vtlnWarp = vtln.warp(warp)
        // Every factor was validated by WarpedFrontEnd.init.
        let extractor = try! MFCCExtractor<Double>(configuration: warped)
        byWarp[warp] = extractor
        return extractor
    }
}

/// `make(item, worker)` for items `0 ..< count` on up to `workers` threads, results in item order
/// (each item is made by one worker, whichever; `worker` indexes per-worker state).
func orderedParallelMap<T: Sendable>(_ count: Int, workers: Int, _ make: @Sendable (Int, Int) -> T) -> [T] {
    let threads = max(1, min(workers, count))
    if threads == 1 { return (0..<count).map { make($0, 0) } }
    let results = Mutex<[T?]>(Array(repeating: nil, count: count))
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: threads) { worker in
        while true {
            let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard item < count else { return }
            let value = make(item, worker)
            results.withLock { $0[item] = value }
        }
    }
    return results.withLock { $0.map { $0! } }
}

/// Who shares a warp factor and who is normalised together under VTLN, per training sequence
/// (`position · copies + copy`), as in memory: ``Recognizer/warpGroups(_:factors:separateCopies:)``
/// and ``Recognizer/warpNormalizationGroups(_:groups:copies:configuration:)``.
struct WarpGrouping: Sendable {
    /// The warp groups (speakers, or files without a speaker), sorted: the order of every reduction.
    let names: [String]
    /// Per sequence, its warp group's index in ``names``.
    let group: [Int]
    /// Per sequence, whether it is normalised with its group's statistics (else per utterance).
    let normalizedTogether: [Bool]

    init(_ entries: [CorpusEntry], copies factors: [Double], vtln: VTLNOptions, configuration: RecognizerConfiguration) {
        let groups = Recognizer.warpGroups(entries, factors: factors, separateCopies: vtln.perturbedCopiesAsSpeakers)
        let normalization = Recognizer.warpNormalizationGroups(entries, groups: groups, copies: factors.count, configuration: configuration)
        names = Array(Set(groups)).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        group = groups.map { index[$0]! }
        normalizedTogether = normalization.map { $0 != nil }
    }

    /// Whether any sequence is normalised with a group.
    var hasGroupNormalization: Bool { normalizedTogether.contains(true) }
}

/// Labelled recordings as a ``SequenceSource`` under VTLN: like ``RecordingSequenceSource``, every
/// pass decodes the audio again, but each copy's features are warped by its group's factor and
/// normalised with its group's statistics at that factor (or per utterance), as in memory.
struct WarpedRecordingSource: SequenceSource {
    typealias Scalar = Double

    let entries: [CorpusEntry]
    let frontEnd: WarpedFrontEnd
    let grouping: WarpGrouping
    let survey: TrainingSurvey
    let configuration: RecognizerConfiguration
    let minimumFrames: Int
    /// One per worker.
    let extractors: [WarpExtractors]
    /// Per warp group, its factor.
    let warps: [Double]
    /// Per warp group, its statistics at its factor (nil for a group normalised per utterance).
    let statistics: [CepstralStatistics?]
    /// The labels whose recordings a pass reads (nil: all); set between passes.
    let trainingLabels = LabelFilter()

    func forEachSequence(in shard: SequenceShard, _ body: (SequenceRecord<Double>) throws -> Void) throws {
        let featurizer = frontEnd.featurizer, labels = trainingLabels.labels
        let positions = entries.indices.filter { position in
            (labels?.contains(entries[position].label) ?? true)
                && featurizer.factors.indices.contains { shard.contains(featurizer.sequenceIndex(position: position, copy: $0)) }
        }
        let batchSize = 16 * featurizer.threadCount
        for start in stride(from: 0, to: positions.count, by: batchSize) {
            let batch = Array(positions[start..<min(start + batchSize, positions.count)])
            let computed = orderedParallelMap(batch.count, workers: featurizer.threadCount) { item, worker in
                recording(at: batch[item], shard: shard, extractors: extractors[worker])
            }
            for (position, features) in zip(batch, computed) {
                let entry = entries[position]
                let (usable, unusable) = TrainingUse.usableCopies(features, of: entry, minimumFrames: minimumFrames,
                                                                  configuration: configuration)
                // As in RecordingSequenceSource: only problems the survey reported are expected.
                if let unusable, !survey.flagged.contains(position) {
                    throw TrainingError.input(unusable.messages.joined(separator: "; "))
                }
                for (copy, frames) in usable { try body(featurizer.record(entry, position: position, copy: copy, frames: frames)) }
            }
        }
    }

    /// The features of the copies in `shard` of the recording at `position`, warped and normalised.
    private func recording(at position: Int, shard: SequenceShard, extractors: WarpExtractors) -> RecordingFeatures {
        let featurizer = frontEnd.featurizer, entry = entries[position]
        let (signals, problems, seconds) = featurizer.signals(of: entry, position: position) { position, copy in
            shard.contains(featurizer.sequenceIndex(position: position, copy: copy))
        }
        var features = RecordingFeatures(copies: [], problems: problems, seconds: seconds)
        for (copy, samples) in signals {
            let sequence = featurizer.sequenceIndex(position: position, copy: copy), group = grouping.group[sequence]
            let normalization: WarpedFrontEnd.Normalization = grouping.normalizedTogether[sequence]
                ? statistics[group].map { .group($0) } ?? .utterance : .utterance
            do {
                let frames = try frontEnd.features(of: samples, sequence: sequence, path: entry.path, warp: warps[group],
                                                   normalization: normalization, extractors: extractors)
                if frames.rowCount == 0 {
                    features.problems.append("\(entry.path): shorter than one frame")
                } else {
                    features.copies.append((copy, frames))
                }
            } catch {
                features.problems.append("\(entry.path): \(error)")
            }
        }
        return features
    }
}
