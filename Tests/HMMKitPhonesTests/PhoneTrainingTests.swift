import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
@testable import HMMKitTraining
import Testing
@testable import HMMKitPhones

/// A synthetic corpus of words made of two phones, `a` (mean (4, 0)) and `b` (mean (0, 4)),
/// between stretches of silence (mean (0, 0)), with seeded uniform noise of ±1.
enum PhoneTestData {
    static let lexicon = try! Lexicon([("ab", ["a", "b"]), ("ba", ["b", "a"]), ("a", ["a"]), ("bab", ["b", "a", "b"])])
    static let means: [String: [Double]] = ["sil": [0, 0], "a": [4, 0], "b": [0, 4]]

    static func utterances(_ words: [String], count: Int, seed: UInt64) -> LabelledSequences {
        var generator = SeededGenerator(seed: seed)
        var sequences: [Matrix<Double>] = [], labels: [String] = []
        for index in 0..<count {
            let word = words[index % words.count]
            var rows: [[Double]] = []
            func segment(_ phone: String, _ frames: ClosedRange<Int>) {
                for _ in 0..<Int.random(in: frames, using: &generator) {
                    rows.append(means[phone]!.map { $0 + Double.random(in: -1...1, using: &generator) })
                }
            }
            segment("sil", 5...9)
            for phone in lexicon[word]![0] { segment(phone, 6...10) }
            segment("sil", 5...9)
            sequences.append(Matrix(rows: rows))
            labels.append(word)
        }
        return LabelledSequences(sequences, names: sequences.indices.map { "u\($0)" }, labels: labels)
    }

    static func flatStart(_ corpus: LabelledSequences, covariance: CovarianceType = .diagonal) throws -> PhoneModels {
        return try PhoneModels.flatStart(inventory: PhoneInventory(lexicon: lexicon), lexicon: lexicon, frames: corpus.sequences,
                                         covariance: covariance)
    }

    static func train(_ corpus: LabelledSequences, iterations: Int = 8, threads: Int = 1,
                      chunking: ChunkingPolicy = .wholeCorpus, covariance: CovarianceType = .diagonal) throws -> EMFit<PhoneModels> {
        var driver = EMDriver<PhoneModels>(updateOptions: HMMUpdateOptions(),
                                           options: EMOptions(iterationCount: iterations, convergence: .totalLogLikelihoodGain(-.infinity), threadCount: threads))
        driver.options.chunking = chunking
        let start = try driver.start(resuming: false) { () throws(TrainingError) in
            do { return try flatStart(corpus, covariance: covariance) } catch { throw .input(error) }
        }
        return try driver.train(from: start, source: corpus)
    }
}

@Suite struct PhoneTrainingTests {
    /// Embedded Baum-Welch never lowers the corpus log-likelihood (EM's invariant; the
    /// transition floor and the variance floor can only bind from above, so allow rounding only).
    @Test(arguments: [CovarianceType.diagonal, .full])
    func likelihoodNeverDecreases(covariance: CovarianceType) throws {
        let corpus = PhoneTestData.utterances(["ab", "ba", "a"], count: 24, seed: 7)
        let fit = try PhoneTestData.train(corpus, iterations: 8, covariance: covariance)
        let totals = fit.history.map(\.logLikelihood)
        for (before, after) in zip(totals, totals.dropFirst()) { #expect(after >= before - 1e-9 * abs(before)) }
        #expect(totals.last! > totals.first! + 100)
    }

    /// The pooled states learn the phones: after training, the states of `a` that hold frames
    /// (self-loop ≥ 0.1, so an expected stay over one frame) have means near (4, 0), those of
    /// `b` near (0, 4) (the noise's mean is 0, its deviation 0.58). A phone's first state may
    /// become a one-frame passage across the boundary (self-loop at the floor), whose mean lies
    /// between the neighbours': EM's answer for segments with sharp edges, so it is not checked.
    @Test func statesLearnThePhones() throws {
        let corpus = PhoneTestData.utterances(["ab", "ba", "a"], count: 30, seed: 3)
        let model = try PhoneTestData.train(corpus, iterations: 10).model
        for (phone, mean) in [("a", [4.0, 0]), ("b", [0.0, 4])] {
            let p = model.inventory.index(of: phone)!
            var checked = 0
            for state in model.stateOffsets[p]..<(model.stateOffsets[p] + 3)
            where model.transitions[p][(state - model.stateOffsets[p]) * 5] >= 0.1 {
                checked += 1
                let learned = Array(model.pool.mixtures[state].means[row: 0])
                #expect(zip(learned, mean).allSatisfy { abs($0 - $1) < 0.5 }, "\(phone) state \(state): \(learned)")
            }
            #expect(checked >= 2)
        }
    }

    /// A word never heard in training is recognized from its phones: "bab" is never in the
    /// corpus, its phones are.
    @Test func recognizesAWordNeverHeard() throws {
        let model = try PhoneTestData.train(PhoneTestData.utterances(["ab", "ba", "a"], count: 30, seed: 5), iterations: 10).model
        let test = PhoneTestData.utterances(["ab", "ba", "a", "bab"], count: 20, seed: 99)
        let words = ["ab", "ba", "a", "bab"]
        let graphs = try model.wordGraphs(words)
        let stacked = Matrix(rows: test.sequences.flatMap { s in (0..<s.rowCount).map { Array(s[row: $0]) } })
        let scores = try model.logLikelihoods(of: stacked, lengths: test.sequences.map(\.rowCount), graphs: graphs)
        for (label, row) in zip(test.labels, scores) {
            #expect(words[row.indices.max { row[$0] < row[$1] }!] == label)
        }
    }

    /// The word graph is a view: its states are the pool's, in phone order, never copies.
    @Test func graphsViewThePool() throws {
        let model = try PhoneTestData.flatStart(PhoneTestData.utterances(["ab"], count: 2, seed: 1))
        let graph = try UtteranceGraph(words: ["bab"], models: model)
        let offset = { (phone: String) in model.stateOffsets[model.inventory.index(of: phone)!] }
        let silence = (0..<5).map { offset("sil") + $0 }
        let b = (0..<3).map { offset("b") + $0 }, a = (0..<3).map { offset("a") + $0 }
        #expect(graph.poolStates == silence + b + a + b + silence)
        // Silence (5 states, skips) needs 3 frames; each 3-state phone 3; the silences are optional.
        #expect(graph.minimumFrameCount == 9)
    }

    /// Statistics do not depend on the thread count (bitwise), and the trained models neither.
    @Test func threadCountDoesNotChangeTheBits() throws {
        let corpus = PhoneTestData.utterances(["ab", "ba", "a"], count: 40, seed: 11)
        let one = try PhoneTestData.train(corpus, iterations: 3, threads: 1).model
        let two = try PhoneTestData.train(corpus, iterations: 3, threads: 2).model
        let four = try PhoneTestData.train(corpus, iterations: 3, threads: 4).model
        #expect(try one.fileContents() == two.fileContents())
        #expect(try one.fileContents() == four.fileContents())
    }

    /// Streamed in chunks of at most 60 frames (several sequences split across chunks, statistics
    /// added chunk by chunk) gives the in-memory models to 1e-10 relative (only the order of
    /// additions differs).
    @Test func streamedTrainingMatchesInMemory() throws {
        let corpus = PhoneTestData.utterances(["ab", "ba", "a"], count: 24, seed: 13)
        let memory = try PhoneTestData.train(corpus, iterations: 4).model
        let streamed = try PhoneTestData.train(corpus, iterations: 4, chunking: ChunkingPolicy(maximumFrames: 60)).model
        let m = memory.pool.mixtures.flatMap { $0.means.elements + $0.weights }
        let s = streamed.pool.mixtures.flatMap { $0.means.elements + $0.weights }
        #expect(relativeError(m, s) < 1e-10)
        #expect(relativeError(memory.transitions.flatMap { $0 }, streamed.transitions.flatMap { $0 }) < 1e-10)
    }

    /// The file form restores the models exactly, and statistics survive `values` → `replaceAll`.
    @Test func fileAndStatisticsRoundTrip() throws {
        let corpus = PhoneTestData.utterances(["ab", "ba"], count: 10, seed: 2)
        let model = try PhoneTestData.train(corpus, iterations: 2).model
        let bytes = try model.fileContents()
        let restored = try PhoneModels(fileContents: bytes, path: "m.json", backend: .default)
        #expect(try restored.fileContents() == bytes)
        let chunk = SequenceChunk(frames: Matrix(rows: corpus.sequences.flatMap { s in (0..<s.rowCount).map { Array(s[row: $0]) } }),
                                  lengths: corpus.sequences.map(\.rowCount), indices: Array(corpus.sequences.indices),
                                  names: corpus.names, labels: corpus.labels, ordinal: 0)
        let statistics = try model.statistics(of: chunk)
        var copy = model.emptyStatistics()
        try copy.replaceAll(with: statistics.values)
        #expect(copy == statistics)
        #expect(statistics.consistencyProblem() == nil)
        #expect(statistics.sequenceCount == 10)
    }

    /// Missing words are listed all at once with their utterances; utterances too short for
    /// their transcripts are listed all at once with the frames they need.
    @Test func badTranscriptsAreListed() throws {
        let model = try PhoneTestData.flatStart(PhoneTestData.utterances(["ab"], count: 2, seed: 1))
        let frames = Matrix<Double>(rowCount: 12, columnCount: 2, repeating: 0.5)
        let chunk = SequenceChunk(frames: frames, lengths: [4, 4, 4], indices: [0, 1, 2], names: ["x", "y", "z"],
                                  labels: ["ab zz", "qq", "bab"], ordinal: 0)
        #expect(throws: TrainingError.input(PhoneModelError.lexicon(.missingWords([
            MissingWord(word: "qq", utterances: ["y"]), MissingWord(word: "zz", utterances: ["x"]),
        ])))) { try model.statistics(of: chunk) }
        let short = SequenceChunk(frames: frames, lengths: [4, 8], indices: [0, 1], names: ["x", "y"], labels: ["ab", "bab"], ordinal: 0)
        #expect(throws: TrainingError.input(PhoneModelError.tooShort([("x", 4, 6), ("y", 8, 9)]))) { try model.statistics(of: short) }
    }

    /// A lexicon whose phones the models lack is refused, listing every such phone.
    @Test func lexiconWithUnmodelledPhonesIsRefused() throws {
        let model = try PhoneTestData.flatStart(PhoneTestData.utterances(["ab"], count: 2, seed: 1))
        let wider = try Lexicon([("ab", ["a", "b"]), ("cab", ["c", "a", "b"]), ("dd", ["d", "d"])])
        #expect(throws: PhoneModelError.lexicon(.unmodelledPhones(["c", "d"]))) { try model.replacingLexicon(wider) }
        let narrower = try Lexicon([("bb", ["b", "b"])])
        #expect(try model.replacingLexicon(narrower).wordGraphs(["bb"]).count == 1)
    }
}
