import Foundation
@testable import HMMKitDecoding
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

@Suite struct DecoderTests {
    /// The best score over every word sequence of `length` words and every segmentation of the
    /// frames into them, each word scored by the HMM's own Viterbi (`GMMHMM.decode`): the
    /// exhaustive reference a beam-free token-passing search must equal.
    static func exhaustiveBest(_ models: [GMMHMM<Double>], frames: Matrix<Double>, length: Int, logChoice: Double) throws -> Double {
        let count = frames.rowCount
        // best[k][t]: the best score of k words over frames 0..<t.
        var best = [[Double]](repeating: [Double](repeating: -.infinity, count: count + 1), count: length + 1)
        best[0][0] = 0
        var segment: [Int: [Double]] = [:]  // (start · (count + 1) + end) → score per word
        for start in 0..<count {
            for end in (start + 1)...count {
                let piece = frames.rows(start..<end)
                segment[start * (count + 1) + end] = models.map { model in
                    guard end - start >= model.chain.minimumFrameCount, let path = try? model.decode(piece) else { return -.infinity }
                    return path.logProbability
                }
            }
        }
        for k in 1...length {
            for end in 1...count {
                for start in 0..<end where best[k - 1][start] > -.infinity {
                    let top = segment[start * (count + 1) + end]!.max()!
                    best[k][end] = max(best[k][end], best[k - 1][start] + top + logChoice)
                }
            }
        }
        return best[length][count]
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func wideBeamEqualsTheExhaustiveBest(seed: UInt64) throws {
        let words = try SyntheticWords(count: 3)
        let (frames, _) = words.utterance([2, 0, 1], seed: seed)
        let decoder = try Decoder(network: .fixedLength(vocabulary: words.words, count: 3), words: words.words, models: words.models,
                                  options: DecoderOptions(beam: 1e9, maximumActiveStates: 1_000_000))
        let decoding = try decoder.decode(frames)
        let reference = try Self.exhaustiveBest(words.models, frames: frames, length: 3, logChoice: -Foundation.log(3))
        // Both sum the same log terms in different orders: agreement to rounding.
        #expect(abs(decoding.score - reference) <= 1e-9 * abs(reference))
        #expect(decoding.transcript == ["w2", "w0", "w1"])
    }

    @Test func wordBoundariesAndScoresAddUp() throws {
        let words = try SyntheticWords(count: 4)
        let sequence = [3, 1, 1, 0, 2]
        let (frames, starts) = words.utterance(sequence, seed: 7)
        let decoder = try Decoder(network: .loop(vocabulary: words.words), words: words.words, models: words.models,
                                  frameShiftSeconds: 0.01)
        let decoding = try decoder.decode(frames)
        #expect(decoding.transcript == sequence.map { "w\($0)" })
        #expect(decoding.words.map(\.startFrame) == starts)
        #expect(decoding.words.last?.endFrame == frames.rowCount)
        for (k, word) in decoding.words.enumerated() {
            #expect(abs(word.startSeconds - Double(word.startFrame) * 0.01) < 1e-12)
            // Each word's score is its model's Viterbi score on its own frames.
            let alone = try words.models[sequence[k]].decode(frames.rows(word.startFrame..<word.endFrame)).logProbability
            #expect(abs(word.logLikelihood - alone) <= 1e-9 * abs(alone))
        }
        let grammar = Double(sequence.count) * -Foundation.log(4)
        let total = decoding.words.reduce(grammar) { $0 + $1.logLikelihood }
        #expect(abs(total - decoding.score) <= 1e-9 * abs(total))
    }

    @Test func longUtteranceCollectsRecordsAndStaysExact() throws {
        // 400 words: enough word-end records to be collected several times on the way.
        let words = try SyntheticWords(count: 5)
        var generator = SeededGenerator(seed: 11)
        let sequence = (0..<400).map { _ in Int.random(in: 0..<5, using: &generator) }
        let (frames, starts) = words.utterance(sequence, seed: 12)
        let decoder = try Decoder(network: .loop(vocabulary: words.words), words: words.words, models: words.models)
        let decoding = try decoder.decode(frames)
        #expect(decoding.transcript == sequence.map { "w\($0)" })
        #expect(decoding.words.map(\.startFrame) == starts)
    }

    @Test func silenceBetweenWordsIsDecodedAndLeftOut() throws {
        let words = try SyntheticWords(count: 3)
        // Silence: a one-state model far from every word state.
        let silence = try GMMHMM<Double>(chain: MarkovChain(uniform: .ergodic, stateCount: 1),
                                         emissions: MixtureEmissions([GaussianMixture(weights: [1], means: Matrix(rows: [[-20, -20]]),
                                                                                      covariances: .diagonal(Matrix(rows: [[1, 1]])))]))
        var generator = SeededGenerator(seed: 5)
        let pause = { (n: Int) in silence.emissions.sample(states: Array(repeating: 0, count: n), using: &generator) }
        let a = words.utterance([1], seed: 1).frames, b = words.utterance([2], seed: 2).frames
        let frames = SyntheticWords.concatenate([pause(6), a, pause(9), b, pause(4)])
        let network = WordNetwork.loop(vocabulary: words.words).withOptionalSilence()
        let withSilence = try Decoder(network: network, words: words.words, models: words.models, silence: silence)
        let decoding = try withSilence.decode(frames)
        #expect(decoding.transcript == ["w1", "w2"])
        #expect(decoding.words.map(\.startFrame) == [6, 6 + a.rowCount + 9])
        // Without a silence model the pauses must go into words, at a far lower score.
        let without = try Decoder(network: network, words: words.words, models: words.models)
        #expect(try without.decode(frames).score < decoding.score - 100)
    }

    @Test func fixedLengthForcesTheWordCount() throws {
        let words = try SyntheticWords(count: 3)
        let (frames, _) = words.utterance([0, 1, 2, 1], seed: 3)
        let three = try Decoder(network: .fixedLength(vocabulary: words.words, count: 3), words: words.words, models: words.models)
        #expect(try three.decode(frames).words.count == 3)
        let between = try Decoder(network: .loop(vocabulary: words.words, minimumWords: 5, maximumWords: 6), words: words.words,
                                  models: words.models)
        let count = try between.decode(frames).words.count
        #expect((5...6).contains(count))
    }

    @Test func tooShortAndPrunedAwayAreErrors() throws {
        let words = try SyntheticWords(count: 2)
        let decoder = try Decoder(network: .fixedLength(vocabulary: words.words, count: 4), words: words.words, models: words.models)
        // Left-to-right with jumps of one state: a 3-state word needs 2 frames.
        #expect(decoder.minimumFrames == 8)
        let (frames, _) = words.utterance([0, 1], seed: 1)
        #expect(throws: DecodingError.self) { try decoder.decode(frames.rows(0..<7)) }
        do {
            _ = try decoder.decode(frames.rows(0..<7))
        } catch let error as DecodingError {
            #expect(error.description.contains("7 frames are too few") && error.description.contains("needs 8"))
        }
        let wrongDimension = Matrix<Double>(rowCount: 20, columnCount: 3)
        #expect(throws: DecodingError.self) { try decoder.decode(wrongDimension) }
        var bad = Matrix<Double>(rowCount: 20, columnCount: 2)
        bad[3, 1] = .nan
        #expect(throws: DecodingError.self) { try decoder.decode(bad) }
        #expect(throws: DecodingError.self) {
            try Decoder(network: .loop(vocabulary: words.words), words: words.words, models: words.models, options: DecoderOptions(beam: 0))
        }
        // A penalty as large as the beam would prune every word after the first.
        #expect(DecoderOptions(beam: 50, insertionPenalty: -50).problems().count == 1)
        #expect(DecoderOptions(beam: 50, insertionPenalty: -49).problems().isEmpty)
    }

    @Test func unknownWordsAndNoPathAreGrammarErrors() throws {
        let words = try SyntheticWords(count: 2)
        let grammar = try JSGFGrammar(parsing: "#JSGF V1.0;\ngrammar g;\npublic <s> = w0\n  | w7 w1;", source: "g.jsgf")
        do {
            _ = try Decoder(network: grammar.network(), words: words.words, models: words.models, source: "g.jsgf")
            Issue.record("an unknown word was accepted")
        } catch let error as DecodingError {
            #expect(error.description == "g.jsgf: the models have no word 'w7' (line 4); they know w0 w1")
        }
        let void = try JSGFGrammar(parsing: "grammar g; public <s> = w0 <VOID>;", source: "v.jsgf")
        do {
            _ = try Decoder(network: void.network(), words: words.words, models: words.models, source: "v.jsgf")
            Issue.record("a grammar without a path was accepted")
        } catch let error as DecodingError {
            #expect(error.description == "v.jsgf: no word sequence leads from the start of the grammar to its end")
        }
    }

    @Test(arguments: [1, 2, 3, 5, 10, 100])
    func quickselectFindsTheKthLargest(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        // Values with ties: drawn from few distinct ones.
        let values = (0..<count).map { _ in Double(Int.random(in: 0..<max(2, count / 3), using: &generator)) }
        let sorted = values.sorted(by: >)
        for k in 1...count {
            var copy = values
            #expect(TokenSearch.largest(k, of: &copy) == sorted[k - 1])
        }
    }
}
