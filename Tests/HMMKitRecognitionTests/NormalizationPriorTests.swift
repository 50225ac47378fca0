import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// The recognizer with a CMVN prior (``RecognizerConfiguration/normalizationPriorFrames``) and
/// VTLN's minimum frames, on the bundled demo recordings (Data/fsdd-demo).
@Suite("Recognizer with a normalisation prior", .serialized)
struct NormalizationPriorTests {
    static func configuration(prior: Int?) -> RecognizerConfiguration {
        var configuration = VTLNRecognitionTests.configuration(step: 0.1)
        configuration.normalizationPriorFrames = prior
        return configuration
    }

    /// Training stores the pooled statistics of every training copy as the prior; the file keeps
    /// it (version 4) and the loaded recognizer recognizes exactly as the saved one, each
    /// file normalised with the prior (its scores differ from those of plain CMVN).
    @Test func priorIsTrainedStoredAndUsed() throws {
        let (train, test) = try VTLNRecognitionTests.corpus()
        let subset = train.filter { ["0", "1", "7"].contains($0.label) }
        let recognizer = try Recognizer.train(subset, configuration: Self.configuration(prior: 60), threadCount: 2)
        let prior = try #require(recognizer.normalizationPrior)
        #expect(prior.frames == 60 && prior.statistics.means.count == recognizer.configuration.features.dimension)
        let plain = try Recognizer.train(subset, configuration: Self.configuration(prior: nil), threadCount: 2)
        #expect(plain.normalizationPrior == nil)

        let folder = try TemporaryFolder()
        let file = folder.file("prior.json")
        try recognizer.save(to: file)
        #expect(try String(contentsOf: file, encoding: .utf8).contains(#""version":4"#))
        let loaded = try Recognizer.load(from: file)
        #expect(loaded.normalizationPrior == prior && loaded.configuration == recognizer.configuration)
        let urls = test.filter { ["0", "1", "7"].contains($0.label) && $0.speaker == "lucas" }.map(\.url)
        let before = try recognizer.recognize(urls, threadCount: 2).map { try $0.get() }
        #expect(try loaded.recognize(urls, threadCount: 2).map { try $0.get() } == before)
        var configuration = loaded.configuration
        configuration.normalizationPriorFrames = nil
        let same = Recognizer(configuration: configuration, labels: loaded.labels, models: loaded.models,
                              trainingCounts: loaded.trainingCounts, trainingHistory: loaded.trainingHistory,
                              trainingWarps: loaded.trainingWarps)
        let unsmoothed = try same.recognize(urls, threadCount: 2).map { try $0.get() }
        #expect(zip(before, unsmoothed).allSatisfy { $0.nBest[0].score != $1.nBest[0].score }, "the prior changes every file's features")
    }

    /// A file whose prior and configuration disagree is refused, naming the field.
    @Test func inconsistentPriorIsRefused() throws {
        let (train, _) = try VTLNRecognitionTests.corpus()
        let subset = train.filter { ["0", "1"].contains($0.label) && $0.speaker == "george" }
        let recognizer = try Recognizer.train(subset, configuration: Self.configuration(prior: 30), threadCount: 2)
        let folder = try TemporaryFolder()
        let file = folder.file("prior.json")
        try recognizer.save(to: file)
        try expectEachDamageRefused(file, in: folder, [
            ("normalizationPrior", { $0["normalizationPrior"] = nil }),
            ("frames", { var p = $0["normalizationPrior"] as! [String: Any]; p["frames"] = 31; $0["normalizationPrior"] = p }),
        ])
    }

    /// With VTLN's minimum frames above every file's length, a file of no known speaker keeps
    /// the factor closest to 1, while a speaker's recordings together still get one chosen.
    @Test func shortGroupsKeepTheFactorClosestToOne() throws {
        let (train, test) = try VTLNRecognitionTests.corpus()
        let subset = train.filter { ["0", "1", "7"].contains($0.label) }
        var configuration = Self.configuration(prior: 60)
        configuration.vtln?.minimumFrames = 400
        let recognizer = try Recognizer.train(subset, configuration: configuration, threadCount: 2)
        let urls = test.filter { ["0", "1", "7"].contains($0.label) && $0.speaker == "nicolas" }.map(\.url)
        let alone = try recognizer.recognize(urls, threadCount: 2).map { try $0.get() }
        #expect(alone.allSatisfy { $0.warpFactor == 1 }, "\(alone.map(\.warpFactor))")
        let frames = alone.map(\.frameCount).reduce(0, +)
        #expect(frames >= 400, "the speaker's files together have the frames (\(frames))")
        let together = try recognizer.recognize(urls, speaker: "nicolas", threadCount: 2).map { try $0.get() }
        #expect(Set(together.map(\.warpFactor)).count == 1)
    }
}
