import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitMarkov
import HMMKitMatrixFiles
import HMMKitNumerics
import HMMKitTraining

/// Streamed training with VTLN: the passes of in-memory ``Recognizer/trainWithVTLN(_:labels:signals:vtln:configuration:threadCount:started:unusable:policy:progress:)``
/// around the streamed Baum-Welch of ``Recognizer/trainStreaming(_:configuration:options:events:)``.
extension Recognizer {
    /// 1. The survey (rank 0): every unusable recording, the counts.
    /// 2. With per-speaker CMVN, one sweep for the statistics of every normalisation group at every
    ///    factor the passes can use (each process its shard; one all-reduce).
    /// 3. Pass 0: word models trained on unwarped features; pass `p ≥ 1`: one sweep scores every
    ///    candidate factor of every warp group against the models of pass `p − 1` (per group and
    ///    factor totals only; one all-reduce in the groups' sorted order), then word models trained
    ///    afresh on the features warped by the chosen factors.
    ///
    /// Resuming: rank 0 records the pass and its warps in `checkpoint.vtln` before the pass's
    /// first iteration (after deleting the previous pass's checkpoint), so a run stopped in any
    /// pass continues with that pass from its checkpoint (or its start).
    static func trainStreamingWithVTLN(_ entries: [CorpusEntry], vtln: VTLNOptions, configuration: RecognizerConfiguration,
                                       options: StreamingRecognizerOptions,
                                       events: ((StreamingRecognizerEvent) -> Void)?) throws(RecognizerError) -> StreamingRecognizerFit {
        let labels = try trainingLabels(entries, configuration: configuration)
        let minimumFrames: Int
        do { minimumFrames = try configuration.minimumFrameCount() } catch { throw .configuration(["\(error)"]) }
        let communicator = options.communicator
        let began = Date()
        let survey: TrainingSurvey = try sharedByRoot(communicator) { () throws(RecognizerError) in
            try TrainingSurvey.run(entries, labels: labels, configuration: configuration, minimumFrames: minimumFrames,
                                   threadCount: options.threadCount, batchSize: 64 * max(options.threadCount, 1), sampling: nil).survey
        }
        events?(.surveyed(recordings: entries.count, sequences: survey.sequenceCounts.reduce(0, +),
                          frames: survey.frameCounts.reduce(0, +), unusable: survey.unusable, seconds: Date().timeIntervalSince(began)))
        try options.unusable.enforce(survey.unusable)
        let frontEnd = try WarpedFrontEnd(configuration: configuration, vtln: vtln, threadCount: options.threadCount)
        let sweep = WarpSweep(entries: entries, frontEnd: frontEnd,
                              grouping: WarpGrouping(entries, copies: frontEnd.featurizer.factors, vtln: vtln, configuration: configuration),
                              shard: communicator.shard, chunkFrames: options.chunking.maximumFrames)
        // Every factor a pass can warp by: 1 for pass 0, the candidates for the others.
        let factors = vtln.trainingPasses > 0 ? vtln.warpFactors + (vtln.warpFactors.contains(1) ? [] : [1]) : [1]
        let statistics = try sweep.normalizationStatistics(factors, dimension: configuration.features.dimension,
                                                           communicator: communicator)
        let stateURL = options.checkpointURL.map { URL(fileURLWithPath: $0.path + ".vtln") }
        var state = try sharedByRoot(communicator) { () throws(RecognizerError) in
            guard options.resume, let stateURL else { return VTLNPassState(pass: 0, warps: [:]) }
            return try VTLNPassState.read(stateURL) ?? VTLNPassState(pass: 0, warps: [:])
        }
        guard state.pass <= vtln.trainingPasses else {
            throw .training(.file(path: stateURL?.path ?? "", problem: "the run resumed from is in VTLN pass \(state.pass) of "
                + "\(vtln.trainingPasses) (another configuration); delete it, or drop --resume, to start again"))
        }
        let resumedPass = options.resume ? state.pass : nil
        var result: StreamingFit<ModelSet<GMMHMM<Double>>>?
        for pass in state.pass...vtln.trainingPasses {
            if let previous = result {
                let begun = Date()
                let scorer = Recognizer(configuration: configuration, labels: labels, models: previous.model.models,
                                        trainingCounts: survey.recordingCounts, trainingHistory: [])
                state = VTLNPassState(pass: pass, warps: try sweep.chooseWarps(vtln.warpFactors, scorer: scorer, statistics: statistics,
                                                                               factors: factors, minimumFrames: minimumFrames,
                                                                               communicator: communicator))
                events?(.warps(pass: pass, of: vtln.trainingPasses, factors: state.warps, seconds: Date().timeIntervalSince(begun)))
            }
            let warps = sweep.grouping.names.map { state.warps[$0] ?? 1 }
            let source = WarpedRecordingSource(
                entries: entries, frontEnd: frontEnd, grouping: sweep.grouping, survey: survey, configuration: configuration,
                minimumFrames: minimumFrames, extractors: sweep.extractors, warps: warps,
                statistics: warps.enumerated().map { group, warp in statistics[group]?[factors.firstIndex(of: warp)!] })
            var trainer = try wordSetTrainer(entries, configuration: configuration, options: options, labelFilter: source.trainingLabels)
            trainer.configuration += "; VTLN pass \(pass) of \(vtln.trainingPasses), warps \(state.identity)"
            let sampling = TrainingSurvey.Sampling(frameBudget: max(1, options.initialisationFrames / labels.count), seed: configuration.seed)
            var initialisationFailure: RecognizerError?
            do throws(TrainingError) {
                let passState = state
                let start = try trainer.start(resuming: pass == resumedPass) { () throws(TrainingError) in
                    // Rank 0, starting the pass afresh: this pass, not the previous one, is what a resumed run continues.
                    if let checkpoint = options.checkpointURL, let stateURL {
                        try? FileManager.default.removeItem(at: checkpoint)
                        try passState.write(to: stateURL)
                    }
                    var samples = try SequenceSample.drawByLabel(from: source, frameBudget: sampling.frameBudget, seed: sampling.seed)
                    events?(.initialised(sampledFrames: samples.values.reduce(0) { $0 + $1.frameCount },
                                         corpusFrames: samples.values.reduce(0) { $0 + $1.corpusFrameCount }))
                    do throws(RecognizerError) {
                        return try initialWordModels(labels, samples: &samples, configuration: configuration)
                    } catch {
                        initialisationFailure = error
                        throw .noData("\(error)")
                    }
                }
                if start.resumed { events?(.resumed(completedIterations: start.completedIterations)) }
                result = try trainer.train(from: start, source: source) { events?(.iteration($0)) }
            } catch {
                throw initialisationFailure ?? .training(error)
            }
        }
        let fit = result!
        let recognizer = Recognizer(configuration: configuration, labels: labels, models: fit.model.models,
                                    trainingCounts: survey.recordingCounts,
                                    trainingHistory: fit.model.histories.map { $0.map { $0.logLikelihood / $0.frameCount } },
                                    trainingWarps: state.warps)
        return StreamingRecognizerFit(recognizer: recognizer, history: fit.history, stopReason: fit.stopReason)
    }
}

/// Where streamed VTLN training is: the pass under way and the warps it trains with (empty in
/// pass 0). Rank 0 keeps it beside the checkpoint (`checkpoint.vtln`), written before the pass's
/// checkpoint, whose configuration names the same pass and warps.
struct VTLNPassState: Codable, Sendable, Equatable {
    var pass: Int
    /// Per warp group, its factor.
    var warps: [String: Double]

    /// A hash of the warps (in the checkpoint's configuration, so a pass resumes only with its own warps).
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

/// The sweeps of streamed VTLN over this process's shard: decoded a chunk of recordings at a time
/// (about ``chunkFrames`` frames), each chunk's signals then featurised at every factor in turn, so
/// that each group's sums take the frames in corpus order, as in memory.
struct WarpSweep {
    let entries: [CorpusEntry]
    let frontEnd: WarpedFrontEnd
    let grouping: WarpGrouping
    let shard: SequenceShard
    let chunkFrames: Int
    /// One per worker.
    let extractors: [WarpExtractors]

    init(entries: [CorpusEntry], frontEnd: WarpedFrontEnd, grouping: WarpGrouping, shard: SequenceShard, chunkFrames: Int) {
        self.entries = entries
        self.frontEnd = frontEnd
        self.grouping = grouping
        self.shard = shard
        self.chunkFrames = chunkFrames
        extractors = frontEnd.workerExtractors()
    }

    /// A recording's signals in the shard.
    struct Signals: Sendable {
        var position: Int
        var signals: [(copy: Int, samples: [Double])]
    }

    /// Per warp group normalised together, its statistics at each of `factors` (over every copy
    /// with frames, all processes); nil for the other groups, and for all without per-speaker CMVN.
    func normalizationStatistics(_ factors: [Double], dimension: Int,
                                 communicator: any TrainingCommunicator) throws(RecognizerError) -> [[CepstralStatistics]?] {
        var statistics: [[CepstralStatistics]?] = grouping.names.map { _ in nil }
        guard grouping.hasGroupNormalization else { return statistics }
        for sequence in grouping.group.indices where grouping.normalizedTogether[sequence] {
            statistics[grouping.group[sequence]] = factors.map { _ in CepstralStatistics(dimension: dimension) }
        }
        try forEachChunk { chunk in
            for (k, factor) in factors.enumerated() {
                let features = self.features(of: chunk, factor: factor, normalized: false) { _ in nil }
                for (recording, copies) in zip(chunk, features) {
                    for (copy, frames) in copies {
                        let sequence = frontEnd.featurizer.sequenceIndex(position: recording.position, copy: copy)
                        if grouping.normalizedTogether[sequence] { statistics[grouping.group[sequence]]![k].add(frames) }
                    }
                }
            }
        }
        guard communicator.size > 1 else { return statistics }
        // Summed across processes through the statistics' stored numbers, groups in sorted order.
        do {
            var values: [Double] = []
            for groupStatistics in statistics { for one in groupStatistics ?? [] { values += try StatisticsNumbers(one).flat } }
            try communicator.allReduceSum(&values)
            var offset = 0
            for group in statistics.indices {
                guard let groupStatistics = statistics[group] else { continue }
                statistics[group] = try groupStatistics.map { _ in
                    defer { offset += 1 + 2 * dimension }
                    return try StatisticsNumbers(flat: values[offset..<offset + 1 + 2 * dimension]).statistics()
                }
            }
        } catch let error as TrainingError {
            throw .training(error)
        } catch {
            throw .training(.communication("cannot sum the normalisation statistics: \(error)"))
        }
        return statistics
    }

    /// The factor of `candidates` that gives each warp group's copies the highest total
    /// log-likelihood under their own labels' models of `scorer`, features normalised with the
    /// group's statistics at each factor (``Recognizer/chooseWarps(_:signals:entries:groups:normalizationGroups:vtln:configuration:threadCount:objective:)``).
    func chooseWarps(_ candidates: [Double], scorer: Recognizer, statistics: [[CepstralStatistics]?], factors: [Double],
                     minimumFrames: Int, communicator: any TrainingCommunicator) throws(RecognizerError) -> [String: Double] {
        let groupCount = grouping.names.count, k = candidates.count
        // totals[group · k + candidate], then per group whether anything was counted.
        var totals = [Double](repeating: 0, count: groupCount * k + groupCount)
        try forEachChunk { chunk throws(RecognizerError) in
            let chunkEntries = chunk.map { entries[$0.position] }
            for (candidate, factor) in candidates.enumerated() {
                let column = factors.firstIndex(of: factor)!
                let features = self.features(of: chunk, factor: factor, normalized: true) { group in statistics[group]?[column] }
                let set = FeatureSet(features: features.map { $0.map(\.frames) }, sources: [], problems: [], audioSeconds: 0)
                let scores = try scorer.ownLabelScores(set, entries: chunkEntries, minimumFrames: minimumFrames,
                                                       threadCount: frontEnd.featurizer.threadCount)
                for (item, values) in scores.enumerated() {
                    for (position, value) in values.enumerated() where value.isFinite {
                        let copy = features[item][position].copy
                        let group = grouping.group[frontEnd.featurizer.sequenceIndex(position: chunk[item].position, copy: copy)]
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
        for (group, name) in grouping.names.enumerated() where totals[groupCount * k + group] > 0 {
            byGroup[name] = Array(totals[group * k..<(group + 1) * k])
        }
        return Recognizer.bestWarps(candidates, totals: byGroup, groups: Set(grouping.names))
    }

    /// The features of every signal of `chunk` warped by `factor` (recordings in parallel): per
    /// recording, its copies with frames; normalised (when `normalized`) with `statistics(group)`
    /// for copies normalised together, else per utterance. Copies the front end fails on are left
    /// out, as in memory.
    private func features(of chunk: [Signals], factor: Double, normalized: Bool,
                          statistics: @escaping @Sendable (Int) -> CepstralStatistics?) -> [[(copy: Int, frames: Matrix<Double>)]] {
        let frontEnd = frontEnd, grouping = grouping, extractors = extractors
        return orderedParallelMap(chunk.count, workers: frontEnd.featurizer.threadCount) { item, worker in
            let recording = chunk[item], path = entries[recording.position].path
            return recording.signals.compactMap { copy, samples in
                let sequence = frontEnd.featurizer.sequenceIndex(position: recording.position, copy: copy)
                var normalization = WarpedFrontEnd.Normalization.none
                if normalized {
                    normalization = grouping.normalizedTogether[sequence]
                        ? statistics(grouping.group[sequence]).map { .group($0) } ?? .utterance : .utterance
                }
                guard let frames = try? frontEnd.features(of: samples, sequence: sequence, path: path, warp: factor,
                                                          normalization: normalization, extractors: extractors[worker]),
                      frames.rowCount > 0 else { return nil }
                return (copy, frames)
            }
        }
    }

    /// Calls `body` with this shard's recordings' signals (decoded in parallel), in corpus order,
    /// a chunk of about ``chunkFrames`` frames at a time. Recordings that cannot be decoded are
    /// left out (the survey reported them).
    private func forEachChunk(_ body: ([Signals]) throws(RecognizerError) -> Void) throws(RecognizerError) {
        let featurizer = frontEnd.featurizer, shard = shard
        let positions = entries.indices.filter { position in
            featurizer.factors.indices.contains { shard.contains(featurizer.sequenceIndex(position: position, copy: $0)) }
        }
        let shift = Double(max(frontEnd.raw.frameShift.samples(atRate: frontEnd.raw.sampleRate), 1))
        let batchSize = 16 * featurizer.threadCount
        var chunk: [Signals] = [], frames = 0.0
        for start in stride(from: 0, to: positions.count, by: batchSize) {
            let batch = Array(positions[start..<min(start + batchSize, positions.count)])
            let decoded = orderedParallelMap(batch.count, workers: featurizer.threadCount) { item, _ in
                Signals(position: batch[item], signals: featurizer.signals(of: entries[batch[item]], position: batch[item]) { position, copy in
                    shard.contains(featurizer.sequenceIndex(position: position, copy: copy))
                }.signals)
            }
            for recording in decoded where !recording.signals.isEmpty {
                chunk.append(recording)
                frames += recording.signals.reduce(0) { $0 + Double($1.samples.count) / shift }
                if frames >= Double(chunkFrames) {
                    try body(chunk)
                    chunk = []
                    frames = 0
                }
            }
        }
        if !chunk.isEmpty { try body(chunk) }
    }
}

/// ``CepstralStatistics``' stored numbers (its `Codable` form), flat for an all-reduce.
private struct StatisticsNumbers: Codable {
    var frameCount: Int
    var sums: [Double]
    var squares: [Double]

    init(_ statistics: CepstralStatistics) throws {
        self = try JSONDecoder().decode(StatisticsNumbers.self, from: JSONEncoder().encode(statistics))
    }

    init(flat: ArraySlice<Double>) {
        let dimension = (flat.count - 1) / 2, start = flat.startIndex
        frameCount = Int(flat[start])
        sums = Array(flat[(start + 1)...(start + dimension)])
        squares = Array(flat[(start + 1 + dimension)...])
    }

    var flat: [Double] { [Double(frameCount)] + sums + squares }

    func statistics() throws -> CepstralStatistics {
        try JSONDecoder().decode(CepstralStatistics.self, from: JSONEncoder().encode(self))
    }
}
