import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// The unknown-voice models (``RecognizerConfiguration/unknownVoiceFrames``): a second model set
/// trained on per-recording normalisation, used for recordings without a speaker and speakers
/// with too few frames, on the bundled demo recordings.
@Suite("Recognizer with unknown-voice models", .serialized)
struct UnknownVoiceTests {
    /// Small word models with speaker CMVN and the CMVN prior (no VTLN or adaptation, to train fast).
    static func configuration(unknownVoiceFrames: Int?) -> RecognizerConfiguration {
        var configuration = AdaptationRecognitionTests.configuration(nil)
        configuration.normalizationPriorFrames = RecognizerConfiguration().normalizationPriorFrames
        configuration.unknownVoiceFrames = unknownVoiceFrames
        configuration.noisyVoice = nil
        return configuration
    }

    static let words: Set<String> = ["0", "1", "6", "8"]

    /// The recognizer with unknown-voice models, the one-set recognizer of the same configuration,
    /// and the recognizer trained alone with the unknown-voice configuration, all on the same
    /// training recordings; and the test recordings.
    static func recognizers() throws -> (both: Recognizer, speakers: Recognizer, single: Recognizer, test: [CorpusEntry]) {
        let (train, test) = try VTLNRecognitionTests.corpus()
        let subset = train.filter { words.contains($0.label) }
        let configuration = Self.configuration(unknownVoiceFrames: 300)
        let both = try Recognizer.train(subset, configuration: configuration, threadCount: 2)
        let speakers = try Recognizer.train(subset, configuration: Self.configuration(unknownVoiceFrames: nil), threadCount: 2)
        let single = try Recognizer.train(subset, configuration: try #require(configuration.unknownVoiceConfiguration), threadCount: 2)
        return (both, speakers, single, test.filter { words.contains($0.label) })
    }

    /// Recognitions without the field saying which set answered, to compare with a one-set recognizer.
    static func plain(_ results: [Result<Recognition, RecognizerError>]) throws -> [Recognition] {
        try results.map { var recognition = try $0.get(); recognition.unknownVoice = nil; recognition.noisyVoice = nil; return recognition }
    }

    /// A recording without a speaker is recognized exactly as the recognizer trained with the
    /// unknown-voice configuration alone recognizes it; a speaker's recordings (well over 300
    /// frames together) exactly as the one-set recognizer does; a list mixing both gives each
    /// recording its own set's answer, and says which set answered.
    @Test func eachRecordingGetsItsSet() throws {
        let (both, speakers, single, test) = try Self.recognizers()
        #expect(both.unknownVoice != nil && speakers.unknownVoice == nil && single.unknownVoice == nil)
        #expect(single.configuration.speakerNormalization == false && single.configuration.normalizationPriorFrames == 60)
        let lucas = test.filter { $0.speaker == "lucas" }.map(\.url)
        let alone = try both.recognize(lucas, threadCount: 2)
        #expect(try alone.allSatisfy { try $0.get().unknownVoice == true })
        #expect(try Self.plain(alone) == Self.plain(single.recognize(lucas, threadCount: 2)))
        let grouped = try both.recognize(lucas, speaker: "lucas", threadCount: 2)
        #expect(try grouped.allSatisfy { try $0.get().unknownVoice == false })
        #expect(try Self.plain(grouped) == Self.plain(speakers.recognize(lucas, speaker: "lucas", threadCount: 2)))
        #expect(try Self.plain(alone) != Self.plain(grouped), "the two sets score differently")

        // Jackson's recordings named by speaker, george's anonymous, in one evaluation.
        let mixed = test.filter { ["jackson", "george"].contains($0.speaker) }.map { entry in
            var entry = entry
            if entry.speaker == "george" { entry.speaker = nil }
            return entry
        }
        let evaluation = try both.evaluate(mixed, threadCount: 2)
        let named = try speakers.evaluate(mixed.filter { $0.speaker != nil }, threadCount: 2)
        let anonymous = try single.evaluate(mixed.filter { $0.speaker == nil }, threadCount: 2)
        #expect(evaluation.unknownVoiceCount == anonymous.count && evaluation.count == named.count + anonymous.count)
        for result in evaluation.results {
            let other = try #require((named.results + anonymous.results).first { $0.file == result.file })
            #expect(result.recognized == other.recognized && result.scorePerFrame == other.scorePerFrame, "\(result.file)")
            #expect(result.unknownVoice == mixed.contains { $0.path == result.file && $0.speaker == nil })
        }
    }

    /// A speaker whose recordings hold fewer frames than the threshold is an unknown voice: with a
    /// threshold above all of lucas's frames, his recordings grouped by speaker get the
    /// unknown-voice set's answers.
    @Test func speakersWithTooFewFramesAreUnknownVoices() throws {
        let (train, test) = try VTLNRecognitionTests.corpus()
        let subset = train.filter { ["0", "1"].contains($0.label) && $0.speaker != "lucas" }
        let recognizer = try Recognizer.train(subset, configuration: Self.configuration(unknownVoiceFrames: 1_000_000), threadCount: 2)
        let lucas = test.filter { ["0", "1"].contains($0.label) && $0.speaker == "lucas" }.map(\.url)
        let grouped = try recognizer.recognize(lucas, speaker: "lucas", threadCount: 2)
        #expect(try grouped.allSatisfy { try $0.get().unknownVoice == true })
        let single = try #require(recognizer.unknownVoiceRecognizer)
        #expect(try Self.plain(grouped) == Self.plain(single.recognize(lucas, threadCount: 2)))
    }

    /// Save → load keeps both sets (version 5) and recognizes alike; a configuration without
    /// speaker normalisation, VTLN or adaptation trains one set and asks for none.
    @Test func fileRoundTrip() throws {
        let (both, _, single, test) = try Self.recognizers()
        let folder = try TemporaryFolder()
        let file = folder.file("both.json")
        try both.save(to: file)
        #expect(try String(contentsOf: file, encoding: .utf8).contains(#""version":5"#))
        let loaded = try Recognizer.load(from: file)
        let urls = test.filter { $0.speaker == "nicolas" }.map(\.url)
        #expect(try Self.plain(loaded.recognize(urls, threadCount: 2)) == Self.plain(both.recognize(urls, threadCount: 2)))
        #expect(try Self.plain(loaded.recognize(urls, speaker: "nicolas", threadCount: 2))
            == Self.plain(both.recognize(urls, speaker: "nicolas", threadCount: 2)))
        #expect(single.configuration.unknownVoiceConfiguration == nil)
        var perRecording = single.configuration
        perRecording.unknownVoiceFrames = 300
        #expect(perRecording.unknownVoiceConfiguration == nil, "a configuration that treats every recording alone needs no second set")
    }

    /// The unknown-voice models train with their own noise augmentation when one is given, with
    /// the speaker models' otherwise; the configuration's file form keeps it, and refuses a bad SNR.
    @Test func unknownVoiceNoiseAugmentation() throws {
        var configuration = Self.configuration(unknownVoiceFrames: 300)
        configuration.noiseAugmentation = [NoiseCondition(.white, snr: 20)]
        #expect(configuration.unknownVoiceConfiguration?.noiseAugmentation == [NoiseCondition(.white, snr: 20)])
        configuration.unknownVoiceNoiseAugmentation = [NoiseCondition(.babble, snr: 5), NoiseCondition(.pink, snr: 10)]
        let single = try #require(configuration.unknownVoiceConfiguration)
        #expect(single.noiseAugmentation == [NoiseCondition(.babble, snr: 5), NoiseCondition(.pink, snr: 10)])
        #expect(single.unknownVoiceNoiseAugmentation == nil && configuration.noiseAugmentation == [NoiseCondition(.white, snr: 20)])
        let decoded = try JSONDecoder().decode(RecognizerConfiguration.self, from: JSONEncoder().encode(configuration))
        #expect(decoded == configuration)
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as! [String: Any]
        object["unknownVoiceNoiseAugmentation"] = ["white:500"]
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(RecognizerConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        }
    }

    /// A file whose unknown-voice models and configuration disagree, or whose unknown-voice
    /// models are damaged, is refused, naming the field.
    @Test func damagedFilesAreRefused() throws {
        let (train, _) = try VTLNRecognitionTests.corpus()
        let subset = train.filter { ["0", "1"].contains($0.label) && $0.speaker == "george" }
        let recognizer = try Recognizer.train(subset, configuration: Self.configuration(unknownVoiceFrames: 300), threadCount: 2)
        let folder = try TemporaryFolder()
        let file = folder.file("both.json")
        try recognizer.save(to: file)
        try expectEachDamageRefused(file, in: folder, [
            ("unknownVoice", { $0["unknownVoice"] = nil }),
            ("unknownVoiceFrames", { var c = $0["configuration"] as! [String: Any]; c["unknownVoiceFrames"] = nil; $0["configuration"] = c }),
            ("unknownVoiceFrames", { var c = $0["configuration"] as! [String: Any]; c["unknownVoiceFrames"] = 0; $0["configuration"] = c }),
            ("unknownVoice", { var u = $0["unknownVoice"] as! [String: Any]; u["models"] = [] as [Any]; $0["unknownVoice"] = u }),
            ("unknownVoice", { var u = $0["unknownVoice"] as! [String: Any]; u["normalizationPrior"] = nil; $0["unknownVoice"] = u }),
        ])
    }
}
