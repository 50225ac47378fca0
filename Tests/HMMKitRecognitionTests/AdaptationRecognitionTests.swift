import Foundation
import HMMKitCorpus
import HMMKitMixtures
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// Recognition with fMLLR speaker adaptation, on the bundled demo recordings (Data/fsdd-demo:
/// takes 5–9 train, 0–4 test, 4 speakers of about 2,000 test frames each).
@Suite("Recognizer with speaker adaptation", .serialized)
struct AdaptationRecognitionTests {
    /// Small word models without VTLN (fast in a debug build), adaptation as given.
    static func configuration(_ adaptation: SpeakerAdaptationOptions?) -> RecognizerConfiguration {
        var configuration = RecognizerConfiguration()
        configuration.stateCount = 5
        configuration.componentsPerState = 1
        configuration.topology = .leftToRight(maximumJump: 0)
        configuration.iterations = 5
        configuration.speedPerturbation = []
        configuration.vtln = nil
        configuration.adaptation = adaptation
        // One model set: these tests are of the speaker-dependent models on every recording.
        configuration.unknownVoiceFrames = nil
        configuration.normalizationPriorFrames = nil
        return configuration
    }

    static func recognizer(_ adaptation: SpeakerAdaptationOptions?) throws -> (Recognizer, test: [CorpusEntry]) {
        let (train, test) = try VTLNRecognitionTests.corpus()
        return (try Recognizer.train(train, configuration: configuration(adaptation), threadCount: 2), test)
    }

    /// A copy of `recognizer` with other adaptation options (same models).
    static func with(_ recognizer: Recognizer, adaptation: SpeakerAdaptationOptions?) -> Recognizer {
        var configuration = recognizer.configuration
        configuration.adaptation = adaptation
        return Recognizer(configuration: configuration, labels: recognizer.labels, models: recognizer.models,
                          trainingCounts: recognizer.trainingCounts, trainingHistory: recognizer.trainingHistory,
                          normalizationPrior: recognizer.normalizationPrior)
    }

    /// One pass is one EM step on the transform: with the first answers' alignments fixed, the
    /// estimate raises the auxiliary function, so the summed log-likelihood (Jacobian included)
    /// of each speaker's recordings under their first answers cannot fall.
    @Test func onePassRaisesTheLikelihoodOfTheFirstAnswers() throws {
        let (plain, test) = try Self.recognizer(nil)
        let adapted = Self.with(plain, adaptation: SpeakerAdaptationOptions(passes: 1, minimumFrames: 500))
        let options = RecognitionOptions(nBest: plain.labels.count)
        for speaker in ["george", "lucas"] {
            let urls = test.filter { $0.speaker == speaker }.map(\.url)
            let before = try plain.recognize(urls, speaker: speaker, options: options, threadCount: 2).map { try $0.get() }
            let after = try adapted.recognize(urls, speaker: speaker, options: options, threadCount: 2).map { try $0.get() }
            var sumBefore = 0.0, sumAfter = 0.0, changed = 0
            for (b, a) in zip(before, after) {
                let answer = try #require(b.label)
                sumBefore += try #require(b.nBest.first { $0.label == answer }).score
                sumAfter += try #require(a.nBest.first { $0.label == answer }).score
                if b.nBest.map(\.score) != a.nBest.map(\.score) { changed += 1 }
            }
            #expect(sumAfter > sumBefore, "\(speaker): \(sumAfter) vs \(sumBefore)")
            #expect(changed == urls.count, "every recording of an adapted speaker is scored again")
        }
    }

    /// Adaptation is per speaker: a speaker below the frame minimum is scored exactly as without
    /// adaptation; the evaluation reports a positive gain for each adapted speaker; accuracy on
    /// the demo's test takes does not fall.
    @Test func perSpeakerGainsAndTheFrameMinimum() throws {
        let (plain, test) = try Self.recognizer(nil)
        let baseline = try plain.evaluate(test, threadCount: 2)
        let unreachable = try Self.with(plain, adaptation: SpeakerAdaptationOptions(minimumFrames: 1_000_000)).evaluate(test, threadCount: 2)
        #expect(unreachable.results == baseline.results)
        #expect(unreachable.adaptationGains == [:])
        let adapted = try Self.with(plain, adaptation: SpeakerAdaptationOptions(passes: 2, minimumFrames: 500)).evaluate(test, threadCount: 2)
        let gains = try #require(adapted.adaptationGains)
        #expect(Set(gains.keys) == ["george", "jackson", "lucas", "nicolas"])
        #expect(gains.values.allSatisfy { $0 > 0 }, "\(gains)")
        print("demo test takes: \(baseline.accuracy) unadapted, \(adapted.accuracy) adapted; gains \(gains)")
        #expect(adapted.accuracy >= baseline.accuracy - 0.01)
        #expect(adapted.hresultsReport().contains("fMLLR: 4 speaker(s) adapted"))
    }

    /// The options survive save → load (version 3); a recognizer file without them (version 1,
    /// written before adaptation existed) loads without adaptation; bad options are listed.
    @Test func fileRoundTripAndProblems() throws {
        let (plain, _) = try Self.recognizer(nil)
        let adapted = Self.with(plain, adaptation: SpeakerAdaptationOptions(passes: 3, minimumFrames: 700, iterations: 15))
        let folder = try TemporaryFolder()
        try adapted.save(to: folder.file("adapted.json"))
        let text = try String(contentsOf: folder.file("adapted.json"), encoding: .utf8)
        #expect(text.contains(#""version":3"#) && text.contains(#""adaptation""#))
        let loaded = try Recognizer.load(from: folder.file("adapted.json"))
        #expect(loaded.configuration.adaptation == SpeakerAdaptationOptions(passes: 3, minimumFrames: 700, iterations: 15))
        let old = try Recognizer.load(from: VTLNRecognitionTests.fixtures.appendingPathComponent("recognizer-v1.json"))
        #expect(old.configuration.adaptation == nil)

        var configuration = Self.configuration(SpeakerAdaptationOptions(passes: 0, minimumFrames: -1, iterations: 0))
        #expect(configuration.problems().count == 3, "\(configuration.problems())")
        configuration.adaptation = SpeakerAdaptationOptions()
        configuration.covarianceType = .full
        #expect(configuration.problems().contains { $0.contains("diagonal") })
    }
}
