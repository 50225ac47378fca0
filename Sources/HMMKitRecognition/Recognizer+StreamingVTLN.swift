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
            throw .training(.file(path: passStateURL?.path ?? "", problem: "the run resumed from is in VTLN pass \(state.pass) of "
                + "\(vtln.trainingPasses) (another configuration); delete it, or drop --resume, to start again"))
        }
        let resumedPass = options.resume ? state.pass : nil
        let sweep = WarpSweep(source: source, shard: communicator.shard, chunkFrames: options.chunking.maximumFrames)
        var normalizations: [CepstralGroupNormalization]?
        var fit: EMFit<ModelSet<GMMHMM<Double>>>?
        for pass in state.pass...vtln.trainingPasses {
            var passSource = source
            if pass > 0 {
                let begun = Date()
                if normalizations == nil { normalizations = try sweep.normalizations(vtln.warpFactors, communicator: communicator) }
                let candidates = normalizations!
                if let previous = fit {
                    let scorer = Recognizer(configuration: configuration, labels: labels, models: previous.model.models,
                                            trainingCounts: survey.recordingCounts, trainingHistory: [])
                    state = VTLNPassState(pass: pass, warps: try sweep.chooseWarps(vtln.warpFactors, scorer: scorer,
                                                                                   normalizations: candidates,
                                                                                   communicator: communicator))
                    events?(.warps(pass: pass, of: vtln.trainingPasses, factors: state.warps, seconds: Date().timeIntervalSince(begun)))
                }
                passSource = try RecordingSequenceSource(
                    entries: source.entries, configuration: configuration, survey: survey, minimumFrames: source.minimumFrames,
                    threadCount: source.recordings.frontEnd.threadCount, warps: state.warps,
                    normalization: sweep.normalization(warps: state.warps, candidates: vtln.warpFactors, statistics: candidates,
                                                       stateURL: passStateURL))
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
                                    trainingWarps: state.warps)
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
        do {
            let state = try JSONDecoder().decode(VTLNPassState.self, from: Data(try AtomicFile.read(url)))
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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { try AtomicFile.write(Array(try encoder.encode(self)), to: url) } catch {
            throw .file(path: url.path, problem: "cannot write the VTLN pass state: \(error)")
        }
    }
}

/// The sweeps of streamed VTLN over this process's shard of a ``RecordingSequenceSource``'s
/// recordings: decoded a chunk of recordings at a time (about ``chunkFrames`` frames), each
/// chunk's audio then featurised at every factor in turn, so that each group's sums take the
/// frames in corpus order, as in memory.
struct WarpSweep {
    let source: RecordingSequenceSource
    let shard: SequenceShard
    let chunkFrames: Int

    private var recordings: RecordingList { source.recordings }

    /// Per factor of `factors`, the normalisation with every speaker's statistics at that factor
    /// (over every copy with frames, all processes); without per-speaker CMVN, without groups.
    func normalizations(_ factors: [Double], communicator: any TrainingCommunicator) throws(RecognizerError) -> [CepstralGroupNormalization] {
        let recordings = recordings
        var normalizations = factors.map { _ in CepstralGroupNormalization(fallback: source.configuration.features.normalization) }
        guard source.configuration.speakerNormalization else { return normalizations }
        try forEachChunk { positions, features in
            for (k, factor) in factors.enumerated() {
                for (position, recording) in zip(positions, features(factor)) {
                    normalizations[k].add(recording) { recordings.normalizationGroup(position, copy: $0) }
                }
            }
        }
        guard communicator.size > 1 else { return normalizations }
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
        return normalizations
    }

    /// The normalisation of a pass warped by `warps`: each speaker's statistics at its factor
    /// (`statistics[k]` at `candidates[k]`).
    /// - Throws: ``RecognizerError/training(_:)`` for a warp that is no candidate (a pass state
    ///   at `stateURL` of another configuration).
    func normalization(warps: [String: Double], candidates: [Double], statistics: [CepstralGroupNormalization],
                       stateURL: URL?) throws(RecognizerError) -> CepstralGroupNormalization {
        var normalization = CepstralGroupNormalization(fallback: source.configuration.features.normalization)
        for (group, warp) in warps {
            guard let k = candidates.firstIndex(of: warp) else {
                throw .training(.file(path: stateURL?.path ?? "", problem: "\(group)'s warp \(warp) is not among the candidates "
                    + "(a run of another configuration); delete it, or drop --resume, to start again"))
            }
            normalization.groups[group] = statistics[k].groups[group]
        }
        return normalization
    }

    /// The factor of `candidates` that gives each warp group's copies the highest total
    /// log-likelihood under their own labels' models of `scorer`, features normalised with
    /// `normalizations[k]` at `candidates[k]` (``Recognizer/chooseWarps(_:recordings:audio:objective:)``).
    func chooseWarps(_ candidates: [Double], scorer: Recognizer, normalizations: [CepstralGroupNormalization],
                     communicator: any TrainingCommunicator) throws(RecognizerError) -> [String: Double] {
        let recordings = recordings, names = recordings.warpGroups.sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let groupCount = names.count, k = candidates.count
        // totals[group · k + candidate], then per group whether anything was counted.
        var totals = [Double](repeating: 0, count: groupCount * k + groupCount)
        try forEachChunk { positions, features throws(RecognizerError) in
            let entries = positions.map { source.entries[$0] }
            for (candidate, factor) in candidates.enumerated() {
                var computed = features(factor)
                for (item, position) in positions.enumerated() {
                    normalizations[candidate].apply(to: &computed[item]) { recordings.normalizationGroup(position, copy: $0) }
                }
                let scores = try scorer.ownLabelScores(computed, entries: entries, minimumFrames: source.minimumFrames,
                                                       threadCount: recordings.frontEnd.threadCount)
                for (item, values) in scores.enumerated() {
                    for (copy, value) in zip(computed[item].copies, values) where value.isFinite {
                        let group = index[recordings.warpGroup(positions[item], copy: copy.index)]!
                        totals[group * k + candidate] += value
                        totals[groupCount * k + group] = 1
                    }
                }
            }
        }
        if communicator.size > 1 {
            do throws(TrainingError) { try communicator.allReduceSum(&totals) } catch { throw .training(error) }
        }
        var byGroup: [String: [Double]] = [:]
        for (group, name) in names.enumerated() where totals[groupCount * k + group] > 0 {
            byGroup[name] = Array(totals[group * k..<(group + 1) * k])
        }
        return Recognizer.bestWarps(candidates, totals: byGroup, groups: Set(names))
    }

    /// Calls `body(positions, features)` with a chunk of this shard's recordings (decoded in
    /// parallel, in corpus order, about ``chunkFrames`` frames at a time), `features(factor)`
    /// giving their copies' unnormalised features warped by `factor`. Recordings that cannot be
    /// decoded are left out (the survey reported them).
    private func forEachChunk(_ body: ([Int], (Double) -> [RecordingFeatures]) throws(RecognizerError) -> Void) throws(RecognizerError) {
        let recordings = recordings, frontEnd = recordings.frontEnd, shard = shard
        let positions = recordings.urls.indices.filter { position in
            frontEnd.speedFactors.indices.contains { shard.contains(frontEnd.copyIndex(position: position, copy: $0)) }
        }
        let shift = Double(max(frontEnd.configuration.frameShift.samples(atRate: frontEnd.configuration.sampleRate), 1))
        var chunk: [Int] = [], audio: [Int: DecodedRecording] = [:], frames = 0.0
        func flush() throws(RecognizerError) {
            let chunkAudio = audio
            try body(chunk) { factor in frontEnd.features(chunk, audio: { chunkAudio[$0]! }, warpFactor: { _, _ in factor }) }
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
}
