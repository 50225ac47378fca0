import Foundation
import HMMKitAudio
import HMMKitCorpus
import HMMKitDecoding
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// Each model set of a recognizer decodes with its own insertion penalty and grammar scale
/// (``RecognizerConfiguration/decodingWeights``, ``RecognizerConfiguration/unknownVoiceDecodingWeights``),
/// which a recognizer file keeps; a caller's penalty replaces both.
@Suite("Decoding weights per model set", .serialized)
struct DecodingWeightsTests {
    /// The demo recognizer of ``UnknownVoiceDecodingTests`` with `own` and `unknown` penalties.
    static func recognizer(own: Double, unknown: Double) throws -> (Recognizer, test: [CorpusEntry]) {
        var configuration = UnknownVoiceDecodingTests.configuration()
        configuration.decodingWeights = DecodingWeights(insertionPenalty: own, grammarScale: 0.5)
        configuration.unknownVoiceDecodingWeights = DecodingWeights(insertionPenalty: unknown)
        let words: Set<String> = ["0", "1", "6", "8"]
        let parts = try LabelledCorpus.load(path: UnknownVoiceDecodingTests.demo.path).split(DemoCorpus.split)
        let recognizer = try Recognizer.train(parts.train.entries.filter { words.contains($0.label) }, configuration: configuration,
                                              threadCount: 2)
        return (recognizer, parts.test.entries.filter { words.contains($0.label) && ["lucas", "george"].contains($0.speaker) })
    }

    /// Lucas named (his files pass the unknown-voice threshold) decodes exactly as the own
    /// models with the own weights; george anonymous exactly as the unknown-voice models with
    /// theirs; the unknown-voice penalty changes george's answers; `insertionPenalty` given by
    /// the caller replaces both sets' penalty (each keeps its grammar scale).
    @Test func eachSetDecodesWithItsOwnWeights() throws {
        let (recognizer, test) = try Self.recognizer(own: -5, unknown: -120)
        let single = try #require(recognizer.unknownVoiceRecognizer)
        #expect(single.configuration.decodingWeights == DecodingWeights(insertionPenalty: -120))
        let network = WordNetwork.loop(vocabulary: recognizer.labels, minimumWords: 1, maximumWords: nil).withOptionalSilence()
        let urls = test.map(\.url), speakers: [String?] = test.map { $0.speaker == "lucas" ? "lucas" : nil }
        let lucas = test.indices.filter { speakers[$0] != nil }, george = test.indices.filter { speakers[$0] == nil }

        func oneSet(_ model: Recognizer, _ positions: [Int], penalty: Double, scale: Double) throws -> [Decoding] {
            let decoder = try model.decoder(for: network, options: DecoderOptions(insertionPenalty: penalty, grammarScale: scale))
            return try UnknownVoiceDecodingTests.plain(
                model.decode(positions.map { urls[$0] }, speakers: positions.map { speakers[$0] }, with: decoder, threadCount: 2))
        }
        let routed = try UnknownVoiceDecodingTests.plain(recognizer.decode(urls, speakers: speakers, network: network, threadCount: 2))
        #expect(lucas.map { routed[$0] } == (try oneSet(recognizer, lucas, penalty: -5, scale: 0.5)))
        #expect(george.map { routed[$0] } == (try oneSet(single, george, penalty: -120, scale: 1)))
        let georgeAtOwnPenalty = try oneSet(single, george, penalty: -5, scale: 1)
        #expect(george.map { routed[$0] } != georgeAtOwnPenalty, "the penalty must matter for this test to mean anything")
        let wordsAtOwnPenalty: Int = georgeAtOwnPenalty.reduce(0) { $0 + $1.words.count }
        let wordsRouted: Int = george.reduce(0) { $0 + routed[$1].words.count }
        #expect(wordsAtOwnPenalty > wordsRouted, "a smaller penalty says more words")

        let overridden = try UnknownVoiceDecodingTests.plain(
            recognizer.decode(urls, speakers: speakers, network: network, insertionPenalty: -5, threadCount: 2))
        #expect(george.map { overridden[$0] } == georgeAtOwnPenalty)
        #expect(lucas.map { overridden[$0] } == lucas.map { routed[$0] })
    }

    /// A file without a speaker is a voice of its own: an utterance long enough (eight of
    /// george's digits joined, well over 300 frames) decodes with the speaker models and their
    /// weights, normalised on its own, while a single digit (under 300) still goes to the
    /// unknown-voice models. Isolated recognition's rule is unchanged.
    @Test func longAnonymousUtteranceIsAVoiceOfItsOwn() throws {
        let (recognizer, test) = try Self.recognizer(own: -5, unknown: -120)
        let george = test.filter { $0.speaker == "george" }
        let signals = try george.prefix(8).map { try AudioDecoder.read(url: $0.url) }
        let folder = try TemporaryFolder()
        let long = folder.file("long.wav")
        try AudioFileWriter.write(channels: [signals.flatMap(\.samples)], sampleRate: signals[0].sampleRate,
                                  fullScale: signals[0].fullScale, to: long)
        let urls = [long, george[0].url], speakers: [String?] = [nil, nil]
        #expect(try recognizer.unknownVoices(urls, speakers: speakers, threadCount: 2) == [true, true])
        #expect(try recognizer.unknownVoices(urls, speakers: speakers, filesWithoutSpeakerAsVoices: true, threadCount: 2) == [false, true])

        let network = WordNetwork.loop(vocabulary: recognizer.labels, minimumWords: 1, maximumWords: nil).withOptionalSilence()
        let routed = try recognizer.decode(urls, speakers: speakers, network: network, threadCount: 2).map { try $0.get() }
        #expect(routed.map(\.unknownVoice) == [false, true])
        let decoder = try recognizer.decoder(for: network, options: DecoderOptions(insertionPenalty: -5, grammarScale: 0.5))
        let own = try UnknownVoiceDecodingTests.plain(recognizer.decode([long], speakers: [nil], with: decoder, threadCount: 2))
        #expect(try UnknownVoiceDecodingTests.plain([.success(routed[0])]) == own)
    }

    /// The weights survive save and load; a file written without them (as before they existed)
    /// loads with the defaults, and a recognizer at the defaults writes no weights at all.
    @Test func weightsAreStoredAndOldFilesLoad() throws {
        let (recognizer, _) = try Self.recognizer(own: -40, unknown: -75)
        let folder = try TemporaryFolder()
        let file = folder.file("weights.json")
        try recognizer.save(to: file)
        let loaded = try Recognizer.load(from: file)
        #expect(loaded.configuration.decodingWeights == DecodingWeights(insertionPenalty: -40, grammarScale: 0.5))
        #expect(loaded.unknownVoiceRecognizer?.configuration.decodingWeights == DecodingWeights(insertionPenalty: -75))

        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var configuration = try #require(document["configuration"] as? [String: Any])
        #expect(configuration.removeValue(forKey: "decodingWeights") != nil)
        #expect(configuration.removeValue(forKey: "unknownVoiceDecodingWeights") != nil)
        document["configuration"] = configuration
        let old = folder.file("old.json")
        try JSONSerialization.data(withJSONObject: document).write(to: old)
        let oldLoaded = try Recognizer.load(from: old)
        #expect(oldLoaded.configuration.decodingWeights == DecodingWeights())
        #expect(oldLoaded.unknownVoiceRecognizer?.configuration.decodingWeights == DecodingWeights())
        let resaved = folder.file("resaved.json")
        try oldLoaded.save(to: resaved)
        #expect(!(try String(contentsOf: resaved, encoding: .utf8)).contains("ecodingWeights"))
    }
}
