import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTraining

/// What one M-step of ``PhoneModels`` did.
public struct PhoneUpdateReport: Sendable, Equatable {
    /// The shared Gaussian M-step's report over the pooled states.
    public var emissions: EmissionUpdateReport
    /// Phones no frame was aligned to (their transitions were kept).
    public var unseenPhones: [String]
}

/// Embedded Baum-Welch (HTK's HERest) on ``/HMMKitTraining/EMDriver``: each sequence's label is
/// its transcript; its HMM is compiled from the words' pronunciations (``UtteranceGraph``),
/// forward-backward runs over it, and the posteriors are added to the pooled states they view, so
/// every utterance of every word trains the same phone models. Streaming, MPI ranks, checkpoints,
/// statistics files and thread-count independence come with the driver.
extension PhoneModels: EMModel {
    public typealias Scalar = Double
    public typealias EStepOptions = HMMEStepOptions
    public typealias UpdateOptions = HMMUpdateOptions
    public typealias UpdateReport = PhoneUpdateReport

    public static var fileFormat: String { PhoneModelsDocument.formatName }

    /// The transition floor of the M-step, Kaldi's (`--transition-floor 0.01`): a move the data
    /// rarely took keeps a small probability, so a later utterance that needs it stays alignable.
    public static let transitionFloor = 0.01

    /// Where each phone's transition block starts within ``PhoneStatistics/transitionCounts``.
    var transitionOffsets: [Int] {
        var offsets: [Int] = [], total = 0
        for topology in inventory.topologies {
            offsets.append(total)
            total += topology.stateCount * (topology.stateCount + 1)
        }
        return offsets
    }

    public var statisticsLayout: StatisticsLayout {
        StatisticsLayout(modelFormat: Self.fileFormat, states: pool.stateCount, components: pool.componentsPerState,
                         dimension: dimension, covariance: pool.covarianceType, valueCount: emptyStatistics().values.count)
    }

    public func emptyStatistics() -> PhoneStatistics {
        let transitionValues = inventory.topologies.reduce(0) { $0 + $1.stateCount * ($1.stateCount + 1) }
        return PhoneStatistics(transitionValues: transitionValues, emissions: pool.emptyStatistics())
    }

    /// The graph of every distinct label of `labels`, and each sequence's graph index.
    /// - Throws: ``PhoneModelError/lexicon(_:)`` listing every missing word (with its sequences) or empty transcript.
    public func graphs(labels: [String?], names: [String]) throws(PhoneModelError) -> (graphs: [UtteranceGraph], of: [Int]) {
        var transcripts: [(utterance: String, words: [String])] = []
        for (label, name) in zip(labels, names) { transcripts.append((name, label.map(transcript(of:)) ?? [])) }
        do { try lexicon.check(transcripts: transcripts) } catch { throw .lexicon(error) }
        var graphs: [UtteranceGraph] = [], positions: [[String]: Int] = [:], of: [Int] = []
        for (utterance, words) in transcripts {
            if let known = positions[words] {
                of.append(known)
                continue
            }
            positions[words] = graphs.count
            of.append(graphs.count)
            graphs.append(try UtteranceGraph(words: words, models: self, utterance: utterance))
        }
        return (graphs, of)
    }

    public func statistics(of chunk: SequenceChunk<Double>, options: HMMEStepOptions, threadCount: Int,
                           backend: ComputeBackend) throws(TrainingError) -> PhoneStatistics {
        guard !chunk.lengths.isEmpty else { return emptyStatistics() }
        guard chunk.frames.columnCount == dimension else {
            throw .dimensionMismatch(sequence: chunk.names[0], expected: dimension, found: chunk.frames.columnCount)
        }
        let compiled: (graphs: [UtteranceGraph], of: [Int])
        do { compiled = try graphs(labels: chunk.labels, names: chunk.names) } catch { throw .input(error) }
        let short = chunk.lengths.indices.filter { chunk.lengths[$0] < compiled.graphs[compiled.of[$0]].minimumFrameCount }
        guard short.isEmpty else {
            throw .input(PhoneModelError.tooShort(short.map {
                (chunk.names[$0], chunk.lengths[$0], compiled.graphs[compiled.of[$0]].minimumFrameCount)
            }))
        }
        var offsets: [Int] = [], total = 0
        for length in chunk.lengths {
            offsets.append(total)
            total += length
        }
        let chunks = options.partition.blocks(frameCounts: chunk.lengths)
        let model = self, transitionOffsets = self.transitionOffsets, layout = (offsets: offsets, chunk: chunk)
        let partials = try ParallelWork.map(chunks.count, threadCount: threadCount, worker: { AlignmentWorker(model.pool) }) {
            (index, worker) throws(TrainingError) -> PhoneStatistics in
            var partial = model.emptyStatistics()
            for block in chunks[index] {
                try model.accumulate(block, of: layout.chunk, offsets: layout.offsets, graphs: compiled, worker: worker,
                                     transitionOffsets: transitionOffsets, implementation: options.implementation, into: &partial)
            }
            return partial
        }
        var statistics = emptyStatistics()
        for partial in partials { try statistics.accumulate(partial) }
        return statistics
    }

    /// Forward-backward of each sequence of `block` over its graph, the posteriors summed per
    /// pooled state and handed to the pool's accumulation in one call for the block.
    private func accumulate(_ block: Range<Int>, of chunk: SequenceChunk<Double>, offsets: [Int],
                            graphs: (graphs: [UtteranceGraph], of: [Int]), worker: AlignmentWorker,
                            transitionOffsets: [Int], implementation: ForwardBackwardImplementation,
                            into statistics: inout PhoneStatistics) throws(TrainingError) {
        let p = pool.stateCount
        let first = offsets[block.lowerBound]
        let rows = first..<(offsets[block.upperBound - 1] + chunk.lengths[block.upperBound - 1])
        let scores = worker.scores.reserve(max(rows.count * p, 1))
        pool.score(chunk.frames, rows: rows, workspace: worker.workspace, into: scores)
        let posteriors = worker.posteriors.reserve(max(rows.count * p, 1))
        posteriors.update(repeating: 0, count: max(rows.count * p, 1))
        for sequence in block {
            let graph = graphs.graphs[graphs.of[sequence]], t = chunk.lengths[sequence]
            let local = offsets[sequence] - first
            let result: ForwardBackwardResult<Double>
            do {
                result = try graph.chain.forwardBackward(graph.gather(scores + local * p, frames: t, poolCount: p),
                                                         implementation: implementation, sequence: sequence)
            } catch {
                throw Self.named(error, sequence: sequence, in: chunk)
            }
            statistics.addSequence(frames: t, logLikelihood: result.logLikelihood)
            result.posteriors.withUnsafeElements { gamma in
                for frame in 0..<t {
                    let target = posteriors + (local + frame) * p, source = gamma.baseAddress! + frame * graph.stateCount
                    for (j, state) in graph.poolStates.enumerated() { target[state] += source[j] }
                }
            }
            addTransitions(result, graph: graph, frames: t, offsets: transitionOffsets, into: &statistics)
        }
        statistics.withEmissions { pool.accumulate(worker.workspace, statePosteriors: posteriors, into: &$0) }
    }

    /// Adds a sequence's expected transitions to its phones' blocks: a move within a phone
    /// instance to its `[from, to]` entry, a move to another instance, or ending the utterance, to the exit column.
    private func addTransitions(_ result: ForwardBackwardResult<Double>, graph: UtteranceGraph, frames: Int, offsets: [Int],
                                into statistics: inout PhoneStatistics) {
        let s = graph.stateCount
        for i in 0..<s {
            let phone = graph.phones[i], n = inventory.topologies[phone].stateCount
            let rowStart = offsets[phone] + graph.positions[i] * (n + 1)
            for j in graph.chain.structure.allowedTransitions[(i * s)..<((i + 1) * s)].indices where
                graph.chain.structure.allowedTransitions[j] {
                let target = j - i * s, count = result.transitionCounts[i, target]
                guard count > 0 else { continue }
                let column = graph.instances[target] == graph.instances[i] ? graph.positions[target] : n
                statistics.addTransition(rowStart + column, count)
            }
            if graph.chain.endStates[i] { statistics.addTransition(rowStart + n, Double(result.posteriors[frames - 1, i])) }
        }
    }

    /// A forward-backward error about sequence `sequence` of `chunk`, naming it.
    static func named(_ error: MarkovError, sequence: Int, in chunk: SequenceChunk<Double>) -> TrainingError {
        let problem: String
        switch error {
        case let .impossibleSequence(_, _, frame):
            problem = "probability zero under its transcript's HMM (no state is possible at frame \(frame))"
        case let .invalidLogLikelihood(_, frame, _, value):
            problem = "emission log-likelihood \(value) at frame \(frame); \(FeatureValues.rule)"
        case let .sequenceTooShort(_, frames, minimum):
            problem = "\(frames) frames, but its transcript needs at least \(minimum)"
        default:
            problem = "\(error)"
        }
        return .sequence(name: chunk.names[sequence], index: chunk.indices[sequence], problem: problem)
    }

    public func reestimated(from statistics: PhoneStatistics, options: HMMUpdateOptions, backend: ComputeBackend)
        throws(TrainingError) -> (model: PhoneModels, report: PhoneUpdateReport) {
        guard statistics.values.count == emptyStatistics().values.count else {
            throw .statisticsMismatch("\(statistics.values.count) values for phone models whose statistics have "
                + "\(emptyStatistics().values.count)")
        }
        var emissions = pool, emissionReport = EmissionUpdateReport()
        if !options.parameters.isDisjoint(with: .emissions) {
            do { (emissions, emissionReport) = try pool.updated(with: statistics.emissions, options: options) } catch {
                throw .hmm(error)
            }
        }
        var transitions = self.transitions, unseen: [String] = []
        let counts = Array(statistics.transitionCounts)
        for (phone, topology) in inventory.topologies.enumerated() {
            let n = topology.stateCount, start = transitionOffsets[phone]
            let block = counts[start..<(start + n * (n + 1))]
            if block.reduce(0, +) <= 0 { unseen.append(inventory.phones[phone]) }
            guard options.parameters.contains(.transitions) else { continue }
            for i in 0..<n {
                let row = Array(block[(block.startIndex + i * (n + 1))..<(block.startIndex + (i + 1) * (n + 1))])
                let total = row.reduce(0, +)
                guard total > 0 else { continue }
                var estimate = (0...n).map { topology.allows(from: i, to: $0) ? max(row[$0] / total, Self.transitionFloor) : 0 }
                let sum = estimate.reduce(0, +)
                for j in 0...n { estimate[j] /= sum }
                transitions[phone].replaceSubrange((i * (n + 1))..<((i + 1) * (n + 1)), with: estimate)
            }
        }
        do {
            let model = try PhoneModels(inventory: inventory, lexicon: lexicon, labelWords: labelWords, transitions: transitions,
                                        pool: emissions)
            return (model, PhoneUpdateReport(emissions: emissionReport, unseenPhones: unseen))
        } catch {
            throw .input(error)
        }
    }

    public func fileContents() throws(TrainingError) -> [UInt8] {
        do { return try encodedFile() } catch { throw .input(error) }
    }

    public init(fileContents: [UInt8], path: String, backend: ComputeBackend) throws(TrainingError) {
        do { self = try PhoneModels(encodedFile: fileContents, path: path, backend: backend) } catch { throw .input(error) }
    }
}

/// One worker's scratch: the pool's workspace and the block's pooled scores and posteriors `[rows × P]`.
final class AlignmentWorker {
    let workspace: MixtureWorkspace<Double>
    let scores = Scratch()
    let posteriors = Scratch()

    init(_ pool: MixtureEmissions<Double>, scoringOnly: Bool = false) {
        workspace = scoringOnly ? pool.makeScoringWorkspace() : pool.makeWorkspace()
    }

    /// A growable buffer reused block after block.
    final class Scratch {
        private var storage = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        private var capacity = 1

        /// At least `count` elements (contents undefined after growing).
        func reserve(_ count: Int) -> UnsafeMutablePointer<Double> {
            if count > capacity {
                storage.deallocate()
                storage = .allocate(capacity: count)
                capacity = count
            }
            return storage
        }

        deinit { storage.deallocate() }
    }
}
