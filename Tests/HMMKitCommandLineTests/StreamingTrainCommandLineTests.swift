import Foundation
import HMMKitTestSupport
import Testing

/// `hmmkit train --stream` (and `--resume`) on the bundled recordings: the recognizer of
/// in-memory training, resumable after SIGKILL, the same problem report for bad input.
@Suite("hmmkit train on large corpora: streaming, resume", .serialized)
struct StreamingTrainCommandLineTests {
    /// Three words, small models (the debug build trains them in about a second), with the
    /// defaults that need care when streaming: speed perturbation, per-speaker CMVN, mixture
    /// splitting and per-word convergence.
    static let small = ["--labels", "0,1,7", "--states", "5", "--mixtures", "2", "--iterations", "6", "--threads", "2", "--no-vtln", "--quiet"]

    /// When the chunks and the initialisation sample hold the whole corpus, streaming training
    /// writes the in-memory recognizer byte for byte; in small chunks only the order of additions
    /// differs (1e-9 relative over every number of the file) and the test accuracy is the same.
    @Test func streamingEqualsInMemory() throws {
        let folder = try TemporaryFolder()
        let (memory, chunked, output) = try LargeCorpusData.expectStreamingToTrainInMemoryRecognizer(Self.small, in: folder)
        let numbers = try LargeCorpusData.parameters(chunked), expected = try LargeCorpusData.parameters(memory)
        #expect(numbers.count == expected.count && numbers.count > 1000)
        #expect(relativeError(numbers, expected) < 1e-9)
        // --json: one line per iteration, then the summary.
        let lines = output.split(separator: "\n").map { try? Self.summary(String($0)) }
        #expect(lines.dropLast().allSatisfy { $0?["event"] as? String == "iteration" && $0?["framesPerSecond"] is Double })
        #expect(lines.count >= 3 && lines.last??["event"] as? String == "summary")
        #expect(FileManager.default.fileExists(atPath: chunked.path + ".checkpoint"))
    }

    /// A streaming run killed with SIGKILL and rerun with `--resume` writes the recognizer of a
    /// run never stopped, byte for byte; a checkpoint of other options is refused by name.
    @Test func killedRunResumesToTheSameRecognizer() throws {
        let folder = try TemporaryFolder()
        let common = ["train", RecognizerCommandLineTests.demo.path, "--chunk-frames", "3000"] + Self.small
        let (resumed, header) = try LargeCorpusData.expectKilledRunToResume(common, in: folder)
        #expect(!header.contains("\"completedIterations\":6"), "\(header)")
        // Other options (or another corpus) cannot resume this checkpoint.
        var run = try HMMKitBinary.run(common.map { $0 == "5" ? "6" : $0 } + ["--resume", "-o", resumed.path])
        #expect(run.status == 1 && run.stderr.contains("another training run (stateCount: 6 in this run, 5 in the checkpoint)"),
                "\(run.stderr)")
        run = try HMMKitBinary.run(common.map { $0 == "0,1,7" ? "0,1,8" : $0 } + ["--resume", "-o", resumed.path])
        #expect(run.status == 1 && run.stderr.contains("another training run (data: 120 recordings"), "\(run.stderr)")
    }

    /// Bad recordings give the report in-memory training gives, every problem at once, before
    /// any training (no checkpoint); options that need the corpus in memory are usage errors.
    @Test func badInputIsReportedBeforeTraining() throws {
        let folder = try TemporaryFolder()
        let tiny = try RecognizerCommandLineTests.corpus(in: folder, copying: ["1_george_0", "1_george_1", "1_george_2", "3_george_1"],
                                                         shorterThanAFrame: ["2_george_0", "3_george_0"])
        let arguments = ["train", tiny.path, "--states", "3", "--speed-perturbation", "none", "--no-vtln"]
        let memory = try HMMKitBinary.run(arguments + ["-o", folder.file("m.json").path])
        let output = folder.file("s.json")
        let streaming = try HMMKitBinary.run(arguments + ["--stream", "-o", output.path])
        #expect(streaming.status == 1 && memory.status == 1)
        for problem in ["2_george_0.wav", "3_george_0.wav", "label \"2\" has no usable recording"] {
            #expect(streaming.stderr.contains(problem) && memory.stderr.contains(problem), "\(streaming.stderr)")
        }
        #expect(!streaming.stderr.contains("iteration"))
        #expect(!FileManager.default.fileExists(atPath: output.path + ".checkpoint"))
        #expect(!FileManager.default.fileExists(atPath: output.path))

        let usage = try HMMKitBinary.run(arguments + ["--stream", "--cross-validate", "speaker"])
        #expect(usage.status == 64 && usage.stderr.contains("--cross-validate"), "\(usage.stderr)")
    }

    static func summary(_ line: String) throws -> [String: Any] {
        let last = line.split(separator: "\n").last.map(String.init) ?? ""
        return try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] ?? [:]
    }
}
