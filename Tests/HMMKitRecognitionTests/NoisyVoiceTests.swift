import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// The noisy-voice models (``RecognizerConfiguration/noisyVoice``): a third model set, trained
/// like the unknown-voice models with noisy copies, for recordings of unknown voices whose blind
/// SNR estimate is below a threshold; on the bundled demo recordings.
@Suite("Recognizer with noisy-voice models", .serialized)
struct NoisyVoiceTests {
    static func configuration(maximumSNR: Double) -> RecognizerConfiguration {
        var configuration = UnknownVoiceTests.configuration(unknownVoiceFrames: 300)
        configuration.noisyVoice = NoisyVoiceOptions(noiseAugmentation: [NoiseCondition(.white, snr: 10)], maximumSNR: maximumSNR)
        return configuration
    }

    /// The recognizer with all three sets (threshold 12 dB) on words 0 and 1, and the test recordings of those words.
    static func recognizer() throws -> (Recognizer, [CorpusEntry]) {
        let (train, test) = try VTLNRecognitionTests.corpus()
        let words: Set<String> = ["0", "1"]
        let recognizer = try Recognizer.train(train.filter { words.contains($0.label) }, configuration: configuration(maximumSNR: 12),
                                              threadCount: 2)
        return (recognizer, test.filter { words.contains($0.label) })
    }

    /// Each anonymous recording is recognized exactly as the set its SNR estimate picks
    /// recognizes it alone: below the threshold the noisy-voice set, above it the unknown-voice
    /// set; a known speaker's recordings stay with the speaker models.
    @Test func eachRecordingGetsItsSet() throws {
        let (recognizer, test) = try Self.recognizer()
        let noisy = try #require(recognizer.noisyVoiceRecognizer), clean = try #require(recognizer.unknownVoiceRecognizer)
        #expect(noisy.configuration.noiseAugmentation == [NoiseCondition(.white, snr: 10)])
        #expect(noisy.configuration.speakerNormalization == false && clean.configuration.noiseAugmentation.isEmpty)
        #expect(noisy.trainingHistory != clean.trainingHistory, "the noisy copies change the models")
        let urls = test.map(\.url)
        let estimate = SignalToNoiseEstimate(sampleRate: recognizer.configuration.features.sampleRate)
        // Clean recordings and noisy copies of them (white noise at 0 dB), anonymous.
        let folder = try TemporaryFolder()
        let noisyEntries = try NoisyRecordings.write(test, condition: NoiseCondition(.white, snr: 0), babblePool: nil,
                                                     sampleRate: recognizer.configuration.features.sampleRate, seed: 1,
                                                     directory: folder.url, threadCount: 2)
        let all = urls + noisyEntries.map(\.url)
        let routed = try UnknownVoiceTests.plain(recognizer.recognize(all, threadCount: 2))
        let flags = try recognizer.recognize(all, threadCount: 2).map { try $0.get() }
        var sentToNoisy = 0
        for (index, url) in all.enumerated() {
            let samples = try AudioLoader.load(url, for: recognizer.configuration.features)
            let snr = try #require(estimate.decibels(of: samples))
            let set = snr < 12 ? noisy : clean
            if snr < 12 { sentToNoisy += 1 }
            #expect(flags[index].noisyVoice == (snr < 12) && flags[index].unknownVoice == true, "\(url.lastPathComponent)")
            #expect(try UnknownVoiceTests.plain(set.recognize([url], threadCount: 1)) == [routed[index]], "\(url.lastPathComponent)")
        }
        #expect(flags.suffix(noisyEntries.count).allSatisfy { $0.noisyVoice == true },
                "every 0 dB copy goes to the noisy-voice models (\(sentToNoisy) of \(all.count) did)")
        // An evaluation counts and reports the recordings the noisy-voice models took.
        let anonymous = (test + noisyEntries).map { entry in var entry = entry; entry.speaker = nil; return entry }
        let evaluation = try recognizer.evaluate(anonymous, threadCount: 2)
        #expect(evaluation.noisyVoiceCount == sentToNoisy && evaluation.unknownVoiceCount == anonymous.count)
        #expect(evaluation.hresultsReport().contains("noisy-voice models: \(sentToNoisy) of the \(anonymous.count)"))
        let grouped = try recognizer.recognize(urls, speaker: "lucas", threadCount: 2)
        #expect(try grouped.allSatisfy { try $0.get().unknownVoice == false })
    }

    /// Save → load keeps the third set (version 7) and recognizes alike; a file whose
    /// noisy-voice models and configuration disagree, or whose models are damaged, is refused.
    @Test func fileRoundTripAndDamage() throws {
        let (recognizer, test) = try Self.recognizer()
        let folder = try TemporaryFolder()
        let file = folder.file("noisy.json")
        try recognizer.save(to: file)
        #expect(try String(contentsOf: file, encoding: .utf8).contains(#""version":7"#))
        let loaded = try Recognizer.load(from: file)
        #expect(loaded.configuration == recognizer.configuration && loaded.noisyVoice?.trainingHistory == recognizer.noisyVoice?.trainingHistory)
        let urls = test.map(\.url)
        #expect(try UnknownVoiceTests.plain(loaded.recognize(urls, threadCount: 2))
            == UnknownVoiceTests.plain(recognizer.recognize(urls, threadCount: 2)))
        try expectEachDamageRefused(file, in: folder, [
            ("noisyVoice", { $0["noisyVoice"] = nil }),
            ("noisyVoice", { var c = $0["configuration"] as! [String: Any]; c["noisyVoice"] = nil; $0["configuration"] = c }),
            ("noisyVoice", { var u = $0["noisyVoice"] as! [String: Any]; u["models"] = [] as [Any]; $0["noisyVoice"] = u }),
            ("maximumSNR", { var c = $0["configuration"] as! [String: Any]; var n = c["noisyVoice"] as! [String: Any]
                n["maximumSNR"] = 500; c["noisyVoice"] = n; $0["configuration"] = c }),
        ])
        var withoutSpeakers = recognizer.configuration
        withoutSpeakers.speakerNormalization = false
        #expect(withoutSpeakers.noisyVoiceConfiguration == nil, "no unknown-voice models, no noisy-voice models")
    }
}
