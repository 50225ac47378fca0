import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Data errors on the built binary name the input they are about: the `.npy` file, or the Kaldi
/// archive and entry (and the script file and line that named it), with the row inside it —
/// what a user can open and repair. Each run must end with exit status 1 and write nothing.
@Suite("hmmkit: data errors name the file and the row", .serialized)
struct ErrorLocationTests {
    /// A folder with a 20 × 3 matrix `good.npy`, copies with 1e308 (`big.npy`, row 3, column 0)
    /// and NaN (`nan.npy`, row 5, column 1), a 20 × 1 `narrow.npy`, a 0 × 3 `empty.npy`, a 1 × 3
    /// `one.npy`, an archive `data.ark` with `data.scp` whose entry `utt2` holds the 1e308, and a
    /// GMM `g.json`, GMM-HMM `h.json` and the GMM's statistics `g.acc` fitted to `good.npy`.
    final class Workbench {
        let folder: TemporaryFolder
        init() throws {
            folder = try TemporaryFolder()
            var generator = SeededGenerator(seed: 41)
            let good = Matrix<Double>(rowCount: 20, columnCount: 3, elements: (0..<60).map { _ in Double.random(in: -2...2, using: &generator) })
            var big = good, nan = good
            big[3, 0] = 1e308
            nan[5, 1] = .nan
            try NumPyFile.write(good, to: file("good.npy"))
            try NumPyFile.write(big, to: file("big.npy"))
            try NumPyFile.write(nan, to: file("nan.npy"))
            try NumPyFile.write(Matrix<Double>(rowCount: 20, columnCount: 1, elements: (0..<20).map(Double.init)), to: file("narrow.npy"))
            try NumPyFile.write(Matrix<Double>(rowCount: 0, columnCount: 3, elements: []), to: file("empty.npy"))
            try NumPyFile.write(Matrix<Double>(rowCount: 1, columnCount: 3, elements: [0, 1, 2]), to: file("one.npy"))
            let writer = try KaldiArchiveWriter<Double>(archive: file("data.ark"), script: file("data.scp"))
            try writer.write(key: "utt1", matrix: good)
            try writer.write(key: "utt2", matrix: big)
            try writer.finish()
            for arguments in [["gmm", "fit", path("good.npy"), "--components", "2", "-o", path("g.json"), "--quiet"],
                              ["hmm", "fit", path("good.npy"), "--states", "2", "-o", path("h.json"), "--quiet"],
                              ["acc", path("g.json"), path("good.npy"), "-o", path("g.acc"), "--quiet"]] {
                let run = try HMMKitBinary.run(arguments)
                guard run.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["stderr": run.stderr]) }
            }
        }

        func file(_ name: String) -> URL { folder.file(name) }
        func path(_ name: String) -> String { folder.file(name).path }
    }

    /// Expects exit status 1, every one of `messages` on stderr, none of `absent`, and no file at `output`.
    func expectRefused(_ arguments: [String], _ messages: [String], absent: [String] = [], output: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try HMMKitBinary.run(arguments)
        #expect(run.status == 1, "\(arguments): \(run.status) \(run.stderr)", sourceLocation: sourceLocation)
        for message in messages {
            #expect(run.stderr.contains(message), "\(arguments): expected \(message.debugDescription) in \(run.stderr)",
                    sourceLocation: sourceLocation)
        }
        for message in absent {
            #expect(!run.stderr.contains(message), "\(arguments): \(run.stderr)", sourceLocation: sourceLocation)
        }
        if let output {
            #expect(!FileManager.default.fileExists(atPath: output), "\(output) was written", sourceLocation: sourceLocation)
        }
    }

    // MARK: Unusable values: the file and the row inside it

    @Test(arguments: [[String](), ["--stream"]])
    func gmmFitNamesTheFileAndRowOfAnUnusableValue(_ extra: [String]) throws {
        let bench = try Workbench()
        let out = bench.path("o.json")
        try expectRefused(["gmm", "fit", bench.path("good.npy"), bench.path("big.npy"), "--components", "2", "-o", out] + extra,
                          ["big.npy: row 3, column 0 is 1e+308", "within ±1e+18"], absent: ["row 23"], output: out)
        try expectRefused(["gmm", "fit", bench.path("data.ark"), "--components", "2", "-o", out] + extra,
                          ["data.ark", "entry 'utt2'", "row 3, column 0 is 1e+308"], absent: ["row 23"], output: out)
        try expectRefused(["gmm", "fit", "scp:" + bench.path("data.scp"), "--components", "2", "-o", out] + extra,
                          ["entry 'utt2'", "data.scp line 2", "row 3, column 0 is 1e+308"], output: out)
    }

    /// Streaming with a sample smaller than the corpus (seed 1 samples `good.npy`): the bad
    /// sequence is met in an EM pass.
    @Test func gmmFitStreamingNamesTheFileOutsideTheSample() throws {
        let bench = try Workbench()
        let out = bench.path("o.json")
        try expectRefused(["gmm", "fit", bench.path("good.npy"), bench.path("big.npy"), "--components", "2", "--stream",
                           "--init-frames", "20", "--seed", "1", "-o", out],
                          ["initialising from 1 of 2 sequences", "big.npy (number 1 of the corpus)", "frame 3, column 0 is 1e+308"],
                          output: out)
    }

    @Test(arguments: [[String](), ["--stream"]])
    func hmmFitNamesTheFileAndRowOfAnUnusableValue(_ extra: [String]) throws {
        let bench = try Workbench()
        let out = bench.path("o.json")
        try expectRefused(["hmm", "fit", bench.path("good.npy"), bench.path("nan.npy"), "--states", "2", "-o", out] + extra,
                          ["nan.npy: row 5, column 1 is nan"], absent: ["sequence 1,"], output: out)
        try expectRefused(["hmm", "fit", "scp:" + bench.path("data.scp"), "--states", "2", "-o", out] + extra,
                          ["entry 'utt2'", "data.scp line 2", "row 3, column 0 is 1e+308"], absent: ["sequence 1,"], output: out)
    }

    @Test func accNamesTheArchiveAndTheKey() throws {
        let bench = try Workbench()
        let out = bench.path("o.acc")
        for model in ["g.json", "h.json"] {
            try expectRefused(["acc", bench.path(model), bench.path("data.ark"), "-o", out],
                              ["data.ark, entry 'utt2'", "frame 3, column 0 is 1e+308"], output: out)
        }
    }

    @Test func scoresNameTheArchiveAndTheScriptLine() throws {
        let bench = try Workbench()
        try expectRefused(["gmm", "score", bench.path("g.json"), "scp:" + bench.path("data.scp")],
                          ["entry 'utt2'", "data.scp line 2", "row 3, column 0 is 1e+308"])
        try expectRefused(["hmm", "score", bench.path("h.json"), bench.path("data.ark")],
                          ["data.ark", "entry 'utt2'", "row 3, column 0 is 1e+308"])
    }

    // MARK: Widths and lengths that do not fit the model

    @Test func aWidthOtherThanTheModelsNamesTheFile() throws {
        let bench = try Workbench()
        try expectRefused(["gmm", "score", bench.path("g.json"), bench.path("narrow.npy")],
                          ["narrow.npy: 1 columns, but the model has dimension 3"])
        for command in ["score", "decode"] {
            try expectRefused(["hmm", command, bench.path("h.json"), bench.path("narrow.npy")],
                              ["narrow.npy: the data does not fit the model", "1 columns but the model has dimension 3"])
        }
        // Inputs of different widths: the odd one and the first are named.
        try expectRefused(["hmm", "decode", bench.path("h.json"), bench.path("good.npy"), bench.path("narrow.npy")],
                          ["narrow.npy: 1 columns, but the first sequence (\(bench.path("good.npy"))) has 3"])
    }

    @Test func sequencesTooShortForTheTopologyNameTheFile() throws {
        let bench = try Workbench()
        for (name, frames) in [("empty.npy", 0), ("one.npy", 1)] {
            for command in ["score", "decode"] {
                try expectRefused(["hmm", command, bench.path("h.json"), bench.path(name)],
                                  ["\(name): \(frames) frame(s), but the model's topology needs at least 2"])
            }
            for extra in [[String](), ["--stream"]] {
                let out = bench.path("o.json")
                try expectRefused(["hmm", "fit", bench.path("good.npy"), bench.path(name), "--states", "2", "-o", out] + extra,
                                  ["\(name): \(frames) frame(s), but the model's topology needs at least 2"], output: out)
            }
        }
    }

    // MARK: Too little data for a mixture

    @Test func gmmFitOnACorpusWithoutFramesNamesTheFile() throws {
        let bench = try Workbench()
        let out = bench.path("o.json")
        try expectRefused(["gmm", "fit", bench.path("empty.npy"), "--components", "2", "-o", out],
                          ["empty.npy", "no rows (frames)"], absent: ["no columns"], output: out)
        try expectRefused(["gmm", "fit", bench.path("empty.npy"), "--components", "2", "--stream", "-o", out],
                          ["empty.npy", "no frames"], output: out)
        try expectRefused(["gmm", "fit", bench.path("one.npy"), "--components", "2", "-o", out],
                          ["one.npy: not enough data", "1 frame(s) for 2 components"], output: out)
        try expectRefused(["gmm", "fit", bench.path("one.npy"), "--components", "2", "--stream", "-o", out],
                          ["one.npy", "1 frame(s) in all, fewer than the 2 components"], absent: ["--init-frames"], output: out)
    }

    // MARK: Statistics and scripts

    /// Statistics with a valid checksum whose first-order sum is −1e308: the model they give has
    /// an unusable mean, and the error names the statistics file.
    @Test func updateNamesTheStatisticsFile() throws {
        let bench = try Workbench()
        var statistics = try HardeningModelFileTests.StatisticsBytes(bench.file("g.acc"))
        // frames, log-likelihood, 2 occupancies, then the first-order sums.
        statistics.values[4] = -1e308
        try statistics.write(to: bench.file("huge.acc"))
        let out = bench.path("next.json")
        try expectRefused(["update", bench.path("g.json"), bench.path("huge.acc"), "-o", out],
                          ["huge.acc: the statistics give an unusable model", "the mean of component 0"], output: out)
    }

    /// A script line naming an archive that does not exist: the error names the script file and
    /// its line, the entry, and the archive path as written.
    @Test func aScriptLineWithAMissingArchiveNamesTheScriptAndLine() throws {
        let bench = try Workbench()
        let script = try String(contentsOf: bench.file("data.scp"), encoding: .utf8)
        let first = script.split(separator: "\n")[0]
        try "\(first)\nutt2 \(bench.path("f.a?k")):5\n".write(to: bench.file("garbled.scp"), atomically: true, encoding: .utf8)
        try expectRefused(["gmm", "score", bench.path("g.json"), "scp:" + bench.path("garbled.scp")],
                          ["garbled.scp:2: the archive of entry 'utt2' cannot be opened", "f.a?k: no such file"])
        let out = bench.path("o.json")
        try expectRefused(["hmm", "fit", bench.path("garbled.scp"), "--states", "2", "--stream", "-o", out],
                          ["garbled.scp:2:", "f.a?k: no such file"], output: out)
    }
}
