import HMMKitNumerics
import HMMKitTestSupport
import Testing
@testable import HMMKitPhones

@Suite struct AlignmentTests {
    /// Forced alignment of "ab ba" (silence, a, b, silence, b, a, silence; segment lengths known)
    /// with models trained on isolated words: every word and phone boundary within one frame of
    /// the truth (the phones' means lie 4 apart, the noise is ±1, so a frame is never ambiguous
    /// and only the transition frame's placement may differ), and the segments' log-likelihoods
    /// add up to the path's.
    @Test func boundariesOfAConnectedUtterance() throws {
        let model = try PhoneTestData.train(PhoneTestData.utterances(["ab", "ba", "a"], count: 30, seed: 5), iterations: 10).model
        var generator = SeededGenerator(seed: 42)
        let plan: [(String, Int)] = [("sil", 7), ("a", 8), ("b", 9), ("sil", 6), ("b", 7), ("a", 10), ("sil", 5)]
        var rows: [[Double]] = []
        for (phone, count) in plan {
            for _ in 0..<count { rows.append(PhoneTestData.means[phone]!.map { $0 + Double.random(in: -1...1, using: &generator) }) }
        }
        let alignment = try model.align(Matrix(rows: rows), words: ["ab", "ba"], utterance: "u")
        var start = 0, truth: [(String, Int, Int)] = []
        for (phone, count) in plan {
            truth.append((phone, start, count))
            start += count
        }
        #expect(alignment.phones.map(\.label) == plan.map(\.0))
        for (segment, (_, first, count)) in zip(alignment.phones, truth) {
            #expect(abs(segment.firstFrame - first) <= 1 && abs(segment.firstFrame + segment.frameCount - first - count) <= 1)
        }
        #expect(alignment.words.map(\.label) == ["ab", "ba"])
        #expect(abs(alignment.words[0].firstFrame - 7) <= 1 && abs(alignment.words[1].firstFrame - 30) <= 1)
        #expect(abs(alignment.phones.reduce(0) { $0 + $1.logLikelihood } - alignment.logLikelihood) <= 1e-9 * abs(alignment.logLikelihood))
    }

    /// Too short for the transcript, or a word the lexicon lacks: a typed error naming the utterance.
    @Test func unalignableUtterancesSayWhy() throws {
        let model = try PhoneTestData.flatStart(PhoneTestData.utterances(["ab"], count: 2, seed: 1))
        let frames = Matrix<Double>(rowCount: 5, columnCount: 2, repeating: 1)
        #expect(throws: PhoneModelError.tooShort([("u", 5, 6)])) { try model.align(frames, words: ["ab"], utterance: "u") }
        #expect(throws: PhoneModelError.lexicon(.missingWords([MissingWord(word: "zz", utterances: ["u"])]))) {
            try model.align(frames, words: ["ab", "zz"], utterance: "u")
        }
    }
}
