import Foundation
@testable import HMMKitDecoding
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitPhones
import HMMKitTestSupport
import Testing

/// Tiny phone models: phones `a` and `b` of 2 states, silence of 3 (with skips), words `ab`,
/// `ba` and `a`; pool state k has mean (4 (k mod 3), 4 ⌊k / 3⌋) and unit variances, so the states
/// sit apart; transitions uniform over each topology's moves.
private enum TinyPhones {
    static func models() throws -> PhoneModels {
        let lexicon = try Lexicon([("ab", ["a", "b"]), ("ba", ["b", "a"]), ("a", ["a"])])
        let inventory = try PhoneInventory(lexicon: lexicon, topology: PhoneTopology(stateCount: 2),
                                           silenceTopology: PhoneTopology(stateCount: 3, maximumJump: 1))
        let total = inventory.topologies.reduce(0) { $0 + $1.stateCount }
        let mixtures = try (0..<total).map { k in
            try GaussianMixture<Double>(weights: [1], means: Matrix(rows: [[4 * Double(k % 3), 4 * Double(k / 3)]]),
                                        covariances: .diagonal(Matrix(rows: [[1, 1]])))
        }
        return try PhoneModels(inventory: inventory, lexicon: lexicon, transitions: PhoneModels.uniformTransitions(inventory),
                               pool: MixtureEmissions(mixtures))
    }

    /// The whole-word GMM-HMM of each graph: its chain, and copies of its pool states' mixtures.
    static func wholeWord(_ graph: UtteranceGraph, _ models: PhoneModels) throws -> GMMHMM<Double> {
        try GMMHMM(chain: graph.chain, emissions: MixtureEmissions(graph.poolStates.map { models.pool.mixtures[$0] }))
    }

    /// Frames through the pool states of `graphs` in turn, each state held 2–4 frames.
    static func frames(_ graphs: [UtteranceGraph], _ models: PhoneModels, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        var path: [Int] = []
        for graph in graphs {
            for state in graph.poolStates {
                path += Array(repeating: state, count: Int.random(in: 2...4, using: &generator))
            }
        }
        return models.pool.sample(states: path, using: &generator)
    }
}

@Suite struct PhoneDecoderTests {
    /// With a beam that prunes nothing, the phone decoder's best score over exactly two words
    /// equals the exhaustive best over every word pair and segmentation, each segment scored by
    /// Viterbi on the word's whole-word equivalent (its chain, its states' mixtures copied).
    @Test(arguments: [UInt64(1), 2, 3])
    func wideBeamEqualsTheExhaustiveBest(seed: UInt64) throws {
        let models = try TinyPhones.models()
        let words = ["a", "ab", "ba"]
        let graphs = try words.map { try UtteranceGraph.withoutSilence(words: [$0], models: models) }
        let frames = TinyPhones.frames([graphs[2], graphs[1]], models, seed: seed)
        let decoder = try Decoder(network: .fixedLength(vocabulary: words, count: 2), words: words, phoneModels: models, silence: false,
                                  options: DecoderOptions(beam: 1e9, maximumActiveStates: 1_000_000))
        let decoding = try decoder.decode(frames)
        let reference = try DecoderTests.exhaustiveBest(try graphs.map { try TinyPhones.wholeWord($0, models) }, frames: frames,
                                                        length: 2, logChoice: -Foundation.log(3))
        // The same log terms summed in different orders: agreement to rounding.
        #expect(abs(decoding.score - reference) <= 1e-9 * abs(reference))
        #expect(decoding.transcript == ["ba", "ab"])
    }

    /// A word built from phones decodes exactly as its whole-word equivalent (same chain, the
    /// pool's mixtures copied into a model of its own), silence included: the same words, frames
    /// and scores, on a loop with optional silence and an insertion penalty.
    @Test(arguments: [UInt64(4), 5])
    func phoneWordsDecodeAsTheirWholeWordEquivalents(seed: UInt64) throws {
        let models = try TinyPhones.models()
        let words = ["a", "ab", "ba"]
        let graphs = try words.map { try UtteranceGraph.withoutSilence(words: [$0], models: models) }
        let silence = try UtteranceGraph.silence(models: models)
        let frames = TinyPhones.frames([silence, graphs[1], silence, graphs[2], graphs[0], silence], models, seed: seed)
        let network = WordNetwork.loop(vocabulary: words).withOptionalSilence()
        let options = DecoderOptions(insertionPenalty: -5)
        let phones = try Decoder(network: network, words: words, phoneModels: models, options: options).decode(frames)
        let whole = try Decoder(network: network, words: words, models: try graphs.map { try TinyPhones.wholeWord($0, models) },
                                silence: try TinyPhones.wholeWord(silence, models), options: options).decode(frames)
        #expect(phones.transcript == ["ab", "ba", "a"])
        #expect(phones.words.map(\.word) == whole.words.map(\.word))
        #expect(phones.words.map(\.startFrame) == whole.words.map(\.startFrame))
        #expect(phones.words.map(\.endFrame) == whole.words.map(\.endFrame))
        // Each state's log-likelihood comes from a GEMM over another set of columns: rounding only.
        #expect(abs(phones.score - whole.score) <= 1e-9 * abs(whole.score))
        for (p, w) in zip(phones.words, whole.words) { #expect(abs(p.logLikelihood - w.logLikelihood) <= 1e-9 * abs(w.logLikelihood)) }
    }

    /// Every vocabulary word the lexicon lacks is listed at once, as a typed error.
    @Test func wordsMissingFromTheLexiconAreListedTogether() throws {
        let models = try TinyPhones.models()
        #expect {
            try Decoder(network: .loop(vocabulary: ["ab", "zz", "yy"]), words: ["ab", "zz", "yy"], phoneModels: models)
        } throws: { error in
            guard case DecodingError.phones(.lexicon(.missingWords(let missing))) = error else { return false }
            return Set(missing.map(\.word)) == ["zz", "yy"] && String(describing: error).contains("zz")
        }
    }
}
