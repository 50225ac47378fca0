import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitTraining
import Synchronization

/// Labelled recordings as a ``SequenceSource``: every pass decodes the audio again and computes
/// the features on the fly (on the reading thread, a batch of recordings at a time on
/// ``FrontEnd/threadCount`` workers), so streaming training never holds more than a
/// batch of recordings and a few chunks, whatever the corpus size.
///
/// Sequence `position · copies + copy` is speed copy `copy` of the recording at `position`,
/// labelled with the recording's label, computed through the filterbank at its VTLN group's warp
/// factor (``warps``) and normalised with ``normalization`` (per speaker, or by the front end);
/// copies too short for the word models are left out, as in memory. A recording is
/// decoded only when one of its copies belongs to the shard, and only those copies are computed;
/// recordings of words that have stopped training (``trainingLabels``) are not read at all.
struct RecordingSequenceSource: SequenceSource {
    typealias Scalar = Double

    let entries: [CorpusEntry]
    let recordings: RecordingList
    let survey: TrainingSurvey
    let configuration: RecognizerConfiguration
    let minimumFrames: Int
    /// Recordings featurised together (in parallel), at most.
    let batchSize: Int
    /// Per VTLN warp group (``RecordingList/warpGroup(_:copy:)``), its factor; empty: the front end's own.
    let warps: [String: Double]
    /// How the features are normalised: the survey's, or the speakers' statistics at their warps.
    let normalization: CepstralGroupNormalization
    /// The labels whose recordings a pass reads (nil: all); set between passes.
    let trainingLabels = LabelFilter()
    /// Where a pass keeps the unnormalised features of every sequence of `shard`, so that the
    /// reads of that shard after the first (or after whoever filled it) do not compute them again
    /// (nil: every read computes them). A cache left incomplete (a read stopped early) is filled
    /// again; one that could not be written (``SequenceCacheFile/writing(_:)``) is not used.
    var cache: (shard: SequenceShard, file: SequenceCacheFile)?

    init(entries: [CorpusEntry], configuration: RecognizerConfiguration, survey: TrainingSurvey, minimumFrames: Int,
         threadCount: Int, warps: [String: Double] = [:], normalization: CepstralGroupNormalization? = nil) throws(RecognizerError) {
        recordings = try RecordingList(entries, configuration: configuration, perturbed: true, threadCount: threadCount)
        self.entries = entries
        self.survey = survey
        self.configuration = configuration
        self.minimumFrames = minimumFrames
        self.warps = warps
        self.normalization = normalization ?? survey.normalization
        // A few recordings per worker: enough to balance, small beside a chunk.
        batchSize = 16 * max(threadCount, 1)
    }

    func forEachSequence(in shard: SequenceShard, _ body: (SequenceRecord<Double>) throws -> Void) throws {
        let labels = trainingLabels.labels, recordings = recordings, normalization = normalization
        let copies = recordings.frontEnd.speedFactors.count
        func normalised(_ record: SequenceRecord<Double>) throws {
            guard labels?.contains(record.label ?? "") ?? true else { return }
            var record = record
            normalization.apply(to: &record.frames, group: recordings.normalizationGroup(record.index / copies, copy: record.index % copies))
            try body(record)
        }
        guard let cache = cache?.shard == shard ? cache?.file : nil, !cache.isDiscarded else {
            return try computeSequences(in: shard, labels: labels, normalised)
        }
        if cache.isComplete { return try cache.forEachRecord(normalised) }
        // Every label's sequences, so that the cache serves every later read (a cache that
        // cannot be written is given up: the reads after this one compute their sequences).
        cache.writing { try $0.restart() }
        try computeSequences(in: shard, labels: nil) { record in
            cache.writing { try $0.append(record) }
            try normalised(record)
        }
        cache.writing { try $0.finish() }
    }

    /// The unnormalised sequences of `shard` whose labels are among `labels` (nil: all), computed
    /// from the audio.
    private func computeSequences(in shard: SequenceShard, labels: Set<String>?,
                                  _ body: (SequenceRecord<Double>) throws -> Void) throws {
        let recordings = recordings, frontEnd = recordings.frontEnd, warps = warps
        let copies = frontEnd.speedFactors.indices
        let positions = entries.indices.filter { position in
            (labels?.contains(entries[position].label) ?? true)
                && copies.contains { shard.contains(frontEnd.copyIndex(position: position, copy: $0)) }
        }
        var warpFactor: (@Sendable (Int, Int) -> Double?)?
        if !warps.isEmpty {
            warpFactor = { @Sendable position, copy in warps[recordings.warpGroup(position, copy: copy)] }
        }
        try frontEnd.forEach(positions, batchSize: batchSize, audio: { position in
            recordings.decode(position) { shard.contains(frontEnd.copyIndex(position: position, copy: $0)) }
        }, warpFactor: warpFactor) { position, features in
            let entry = entries[position]
            let (usable, unusable) = TrainingUse.usableCopies(features, of: entry, minimumFrames: minimumFrames,
                                                              configuration: configuration)
            // The survey reported these recordings already; anything new (a file changed or
            // vanished since) stops training rather than silently training on less.
            if let unusable, !survey.flagged.contains(position) {
                throw TrainingError.input(unusable)
            }
            for copy in usable { try body(TrainingUse.record(entry, position: position, copy: copy, recordings: recordings)) }
        }
    }
}

/// The labels a ``RecordingSequenceSource`` reads, shared between the trainer (which sets them
/// before each iteration) and the reading thread (which reads them when a pass starts).
final class LabelFilter: Sendable {
    private let state = Mutex<Set<String>?>(nil)

    /// The labels to read (nil: all).
    var labels: Set<String>? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
