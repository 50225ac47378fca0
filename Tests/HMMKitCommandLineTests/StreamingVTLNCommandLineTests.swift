import Foundation
import HMMKitTestSupport
import Testing

/// `hmmkit train --stream`, `--resume` and `--mpi` with the default configuration (VTLN with one
/// choose-and-retrain pass, per-speaker CMVN, speed perturbation,
/// fMLLR at recognition): the recognizer of in-memory training.
@Suite("hmmkit train on large corpora with VTLN: streaming, resume, MPI", .serialized)
struct StreamingVTLNCommandLineTests {
    /// Three words of the demo's training takes, small models, VTLN and everything else at the
    /// defaults but for a coarser grid of 5 candidate warps (the default 21 take the debug build
    /// about a minute per run; the code paths are the same).
    static let small = ["--labels", "0,1,7", "--states", "5", "--mixtures", "2", "--iterations", "6", "--threads", "2",
                        "--vtln-warps", "0.92:1.08:0.04", "--quiet"]

    /// When the chunks and the initialisation samples hold the whole corpus, streamed VTLN
    /// training writes the in-memory recognizer byte for byte (models, warps, history); in small
    /// chunks only the order of additions differs (1e-10 relative over every number of the file:
    /// the brief's bound) and the test accuracy is the same.
    @Test func streamingWithVTLNEqualsInMemory() throws {
        let folder = try TemporaryFolder()
        let (memory, chunked, _) = try LargeCorpusData.expectStreamingToTrainInMemoryRecognizer(Self.small, in: folder)
        let warps = try Self.trainingWarps(memory)
        #expect(warps.count == 4 && Set(warps.values).count > 1, "\(warps)")  // the demo's four speakers
        #expect(try Self.trainingWarps(chunked) == warps)
        let numbers = try LargeCorpusData.parameters(chunked), expected = try LargeCorpusData.parameters(memory)
        #expect(numbers.count == expected.count && numbers.count > 1000)
        #expect(relativeError(numbers, expected) < 1e-10)
    }

    /// With the feature cache (the default; `--feature-cache` names its folder), features are
    /// computed once and read back: the recognizer of a run that computes them every time
    /// (`--no-feature-cache`) byte for byte, and nothing left in the folder. Two VTLN passes, so
    /// that the candidate warps' features serve a second warp search.
    @Test func featureCacheGivesTheSameRecognizer() throws {
        let folder = try TemporaryFolder()
        let cache = folder.file("cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: false)
        let common = ["train", RecognizerCommandLineTests.demo.path, "--stream", "--chunk-frames", "3000", "--vtln-passes", "2"] + Self.small
        let plain = folder.file("plain.json"), cached = folder.file("cached.json")
        var run = try HMMKitBinary.run(common + ["--no-feature-cache", "-o", plain.path])
        #expect(run.status == 0, "\(run.stderr)")
        run = try HMMKitBinary.run(common + ["--feature-cache", cache.path, "-o", cached.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Data(contentsOf: cached) == Data(contentsOf: plain))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).isEmpty)
        // Without --stream it is a usage error.
        run = try HMMKitBinary.run(["train", RecognizerCommandLineTests.demo.path, "--feature-cache", cache.path, "-o", plain.path])
        #expect(run.status == 64 && run.stderr.contains("--feature-cache"), "\(run.stderr)")
        run = try HMMKitBinary.run(common + ["--feature-cache", cache.path, "--no-feature-cache", "-o", plain.path])
        #expect(run.status == 64 && run.stderr.contains("not both"), "\(run.stderr)")
    }

    /// Killed with SIGKILL in the first pass (unwarped), or in the pass after the warps were
    /// chosen, and rerun with `--resume`: the recognizer of a run never stopped, byte for byte.
    @Test func killedVTLNRunResumesToTheSameRecognizer() throws {
        let folder = try TemporaryFolder()
        let common = ["train", RecognizerCommandLineTests.demo.path, "--chunk-frames", "3000"] + Self.small
        let (resumed, header) = try LargeCorpusData.expectKilledRunToResume(common, in: folder)
        #expect(header.contains("\"vtln-pass\":\"0 of 1\""), "\(header)")
        #expect(try String(contentsOf: URL(fileURLWithPath: resumed.path + ".checkpoint.vtln"), encoding: .utf8).contains("\"pass\":1"))

        // Killed in pass 1, after its first iteration.
        let again = folder.file("again.json"), checkpoint = folder.file("again.json.checkpoint"), cache = folder.file("cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: false)
        let killed = try LargeCorpusData.kill(common + ["--stream", "--feature-cache", cache.path, "-o", again.path]) {
            (try? String(contentsOf: checkpoint, encoding: .utf8))?.prefix(while: { $0 != "\n" }).contains("\"vtln-pass\":\"1 of 1\"") == true
        }
        #expect(killed, "the run ended before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: again.path))
        // The features the run kept on disk went with it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).isEmpty)
        let run = try HMMKitBinary.run(common + ["--resume", "-o", again.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Data(contentsOf: again) == Data(contentsOf: resumed))
    }

    /// `mpirun -np 2 hmmkit train … --mpi` with VTLN trains the recognizer one streaming process
    /// trains (1e-10 relative: only the order of additions differs, in the statistics, the
    /// normalisation statistics and the warp scores), with the same warps. Skipped without MPI,
    /// except in CI (HMMKIT_REQUIRE_MPI=1).
    @Test func mpiRanksTrainTheSameVTLNRecognizer() throws {
        let arguments = ["train", RecognizerCommandLineTests.demo.path, "--chunk-frames", "2000"]
            + Self.small.prefix(8) + ["--threads", "1", "--quiet"]  // one thread per rank
        let folder = try TemporaryFolder()
        guard let (single, ranks) = try LargeCorpusData.expectTwoRanksToTrainAsOne(arguments, in: folder) else { return }
        #expect(try Self.trainingWarps(ranks) == Self.trainingWarps(single))
    }

    /// The warp factors a recognizer file stores for its training speakers.
    static func trainingWarps(_ url: URL) throws -> [String: Double] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return object?["trainingWarps"] as? [String: Double] ?? [:]
    }
}
