import Foundation
import HMMKitCorpus
import Testing

@Suite("The embedded demo corpus (Data/fsdd-demo)")
struct DemoCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/fsdd-demo")

    @Test func holdsFourSpeakersTenDigitsTenTakes() throws {
        let corpus = try LabelledCorpus.load(path: Self.folder.path)
        #expect(corpus.entries.count == 400)
        #expect(corpus.labels == (0...9).map(String.init))
        #expect(corpus.speakers == ["george", "jackson", "lucas", "nicolas"])
        let summary = corpus.summary
        #expect(summary.takeRange == 0...9 && summary.sampleRates == [8000] && summary.recordingsWithoutSpeaker == 0)
        #expect(summary.labels.allSatisfy { $0.recordings == 40 } && summary.speakers.allSatisfy { $0.recordings == 100 })
        // 1,560,220 samples at 8 kHz in all (measured with Python's wave module).
        #expect(abs(summary.seconds! - 195.0275) < 1e-9)
        #expect(FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent("LICENSE.md").path))
    }

    @Test func demoSplitTrainsOnTakesFiveToNine() throws {
        let corpus = try LabelledCorpus.load(path: Self.folder.path)
        let split = try corpus.split(DemoCorpus.split)
        #expect(split.train.entries.count == 200 && split.test.entries.count == 200 && split.unassigned.isEmpty)
        for part in [split.train, split.test] {
            #expect(part.summary.labels.allSatisfy { $0.recordings == 20 })
        }
        #expect(try corpus.leaveOneSpeakerOut().count == 4)
    }

    @Test func summaryText() throws {
        let corpus = try LabelledCorpus.load(path: Self.folder.path, selection: CorpusSelection(labels: ["0", "1"]))
        let text = corpus.summary.description
        #expect(text.hasPrefix("80 recordings, 2 labels, 4 speakers, "))
        #expect(text.contains(" s of audio at 8000 Hz, takes 0–9\n  label  recordings  seconds\n  0              40     "))
        #expect(text.contains("\n  speaker  recordings  seconds\n  george           20     "))
        #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") })
    }

    @Test func locatingTheFolder() throws {
        let tree = try CorpusFolder()
        try tree.makeFolder("src/Data/fsdd-demo")
        try tree.makeFolder("src/.build/x86_64-unknown-linux-gnu/release")
        try tree.makeFolder("elsewhere/deep")
        let demo = tree.path + "/src/Data/fsdd-demo"
        let binary = tree.path + "/src/.build/x86_64-unknown-linux-gnu/release/hmmkit"
        // From the source tree or below it.
        #expect(DemoCorpus.locate(executablePath: "/usr/bin/hmmkit", currentDirectory: tree.path + "/src", environment: [:]) == demo)
        #expect(DemoCorpus.locate(executablePath: "/usr/bin/hmmkit", currentDirectory: tree.path + "/src/Data", environment: [:]) == demo)
        // From anywhere, through the executable's folder (absolute, or relative to the working directory).
        #expect(DemoCorpus.locate(executablePath: binary, currentDirectory: tree.path + "/elsewhere/deep", environment: [:]) == demo)
        #expect(DemoCorpus.locate(executablePath: ".build/x86_64-unknown-linux-gnu/release/hmmkit",
                                  currentDirectory: tree.path + "/src", environment: [:]) == demo)
        // The environment wins, and must name a folder.
        let other = tree.path + "/elsewhere"
        #expect(DemoCorpus.locate(executablePath: binary, currentDirectory: "/", environment: ["HMMKIT_DEMO_DATA": other]) == other)
        #expect(DemoCorpus.locate(executablePath: binary, currentDirectory: "/", environment: ["HMMKIT_DEMO_DATA": other + "/none"]) == nil)
        #expect(DemoCorpus.locate(executablePath: "/usr/bin/hmmkit", currentDirectory: other, environment: [:]) == nil)
    }
}
