import Foundation
import HMMKitCorpus
import HMMKitDecoding
import HMMKitRecognition
import Testing

/// Connected-word decoding with a recognizer that keeps unknown-voice models: the same rule as
/// isolated recognition decides which model set decodes each file, on the bundled demo recordings
/// (Data/fsdd-demo: 4 speakers, takes 0–9 of each digit).
@Suite("Decoding unknown voices", .serialized)
struct UnknownVoiceDecodingTests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/fsdd-demo")

    /// Small word models with speaker CMVN and unknown-voice models for voices under 300 frames
    /// (no VTLN or adaptation, to train fast).
    static func configuration() -> RecognizerConfiguration {
        var configuration = RecognizerConfiguration()
        configuration.stateCount = 5
        configuration.componentsPerState = 1
        configuration.topology = .leftToRight(maximumJump: 0)
        configuration.iterations = 4
        configuration.speedPerturbation = []
        configuration.vtln = nil
        configuration.adaptation = nil
        configuration.unknownVoiceFrames = 300
        return configuration
    }

    /// The decodings with the marker of the model set cleared, to compare with one-set decoding.
    static func plain(_ results: [Result<Decoding, DecodingError>]) throws -> [Decoding] {
        try results.map { var decoding = try $0.get(); decoding.unknownVoice = false; return decoding }
    }

    /// Anonymous files, and a speaker whose one file holds far fewer than 300 frames, decode
    /// exactly as the ``Recognizer/unknownVoiceRecognizer`` decodes them with its own decoder; a
    /// speaker with enough frames exactly as the recognizer's own models decode it (the path
    /// before unknown-voice routing); each result says which set decoded it.
    @Test func eachFileGetsItsVoiceModels() throws {
        let words: Set<String> = ["0", "1", "6", "8"]
        let parts = try LabelledCorpus.load(path: Self.demo.path).split(DemoCorpus.split)
        let train = parts.train.entries.filter { words.contains($0.label) }
        let test = parts.test.entries.filter { words.contains($0.label) && ["lucas", "george"].contains($0.speaker) }
        let recognizer = try Recognizer.train(train, configuration: Self.configuration(), threadCount: 2)
        let single = try #require(recognizer.unknownVoiceRecognizer)
        let network = WordNetwork.loop(vocabulary: recognizer.labels, minimumWords: 1, maximumWords: 3).withOptionalSilence()

        // Lucas named (his test files hold well over 300 frames), george anonymous but one file
        // named "brief" (one digit, under 300 frames).
        let george = test.indices.filter { test[$0].speaker == "george" }
        let speakers: [String?] = test.indices.map { test[$0].speaker == "lucas" ? "lucas" : $0 == george[0] ? "brief" : nil }
        let urls = test.map(\.url)
        let routed = try recognizer.decode(urls, speakers: speakers, network: network, threadCount: 2)
        #expect(try recognizer.unknownVoices(urls, speakers: speakers, threadCount: 2) == speakers.map { $0 != "lucas" })
        #expect(try routed.map { try $0.get().unknownVoice } == speakers.map { $0 != "lucas" })

        let lucas = test.indices.filter { speakers[$0] == "lucas" }
        let own = try recognizer.decode(lucas.map { urls[$0] }, speakers: lucas.map { speakers[$0] },
                                        with: recognizer.decoder(for: network), threadCount: 2)
        #expect(try Self.plain(lucas.map { routed[$0] }) == Self.plain(own))
        // Word times are the front end's frame boundaries, as `hmmkit align` writes them.
        let features = recognizer.configuration.features
        let decodedWords = try own.flatMap { try $0.get().words }
        #expect(!decodedWords.isEmpty)
        #expect(decodedWords.allSatisfy { $0.startSeconds == features.frameBoundarySeconds($0.startFrame)
            && $0.endSeconds == features.frameBoundarySeconds($0.endFrame) })
        let direct = try single.decode(george.map { urls[$0] }, speakers: george.map { speakers[$0] },
                                       with: single.decoder(for: network), threadCount: 2)
        #expect(try Self.plain(george.map { routed[$0] }) == Self.plain(direct))
        let unrouted = try recognizer.decode(george.map { urls[$0] }, speakers: george.map { speakers[$0] },
                                             with: recognizer.decoder(for: network), threadCount: 2)
        #expect(try Self.plain(unrouted) != Self.plain(direct), "the two sets decode differently")

        // Without unknown-voice models every file takes the recognizer's own.
        #expect(try single.unknownVoices(urls, speakers: speakers, threadCount: 2) == urls.map { _ in false })
    }
}
