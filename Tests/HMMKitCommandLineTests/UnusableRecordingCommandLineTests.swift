import Foundation
import HMMKitTestSupport
import Testing

/// `hmmkit train` on a corpus with recordings it cannot use: each is reported by file and reason
/// on stderr and in `--json` before training, training goes on without them (exit 0), and
/// `--strict` makes any of them an error (exit 1, no recognizer written) — in memory and streamed.
@Suite("hmmkit train: unusable recordings", .serialized)
struct UnusableRecordingCommandLineTests {
    /// Labels 0 and 1 with three good takes each, plus a truncated WAV, a float WAV with a NaN
    /// sample and a recording shorter than one frame.
    static func corpus(in folder: TemporaryFolder) throws -> (folder: URL, bad: [String]) {
        let tiny = try RecognizerCommandLineTests.corpus(in: folder, copying: ["0_george_0", "0_george_1", "0_george_2",
                                                                           "1_george_0", "1_george_1", "1_george_2"],
                                                         shorterThanAFrame: ["1_george_9"])
        let whole = try Data(contentsOf: RecognizerCommandLineTests.demo.appendingPathComponent("0_george_3.wav"))
        try whole.prefix(300).write(to: tiny.appendingPathComponent("0_george_8.wav"))
        var samples = [Float](repeating: 0.01, count: 4_000)
        samples[100] = .nan
        _ = try folder.write(floatWAVBytes(samples), to: "tiny/1_george_8.wav")
        return (tiny, ["0_george_8.wav", "1_george_8.wav", "1_george_9.wav"])
    }

    static let options = ["--states", "3", "--mixtures", "1", "--max-jump", "0", "--iterations", "2", "--speed-perturbation", "none",
                          "--no-vtln", "--no-adaptation", "--threads", "2"]

    @Test(arguments: [[], ["--stream"]])
    func everyUnusableRecordingIsReported(mode: [String]) throws {
        let folder = try TemporaryFolder()
        let (corpus, bad) = try Self.corpus(in: folder)
        let output = folder.file("r.json")
        let run = try HMMKitBinary.run(["train", corpus.path, "-o", output.path, "--json", "--quiet"] + Self.options + mode)
        #expect(run.status == 0, "\(run.stderr)")
        for name in bad { #expect(run.stderr.contains("left out: \(corpus.path)/\(name)"), "\(name): \(run.stderr)") }
        #expect(run.stderr.contains("truncated") && run.stderr.contains("nan") && run.stderr.contains("frames, fewer than"), "\(run.stderr)")
        #expect(run.stderr.contains("3 recording(s) left out"), "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.split(separator: "\n").last!.utf8)) as! [String: Any]
        let listed = (summary["unusableRecordings"] as! [[String: Any]]).map { ($0["path"] as! String) }
        #expect(listed == bad.map { "\(corpus.path)/\($0)" })
        // The recognizer counts only the recordings it trained on.
        let recognizer = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as! [String: Any]
        #expect(recognizer["trainingCounts"] as? [Int] == [3, 3], "\(recognizer["trainingCounts"] ?? "none")")
    }

    @Test(arguments: [[], ["--stream"]])
    func strictFailsBeforeTraining(mode: [String]) throws {
        let folder = try TemporaryFolder()
        let (corpus, bad) = try Self.corpus(in: folder)
        let output = folder.file("r.json")
        let run = try HMMKitBinary.run(["train", corpus.path, "-o", output.path, "--strict"] + Self.options + mode)
        #expect(run.status == 1, "\(run.stderr)")
        for name in bad { #expect(run.stderr.contains("\(corpus.path)/\(name)"), "\(name): \(run.stderr)") }
        #expect(run.stderr.contains("3 recording(s) cannot be used"), "\(run.stderr)")
        #expect(!run.stderr.contains("trained"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    /// A clean corpus gives no warning and an empty list.
    @Test func cleanCorpusReportsNothing() throws {
        let folder = try TemporaryFolder()
        let corpus = try RecognizerCommandLineTests.corpus(in: folder, copying: ["0_george_0", "0_george_1", "1_george_0", "1_george_1"],
                                                           shorterThanAFrame: [])
        let run = try HMMKitBinary.run(["train", corpus.path, "-o", folder.file("r.json").path, "--json", "--strict", "--quiet"] + Self.options)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("warning"), "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.split(separator: "\n").last!.utf8)) as! [String: Any]
        #expect((summary["unusableRecordings"] as! [Any]).isEmpty)
    }

    /// `evaluate` lists every recording it cannot score on stderr (they are left out of the
    /// accuracy); `--strict` makes them an error.
    @Test func evaluateListsRecordingsItCannotScore() throws {
        let folder = try TemporaryFolder()
        let (corpus, _) = try Self.corpus(in: folder)
        let recognizer = folder.file("r.json")
        let train = try HMMKitBinary.run(["train", corpus.path, "-o", recognizer.path, "--quiet"] + Self.options)
        #expect(train.status == 0, "\(train.stderr)")
        let truncated = "\(corpus.path)/0_george_8.wav"
        let run = try HMMKitBinary.run(["evaluate", recognizer.path, corpus.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("not scored: \(truncated)") && run.stderr.contains("truncated"), "\(run.stderr)")
        let strict = try HMMKitBinary.run(["evaluate", recognizer.path, corpus.path, "--strict"])
        #expect(strict.status == 1, "\(strict.stderr)")
        #expect(strict.stderr.contains("could not be scored"), "\(strict.stderr)")
    }
}
