import Foundation
@testable import HMMKitDecoding
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

@Suite struct NBestTests {
    /// A one-state silence model far from every word state of ``SyntheticWords``.
    static func silenceModel() throws -> GMMHMM<Double> {
        try GMMHMM<Double>(chain: MarkovChain(uniform: .ergodic, stateCount: 1),
                           emissions: MixtureEmissions([GaussianMixture(weights: [1], means: Matrix(rows: [[-20, -20]]),
                                                                        covariances: .diagonal(Matrix(rows: [[1, 1]])))]))
    }

    /// Every word sequence of 1…`maximumWords` words over `models` with its best score over every
    /// segmentation of `frames` (each word scored by its HMM's own Viterbi, `GMMHMM.decode`, plus
    /// `logChoice` per word) and, with `silence`, every placement of any number of silence
    /// segments before, between and after the words — the exhaustive reference of
    /// `WordNetwork.loop(…, minimumWords: 1, maximumWords:)` (with `withOptionalSilence()` when
    /// `silence` is given). Sorted best first.
    static func exhaustive(_ models: [GMMHMM<Double>], silence: GMMHMM<Double>?, frames: Matrix<Double>, maximumWords: Int,
                           logChoice: Double) -> [(words: [Int], score: Double)] {
        let count = frames.rowCount
        func viterbi(_ model: GMMHMM<Double>, _ start: Int, _ end: Int) -> Double {
            guard end - start >= model.chain.minimumFrameCount, let path = try? model.decode(frames.rows(start..<end)) else { return -.infinity }
            return path.logProbability
        }
        // segment[m][start][end]: model m (silence last) over frames start..<end.
        let all = models + (silence.map { [$0] } ?? [])
        let segment = all.map { model in (0...count).map { start in (0...count).map { end in end > start ? viterbi(model, start, end) : -.infinity } } }
        var sequences: [[Int]] = [[]]
        var results: [(words: [Int], score: Double)] = []
        for _ in 1...maximumWords {
            sequences = sequences.flatMap { prefix in models.indices.map { prefix + [$0] } }
            for sequence in sequences {
                // best[k][t]: k words said over frames 0..<t, then optional silence up to t.
                var best = [[Double]](repeating: [Double](repeating: -.infinity, count: count + 1), count: sequence.count + 1)
                best[0][0] = 0
                for k in 0...sequence.count {
                    for t in 0...count where best[k][t] > -.infinity {
                        for end in stride(from: t + 1, through: count, by: 1) {
                            if silence != nil { best[k][end] = max(best[k][end], best[k][t] + segment[models.count][t][end]) }
                            if k < sequence.count {
                                best[k + 1][end] = max(best[k + 1][end], best[k][t] + segment[sequence[k]][t][end] + logChoice)
                            }
                        }
                    }
                }
                results.append((sequence, best[sequence.count][count]))
            }
        }
        return results.filter { $0.score > -.infinity }.sorted { $0.score > $1.score }
    }

    @Test(arguments: [(UInt64(1), false), (2, false), (3, true), (4, true)])
    func wideBeamEqualsTheExhaustiveNBest(seed: UInt64, withSilence: Bool) throws {
        let words = try SyntheticWords(count: 3, states: 2)
        let silence = withSilence ? try Self.silenceModel() : nil
        var (frames, _) = words.utterance([2, 0], seed: seed)
        if let silence {
            var generator = SeededGenerator(seed: seed)
            let pause = silence.emissions.sample(states: [0, 0, 0], using: &generator)
            frames = SyntheticWords.concatenate([pause, frames.rows(0..<6), pause, frames.rows(6..<frames.rowCount)])
        }
        let network = WordNetwork.loop(vocabulary: words.words, minimumWords: 1, maximumWords: 3)
        let n = 12
        let decoder = try Decoder(network: withSilence ? network.withOptionalSilence() : network, words: words.words, models: words.models,
                                  silence: silence, options: DecoderOptions(beam: 1e9, maximumActiveStates: 1_000_000, nBest: n))
        let hypotheses = try #require(try decoder.decode(frames).nBest)
        let reference = Self.exhaustive(words.models, silence: silence, frames: frames, maximumWords: 3, logChoice: -Foundation.log(3))
        // The order is only defined where the reference's scores differ.
        for k in 0..<n { try #require(reference[k].score - reference[k + 1].score > 1e-6) }
        #expect(hypotheses.map(\.transcript) == reference.prefix(n).map { $0.words.map { "w\($0)" } })
        for (hypothesis, expected) in zip(hypotheses, reference) {
            // Both sum the same log terms in different orders: agreement to rounding.
            #expect(abs(hypothesis.score - expected.score) <= 1e-9 * abs(expected.score))
            // Each word's score is its model's Viterbi score on its own frames, and they add up to the total.
            let grammar = Double(hypothesis.words.count) * -Foundation.log(3)
            let silent = hypothesis.score - hypothesis.words.reduce(grammar) { $0 + $1.logLikelihood }
            if silence == nil { #expect(abs(silent) <= 1e-9 * abs(hypothesis.score)) }
        }
    }

    @Test func fewerSequencesThanAskedAreAllReturned() throws {
        let words = try SyntheticWords(count: 2)
        let (frames, _) = words.utterance([1, 0], seed: 9)
        let decoder = try Decoder(network: .fixedLength(vocabulary: words.words, count: 2), words: words.words, models: words.models,
                                  options: DecoderOptions(beam: 1e9, maximumActiveStates: 1_000_000, nBest: 10))
        let hypotheses = try #require(try decoder.decode(frames).nBest)
        let reference = Self.exhaustive(words.models, silence: nil, frames: frames, maximumWords: 2, logChoice: -Foundation.log(2))
            .filter { $0.words.count == 2 }
        #expect(hypotheses.count == 4)
        #expect(hypotheses.map(\.transcript) == reference.map { $0.words.map { "w\($0)" } })
        for (hypothesis, expected) in zip(hypotheses, reference) {
            #expect(abs(hypothesis.score - expected.score) <= 1e-9 * abs(expected.score))
        }
    }

    /// The n-best search's first answer is the 1-best search's, bit for bit, at the default beam
    /// and with the active-state limit cutting.
    @Test(arguments: [2, 5])
    func firstHypothesisIsTheOneBest(n: Int) throws {
        let words = try SyntheticWords(count: 5)
        let silence = try Self.silenceModel()
        var generator = SeededGenerator(seed: 21)
        // 300 words: word-end records are collected several times on the way.
        let sequence = (0..<300).map { _ in Int.random(in: 0..<5, using: &generator) }
        let (frames, _) = words.utterance(sequence, seed: 22)
        for (network, model, maximumActive) in [(WordNetwork.loop(vocabulary: words.words), nil, 7_000),
                                               (WordNetwork.loop(vocabulary: words.words).withOptionalSilence(), silence, 7_000),
                                               (WordNetwork.loop(vocabulary: words.words), nil, 20)] {
            let options = DecoderOptions(maximumActiveStates: maximumActive, insertionPenalty: -3)
            var many = options
            many.nBest = n
            let one = try Decoder(network: network, words: words.words, models: words.models, silence: model, options: options).decode(frames)
            let best = try Decoder(network: network, words: words.words, models: words.models, silence: model, options: many).decode(frames)
            #expect(one.nBest == nil)
            #expect(best.words == one.words && best.score == one.score)
            let hypotheses = try #require(best.nBest)
            #expect(hypotheses.count == n && hypotheses[0] == Decoding.Hypothesis(words: one.words, score: one.score))
            #expect(Set(hypotheses.map(\.transcript)).count == n && zip(hypotheses, hypotheses.dropFirst()).allSatisfy { $0.score >= $1.score })
        }
    }

    /// fMLLR's Jacobian moves every hypothesis as it moves the best one: its score by frames × log|det|,
    /// each word's by its own frames × log|det|.
    @Test func jacobianMovesEveryHypothesis() throws {
        let words = try SyntheticWords(count: 3)
        let (frames, _) = words.utterance([0, 2, 1], seed: 4)
        let decoder = try Decoder(network: .loop(vocabulary: words.words), words: words.words, models: words.models,
                                  options: DecoderOptions(nBest: 3))
        let decoding = try decoder.decode(frames)
        let moved = SegmentedDecoding(decoding, models: ["w0": 0, "w1": 1, "w2": 2]).addingJacobian(-0.5).decoding
        let hypotheses = try #require(decoding.nBest), shifted = try #require(moved.nBest)
        #expect(shifted.count == hypotheses.count && moved.score == decoding.score - 0.5 * Double(frames.rowCount))
        for (after, before) in zip(shifted, hypotheses) {
            #expect(after.score == before.score - 0.5 * Double(frames.rowCount) && after.transcript == before.transcript)
            #expect(zip(after.words, before.words).allSatisfy { $0.logLikelihood == $1.logLikelihood - 0.5 * Double($1.endFrame - $1.startFrame) })
        }
        #expect(shifted[0] == Decoding.Hypothesis(words: moved.words, score: moved.score))
    }

    @Test func optionsCheckAndEncodeTheCount() throws {
        #expect(DecoderOptions(nBest: 0).problems() == ["the n-best count must be ≥ 1 (got 0)"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let one = String(decoding: try encoder.encode(DecoderOptions()), as: UTF8.self)
        #expect(!one.contains("nBest"))
        let five = try encoder.encode(DecoderOptions(nBest: 5))
        #expect(try JSONDecoder().decode(DecoderOptions.self, from: five) == DecoderOptions(nBest: 5))
        #expect(try JSONDecoder().decode(DecoderOptions.self, from: Data(one.utf8)) == DecoderOptions())
    }

    @Test func sequencesAreNumberedOnceAndCompactionKeepsTheirNumbersApart() {
        var history = WordHistory()
        let a = history.extend(0, with: 0), ab = history.extend(a, with: 1)
        let b = history.extend(0, with: 1), ba = history.extend(b, with: 0)
        #expect(Set([0, a, ab, b, ba]).count == 5)
        // The same words, the same number, whichever path said them.
        #expect(history.extend(0, with: 0) == a && history.extend(a, with: 1) == ab)
        #expect(history.words(of: ab) == [0, 1] && history.words(of: ba) == [1, 0] && history.words(of: 0) == [])
        let first = history.append(WordEnd(instance: 0, endFrame: 3, score: 0, previous: -1))
        _ = history.append(WordEnd(instance: 1, endFrame: 9, score: 0, previous: first))
        // Keeping `ba` keeps `b`, which it extends; `a` and `ab` go.
        let renumbered = history.compact(keeping: [true, false], sequences: [ba])
        #expect(renumbered.records == [0, -1] && history.records.count == 1)
        #expect(renumbered.sequences[0] == 0 && renumbered.sequences[Int(a)] == -1 && renumbered.sequences[Int(ab)] == -1)
        let newB = renumbered.sequences[Int(b)], newBA = renumbered.sequences[Int(ba)]
        #expect(history.words(of: newBA) == [1, 0] && history.extend(newB, with: 0) == newBA && history.extend(0, with: 1) == newB)
        // A dropped sequence said again gets a number of its own, and keeps it.
        let again = history.extend(0, with: 0)
        #expect(history.words(of: again) == [0] && ![0, newB, newBA].contains(again) && history.extend(0, with: 0) == again)
    }

    /// Merging an arc's tokens into a state's slots leaves exactly what offering them one by one
    /// leaves: over random slots of every size with tied scores and shared word sequences.
    @Test func mergeEqualsOfferingOneByOne() {
        typealias Token = NBestSearch.Token
        var generator = SeededGenerator(seed: 5)
        var record: Int32 = 0
        for n in [1, 2, 3, 5, 10] {
            var scratch = [Token](repeating: .empty, count: n), beaten = [Bool](repeating: false, count: n)
            for _ in 0..<2_000 {
                // Sorted slots of distinct sequences, built the search's way; few scores and
                // sequences so that ties and shared words are common, a record to tell tokens apart.
                func slots() -> [Token] {
                    var list = [Token](repeating: .empty, count: n)
                    for _ in 0..<Int.random(in: 0...(2 * n), using: &generator) {
                        record += 1
                        let token = Token(score: Double(Int.random(in: 0..<6, using: &generator)), record: record,
                                          sequence: Int32(Int.random(in: 0..<(n + 2), using: &generator)))
                        _ = NBestSearch.offer(token, into: &list, at: 0, n: n)
                    }
                    return list
                }
                let held = slots(), arriving = slots()
                let weight = [0, 0.5, -1, 2][Int.random(in: 0..<4, using: &generator)]
                var merged = held
                NBestSearch.merge(arriving, at: 0, adding: weight, into: &merged, at: 0, n: n, scratch: &scratch, beaten: &beaten)
                var offered = held
                for var token in arriving where token.score > -.infinity {
                    token.score += weight
                    _ = NBestSearch.offer(token, into: &offered, at: 0, n: n)
                }
                #expect(merged == offered)
                #expect(!beaten.contains(true))
            }
        }
    }
}

extension WordHistory {
    /// The words of sequence `sequence` (models), first to last, read back through the numbering.
    func words(of sequence: Int32) -> [Int] {
        var words: [Int] = [], sequence = sequence
        while sequence > 0 {
            words.append(Int(lastWords[Int(sequence)]))
            sequence = parents[Int(sequence)]
        }
        return words.reversed()
    }
}
