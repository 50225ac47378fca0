import Foundation
import HMMKitCorpus
import HMMKitPhones
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// The isolated-word recognizer built from phone models and the shipped digit lexicon, on the
/// bundled demo recordings (Data/fsdd-demo: takes 5–9 train, 0–4 test).
@Suite("Recognizer from phones", .serialized)
struct PhoneRecognitionTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data")

    static func units() throws -> PhoneUnits {
        PhoneUnits(lexicon: try Lexicon.load(from: data.appendingPathComponent("lexicons/digits.txt").path),
                   labelWords: try Lexicon.loadLabelWords(from: data.appendingPathComponent("lexicons/fsdd-label-words.txt").path))
    }

    static func configuration() -> RecognizerConfiguration {
        var configuration = RecognizerConfiguration()
        configuration.componentsPerState = 2
        configuration.iterations = 12
        configuration.speedPerturbation = []
        configuration.vtln = nil
        configuration.adaptation = nil
        return configuration
    }

    /// Trained without any recording of "9", the recognizer still has the label (its phones
    /// N AY N occur in "one", "seven" and "five"), with no training count; it is stored as a
    /// version-5 file that loads and recognises exactly as the trained one.
    @Test func unheardWordIsRecognisableAndTheFileRoundTrips() throws {
        let parts = try LabelledCorpus.load(path: Self.data.appendingPathComponent("fsdd-demo").path).split(DemoCorpus.split)
        let train = parts.train.entries.filter { $0.label != "9" }
        let recognizer = try Recognizer.train(train, configuration: Self.configuration(), threadCount: 2, phones: try Self.units())
        #expect(recognizer.labels == (0...9).map(String.init))
        #expect(recognizer.trainingCounts[9] == 0 && recognizer.models.isEmpty && recognizer.phoneModels != nil)
        let folder = try TemporaryFolder()
        let file = folder.file("phones.json")
        try recognizer.save(to: file)
        #expect(try String(contentsOf: file, encoding: .utf8).contains(#""version":6"#))
        let loaded = try Recognizer.load(from: file)
        let urls = parts.test.entries.filter { ["9", "1"].contains($0.label) && $0.speaker == "george" }.map(\.url)
        let before = try recognizer.recognize(urls, threadCount: 2).map { try $0.get() }
        #expect(try loaded.recognize(urls, threadCount: 2).map { try $0.get() } == before)
    }

    /// A label whose word is missing from the lexicon is refused before training, listing every one.
    @Test func missingWordsAreListed() throws {
        let parts = try LabelledCorpus.load(path: Self.data.appendingPathComponent("fsdd-demo").path).split(DemoCorpus.split)
        var units = try Self.units()
        units.labelWords["3"] = ["tree"]
        units.labelWords["4"] = ["for", "tree"]
        #expect {
            _ = try Recognizer.train(parts.train.entries, configuration: Self.configuration(), threadCount: 2, phones: units)
        } throws: { error in
            let text = "\(error)"
            return text.contains("\"for\"") && text.contains("\"tree\" (used by label \"3\", label \"4\")")
        }
    }
}
