import Foundation
import HMMKitAudio
import HMMKitCorpus
import HMMKitFeatures
import HMMKitMarkov
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// The recognizer with vocal-tract-length normalisation, on the bundled demo recordings
/// (Data/fsdd-demo: 4 speakers, takes 0–9 of each digit).
@Suite("Recognizer with VTLN", .serialized)
struct VTLNRecognitionTests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/fsdd-demo")
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    /// Small word models (the debug build trains them in seconds) with VTLN over 0.80…1.20.
    static func configuration(passes: Int = 1, step: Double = 0.05) -> RecognizerConfiguration {
        var configuration = RecognizerConfiguration()
        configuration.stateCount = 5
        configuration.componentsPerState = 1
        configuration.topology = .leftToRight(maximumJump: 0)
        configuration.iterations = 5
        configuration.speedPerturbation = []
        configuration.vtln = VTLNOptions(warpFactors: VTLNOptions.grid(from: 0.80, through: 1.20, step: step), trainingPasses: passes)
        configuration.adaptation = nil
        // One model set: these tests are of the speaker-dependent models on every recording.
        configuration.unknownVoiceFrames = nil
        configuration.normalizationPriorFrames = nil
        return configuration
    }

    static func corpus() throws -> (train: [CorpusEntry], test: [CorpusEntry]) {
        let parts = try LabelledCorpus.load(path: demo.path).split(DemoCorpus.split)
        return (parts.train.entries, parts.test.entries)
    }

    /// Audio played faster by `speed` (every frequency × `speed`, as Kaldi's speed perturbation)
    /// needs its filters moved up by about the same factor, a warp near 1/`speed`: speech sped up
    /// by 1.15 must get a factor below the original's and below 1, slowed by 0.87 one above both.
    @Test func unseenSpeakerWarpFollowsAKnownSpeedChange() throws {
        let (train, test) = try Self.corpus()
        let recognizer = try Recognizer.train(train, configuration: Self.configuration(), threadCount: 2)
        #expect(recognizer.trainingWarps.count == 4, "\(recognizer.trainingWarps)")
        let folder = try TemporaryFolder()
        var entries: [CorpusEntry] = []
        let resampler = Resampler()
        for entry in test where entry.speaker == "george" {
            let signal = try AudioDecoder.read(url: entry.url)
            for (name, speed) in [("original", 1.0), ("faster", 1.15), ("slower", 0.87)] {
                let url = folder.file("\(name)-\(entry.fileName)")
                let samples = speed == 1 ? signal.samples
                    : try resampler.resample(signal.samples, from: signal.sampleRate * speed, to: signal.sampleRate)
                _ = try AudioFileWriter.write(AudioSignal(samples: samples, sampleRate: signal.sampleRate), to: url)
                entries.append(CorpusEntry(url: url, label: entry.label, speaker: name))
            }
        }
        let evaluation = try recognizer.evaluate(entries, threadCount: 2)
        let warps = try #require(evaluation.warpFactors)
        let (original, faster, slower) = (warps["original"]!, warps["faster"]!, warps["slower"]!)
        print("VTLN warps of george's test takes: original \(original), sped up 1.15: \(faster), slowed 0.87: \(slower); "
            + "accuracy \(evaluation.accuracy)")
        #expect(faster < 1 && faster < original, "\(warps)")
        #expect(slower > 1 && slower > original, "\(warps)")
        #expect(abs(original - 1) <= 0.1, "the unmodified voice stays near 1: \(warps)")
        #expect(evaluation.results.allSatisfy { $0.warpFactor == warps[$0.file.contains("faster-") ? "faster"
                : $0.file.contains("slower-") ? "slower" : "original"] })
    }

    /// Save → load keeps the VTLN options and the training warps, writes version 2, and the loaded
    /// recognizer recognizes exactly as the saved one; without a speaker each file gets its own
    /// factor, with `speaker:` all share one.
    @Test func fileRoundTripAndRecognition() throws {
        let (train, test) = try Self.corpus()
        let subset = train.filter { ["0", "1", "7"].contains($0.label) }
        let recognizer = try Recognizer.train(subset, configuration: Self.configuration(passes: 2, step: 0.1), threadCount: 2)
        let folder = try TemporaryFolder()
        let file = folder.file("vtln.json")
        try recognizer.save(to: file)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(#""version":2"#) && text.contains(#""trainingWarps""#) && text.contains(#""vtln""#))
        let loaded = try Recognizer.load(from: file)
        #expect(loaded.configuration == recognizer.configuration)
        #expect(loaded.configuration.vtln?.warpFactors == [0.8, 0.9, 1.0, 1.1, 1.2])
        #expect(loaded.trainingWarps == recognizer.trainingWarps && loaded.trainingWarps.count == 4)

        let urls = test.filter { ["0", "1", "7"].contains($0.label) && $0.speaker == "jackson" }.map(\.url)
        let before = try recognizer.recognize(urls, threadCount: 2).map { try $0.get() }
        let after = try loaded.recognize(urls, threadCount: 2).map { try $0.get() }
        #expect(before == after)
        #expect(before.allSatisfy { $0.warpFactor != nil })
        let together = try loaded.recognize(urls, speaker: "jackson", threadCount: 2).map { try $0.get() }
        #expect(Set(together.map(\.warpFactor)).count == 1)
        let evaluation = try loaded.evaluate(test.filter { ["0", "1", "7"].contains($0.label) }, threadCount: 2)
        #expect(evaluation.accuracy >= 0.8, "\(evaluation.accuracy)")
        #expect(Set(evaluation.warpFactors!.keys) == ["george", "jackson", "lucas", "nicolas"])
    }

    /// A recognizer file written before VTLN existed (version 1, by the code of commit b1ed75a:
    /// Tools/references/README.md) still loads, without VTLN, and recognizes; a recognizer without
    /// VTLN is still written as version 1 with no VTLN keys, so older HMMKit versions read it.
    @Test func filesWithoutVTLNStayVersionOne() throws {
        let old = try Recognizer.load(from: Self.fixtures.appendingPathComponent("recognizer-v1.json"))
        #expect(old.configuration.vtln == nil && old.trainingWarps.isEmpty && old.configuration.features.vtlnWarp == nil)
        let urls = [Self.demo.appendingPathComponent("0_george_1.wav"), Self.demo.appendingPathComponent("1_george_2.wav")]
        let results = try old.recognize(urls, threadCount: 1).map { try $0.get() }
        #expect(results.map(\.label) == ["0", "1"] && results.allSatisfy { $0.warpFactor == nil })

        let folder = try TemporaryFolder()
        try old.save(to: folder.file("again.json"))
        let written = try Data(contentsOf: folder.file("again.json"))
        let original = try Data(contentsOf: Self.fixtures.appendingPathComponent("recognizer-v1.json"))
        #expect(written == original, "a recognizer without VTLN is written byte for byte as before")
    }

    /// The topology is a ``MarkovTopology`` in memory and the two fields `"topology"` and
    /// `"maximumJump"` in the file: an ergodic file loads whatever jump it holds (and is written
    /// with the default, 1); an unknown name is refused, naming the field; a custom structure
    /// cannot be written.
    @Test func topologyKeepsItsFileForm() throws {
        func decoded(topology: String, jump: Int) throws -> RecognizerConfiguration {
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(RecognizerConfiguration())) as! [String: Any]
            object["topology"] = topology
            object["maximumJump"] = jump
            return try JSONDecoder().decode(RecognizerConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        }
        #expect(try decoded(topology: "left-to-right", jump: 2).topology == .leftToRight(maximumJump: 2))
        let ergodic = try decoded(topology: "ergodic", jump: 3)
        #expect(ergodic.topology == .ergodic && ergodic.maximumJump == 1 && ergodic.topologyName == "ergodic")
        let written = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ergodic)) as! [String: Any]
        #expect(written["topology"] as? String == "ergodic" && written["maximumJump"] as? Int == 1)
        #expect(throws: DecodingError.self) { try decoded(topology: "bakis", jump: 1) }
        var custom = RecognizerConfiguration()
        custom.topology = .custom(try MarkovTopology.ergodic.structure(stateCount: custom.stateCount))
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(custom) }
        #expect(custom.problems() == ["topology must be left-to-right or ergodic (got a custom structure)"])
    }

    @Test func badVTLNOptionsAreListed() throws {
        var configuration = Self.configuration()
        configuration.vtln = VTLNOptions(warpFactors: [], trainingPasses: -1)
        #expect(configuration.problems().count == 2, "\(configuration.problems())")
        configuration.vtln = VTLNOptions(warpFactors: [0.9, 0, 5])
        #expect(configuration.problems().count == 2, "\(configuration.problems())")
        configuration.vtln = VTLNOptions(lowCutoff: 4500)
        #expect(!configuration.problems().isEmpty)
        configuration.vtln = VTLNOptions()
        configuration.features.vtlnWarp = VTLNWarp(factor: 0.9)
        #expect(configuration.problems().contains { $0.contains("not both") })
        let (train, _) = try Self.corpus()
        #expect(throws: RecognizerError.self) { try Recognizer.train(train, configuration: configuration, threadCount: 1) }
    }
}
