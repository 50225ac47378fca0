import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// The recognizer with MMI training of its word models (``RecognizerConfiguration/discriminativeTraining``),
/// on the bundled demo recordings (Data/fsdd-demo).
@Suite("Recognizer with discriminative training", .serialized)
struct DiscriminativeTrainingTests {
    /// MMI changes the word models ML training made (means and variances, not weights or
    /// transitions); the options are stored in the file and a file without them is written as
    /// before (no `discriminativeTraining` key).
    @Test func mmiRefinesTheModelsAndIsStored() throws {
        let (train, _) = try VTLNRecognitionTests.corpus()
        let subset = train.filter { ["6", "8"].contains($0.label) }
        var configuration = VTLNRecognitionTests.configuration(step: 0.1)
        let plain = try Recognizer.train(subset, configuration: configuration, threadCount: 2)
        configuration.discriminativeTraining = DiscriminativeTrainingOptions(iterations: 1, acousticScale: 0.2)
        let refined = try Recognizer.train(subset, configuration: configuration, threadCount: 2)
        for (a, b) in zip(plain.models, refined.models) {
            #expect(a.means != b.means)
            #expect(a.weights == b.weights && a.chain.transitions == b.chain.transitions)
        }
        let folder = try TemporaryFolder()
        try refined.save(to: folder.file("mmi.json"))
        try plain.save(to: folder.file("ml.json"))
        #expect(try Recognizer.load(from: folder.file("mmi.json")).configuration == configuration)
        #expect(try String(contentsOf: folder.file("mmi.json"), encoding: .utf8).contains("discriminativeTraining"))
        #expect(try !String(contentsOf: folder.file("ml.json"), encoding: .utf8).contains("discriminativeTraining"))
    }

    /// Bad options are configuration problems, and streaming training refuses MMI.
    @Test func badOptionsAreRefused() throws {
        var configuration = RecognizerConfiguration()
        for options in [DiscriminativeTrainingOptions(iterations: 0), DiscriminativeTrainingOptions(acousticScale: 0),
                        DiscriminativeTrainingOptions(boost: -1), DiscriminativeTrainingOptions(acousticScale: .nan)] {
            configuration.discriminativeTraining = options
            #expect(configuration.problems().count == 1, "\(options)")
        }
        configuration.discriminativeTraining = DiscriminativeTrainingOptions()
        configuration.covarianceType = .full
        configuration.adaptation = nil
        #expect(configuration.problems().contains { $0.contains("diagonal") })
        let (train, _) = try VTLNRecognitionTests.corpus()
        var streamed = RecognizerConfiguration()
        streamed.discriminativeTraining = DiscriminativeTrainingOptions()
        #expect(throws: RecognizerError.self) { _ = try Recognizer.trainStreaming(train, configuration: streamed) }
    }
}
