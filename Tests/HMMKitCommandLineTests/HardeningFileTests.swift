#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Runs of the built `hmmkit` that end before `seconds`, or are killed (SIGKILL) and reported as
/// hung, so that a reader that blocks again fails its test instead of hanging the suite.
enum BoundedRun {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var hung: Bool
    }

    static func run(_ arguments: [String], seconds: Double = 20) throws -> Outcome {
        let process = Process()
        process.executableURL = HMMKitBinary.url
        process.arguments = arguments
        let out = FileHandle(forWritingAtPath: "/dev/null")!
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hmmkit-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Files, not pipes: nothing waits on a reader while the process runs.
        let stdoutURL = folder.appendingPathComponent("stdout"), stderrURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = out
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        var hung = false
        if process.isRunning {
            hung = true
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "", hung: hung)
    }
}

/// Issue 14, the file side: no reader blocks on a named pipe; damaged data and unwritable files
/// give exit 1 and a message for people (64 only for bad usage), with no output or the old one
/// untouched; an archive and its script are one unit; a killed writer's temporary files are
/// removed by the next write; `--json` never fails on a non-finite number.
@Suite("hmmkit hardening: files and exit codes", .serialized)
struct HardeningFileTests {
    /// A 200 × 3 matrix of seeded normal-ish values.
    static func data(_ folder: TemporaryFolder, name: String = "x.npy") throws -> URL {
        var generator = SplitMix64(seed: 3)
        let rows = (0..<200).map { _ in (0..<3).map { _ in Double.random(in: -1...1, using: &generator) } }
        let url = folder.file(name)
        try NumPyFile.write(Matrix(rows: rows), to: url)
        return url
    }

    static func fifo(_ folder: TemporaryFolder, _ name: String) -> String {
        let path = folder.file(name).path
        #expect(mkfifo(path, 0o644) == 0)
        return path
    }

    /// Every reader of HMMKit's own formats refuses a named pipe at once, naming it.
    @Test func namedPipesAreRefusedWithoutBlocking() throws {
        let folder = try TemporaryFolder()
        let data = try Self.data(folder)
        let gmm = folder.file("g.json").path, hmm = folder.file("h.json").path
        var run = try BoundedRun.run(["gmm", "fit", data.path, "--components", "2", "--quiet", "-o", gmm])
        #expect(run.status == 0, "\(run.stderr)")
        run = try BoundedRun.run(["hmm", "fit", data.path, "--states", "2", "--iterations", "2", "--quiet", "-o", hmm])
        #expect(run.status == 0, "\(run.stderr)")
        run = try BoundedRun.run(["acc", gmm, data.path, "--quiet", "-o", folder.file("s.acc").path])
        #expect(run.status == 0, "\(run.stderr)")

        let cases: [(arguments: [String], pipe: String)] = [
            (["gmm", "score", gmm, Self.fifo(folder, "p.npy")], "p.npy"),
            (["gmm", "fit", Self.fifo(folder, "p.ark"), "--components", "1", "-o", folder.file("o1.json").path], "p.ark"),
            (["gmm", "score", gmm, "scp:" + Self.fifo(folder, "p.scp")], "p.scp"),
            (["gmm", "score", Self.fifo(folder, "pg.json"), data.path], "pg.json"),
            (["hmm", "score", Self.fifo(folder, "ph.json"), data.path], "ph.json"),
            (["hmm", "decode", hmm, folder.file("p.npy").path], "p.npy"),
            (["update", gmm, Self.fifo(folder, "p.acc"), "-o", folder.file("o2.json").path], "p.acc"),
            (["sum-accs", folder.file("s.acc").path, folder.file("p.acc").path, "-o", folder.file("o3.acc").path], "p.acc"),
            (["acc", folder.file("pg.json").path, data.path, "-o", folder.file("o4.acc").path], "pg.json"),
            (["evaluate", Self.fifo(folder, "pr.json"), folder.url.path], "pr.json"),
            (["train", Self.fifo(folder, "corpus.tsv"), "-o", folder.file("o5.json").path], "corpus.tsv"),
            (["hmm", "fit", data.path, "--states", "2", "--stream", "--resume", "--checkpoint", Self.fifo(folder, "p.checkpoint"),
              "-o", folder.file("o6.json").path], "p.checkpoint"),
        ]
        for (arguments, pipe) in cases {
            let run = try BoundedRun.run(arguments)
            #expect(!run.hung, "hmmkit \(arguments.joined(separator: " ")) blocked on the named pipe")
            #expect(run.status == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(pipe) && run.stderr.contains("named pipe"), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("Usage:"), "\(run.stderr)")
        }
        for output in ["o1.json", "o2.json", "o3.acc", "o4.acc", "o5.json", "o6.json"] {
            #expect(!FileManager.default.fileExists(atPath: folder.file(output).path), "\(output)")
        }
    }

    /// Damaged data files are bad data (exit 1, the reader's message, no usage text), for every
    /// command that reads features; nothing is written.
    @Test func damagedDataExitsOneWithoutUsage() throws {
        let folder = try TemporaryFolder()
        let data = try Self.data(folder)
        let gmm = folder.file("g.json").path, hmm = folder.file("h.json").path
        #expect(try BoundedRun.run(["gmm", "fit", data.path, "--components", "2", "--quiet", "-o", gmm]).status == 0)
        #expect(try BoundedRun.run(["hmm", "fit", data.path, "--states", "2", "--iterations", "2", "--quiet", "-o", hmm]).status == 0)
        let good = try Data(contentsOf: data)
        let cut = try folder.write(Array(good.prefix(good.count - 5)), to: "cut.npy")
        let garbage = try folder.write(Array("\u{93}NUMPYgarbage".utf8), to: "garbage.npy")
        try FileManager.default.createDirectory(at: folder.file("empty"), withIntermediateDirectories: true)
        for bad in [cut.path, garbage.path, folder.file("empty").path] {
            for arguments in [["gmm", "fit", bad, "--components", "2", "-o", folder.file("n1.json").path],
                              ["gmm", "score", gmm, bad],
                              ["hmm", "fit", bad, "--states", "2", "-o", folder.file("n2.json").path],
                              ["hmm", "score", hmm, bad], ["hmm", "decode", hmm, bad]] {
                let run = try BoundedRun.run(arguments)
                #expect(run.status == 1, "\(arguments): \(run.stderr)")
                #expect(run.stderr.hasPrefix("error: \(bad)") && !run.stderr.contains("Usage:"), "\(arguments): \(run.stderr)")
                #expect(run.stdout.isEmpty)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("n1.json").path))
        #expect(!FileManager.default.fileExists(atPath: folder.file("n2.json").path))
        let noAudio = try BoundedRun.run(["features", folder.file("empty").path, "-o", folder.file("f").path])
        #expect(noAudio.status == 1 && noAudio.stderr.contains("no audio files") && !noAudio.stderr.contains("Usage:"),
                "\(noAudio.stderr)")
        // With stderr closed (2>&-), messages are dropped, not written into a file the command
        // opened, and nothing traps: the exit codes are the same.
        for (arguments, status) in [(["gmm", "score", gmm, cut.path], Int32(1)),
                                    (["gmm", "fit", data.path, "--components", "2", "-o", folder.file("n3.json").path], 0)] {
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-c", "exec \"$0\" \"$@\" 2>&-", HMMKitBinary.url.path] + arguments
            try shell.run()
            shell.waitUntilExit()
            #expect(shell.terminationReason == .exit && shell.terminationStatus == status, "\(arguments)")
        }
        #expect(try String(contentsOf: folder.file("n3.json"), encoding: .utf8).hasPrefix("{"))
        // An scp offset inside an entry: no matrix starts there, and the message says so.
        let archive = folder.file("f.ark")
        try KaldiArchive.write([("a", Matrix<Double>(rowCount: 5, columnCount: 3, repeating: 1))], to: archive)
        let script = try folder.write(Array("a \(archive.path):9\n".utf8), to: "inside.scp")
        let run = try BoundedRun.run(["gmm", "score", gmm, "scp:" + script.path])
        #expect(run.status == 1 && run.stderr.contains("points at byte 9, where no matrix starts"), "\(run.stderr)")
        #expect(!run.stderr.contains("not a text matrix"))
    }

    /// A read-only folder (a read-only tmpfs when this runs as root, else a folder without write
    /// permission), a missing one, and an output that is a folder: exit 1, a message for people
    /// (no Foundation error domains), nothing written, an existing model untouched.
    @Test func unwritableOutputsAreReportedBeforeTheWork() throws {
        let folder = try TemporaryFolder()
        let data = try Self.data(folder)
        let readOnly = folder.file("ro")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
        let mounted = geteuid() == 0 && mount("tmpfs", readOnly.path, "tmpfs", UInt(MS_RDONLY), nil) == 0
        if !mounted { #expect(chmod(readOnly.path, 0o555) == 0) }
        defer { if mounted { umount(readOnly.path) } else { chmod(readOnly.path, 0o755) } }
        let writable = mounted || access(readOnly.path, W_OK) == 0
        let model = folder.file("m.json")
        #expect(try BoundedRun.run(["gmm", "fit", data.path, "--components", "2", "--quiet", "-o", model.path]).status == 0)
        let before = try Data(contentsOf: model)

        _ = Self.fifo(folder, "q.scp")
        var cases: [(arguments: [String], expected: String)] = [
            (["gmm", "fit", data.path, "--components", "2", "-o", folder.url.path], "it is a folder"),
            (["gmm", "fit", data.path, "--components", "2", "-o", folder.file("nope/m.json").path], "does not exist"),
            (["hmm", "fit", data.path, "--states", "2", "-o", folder.url.path], "it is a folder"),
            (["gmm", "fit", data.path, "--components", "2", "-o", model.path, "--plot", folder.url.path], "it is a folder"),
            (["acc", model.path, data.path, "-o", folder.url.path], "it is a folder"),
            // A named pipe (as /dev/stdout or a device would be) is not replaced by a file.
            (["gmm", "fit", data.path, "--components", "2", "-o", Self.fifo(folder, "out.json")], "a named pipe, not a regular file"),
            // The script beside an archive is a named pipe: refused before the features are computed.
            (["features", "--quiet", "--format", "ark", HMMKitBinary.fsdd.path, "-o", folder.file("q.ark").path],
             "q.scp: cannot write (it is a named pipe"),
        ]
        if !writable || mounted {
            cases += [
                (["gmm", "fit", data.path, "--components", "2", "-o", readOnly.appendingPathComponent("m.json").path],
                 mounted ? "Read-only file system" : "Permission denied"),
                (["gmm", "fit", data.path, "--components", "2", "-o", model.path,
                  "--plot", readOnly.appendingPathComponent("p.svg").path], mounted ? "Read-only file system" : "Permission denied"),
                (["features", "--quiet", HMMKitBinary.fsdd.path, "-o", readOnly.appendingPathComponent("feats").path],
                 mounted ? "Read-only file system" : "Permission denied"),
                (["features", "--quiet", "--format", "ark", HMMKitBinary.fsdd.path, "-o", readOnly.appendingPathComponent("x/f.ark").path],
                 mounted ? "Read-only file system" : "Permission denied"),
            ]
        }
        for (arguments, expected) in cases {
            let run = try BoundedRun.run(arguments)
            #expect(run.status == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(expected), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("Domain") && !run.stderr.contains("Usage:") && !run.stderr.contains("Not a directory"),
                    "\(arguments): \(run.stderr)")
        }
        #expect(try Data(contentsOf: model) == before, "the model of the first fit was left as it was")
        var information = stat()
        #expect(stat(folder.file("out.json").path, &information) == 0 && (information.st_mode & S_IFMT) == S_IFIFO)
        #expect(!FileManager.default.fileExists(atPath: folder.file("nope").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: readOnly.path).isEmpty)
    }

    /// `features --format ark` publishes archive and script as one unit: the script names the
    /// archive's generation, every key reads the archive's own matrix, the generation of the run
    /// before is removed, and a script of an earlier run can no longer read (exit 1) instead of
    /// reading another run's frames.
    @Test func archiveAndScriptAreOneUnit() throws {
        let folder = try TemporaryFolder()
        let archive = folder.file("f.ark"), script = folder.file("f.scp")
        var generations: [String] = []
        var oldScript: Data?
        for preset in ["kaldi", "psf"] {
            let run = try BoundedRun.run(["features", "--quiet", "--preset", preset, "--format", "ark", HMMKitBinary.fsdd.path,
                                          "-o", archive.path])
            #expect(run.status == 0, "\(run.stderr)")
            let names = try folder.contents()
            #expect(names.count == 3 && names.contains("f.ark") && names.contains("f.scp"), "\(names)")
            let generation = try #require(names.first { $0.hasPrefix("f.ark.") })
            generations.append(generation)
            let entries = try KaldiScript.read(from: script).entries
            #expect(entries.allSatisfy { $0.path == folder.file(generation).path })
            let fromArchive = try KaldiArchive.read(Float.self, from: archive)
            let reader = try KaldiScriptReader<Float>(url: script)
            #expect(fromArchive.count == entries.count && fromArchive.count > 20)
            for record in fromArchive { #expect(try reader.matrix(forKey: record.key) == record.matrix) }
            if oldScript == nil { oldScript = try Data(contentsOf: script) }
        }
        #expect(generations[0] != generations[1])
        // The index of the first run, put back beside the second run's archive (as a crash
        // between two renames left it before): it names the first generation, which is gone.
        try oldScript!.write(to: folder.file("old.scp"))
        let model = folder.file("g.json")
        #expect(try BoundedRun.run(["gmm", "fit", archive.path, "--components", "1", "--iterations", "2", "--quiet",
                                    "-o", model.path]).status == 0)
        let run = try BoundedRun.run(["gmm", "score", model.path, "scp:" + folder.file("old.scp").path])
        #expect(run.status == 1 && run.stderr.contains(generations[0]) && run.stderr.contains("no such file"), "\(run.stderr)")
    }

    /// An input that fails leaves no features of an earlier run behind under its name.
    @Test func failedInputsLeaveNoStaleFeatures() throws {
        let folder = try TemporaryFolder()
        let inputs = folder.file("in"), output = folder.file("out")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        for name in ["0_george_0", "0_lucas_2"] {
            try FileManager.default.copyItem(at: HMMKitBinary.fsdd.appendingPathComponent(name + ".wav"),
                                             to: inputs.appendingPathComponent(name + ".wav"))
        }
        var run = try BoundedRun.run(["features", "--quiet", inputs.path, "-o", output.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).sorted() == ["0_george_0.npy", "0_lucas_2.npy"])
        try Data("not audio".utf8).write(to: inputs.appendingPathComponent("0_lucas_2.wav"))
        run = try BoundedRun.run(["features", "--quiet", inputs.path, "-o", output.path])
        #expect(run.status == 1 && run.stderr.contains("0_lucas_2.wav") && run.stderr.contains("was removed"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["0_george_0.npy"])
        // One input written to a named file: a failure leaves the old file as it was.
        let single = folder.file("one.npy")
        try FileManager.default.copyItem(at: output.appendingPathComponent("0_george_0.npy"), to: single)
        let before = try Data(contentsOf: single)
        run = try BoundedRun.run(["features", "--quiet", inputs.appendingPathComponent("0_lucas_2.wav").path, "-o", single.path])
        #expect(run.status == 1 && !run.stderr.contains("was removed"), "\(run.stderr)")
        #expect(try Data(contentsOf: single) == before)
    }

    /// The temporary file of a writer killed with SIGKILL is removed by the next write into the
    /// folder; the temporary file of a live writer (it holds its lock) is not.
    @Test func killedWritersTemporaryFilesAreRemovedByTheNextWrite() throws {
        let folder = try TemporaryFolder()
        let inputs = folder.file("inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        let recordings = try FileManager.default.contentsOfDirectory(atPath: HMMKitBinary.fsdd.path).filter { $0.hasSuffix(".wav") }
        for copy in 0..<40 {
            for name in recordings {
                try FileManager.default.createSymbolicLink(at: inputs.appendingPathComponent("c\(copy)_\(name)"),
                                                           withDestinationURL: HMMKitBinary.fsdd.appendingPathComponent(name))
            }
        }
        let output = folder.file("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        // A live writer's temporary file, locked as hmmkit's writers lock theirs.
        let live = output.appendingPathComponent(".other.npy.tmp-Ab12Cd").path
        let liveDescriptor = open(live, O_CREAT | O_RDWR, 0o644)
        #expect(liveDescriptor >= 0 && flock(liveDescriptor, LOCK_EX) == 0)
        defer { close(liveDescriptor) }

        let process = Process()
        process.executableURL = HMMKitBinary.url
        process.arguments = ["features", "--quiet", "--format", "ark", "--threads", "1", inputs.path,
                             "-o", output.appendingPathComponent("f.ark").path]
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var stale: [String] = []
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline {
            stale = (try? FileManager.default.contentsOfDirectory(atPath: output.path))?
                .filter { $0.hasPrefix(".f.ark.tmp-") } ?? []
            if !stale.isEmpty { break }
            usleep(2_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if stale.isEmpty {
            // The run ended before its temporary file was seen: leave one as a killed writer does.
            stale = [".f.ark.tmp-Zz9Yy8"]
            _ = FileManager.default.createFile(atPath: output.appendingPathComponent(stale[0]).path, contents: Data([1, 2, 3]))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).contains(stale[0]))

        let data = try Self.data(folder)
        let run = try BoundedRun.run(["gmm", "fit", data.path, "--components", "1", "--iterations", "2", "--quiet",
                                      "-o", output.appendingPathComponent("g.json").path])
        #expect(run.status == 0, "\(run.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        #expect(!left.contains(stale[0]), "\(left)")
        #expect(left.contains(".other.npy.tmp-Ab12Cd"), "a live writer's file was removed: \(left)")
    }

    /// `evaluate --json` with a recording too short for one frame: valid JSON, exit 0, and that
    /// file's entry says its score was -inf (null, named in "nonFinite").
    @Test func evaluateJSONSurvivesARecordingWithoutFrames() throws {
        let folder = try TemporaryFolder()
        let corpus = try RecognizerCommandLineTests.corpus(
            in: folder, copying: ["0_george_5", "0_jackson_5", "1_george_5", "1_jackson_5", "0_george_6", "1_george_6"],
            shorterThanAFrame: [])
        let recognizer = folder.file("r.json")
        var run = try BoundedRun.run(["train", corpus.path, "--states", "3", "--mixtures", "1", "--iterations", "2",
                                      "--speed-perturbation", "none", "--quiet", "-o", recognizer.path], seconds: 120)
        #expect(run.status == 0, "\(run.stderr)")
        // Plots that cannot be written after the recognizer was: exit 1 (not 64), and the message says so.
        let notAFolder = try folder.write([1], to: "plots")
        run = try BoundedRun.run(["train", corpus.path, "--states", "3", "--mixtures", "1", "--iterations", "1",
                                  "--speed-perturbation", "none", "--quiet", "-o", folder.file("r2.json").path,
                                  "--plots", notAFolder.path], seconds: 120)
        #expect(run.status == 1 && !run.stderr.contains("Usage:"), "\(run.stderr)")
        #expect(run.stderr.contains("exists and is not a folder") && run.stderr.contains("the recognizer was written to"),
                "\(run.stderr)")
        _ = try folder.write(floatWAVBytes([Float](repeating: 0.1, count: 40)), to: "tiny/0_george_9.wav")
        run = try BoundedRun.run(["evaluate", recognizer.path, corpus.path, "--json"], seconds: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let results = try #require(object?["results"] as? [[String: Any]])
        let short = try #require(results.first { ($0["file"] as? String)?.hasSuffix("0_george_9.wav") == true })
        #expect(short["scorePerFrame"] is NSNull)
        #expect((short["nonFinite"] as? [String: String])?["scorePerFrame"] == "-inf", "\(short)")
    }
}
