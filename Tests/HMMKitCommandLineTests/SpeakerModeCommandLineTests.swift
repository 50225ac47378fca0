import Foundation
import HMMKit
@testable import HMMKitCommandLine
import HMMKitTestSupport
import Testing

/// `--speakers from-names|from-manifest|none`, the `--only-speakers` filter, and
/// `train --cross-validate speaker` with the held-out speaker known and anonymous.
@Suite("hmmkit --speakers modes and cross-validation", .serialized)
struct SpeakerModeCommandLineTests {
    static let demo = RecognizerCommandLineTests.demo
    /// 2 speakers × 3 labels × takes 0–1: the recordings evaluated as a folder and as a manifest.
    static let testFiles = ["george", "lucas"].flatMap { speaker in
        ["0", "1", "7"].flatMap { label in (0..<2).map { "\(label)_\(speaker)_\($0).wav" } }
    }
    static let sameFilesInFolder = ["--labels", "0,1,7", "--include", "*_george_[01].wav", "--include", "*_lucas_[01].wav"]

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A recognizer of 0, 1 and 7 trained on takes 5–9 (VTLN and fMLLR on, as by default).
    static func recognizer(in folder: TemporaryFolder) throws -> URL {
        let recognizer = folder.file("digits.json")
        let train = try HMMKitBinary.run(["train", demo.path, "--exclude", "*_[0-4].wav", "-o", recognizer.path, "--quiet"]
            + RecognizerCommandLineTests.small)
        #expect(train.status == 0, "\(train.stderr)")
        return recognizer
    }

    /// A manifest of `path,label` lines without speakers evaluates every file as its own unknown
    /// speaker (by the unknown-voice models), and says so; `--speakers from-names` groups the same
    /// files by their names' speakers; a folder with `--speakers none` gives exactly the
    /// manifest's per-file results.
    @Test func manifestWithoutSpeakersEvaluatesPerFile() throws {
        let folder = try TemporaryFolder()
        let recognizer = try Self.recognizer(in: folder)
        let lines = Self.testFiles.map { "\(Self.demo.appendingPathComponent($0).path),\($0.prefix { $0 != "_" })" }
        let manifest = try folder.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: "list.csv")

        let report = try HMMKitBinary.run(["evaluate", recognizer.path, manifest.path])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("speakers: from-manifest (12 recordings, each its own speaker)"), "\(report.stdout)")
        let perFile = try Self.json(try HMMKitBinary.run(["evaluate", recognizer.path, manifest.path, "--json"]).stdout)
        let speakers = try #require(perFile["speakers"] as? [String: Any])
        #expect(speakers["mode"] as? String == "from-manifest")
        #expect(speakers["recordingsWithoutSpeaker"] as? Int == 12)
        #expect((speakers["recordingsPerSpeaker"] as? [String: Int])?.isEmpty == true)
        // Each file alone is an unknown voice: the unknown-voice models (no VTLN) recognize it.
        #expect(perFile["warpFactors"] == nil, "no warp for a file alone: \(perFile["warpFactors"] ?? "none")")
        #expect((perFile["results"] as? [[String: Any]])?.allSatisfy { $0["unknownVoice"] as? Bool == true } == true)
        #expect(report.stdout.contains("unknown-voice models: 12 of 12 recordings"), "\(report.stdout)")

        let byName = try Self.json(try HMMKitBinary.run(["evaluate", recognizer.path, manifest.path, "--json",
                                                         "--speakers", "from-names"]).stdout)
        #expect((byName["speakers"] as? [String: Any])?["recordingsPerSpeaker"] as? [String: Int] == ["george": 6, "lucas": 6])
        #expect((byName["warpFactors"] as? [String: Double]).map { Set($0.keys) } == ["george", "lucas"])

        let none = try HMMKitBinary.run(["evaluate", recognizer.path, Self.demo.path, "--json", "--speakers", "none"]
            + Self.sameFilesInFolder)
        #expect(none.status == 0, "\(none.stderr)")
        let anonymous = try Self.json(none.stdout)
        #expect((anonymous["speakers"] as? [String: Any])?["mode"] as? String == "none")
        #expect((anonymous["speakers"] as? [String: Any])?["recordingsWithoutSpeaker"] as? Int == 12)
        // The same files, each on its own, whether a manifest names no speakers or a folder is read with none.
        func decisions(_ evaluation: [String: Any]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: (evaluation["results"] as! [[String: Any]]).map {
                ($0["file"] as! String, $0["recognized"] as? String ?? "<rejected>")
            })
        }
        #expect(decisions(anonymous) == decisions(perFile))
        #expect(anonymous["warpFactors"] as? [String: Double] == perFile["warpFactors"] as? [String: Double])
        let folderReport = try HMMKitBinary.run(["evaluate", recognizer.path, Self.demo.path] + Self.sameFilesInFolder)
        #expect(folderReport.stdout.contains("speakers: from-names, 2 speakers: george 6, lucas 6"), "\(folderReport.stdout)")
        #expect(try HMMKitBinary.run(["evaluate", recognizer.path, Self.demo.path, "--speakers", "none"] + Self.sameFilesInFolder)
            .stdout.contains("speakers: none (12 recordings, each its own speaker)"))

        // recognize: files each on their own by default, grouped by their names' speaker on request.
        let files = (0..<3).map { Self.demo.appendingPathComponent("7_lucas_\($0).wav").path }
        for (extra, expected) in [([String](), "none"), (["--speakers", "from-names"], "from-names")] {
            let recognize = try HMMKitBinary.run(["recognize", recognizer.path] + files + ["--json"] + extra)
            #expect(recognize.status == 0, "\(recognize.stderr)")
            let grouping = try #require(try Self.json(recognize.stdout)["speakers"] as? [String: Any])
            #expect(grouping["mode"] as? String == expected)
            #expect(grouping["recordingsPerSpeaker"] as? [String: Int] == (expected == "none" ? [:] : ["lucas": 3]))
        }
        #expect(try HMMKitBinary.run(["recognize", recognizer.path] + files).stderr.contains("speakers: none (3 recordings"))
    }

    /// `--speakers` once kept only the named speakers: a value that is not a mode is a usage
    /// error naming the filter's new option, which keeps the speakers as before.
    @Test func oldFilterUsageExits64NamingTheNewOption() throws {
        let folder = try TemporaryFolder()
        for command in [["train", Self.demo.path, "-o", folder.file("x.json").path], ["evaluate", folder.file("x.json").path, Self.demo.path]] {
            let old = try HMMKitBinary.run(command + ["--speakers", "george,lucas"])
            #expect(old.status == 64, "\(old.stderr)")
            #expect(old.stderr.contains("use --only-speakers george,lucas"), "\(old.stderr)")
        }
        let recognize = try HMMKitBinary.run(["recognize", folder.file("x.json").path, "a.wav", "--speakers", "ann"])
        #expect(recognize.status == 64 && recognize.stderr.contains("use --speaker ann"), "\(recognize.stderr)")
        let manifestMode = try HMMKitBinary.run(["evaluate", folder.file("x.json").path, Self.demo.path, "--speakers", "from-manifest"])
        #expect(manifestMode.status == 64 && manifestMode.stderr.contains("needs a manifest"), "\(manifestMode.stderr)")
        let noiseWithoutFolds = try HMMKitBinary.run(["train", Self.demo.path, "-o", folder.file("x.json").path, "--noise", "white:10"])
        #expect(noiseWithoutFolds.status == 64 && noiseWithoutFolds.stderr.contains("--noise is for --cross-validate speaker"),
                "\(noiseWithoutFolds.stderr)")
        let badNoise = try HMMKitBinary.run(["train", Self.demo.path, "--cross-validate", "speaker", "--noise", "bogus:3"])
        #expect(badNoise.status == 64 && badNoise.stderr.contains("--noise"), "\(badNoise.stderr)")
        let noSpeakers = try HMMKitBinary.run(["train", Self.demo.path, "--cross-validate", "speaker", "--speakers", "none"])
        #expect(noSpeakers.status == 64 && noSpeakers.stderr.contains("--cross-validate speaker"), "\(noSpeakers.stderr)")
    }

    /// Leave-one-speaker-out over two speakers: each held-out speaker's accuracy known and
    /// anonymous, in the JSON and the table, and the anonymous case is what `evaluate --speakers
    /// none` gives for that fold.
    @Test func crossValidationReportsKnownAndAnonymous() throws {
        let arguments = ["train", Self.demo.path, "--cross-validate", "speaker", "--only-speakers", "george,jackson", "--no-vtln",
                         "--states", "5", "--mixtures", "1", "--max-jump", "0", "--iterations", "3", "--speed-perturbation", "none",
                         "--labels", "0,1", "--threads", "2"]
        let run = try HMMKitBinary.run(arguments + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try Self.json(run.stdout)
        let known = try #require(summary["accuracies"] as? [String: Double])
        let anonymous = try #require(summary["anonymousAccuracies"] as? [String: Double])
        #expect(Set(known.keys) == ["george", "jackson"] && Set(anonymous.keys) == ["george", "jackson"])
        #expect(abs((summary["meanAnonymousAccuracy"] as! Double) - (anonymous["george"]! + anonymous["jackson"]!) / 2) < 1e-12)
        #expect(run.stderr.contains("held out george: known ") && run.stderr.contains(", anonymous "), "\(run.stderr)")

        // The jackson fold by hand: train on george, evaluate jackson as a folder with --speakers none.
        let folder = try TemporaryFolder()
        let model = folder.file("george.json")
        let train = try HMMKitBinary.run(["train", Self.demo.path, "--only-speakers", "george", "-o", model.path, "--quiet"]
            + arguments.dropFirst(6))
        #expect(train.status == 0, "\(train.stderr)")
        let evaluate = try HMMKitBinary.run(["evaluate", model.path, Self.demo.path, "--only-speakers", "jackson", "--labels", "0,1",
                                             "--speakers", "none", "--json"])
        let evaluation = try Self.json(evaluate.stdout)
        #expect(abs(Double(evaluation["correct"] as! Int) / Double(evaluation["count"] as! Int) - anonymous["jackson"]!) < 1e-12)
    }

    /// A stand-in for the noise library that adds nothing: its copies are the clean recordings,
    /// so their anonymous evaluation must equal the clean anonymous one, file for file.
    struct CleanCopies: NoisyCopyMaking {
        struct UnknownNoise: Error {}

        func conditions(_ list: String) throws -> [String] {
            try list.split(separator: ",").map { token in
                guard token.hasPrefix("silence:") else { throw UnknownNoise() }
                return String(token)
            }
        }

        func copies(of recordings: [CorpusEntry], condition: String, babbleFrom training: [CorpusEntry], sampleRate: Double,
                    seed: UInt64, directory: URL, threadCount: Int) throws -> [CorpusEntry] {
            try recordings.map { entry in
                var copy = entry
                copy.url = directory.appendingPathComponent(entry.fileName)
                try FileManager.default.copyItem(at: entry.url, to: copy.url)
                return copy
            }
        }
    }

    @Test func noisyCopiesAreEvaluatedAnonymousAndReported() throws {
        let folder = try TemporaryFolder()
        let recognizer = try Recognizer.load(from: try Self.recognizer(in: folder))
        let entries = Self.testFiles.map { CorpusEntry(url: Self.demo.appendingPathComponent($0), label: String($0.prefix { $0 != "_" }),
                                                       speaker: String($0.split(separator: "_")[1])) }
        let noise = try NoiseColumns(CleanCopies(), list: "silence:10,silence:0", seed: 0, threadCount: 2)
        #expect(noise.names == ["silence:10", "silence:0"])
        let noisy = try TrainCommand.evaluateNoisyCopies(of: entries, training: [], noise: noise, condition: 1, with: recognizer,
                                                         threadCount: 2)
        let clean = try recognizer.evaluate(entries, speakers: .anonymous, threadCount: 2)
        #expect(noisy.count == clean.count && noisy.correct == clean.correct)
        #expect(noisy.results.map(\.recognized) == clean.results.map(\.recognized))
        #expect(noisy.speakers == SpeakerGrouping(mode: .anonymous, speakers: Array(repeating: nil, count: 12)))
        let known = try recognizer.evaluate(entries, threadCount: 2)
        let fold = FoldAccuracy(speaker: "lucas", known: known, anonymous: clean, noisy: [noisy, noisy])
        let summary = CrossValidationSummary([fold], noise: noise.names, unusableRecordings: [])
        #expect(summary.noise.map(\.condition) == ["silence:10", "silence:0"] && summary.noise.allSatisfy { $0.drops == ["lucas": 0] })
        #expect(summary.accuracies == ["lucas": known.accuracy] && summary.anonymousAccuracies == ["lucas": clean.accuracy])
        let table = summary.table.split(separator: "\n").map(String.init)
        #expect(table[1].contains("known") && table[1].contains("anonymous") && table[1].contains("silence:10 (drop)"), "\(table)")
        #expect(table[2].hasPrefix("lucas") && table[3].hasPrefix("mean") && table[2].contains(" (0.0000)"), "\(table)")
        #expect(table.last!.hasPrefix("leave-one-speaker-out mean accuracy"))
        #expect(throws: (any Error).self) { try NoiseColumns(CleanCopies(), list: "silence:1,silence:1", seed: 0, threadCount: 1) }
        #expect(throws: CleanCopies.UnknownNoise.self) { try NoiseColumns(CleanCopies(), list: "white:10", seed: 0, threadCount: 1) }
    }
}
