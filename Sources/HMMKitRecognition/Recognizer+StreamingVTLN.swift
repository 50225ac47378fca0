import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitFileSystem
import HMMKitMarkov
import HMMKitMatrixFiles
import HMMKitNumerics
import HMMKitTraining

/// Streamed training with VTLN: the passes of in-memory ``Recognizer/trainWithVTLN(_:labels:recordings:vtln:configuration:threadCount:started:unusable:progress:)``
/// around the streamed Baum-Welch of ``Recognizer/trainStreaming(_:configuration:options:events:)``.
extension Recognizer {
    /// Pass 0 trains the word models on the unwarped features the survey normalised. Each pass
    /// `p ≥ 1` then scores every candidate factor of every warp group against the models of pass
    /// `p − 1` in one sweep (per group and factor totals only; one all-reduce in the groups'
    /// sorted order) and trains the word models afresh on the features warped by the chosen
    /// factors. With per-speaker CMVN, the speakers' statistics at every candidate factor come
    /// from one sweep before the first scoring (each process its shard; one all-reduce).
    ///
    /// Resuming: rank 0 records the pass and its warps beside the checkpoint
    /// (``VTLNPassState/url(besideCheckpoint:)``) before the pass's first iteration, after
    /// deleting the previous pass's checkpoint, so a run stopped in any pass continues with that
    /// pass from its checkpoint (or its start).
    static func trainStreamingWithVTLN(_ source: RecordingSequenceSource, labels: [String], vtln: VTLNOptions,
                                       options: StreamingRecognizerOptions, rootSamples: inout [String: SequenceSample<Double>]?,
                                       passStateURL: URL?,
                                       events: ((StreamingRecognizerEvent) -> Void)?) throws(RecognizerError) -> StreamingRecognizerFit {
        let communicator = options.communicator, configuration = source.configuration, survey = source.survey
        var state = try sharedByRoot(communicator) { () throws(RecognizerError) in
            guard options.resume, let passStateURL else { return VTLNPassState(pass: 0, warps: [:]) }
            return try VTLNPassState.read(passStateURL) ?? VTLNPassState(pass: 0, warps: [:])
        }
        guard state.pass <= vtln.trainingPasses else {
            throw .training(.file(path: passStateURL?.path ?? "", problem: .content("the run resumed from is in VTLN pass \(state.pass) of "
                + "\(vtln.trainingPasses) (another configuration); delete it, or drop --resume, to start again")))
        }
        let resumedPass = options.resume ? state.pass : nil
        let sweep = WarpSweep(source: source, shard: communicator.shard, chunkFrames: options.chunking.maximumFrames,
                              cacheFolder: options.featureCacheDirectory)
        var candidates: (normalizations: [CepstralGroupNormalization], features: WarpSweep.CandidateFeatures?)?
        defer { candidates?.features?.discard() }
        var fit: EMFit<ModelSet<GMMHMM<Double>>>?
        for pass in state.pass...vtln.trainingPasses {
            var passSource = source
            if pass > 0 {
                // The survey's features were pass 0's.
                source.cache?.file.discard()
                let begun = Date()
                if candidates == nil { candidates = try sweep.normalizations(vtln.warpFactors, communicator: communicator) }
                let (normalizations, features) = candidates!
                if let previous = fit {
                    let scorer = Recognizer(configuration: configuration, labels: labels, models: previous.model.models,
                                            trainingCounts: survey.recordingCounts, trainingHistory: [])
                    state = VTLNPassState(pass: pass, warps: try sweep.chooseWarps(vtln.warpFactors, scorer: scorer,
                                                                                   normalizations: normalizations, features: features,
                                                                                   communicator: communicator))
                    events?(.warps(pass: pass, of: vtln.trainingPasses, factors: state.warps, seconds: Date().timeIntervalSince(begun)))
                }
                passSource = try RecordingSequenceSource(
                    entries: source.entries, configuration: configuration, survey: survey, minimumFrames: source.minimumFrames,
                    threadCount: source.recordings.frontEnd.threadCount, warps: state.warps,
                    normalization: sweep.normalization(warps: state.warps, candidates: vtln.warpFactors, statistics: normalizations,
                                                       stateURL: passStateURL))
                if let features {
                    passSource.cache = sweep.passCache(warps: state.warps, candidates: vtln.warpFactors, features: features)
                        .map { (communicator.shard, $0) }
                    // The last pass scores no more.
                    if pass == vtln.trainingPasses { features.discard() }
                }
            }
            let passState = state
            fit = try trainWordSet(passSource, labels: labels, options: options, resuming: pass == resumedPass,
                                   fingerprint: ["vtln-pass": "\(pass) of \(vtln.trainingPasses)", "warps": state.identity],
                                   rootSamples: &rootSamples, starting: { () throws(TrainingError) in
                                       // This pass, not the previous one, is what a resumed run continues.
                                       if let checkpoint = options.checkpointURL, let passStateURL {
                                           try? FileManager.default.removeItem(at: checkpoint)
                                           try passState.write(to: passStateURL)
                                       }
                                   }, events: events)
        }
        let model = fit!.model
        let recognizer = Recognizer(configuration: configuration, labels: labels, models: model.models,
                                    trainingCounts: survey.recordingCounts,
                                    trainingHistory: model.histories.map { $0.map { $0.logLikelihood / $0.frameCount } },
                                    trainingWarps: state.warps, normalizationPrior: survey.normalization.prior)
        return StreamingRecognizerFit(recognizer: recognizer, history: fit!.history, stopReason: fit!.stopReason)
    }
}

/// Where streamed VTLN training is: the pass under way and the warps it trains with (empty in
/// pass 0). Rank 0 keeps it beside the checkpoint, written before the pass's checkpoint, whose
/// fingerprint names the same pass and warps.
struct VTLNPassState: Codable, Sendable, Equatable {
    var pass: Int
    /// Per warp group, its factor.
    var warps: [String: Double]

    /// Where the state of a run checkpointed at `checkpoint` is kept (`checkpoint.vtln`).
    static func url(besideCheckpoint checkpoint: URL) -> URL { URL(fileURLWithPath: checkpoint.path + ".vtln") }

    /// A hash of the warps (in the checkpoint's fingerprint, so a pass resumes only with its own warps).
    var identity: String { ModelIdentity.hash(warps.sorted { $0.key < $1.key }.flatMap { Array("\($0.key)=\($0.value.bitPattern);".utf8) }) }

    /// The state at `url`; nil when there is none.
    static func read(_ url: URL) throws(RecognizerError) -> VTLNPassState? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(url) } catch { throw .training(.file(path: url.path, problem: .access(error))) }
        do {
            let state = try JSONDecoder().decode(VTLNPassState.self, from: Data(bytes))
            guard state.pass >= 0, state.warps.values.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw TrainingError.file(path: url.path, problem: "damaged VTLN pass state: pass \(state.pass) with warps \(state.warps)")
            }
            return state
        } catch let error as TrainingError {
            throw .training(error)
        } catch {
            throw .training(.file(path: url.path, problem: "not a VTLN pass state: \(error); delete it to start again"))
        }
    }

    /// Writes the state to `url` atomically.
    func write(to url: URL) throws(TrainingError) {
        do { try VersionedDocument.write(self, to: url, kind: "VTLN pass state") } catch { throw .file(path: url.path, problem: error) }
    }
}

/// The sweeps of streamed VTLN over this process's shard of a ``RecordingSequenceSource``'s
/// recordings: decoded a chunk of recordings at a time (about ``chunkFrames`` frames), each
/// chunk's audio then featurised at every factor in turn, so that each group's sums take the
/// frames in corpus order, as in memory. With ``cacheFolder``, the sweep for the speakers'
/// statistics keeps every factor's features (``CandidateFeatures``) for the scoring sweeps and
/// the passes after them, which then read them instead of decoding and computing them again;
/// when they would take more than four fifths of the folder's free space, every sweep computes
/// its features.
struct WarpSweep {
    let source: RecordingSequenceSource
    let shard: SequenceShard
    let chunkFrames: Int
    /// Where the candidate factors' features are kept (nil: each sweep computes them).
    let cacheFolder: URL?

    private var recordings: RecordingList { source.recordings }

    /// The unnormalised features of the shard's usable copies at every candidate factor, one
    /// cache per factor (each holding the same sequences, in the same order), and the chunks
    /// the sweep cut: their recordings' positions and how many sequences they hold.
    struct CandidateFeatures {
        let caches: [SequenceCacheFile]
        let chunks: [(positions: [Int], sequences: Int)]

        /// Frees the caches' space.
        func discard() { for cache in caches { cache.discard() } }
    }

    /// Per factor of `factors`, the normalisation with every speaker's statistics at that factor
    /// (over every copy with frames, all processes); without per-speaker CMVN, without groups.
    /// With ``cacheFolder`` and per-speaker CMVN, also every factor's features.
    func normalizations(_ factors: [Double], communicator: any TrainingCommunicator)
        throws(RecognizerError) -> (normalizations: [CepstralGroupNormalization], features: CandidateFeatures?)
    {
        let recordings = recordings, source = source
        var normalizations = factors.map { _ in
            CepstralGroupNormalization(fallback: source.configuration.features.normalization, prior: source.survey.normalization.prior)
        }
        guard source.configuration.speakerNormalization else { return (normalizations, nil) }
        var caches: [SequenceCacheFile] = [], chunks: [(positions: [Int], sequences: Int)] = []
        if let cacheFolder, Self.fits(factors.count * cacheBytesPerFactor, in: cacheFolder) {
            do throws(TrainingError) {
                for _ in factors { caches.append(try SequenceCacheFile(folder: cacheFolder)) }
            } catch { throw .training(error) }
        }
        try forEachChunk(factors) { positions, features throws(RecognizerError) in
            var sequences = 0
            for k in factors.indices {
                sequences = 0
                for (position, recording) in zip(positions, try features(k)) {
                    normalizations[k].add(recording) { recordings.normalizationGroup(position, copy: $0) }
                    guard !caches.isEmpty else { continue }
                    let entry = source.entries[position]
                    for copy in TrainingUse.usableCopies(recording, of: entry, minimumFrames: source.minimumFrames,
                                                         configuration: source.configuration).copies {
                        let record = TrainingUse.record(entry, position: position, copy: copy, recordings: recordings)
                        guard caches[k].writing({ try $0.append(record) }) else { break }
                        sequences += 1
                    }
                    // A cache that cannot be written (a full disk): the scoring sweeps compute their features.
                    if caches[k].isDiscarded {
                        for cache in caches { cache.discard() }
                        caches = []
                    }
                }
            }
            chunks.append((positions, sequences))
        }
        let finished = caches.allSatisfy { $0.writing { try $0.finish() } }
        if !finished { for cache in caches { cache.discard() } }
        let features = caches.isEmpty || !finished ? nil : CandidateFeatures(caches: caches, chunks: chunks)
        guard communicator.size > 1 else { return (normalizations, features) }
        // Summed across processes group by group in sorted order (a group a process did not see counts zero).
        let names = Set(recordings.urls.indices.flatMap { position in
            recordings.frontEnd.speedFactors.indices.compactMap { recordings.normalizationGroup(position, copy: $0) }
        }).sorted()
        let dimension = source.configuration.features.dimension, width = 1 + 2 * dimension
        var values: [Double] = []
        for normalization in normalizations {
            for name in names { values += (normalization.groups[name] ?? CepstralStatistics(dimension: dimension)).numbers }
        }
        do throws(TrainingError) { try communicator.allReduceSum(&values) } catch { throw .training(error) }
        for k in normalizations.indices {
            for (g, name) in names.enumerated() {
                let offset = (k * names.count + g) * width
                let statistics = CepstralStatistics(numbers: values[offset..<offset + width])
                normalizations[k].groups[name] = statistics.frameCount > 0 ? statistics : nil
            }
        }
        return (normalizations, features)
    }

    /// About the bytes one factor's features of this shard take in a cache: its share of the
    /// corpus's numbers and of the sequences' headers, names and labels.
    private var cacheBytesPerFactor: Int {
        let survey = source.survey, copies = recordings.frontEnd.speedFactors.count
        let numbers = survey.frameCounts.reduce(0, +) * source.configuration.features.dimension
        // Each sequence's header, name (its path, with its speed) and label.
        let text = source.entries.reduce(0) { $0 + 40 + $1.path.utf8.count + 16 + $1.label.utf8.count } * copies
        return (8 * numbers + text) / shard.count + 1
    }

    /// Whether `bytes` fit in four fifths of the free space of `folder`'s file system (true
    /// when the system does not say).
    static func fits(_ bytes: Int, in folder: URL) -> Bool {
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder.path(percentEncoded: false))
        guard let free = (attributes?[.systemFreeSize] as? NSNumber)?.int64Value else { return true }
        return Double(bytes) <= 0.8 * Double(free)
    }

    /// The normalisation of a pass warped by `warps`: each speaker's statistics at its factor
    /// (`statistics[k]` at `candidates[k]`).
    /// - Throws: ``RecognizerError/training(_:)`` for a warp that is no candidate (a pass state
    ///   at `stateURL` of another configuration).
    func normalization(warps: [String: Double], candidates: [Double], statistics: [CepstralGroupNormalization],
                       stateURL: URL?) throws(RecognizerError) -> CepstralGroupNormalization {
        var normalization = CepstralGroupNormalization(fallback: source.configuration.features.normalization,
                                                       prior: source.survey.normalization.prior)
        for (group, warp) in warps {
            guard let k = candidates.firstIndex(of: warp) else {
                throw .training(.file(path: stateURL?.path ?? "", problem: .content("\(group)'s warp \(warp) is not among the candidates "
                    + "(a run of another configuration); delete it, or drop --resume, to start again")))
            }
            normalization.groups[group] = statistics[k].groups[group]
        }
        return normalization
    }

    /// The cache of a pass warped by `warps` (each a candidate: ``normalization(warps:candidates:statistics:stateURL:)``
    /// checks), every sequence's features taken from its group's factor's cache in `features`;
    /// nil when it cannot be made (the pass then computes its features).
    func passCache(warps: [String: Double], candidates: [Double], features: CandidateFeatures) -> SequenceCacheFile? {
        let recordings = recordings, copies = recordings.frontEnd.speedFactors.count
        let candidate = warps.mapValues { candidates.firstIndex(of: $0) ?? 0 }
        guard let cacheFolder, let cache = try? SequenceCacheFile(folder: cacheFolder) else { return nil }
        do {
            try SequenceCacheFile.forEachRecord(choosingAmong: features.caches, { index in
                candidate[recordings.warpGroup(index / copies, copy: index % copies)] ?? 0
            }) { record in try cache.append(record) }
            try cache.finish()
            return cache
        } catch {
            cache.discard()
            return nil
        }
    }

    /// The factor of `candidates` that gives each warp group's copies the highest total
    /// log-likelihood under their own labels' models of `scorer`, features normalised with
    /// `normalizations[k]` at `candidates[k]` (``Recognizer/chooseWarps(_:minimumFrames:recordings:audio:objective:)``):
    /// read from `features` when given, else computed.
    func chooseWarps(_ candidates: [Double], scorer: Recognizer, normalizations: [CepstralGroupNormalization],
                     features kept: CandidateFeatures?, communicator: any TrainingCommunicator) throws(RecognizerError) -> [String: Double] {
        let recordings = recordings, names = recordings.warpGroups.sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let groupCount = names.count, k = candidates.count
        // totals[group · k + candidate], then per group whether anything was counted, then its frames.
        var totals = [Double](repeating: 0, count: groupCount * k + 2 * groupCount)
        let score = { (positions: [Int], features: (Int) throws(RecognizerError) -> [RecordingFeatures<Double>]) throws(RecognizerError) in
            let entries = positions.map { source.entries[$0] }
            for candidate in candidates.indices {
                var computed = try features(candidate)
                for (item, position) in positions.enumerated() {
                    normalizations[candidate].apply(to: &computed[item]) { recordings.normalizationGroup(position, copy: $0) }
                }
                let scores = try scorer.ownLabelScores(computed, entries: entries, minimumFrames: source.minimumFrames,
                                                       threadCount: recordings.frontEnd.threadCount)
                if candidate == 0 {
                    for (item, recording) in computed.enumerated() {
                        for copy in recording.copies {
                            totals[groupCount * (k + 1) + index[recordings.warpGroup(positions[item], copy: copy.index)]!] += Double(copy.frames.rowCount)
                        }
                    }
                }
                for (item, values) in scores.enumerated() {
                    for (copy, value) in zip(computed[item].copies, values) where value.isFinite {
                        let group = index[recordings.warpGroup(positions[item], copy: copy.index)]!
                        totals[group * k + candidate] += value
                        totals[groupCount * k + group] = 1
                    }
                }
            }
        }
        if let kept { try forEachChunk(of: kept, candidates: candidates, score) } else { try forEachChunk(candidates, score) }
        if communicator.size > 1 {
            do throws(TrainingError) { try communicator.allReduceSum(&totals) } catch { throw .training(error) }
        }
        var byGroup: [String: [Double]] = [:]
        let minimumFrames = Double(source.configuration.vtln?.minimumFrames ?? 0)
        for (group, name) in names.enumerated() where totals[groupCount * k + group] > 0 && totals[groupCount * (k + 1) + group] >= minimumFrames {
            byGroup[name] = Array(totals[group * k..<(group + 1) * k])
        }
        return Recognizer.bestWarps(candidates, totals: byGroup, groups: Set(names))
    }

    /// Calls `body(positions, features)` with a chunk of this shard's recordings (decoded in
    /// parallel, in corpus order, about ``chunkFrames`` frames at a time), `features(k)` giving
    /// their copies' unnormalised features warped by `factors[k]`. Recordings that cannot be
    /// decoded are left out (the survey reported them).
    private func forEachChunk(_ factors: [Double],
                              _ body: ([Int], (Int) throws(RecognizerError) -> [RecordingFeatures<Double>]) throws(RecognizerError) -> Void)
        throws(RecognizerError)
    {
        let recordings = recordings, frontEnd = recordings.frontEnd, shard = shard
        let positions = recordings.urls.indices.filter { position in
            frontEnd.speedFactors.indices.contains { shard.contains(frontEnd.copyIndex(position: position, copy: $0)) }
        }
        let shift = Double(max(frontEnd.configuration.frameShift.samples(atRate: frontEnd.configuration.sampleRate), 1))
        var chunk: [Int] = [], audio: [Int: DecodedRecording] = [:], frames = 0.0
        func flush() throws(RecognizerError) {
            let chunkAudio = audio
            try body(chunk) { k in frontEnd.features(chunk, audio: { chunkAudio[$0]! }, warpFactor: { _, _ in factors[k] }) }
            chunk = []
            audio = [:]
            frames = 0
        }
        for start in stride(from: 0, to: positions.count, by: source.batchSize) {
            let batch = Array(positions[start..<min(start + source.batchSize, positions.count)])
            let decoded = recordings.decode(batch) { item, copy in
                shard.contains(frontEnd.copyIndex(position: batch[item], copy: copy))
            }
            for (position, recording) in zip(batch, decoded) where !recording.copies.isEmpty {
                chunk.append(position)
                audio[position] = recording
                frames += recording.copies.reduce(0) { $0 + Double($1.samples.count) / shift }
                if frames >= Double(chunkFrames) { try flush() }
            }
        }
        if !chunk.isEmpty { try flush() }
    }

    /// ``forEachChunk(_:_:)`` over the chunks of `kept`, `features(k)` reading the usable copies
    /// of the chunk's recordings from the cache of `candidates[k]`.
    private func forEachChunk(of kept: CandidateFeatures, candidates: [Double],
                              _ body: ([Int], (Int) throws(RecognizerError) -> [RecordingFeatures<Double>]) throws(RecognizerError) -> Void)
        throws(RecognizerError)
    {
        let copies = recordings.frontEnd.speedFactors.count
        // A small block per reader: every factor's reader is open at once.
        var readers = kept.caches.map { SequenceCacheFile.Reader($0, blockBytes: 1 << 18) }
        for (positions, sequences) in kept.chunks {
            let item = Dictionary(uniqueKeysWithValues: positions.enumerated().map { ($1, $0) })
            try body(positions) { k throws(RecognizerError) in
                var features = positions.map { RecordingFeatures<Double>(source: source.entries[$0].path, copies: [], problems: [], seconds: 0) }
                for _ in 0..<sequences {
                    let record: SequenceRecord<Double>?
                    do throws(TrainingError) { record = try readers[k].next() } catch { throw .training(error) }
                    guard let record, let place = item[record.index / copies] else {
                        throw .training(kept.caches[k].failed("the feature cache of warp factor \(candidates[k]) does not hold the sequences it was written with"))
                    }
                    features[place].copies.append(RecordingFeatures<Double>.Copy(index: record.index % copies, warpFactor: candidates[k],
                                                                         frames: record.frames))
                }
                return features
            }
        }
    }
}
