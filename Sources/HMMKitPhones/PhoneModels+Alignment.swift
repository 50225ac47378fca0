import Foundation
import HMMKitMarkov
import HMMKitNumerics

/// A stretch of frames aligned to one phone or word.
public struct AlignedSegment: Sendable, Hashable, Codable {
    /// The phone, or the word (for silence, the silence phone's name).
    public var label: String
    /// The first frame.
    public var firstFrame: Int
    /// Frames, ≥ 1.
    public var frameCount: Int
    /// The segment's share of the best path's log-likelihood: its frames' emission
    /// log-densities plus the log-probabilities of the moves into them.
    public var logLikelihood: Double
}

/// The best path of an utterance through its transcript's graph (Viterbi forced alignment):
/// phones (silences included) and words in time order.
public struct UtteranceAlignment: Sendable, Hashable, Codable {
    /// Every phone segment, silence included.
    public var phones: [AlignedSegment]
    /// Every word segment (silence between words belongs to no word).
    public var words: [AlignedSegment]
    /// The path's log-likelihood, the sum of the phones'.
    public var logLikelihood: Double
}

extension PhoneModels {
    /// Forced alignment of one utterance to its transcript: the Viterbi path through the
    /// transcript's ``UtteranceGraph`` (optional silences, alternate pronunciations), cut into
    /// phone and word segments.
    /// - Parameters:
    ///   - frames: the utterance's features, `[T × D]`.
    ///   - words: its transcript.
    ///   - utterance: its name, in errors.
    /// - Throws: ``PhoneModelError/lexicon(_:)`` for words missing from the lexicon or no words;
    ///   ``PhoneModelError/tooShort(_:)`` when T is below the transcript's fewest frames;
    ///   ``PhoneModelError/invalid(_:)`` for the wrong dimension or a path of probability zero.
    public func align(_ frames: Matrix<Double>, words: [String], utterance: String) throws(PhoneModelError) -> UtteranceAlignment {
        guard frames.columnCount == dimension else {
            throw .invalid("\(utterance): frames have \(frames.columnCount) columns; the phone models have dimension \(dimension)")
        }
        let graph = try UtteranceGraph(words: words, models: self, utterance: utterance)
        let t = frames.rowCount
        guard t >= graph.minimumFrameCount else { throw .tooShort([(utterance, t, graph.minimumFrameCount)]) }
        let p = pool.stateCount
        let worker = AlignmentWorker(pool, scoringOnly: true)
        let scores = worker.scores.reserve(max(t * p, 1))
        pool.score(frames, rows: 0..<t, workspace: worker.workspace, into: scores)
        let emissions = graph.gather(scores, frames: t, poolCount: p)
        let path: ViterbiPath
        do { path = try graph.chain.viterbi(emissions) } catch {
            throw .invalid("\(utterance): no path through its transcript's HMM (\(error))")
        }
        var phones: [AlignedSegment] = [], words: [AlignedSegment] = []
        var previousInstance = -1, previousWord: Int? = nil
        for (frame, state) in path.states.enumerated() {
            let move = frame == 0 ? graph.chain.startProbabilities[state] : graph.chain.transitions[path.states[frame - 1], state]
            let gain = emissions[frame, state] + Foundation.log(move)
            let instance = graph.instances[state]
            if instance != previousInstance {
                phones.append(AlignedSegment(label: inventory.phones[graph.phones[state]], firstFrame: frame, frameCount: 0,
                                             logLikelihood: 0))
            }
            phones[phones.count - 1].frameCount += 1
            phones[phones.count - 1].logLikelihood += gain
            let word = graph.instanceWords[instance]
            if let word {
                if word != previousWord {
                    words.append(AlignedSegment(label: graph.words[word], firstFrame: frame, frameCount: 0, logLikelihood: 0))
                }
                words[words.count - 1].frameCount += 1
                words[words.count - 1].logLikelihood += gain
            }
            previousInstance = instance
            previousWord = word
        }
        return UtteranceAlignment(phones: phones, words: words, logLikelihood: phones.reduce(0) { $0 + $1.logLikelihood })
    }
}
