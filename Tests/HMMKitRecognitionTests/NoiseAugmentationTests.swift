import Foundation
import HMMKitAudio
import HMMKitCorpus
import HMMKitFeatures
@testable import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// Training on noisy copies (``RecognizerConfiguration/noiseAugmentation``) and the noisy copies
/// of evaluation (``NoisyRecordings``), on the bundled demo recordings.
@Suite("Noise augmentation", .serialized)
struct NoiseAugmentationTests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/fsdd-demo")

    /// Small word models trained on two takes of three digits by every demo speaker, with a white
    /// and a babble copy of each.
    static func setting() throws -> (entries: [CorpusEntry], configuration: RecognizerConfiguration) {
        let entries = try LabelledCorpus.load(path: demo.path).entries.filter { ["0", "1", "2"].contains($0.label) && ($0.take ?? 9) < 2 }
        var configuration = RecognizerConfiguration()
        configuration.stateCount = 5
        configuration.componentsPerState = 1
        configuration.iterations = 3
        configuration.speedPerturbation = [0.9, 1.0]
        configuration.vtln = nil
        configuration.adaptation = nil
        configuration.noiseAugmentation = [NoiseCondition(.white, snr: 10), NoiseCondition(.babble, snr: 5)]
        configuration.noisyVoice = nil
        return (entries, configuration)
    }

    @Test func trainingIsTheSameOnAnyThreadCountAndStoresItsNoise() throws {
        let (entries, configuration) = try Self.setting()
        #expect(Set(entries.compactMap(\.speaker)).count == 4 && entries.count == 24)
        let folder = try TemporaryFolder()
        let one = folder.file("one.json"), three = folder.file("three.json")
        try Recognizer.train(entries, configuration: configuration, threadCount: 1).save(to: one)
        try Recognizer.train(entries, configuration: configuration, threadCount: 3).save(to: three)
        #expect(try Data(contentsOf: one) == Data(contentsOf: three))
        let loaded = try Recognizer.load(from: one)
        #expect(loaded.configuration == configuration)
        // Noise changes the models: the same training without it differs.
        var clean = configuration
        clean.noiseAugmentation = []
        let plain = folder.file("plain.json")
        try Recognizer.train(entries, configuration: clean, threadCount: 3).save(to: plain)
        #expect(try Data(contentsOf: plain) != Data(contentsOf: one))
        let text = try String(contentsOf: plain, encoding: .utf8)
        #expect(!text.contains("noiseAugmentation"))
        #expect(try Recognizer.load(from: plain).configuration.noiseAugmentation.isEmpty)
        // A stored condition is checked when the file is read.
        let stored = try String(contentsOf: one, encoding: .utf8)
        #expect(stored.contains(#""white:10""#))
        let bad = folder.file("bad.json")
        try stored.replacingOccurrences(of: #""white:10""#, with: #""white:99""#).write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: RecognizerError.self) { try Recognizer.load(from: bad) }
    }

    /// The copies of a training recording: its speed copies, then one per condition, each a group
    /// of its own; the babble copy holds no audio of the recording's speaker.
    @Test func trainingCopiesFollowTheSpeedCopies() throws {
        let (entries, configuration) = try Self.setting()
        let recordings = try RecordingList(entries, configuration: configuration, perturbed: true, threadCount: 2)
        #expect(recordings.frontEnd.speedFactors == [0.9, 1.0, 1, 1])
        #expect(recordings.copyName(0) == "speed 0.9" && recordings.copyName(1) == nil)
        #expect(recordings.copyName(2) == "white:10" && recordings.copyName(3) == "babble:5")
        let speaker = entries[0].speaker!
        #expect(recordings.warpGroup(0, copy: 1) == speaker && recordings.warpGroup(0, copy: 3) == "\(speaker)+babble:5")
        let decoded = recordings.decode(0)
        #expect(decoded.copies.map(\.index) == [0, 1, 2, 3])
        let clean = decoded.copies[1].samples
        for copy in decoded.copies[2...] {
            let added = zip(copy.samples, clean).map { $0 - $1 }
            let snr = 10 * log10(NoiseMixer.power(clean) / NoiseMixer.power(added))
            #expect(abs(snr - recordings.noiseCondition(copy: copy.index)!.snr) < 0.1)
        }
        #expect(recordings.decode([0, 1], copies: { _, copy in copy == 3 }).map { $0.copies.map(\.index) } == [[3], [3]])
        #expect(recordings.decode([0])[0].copies.map(\.samples) == decoded.copies.map(\.samples))
        let evaluation = try RecordingList(entries, configuration: configuration, perturbed: false, threadCount: 2)
        #expect(evaluation.frontEnd.speedFactors == [1] && evaluation.decode(0).copies.count == 1)
    }

    /// The CMVN prior pools every training copy, the noisy ones included, in corpus order: the
    /// streamed survey's prior is the in-memory one, bit for bit, and counts each noisy copy's frames.
    @Test func normalizationPriorPoolsTheNoisyCopies() throws {
        var (entries, configuration) = try Self.setting()
        configuration.normalizationPriorFrames = 60
        func prior(_ configuration: RecognizerConfiguration) throws -> CepstralPrior? {
            let recordings = try RecordingList(entries, configuration: configuration, perturbed: true, threadCount: 2)
            return recordings.withTrainingPrior(recordings.rawFeatures()).normalizationPrior
        }
        let inMemory = try #require(try prior(configuration))
        let labels = Set(entries.map(\.label)).sorted()
        let survey = try TrainingSurvey.run(entries, labels: labels, configuration: configuration, minimumFrames: 1, threadCount: 3,
                                            batchSize: 5, sampling: nil).survey
        #expect(survey.normalization.prior == inMemory)
        var clean = configuration
        clean.noiseAugmentation = []
        let cleanPrior = try #require(try prior(clean))
        let unperturbed = try RecordingList(entries, configuration: configuration, perturbed: false, threadCount: 2).rawFeatures()
        let unperturbedFrames = unperturbed.reduce(0) { $0 + $1.copies.reduce(0) { $0 + $1.frames.rowCount } }
        #expect(unperturbedFrames > 0)
        #expect(inMemory.statistics.frameCount == cleanPrior.statistics.frameCount + 2 * unperturbedFrames)
    }

    @Test func noisyRecordingsForEvaluation() throws {
        let (entries, _) = try Self.setting()
        let test = entries.filter { $0.speaker == "george" }, pool = NoisyRecordings.babblePool(entries.filter { $0.speaker != "george" })
        let folder = try TemporaryFolder()
        let condition = NoiseCondition(.babble, snr: 10)
        let copies = try NoisyRecordings.write(test, condition: condition, babblePool: pool, sampleRate: 8000, seed: 0,
                                               directory: folder.url.appending(path: "a"), threadCount: 2)
        #expect(copies.map(\.label) == test.map(\.label) && copies.map(\.speaker) == test.map(\.speaker))
        #expect(copies.map(\.fileName) == test.map(\.fileName))
        for (copy, entry) in zip(copies, test) {
            let clean = try AudioLoader.load(entry.url, sampleRate: 8000), noisy = try AudioLoader.load(copy.url, sampleRate: 8000)
            let added = zip(noisy, clean).map { $0 - $1 }
            // Float WAV keeps about 24 bits: far below what 0.1 dB needs.
            #expect(abs(10 * log10(NoiseMixer.power(clean) / NoiseMixer.power(added)) - 10) < 0.1)
        }
        // Anonymous copies of the same audio get the same noise.
        let anonymous = test.map { CorpusEntry(url: $0.url, label: $0.label) }
        let again = try NoisyRecordings.write(anonymous, condition: condition, babblePool: pool, sampleRate: 8000, seed: 0,
                                              directory: folder.url.appending(path: "b"), threadCount: 1)
        for (first, second) in zip(copies, again) {
            #expect(try AudioLoader.load(first.url, sampleRate: 8000) == AudioLoader.load(second.url, sampleRate: 8000))
        }
        #expect(throws: RecognizerError.self) {
            try NoisyRecordings.write(test, condition: condition, babblePool: NoisyRecordings.babblePool(test), sampleRate: 8000,
                                      seed: 0, directory: folder.url.appending(path: "c"), threadCount: 1)
        }
    }
}
