import HMMKitFeatures
import HMMKitMarkov
import HMMKitNumerics

/// Connected-word recognition: token-passing Viterbi beam search (Young, Russell & Thornton
/// 1989; HTK's `HVite`) through a ``WordNetwork`` whose word nodes are instances of whole-word
/// GMM-HMMs.
///
/// Per frame, every active state of every word instance takes the best of its predecessors'
/// tokens (and, for entry states, of the tokens leaving the words before it) plus its emission
/// log-likelihood; tokens more than ``DecoderOptions/beam`` below the frame's best, or beyond the
/// ``DecoderOptions/maximumActiveStates`` best, are dropped. A token leaving a word leaves a
/// word-end record (word, end frame, score, the record before it) and enters the words the
/// network allows next, with their grammar weight and the insertion penalty. Only word-end
/// records are kept — and those no live token leads back to are collected — so memory grows
/// with the words of the utterance, not with frames × states. Emissions are scored in blocks of
/// ``DecoderOptions/blockFrames`` frames, one GEMM per model
/// (``/HMMKitMarkov/MixtureEmissions/score(_:rows:workspace:into:)``).
///
/// With ``DecoderOptions/nBest`` n above 1 the answer also lists the n best distinct word
/// sequences (``Decoding/nBest``): every state keeps up to n tokens, each of a different word
/// sequence (silence left out), instead of one. A token's future depends only on its state, so a
/// token beaten in its state by n tokens of other sequences cannot complete one of the n best:
/// the list is exact when nothing is pruned, and its first entry is the 1-best answer, bit for bit
/// (pruning acts on each state's best token, as in the 1-best search).
///
/// ```swift
/// let decoder = try recognizer.decoder(for: .loop(vocabulary: recognizer.labels),
///                                      options: DecoderOptions(insertionPenalty: -50, nBest: 5))
/// for hypothesis in try decoder.decode(features).nBest ?? [] {
///     print(hypothesis.score, hypothesis.transcript)
/// }
/// ```
public struct Decoder: Sendable {
    let graph: DecodingGraph
    /// The search options.
    public let options: DecoderOptions
    /// Seconds per frame, for word times.
    public let frameShiftSeconds: Double
    /// Added to every word boundary after the first frame (clamped at 0), so that a boundary lies
    /// where the front end's windows put it
    /// (``/HMMKitFeatures/FeatureConfiguration/frameBoundaryOffsetSeconds``, which
    /// `Recognizer.decoder(for:silence:options:source:)` sets); 0 by default:
    /// word times are then frame × shift.
    public var boundaryOffsetSeconds: Double = 0
    /// The feature dimension the models expect.
    public let dimension: Int

    /// A decoder for `network` over word models.
    /// - Parameters:
    ///   - network: what may be said.
    ///   - words: the vocabulary.
    ///   - models: `models[i]` the GMM-HMM of `words[i]`, all of one feature dimension.
    ///   - silence: the model of the network's silence nodes (nil: silence nodes are left out).
    ///   - options: beam, active states, penalty, grammar scale.
    ///   - frameShiftSeconds: the front end's frame shift (word times are frame × shift plus ``boundaryOffsetSeconds``).
    ///   - source: how errors name the network (a grammar file's path, say).
    /// - Throws: ``DecodingError/options(_:)``; ``DecodingError/grammar(_:)`` for words without
    ///   a model, a cycle without words, or no path from start to end.
    public init(network: WordNetwork, words: [String], models: [GMMHMM<Double>], silence: GMMHMM<Double>? = nil,
                options: DecoderOptions = DecoderOptions(), frameShiftSeconds: Double = 0.01,
                source: String = "grammar") throws(DecodingError) {
        precondition(!models.isEmpty && words.count == models.count, "Decoder: one model per word")
        precondition(models.allSatisfy { $0.dimension == models[0].dimension } && (silence?.dimension ?? models[0].dimension) == models[0].dimension,
                     "Decoder: every model must have the same dimension")
        try self.init(network: network, models: DecodingModels(words: words, models: models, silence: silence), options: options,
                      frameShiftSeconds: frameShiftSeconds, source: source)
    }

    /// The time of the boundary before frame `t`.
    func boundarySeconds(_ t: Int) -> Double {
        FeatureConfiguration.boundarySeconds(t, shiftSeconds: frameShiftSeconds, offsetSeconds: boundaryOffsetSeconds)
    }

    /// A decoder for `network` over `models` (checked options; emitters of one dimension).
    init(network: WordNetwork, models: DecodingModels, options: DecoderOptions, frameShiftSeconds: Double,
         source: String) throws(DecodingError) {
        let problems = options.problems()
        guard problems.isEmpty else { throw .options(problems) }
        do {
            graph = try DecodingGraph(network: network, models: models, grammarScale: options.grammarScale,
                                      insertionPenalty: options.insertionPenalty, source: source)
        } catch { throw .grammar(error) }
        self.options = options
        self.frameShiftSeconds = frameShiftSeconds
        dimension = models.emitters[0].dimension
    }

    /// The fewest frames an utterance needs for some path through the network.
    public var minimumFrames: Int { graph.minimumFrames }

    /// The best word sequence for `features` `[frameCount × dimension]`.
    /// - Throws: ``DecodingError/dimension(expected:got:)``, ``DecodingError/nonFiniteFeature(frame:column:)``,
    ///   ``DecodingError/tooShort(frames:minimumFrames:)``, ``DecodingError/noPathSurvived(frames:beam:)``.
    public func decode(_ features: Matrix<Double>) throws(DecodingError) -> Decoding {
        guard features.columnCount == dimension else { throw .dimension(expected: dimension, got: features.columnCount) }
        if let bad = features.elements.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteFeature(frame: bad / dimension, column: bad % dimension)
        }
        guard features.rowCount >= graph.minimumFrames else {
            throw .tooShort(frames: features.rowCount, minimumFrames: graph.minimumFrames)
        }
        guard options.nBest > 1 else {
            var search = TokenSearch(graph: graph, options: options)
            guard let last = search.run(features) else { throw .noPathSurvived(frames: features.rowCount, beam: options.beam) }
            return answer(records: search.records, last: last, frames: features.rowCount)
        }
        var search = NBestSearch(graph: graph, options: options)
        let found = search.run(features)
        guard !found.isEmpty else { throw .noPathSurvived(frames: features.rowCount, beam: options.beam) }
        let hypotheses = found.map { answer(records: search.history.records, last: $0.record, frames: features.rowCount) }
        var decoding = hypotheses[0]
        decoding.nBest = hypotheses.map { Decoding.Hypothesis(words: $0.words, score: $0.score) }
        return decoding
    }

    /// The words of the path ending in record `last`.
    private func answer(records: [WordEnd], last: Int32, frames: Int) -> Decoding {
        var chain: [WordEnd] = []
        var index = last
        while index >= 0 {
            chain.append(records[Int(index)])
            index = records[Int(index)].previous
        }
        chain.reverse()
        var words: [Decoding.Word] = []
        var previousScore = 0.0, previousEnd = -1, previousInstance: Int? = nil
        for record in chain {
            let instance = Int(record.instance)
            let entryWeight = link(from: previousInstance, to: instance)
            let model = graph.instanceModel[instance]
            if model != graph.silenceModel {
                let start = previousEnd + 1, end = Int(record.endFrame) + 1
                words.append(Decoding.Word(word: graph.modelNames[model], startFrame: start, endFrame: end,
                                           startSeconds: boundarySeconds(start), endSeconds: boundarySeconds(end),
                                           logLikelihood: record.score - previousScore - entryWeight))
            }
            previousScore = record.score
            previousEnd = Int(record.endFrame)
            previousInstance = instance
        }
        let final = chain.last.map { $0.score + graph.endWeight[Int($0.instance)] } ?? -.infinity
        return Decoding(words: words, score: final, frameCount: frames)
    }

    /// The weight of the link from instance `from` (nil: the start) to `to`.
    private func link(from: Int?, to: Int) -> Double {
        guard let from else { return graph.startWeight[graph.startTarget.firstIndex(of: to)!] }
        let links = graph.linkStart[from]..<graph.linkStart[from + 1]
        return graph.linkWeight[links.first { graph.linkTarget[$0] == to }!]
    }
}

/// Where a token left a word: the instance, the frame it ended on, the path's score there, and
/// the record before it (−1: none).
struct WordEnd {
    var instance: Int32
    var endFrame: Int32
    var score: Double
    var previous: Int32
}

extension WordEnd {
    /// Which of `records` some record of `starts` (−1: none) leads back to.
    static func reachable(_ records: [WordEnd], from starts: some Sequence<Int32>) -> [Bool] {
        var live = [Bool](repeating: false, count: records.count)
        for start in starts {
            var index = start
            while index >= 0 && !live[Int(index)] {
                live[Int(index)] = true
                index = records[Int(index)].previous
            }
        }
        return live
    }

    /// Keeps the records marked in `live`, in order, renumbering their links; returns each old
    /// index's new one (−1 for a dropped record).
    static func compact(_ records: inout [WordEnd], keeping live: [Bool]) -> [Int32] {
        var renumbered = [Int32](repeating: -1, count: records.count)
        var kept = 0
        for index in records.indices where live[index] {
            renumbered[index] = Int32(kept)
            var record = records[index]
            if record.previous >= 0 { record.previous = renumbered[Int(record.previous)] }
            records[kept] = record
            kept += 1
        }
        records.removeLast(records.count - kept)
        return renumbered
    }
}
