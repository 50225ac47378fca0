import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Damaged model, recognizer, statistics and checkpoint files, and data that overflow the
/// models' arithmetic, on the built binary: each must end with exit status 1, a message naming
/// the file, the field and the value, and no output file (or the old one untouched) — never a
/// trap, and never a non-finite number with exit status 0.
@Suite("hmmkit hardening: model, statistics and checkpoint files", .serialized)
struct HardeningModelFileTests {
    /// A folder with a 200 × 2 standard-normal matrix `x.npy`, a GMM `g.json` and a GMM-HMM
    /// `h.json` fitted to it, and their statistics `g.acc` and `h.acc`.
    final class Workbench {
        let folder: TemporaryFolder
        init() throws {
            folder = try TemporaryFolder()
            var generator = SeededGenerator(seed: 14)
            let x = Matrix<Double>(rowCount: 200, columnCount: 2, elements: (0..<400).map { _ in Double.random(in: -2...2, using: &generator) })
            try NumPyFile.write(x, to: file("x.npy"))
            for arguments in [["gmm", "fit", path("x.npy"), "--components", "2", "-o", path("g.json"), "--quiet"],
                              ["hmm", "fit", path("x.npy"), "--states", "2", "-o", path("h.json"), "--quiet"],
                              ["acc", path("g.json"), path("x.npy"), "-o", path("g.acc"), "--quiet"],
                              ["acc", path("h.json"), path("x.npy"), "-o", path("h.acc"), "--quiet"]] {
                let run = try HMMKitBinary.run(arguments)
                guard run.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["stderr": run.stderr]) }
            }
        }

        func file(_ name: String) -> URL { folder.file(name) }
        func path(_ name: String) -> String { folder.file(name).path }

        /// `name`'s JSON changed by `change`, written to `to`.
        func json(_ name: String, to target: String, _ change: (inout [String: Any]) -> Void) throws -> String {
            var object = try JSONSerialization.jsonObject(with: Data(contentsOf: file(name))) as! [String: Any]
            change(&object)
            try JSONSerialization.data(withJSONObject: object).write(to: file(target))
            return path(target)
        }
    }

    /// A statistics file's parts, to rewrite with a valid checksum (so that only the field under
    /// test is wrong).
    struct StatisticsBytes {
        var version: UInt32
        var header: [String: Any]
        var values: [Double]

        init(_ url: URL) throws {
            let bytes = try [UInt8](Data(contentsOf: url))
            func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
            version = u32(8)
            let length = Int(u32(12))
            header = try JSONSerialization.jsonObject(with: Data(bytes[16..<(16 + length)])) as! [String: Any]
            let count = (bytes.count - 16 - length - 8) / 8
            values = (0..<count).map { index in
                let start = 16 + length + 8 * index
                return Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << (8 * $1) })
            }
        }

        func write(to url: URL) throws {
            var bytes = Array("HMMKSTAT".utf8)
            func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
            let json = try [UInt8](JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
            append(version)
            append(UInt32(json.count))
            bytes += json
            for value in values { append(value.bitPattern) }
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            append(hash)
            try Data(bytes).write(to: url)
        }
    }

    /// Expects exit status 1, every one of `messages` on stderr, nothing on stdout and no file at `output`.
    func expectRefused(_ arguments: [String], _ messages: [String], output: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try HMMKitBinary.run(arguments)
        #expect(run.status == 1, "\(arguments): \(run.status) \(run.stderr)", sourceLocation: sourceLocation)
        for message in messages {
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)", sourceLocation: sourceLocation)
        }
        #expect(!run.stdout.lowercased().contains("nan") && !run.stdout.contains("inf"), "\(run.stdout)", sourceLocation: sourceLocation)
        if let output {
            #expect(!FileManager.default.fileExists(atPath: output), "\(output) was written", sourceLocation: sourceLocation)
        }
    }

    // MARK: Data that overflow k-means++ and the scores

    /// `[0, 1e308, −1e308]`: the squared distances overflow, and k-means++ drew from an infinite
    /// total (a trap) in memory, streaming, and in the HMM's k-means initialisation.
    @Test func valuesBeyondTheFeatureLimitAreRefusedByEveryFit() throws {
        let bench = try Workbench()
        try NumPyFile.write(Matrix<Double>(rowCount: 3, columnCount: 1, elements: [0, 1e308, -1e308]), to: bench.file("big.npy"))
        let big = bench.path("big.npy")
        try expectRefused(["gmm", "fit", big, "--components", "2", "-o", bench.path("a.json")],
                          ["1e+308", "row 1, column 0", "within ±1e+18"], output: bench.path("a.json"))
        try expectRefused(["gmm", "fit", big, "--components", "2", "--stream", "-o", bench.path("b.json")],
                          ["1e+308", "row 1, column 0", "within ±1e+18"], output: bench.path("b.json"))
        try expectRefused(["hmm", "fit", big, "--states", "2", "--topology", "ergodic", "-o", bench.path("c.json")],
                          ["big.npy: row 1, column 0 is 1e+308", "within ±1e+18"], output: bench.path("c.json"))
    }

    /// 1e200 is finite but its square is not: `acc` failed with a raw JSON encoding error of −inf.
    @Test(arguments: ["g.json", "h.json"])
    func accRefusesValuesWhoseSquaresOverflow(_ model: String) throws {
        let bench = try Workbench()
        try NumPyFile.write(Matrix<Double>(rowCount: 3, columnCount: 2, elements: [0, 0, 1e200, 0, 1, 1]), to: bench.file("e200.npy"))
        try expectRefused(["acc", bench.path(model), bench.path("e200.npy"), "-o", bench.path("e.acc")],
                          ["e200.npy", "frame 1, column 0 is 1e+200", "within ±1e+18"], output: bench.path("e.acc"))
    }

    /// Sizes past ``InputLimits`` are usage errors (exit 64) before anything is allocated: 1e8
    /// states aborted on a 1e16-byte allocation, `--mixtures Int.max` crashed.
    @Test func fitOptionsPastTheLimitsAreUsageErrors() throws {
        let bench = try Workbench()
        for options in [["hmm", "fit", "--states", "100000000"], ["hmm", "fit", "--states", "2", "--mixtures", "\(Int.max)"],
                        ["hmm", "fit", "--states", "2", "--max-jump", "\(Int.max)"], ["gmm", "fit", "--components", "100000000000"]] {
            let run = try HMMKitBinary.run(options + [bench.path("x.npy"), "-o", bench.path("o.json")])
            #expect(run.status == 64, "\(options): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains("must"), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: bench.path("o.json")))
        }
    }

    /// `gmm score` printed −nan / −inf with exit 0 (and failed with a raw encoding error under
    /// --json) for a 1e308 row; now the file and the row are named.
    @Test func gmmScoreNamesTheFileAndRowOfAnUnusableValue() throws {
        let bench = try Workbench()
        var rows = [Double](repeating: 0.5, count: 10)
        rows[6] = 1e308
        try NumPyFile.write(Matrix<Double>(rowCount: 5, columnCount: 2, elements: rows), to: bench.file("bad.npy"))
        for json in [false, true] {
            try expectRefused(["gmm", "score", bench.path("g.json"), bench.path("x.npy"), bench.path("bad.npy")] + (json ? ["--json"] : []),
                              ["bad.npy: row 3, column 0 is 1e+308"])
        }
    }

    // MARK: Model files

    @Test(arguments: [
        ("denormal variance", "diagonalCovariances", "variance 5e-324 in dimension 0; variances must be finite and at least the smallest usable variance 1e-30"),
        ("1e308 mean", "means", "the mean of component 0 is 1e+308 in dimension 0"),
        ("weights summing to 1.1", "weights", "weights must sum to 1 (got 1.1"),
        ("NaN-free but indefinite full covariance", "fullCovariances", "not positive definite"),
    ])
    func gmmScoreRefusesAnUnusableModel(_ label: String, _ field: String, _ message: String) throws {
        let bench = try Workbench()
        let model = try bench.json("g.json", to: "bad.json") { object in
            switch field {
            case "diagonalCovariances":
                var v = object[field] as! [[Double]]; v[0][0] = Double.leastNonzeroMagnitude; object[field] = v
            case "means":
                var m = object[field] as! [[Double]]; m[0][0] = 1e308; object[field] = m
            case "weights": object[field] = [0.5, 0.6]
            default:
                object["covarianceType"] = "full"
                object.removeValue(forKey: "diagonalCovariances")
                object[field] = [[[1.0, 2.0], [2.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]]
            }
        }
        for json in [false, true] {
            try expectRefused(["gmm", "score", model, bench.path("x.npy")] + (json ? ["--json"] : []), ["bad.json", message])
        }
    }

    @Test func hmmFilesWithAnOverflowingJumpOrBadRowsAreRefused() throws {
        let bench = try Workbench()
        let jump = try bench.json("h.json", to: "jump.json") { object in
            object["topology"] = ["kind": "leftToRight", "maximumJump": Int.max]
        }
        for command in ["score", "decode"] {
            try expectRefused(["hmm", command, jump, bench.path("x.npy")], ["jump.json", "topology.maximumJump is \(Int.max)"])
        }
        let rows = try bench.json("h.json", to: "rows.json") { object in
            var transitions = object["transitions"] as! [[Double]]
            transitions[0] = [0.5, 0.6]
            object["transitions"] = transitions
        }
        try expectRefused(["hmm", "score", rows, bench.path("x.npy")], ["rows.json", "transition row 0 sums to 1.1"])
    }

    /// Statistics of another model: `sum-accs` names the file it disagrees with, `update` the model.
    @Test func statisticsOfAnotherModelNameBothFiles() throws {
        let bench = try Workbench()
        try expectRefused(["sum-accs", bench.path("g.acc"), bench.path("h.acc"), "-o", bench.path("s.acc")],
                          ["h.acc holds statistics of", "g.acc of"], output: bench.path("s.acc"))
        try expectRefused(["update", bench.path("h.json"), bench.path("g.acc"), "-o", bench.path("u.json")],
                          ["g.acc holds statistics of", "the model", "h.json is"], output: bench.path("u.json"))
    }

    /// `hmm score` and `decode` name the file and the row of a value no model can score (they
    /// named only the sequence's position among the inputs).
    @Test func hmmScoreNamesTheFileAndRowOfAnUnusableValue() throws {
        let bench = try Workbench()
        var rows = [Double](repeating: 0.5, count: 10)
        rows[7] = 1e308
        try NumPyFile.write(Matrix<Double>(rowCount: 5, columnCount: 2, elements: rows), to: bench.file("bad.npy"))
        for command in ["score", "decode"] {
            try expectRefused(["hmm", command, bench.path("h.json"), bench.path("x.npy"), bench.path("bad.npy")],
                              ["bad.npy: row 3, column 1 is 1e+308"])
        }
    }

    // MARK: Statistics files

    @Test func damagedStatisticsHeadersAreRefusedBeforeAnythingIsAllocated() throws {
        let bench = try Workbench()
        let cases: [(String, (inout StatisticsBytes) -> Void, String)] = [
            ("valueCount", { s in var layout = s.header["layout"] as! [String: Any]; layout["valueCount"] = Int.max; s.header["layout"] = layout },
             "layout.valueCount = \(Int.max)"),
            ("shards", { $0.header["shards"] = Int.max }, "shards is \(Int.max)"),
            ("version", { $0.version = 0 }, "format version 0"),
            ("nan", { $0.values[3] = .nan }, "statistics value 3 is nan"),
            ("inf", { $0.values[3] = .infinity }, "statistics value 3 is inf"),
        ]
        for (name, change, message) in cases {
            var statistics = try StatisticsBytes(bench.file("g.acc"))
            change(&statistics)
            try statistics.write(to: bench.file("\(name).acc"))
            try expectRefused(["update", bench.path("g.json"), bench.path("\(name).acc"), "-o", bench.path("next.json")],
                              ["\(name).acc", message], output: bench.path("next.json"))
            try expectRefused(["sum-accs", bench.path("g.acc"), bench.path("\(name).acc"), "-o", bench.path("sum.acc")],
                              ["\(name).acc", message], output: bench.path("sum.acc"))
        }
    }

    /// Negated statistics made `update` print "−200 frames … −inf" and write a model.
    @Test(arguments: ["g", "h"])
    func negatedStatisticsAreRefusedByUpdate(_ model: String) throws {
        let bench = try Workbench()
        var statistics = try StatisticsBytes(bench.file("\(model).acc"))
        statistics.values = statistics.values.map { -$0 }
        try statistics.write(to: bench.file("negated.acc"))
        let old = Array("the previous model".utf8)
        try Data(old).write(to: bench.file("next.json"))
        try expectRefused(["update", bench.path("\(model).json"), bench.path("negated.acc"), "-o", bench.path("next.json")],
                          ["negated.acc", "frame count", "-200", "cannot be negative"])
        #expect(try [UInt8](Data(contentsOf: bench.file("next.json"))) == old, "the old output must stay untouched")
    }

    /// Statistics of no frames: `update` printed "log-likelihood per frame −inf" with exit 0 and
    /// wrote an unchanged model; `acc` over no frames printed −inf too.
    @Test func statisticsOfNoFramesAreReportedWithoutInfinities() throws {
        let bench = try Workbench()
        try NumPyFile.write(Matrix<Double>(rowCount: 0, columnCount: 2), to: bench.file("empty.npy"))
        let acc = try HMMKitBinary.run(["acc", bench.path("g.json"), bench.path("empty.npy"), "-o", bench.path("empty.acc")])
        #expect(acc.status == 0, "\(acc.stderr)")
        #expect(acc.stderr.contains("0 frames, no frames") && !acc.stderr.contains("inf"), "\(acc.stderr)")
        try expectRefused(["update", bench.path("g.json"), bench.path("empty.acc"), "-o", bench.path("next.json")],
                          ["empty.acc holds no frames"], output: bench.path("next.json"))
    }

    /// A header whose frame count disagrees with the statistics (1e300: `sum-accs` trapped
    /// converting it to Int) is reported, not trusted.
    @Test func statisticsHeadersMustAgreeWithTheValues() throws {
        let bench = try Workbench()
        var statistics = try StatisticsBytes(bench.file("g.acc"))
        statistics.header["frames"] = 1e300
        try statistics.write(to: bench.file("frames.acc"))
        let sum = try HMMKitBinary.run(["sum-accs", bench.path("g.acc"), bench.path("frames.acc"), "-o", bench.path("sum.acc")])
        #expect(sum.status == 0 && sum.stderr.contains("1000000000"), "\(sum.status) \(sum.stderr)")
        try expectRefused(["update", bench.path("g.json"), bench.path("frames.acc"), "-o", bench.path("next.json")],
                          ["frames.acc", "disagree with the statistics"], output: bench.path("next.json"))
    }

    /// Two finite files whose sum overflows: `sum-accs` wrote ±∞ with exit 0.
    @Test func sumAccsRefusesSumsThatOverflow() throws {
        let bench = try Workbench()
        var statistics = try StatisticsBytes(bench.file("g.acc"))
        statistics.values[statistics.values.count - 1] = 1.7e308
        try statistics.write(to: bench.file("huge.acc"))
        try expectRefused(["sum-accs", bench.path("huge.acc"), bench.path("huge.acc"), "-o", bench.path("sum.acc")],
                          ["huge.acc", "overflows the sums"], output: bench.path("sum.acc"))
    }

    // MARK: Checkpoints

    @Test func damagedCheckpointsAreRefusedOnResume() throws {
        let bench = try Workbench()
        let fit = ["gmm", "fit", bench.path("x.npy"), "--components", "2", "--stream", "--iterations", "3", "--quiet"]
        let first = try HMMKitBinary.run(fit + ["-o", bench.path("s.json")])
        #expect(first.status == 0, "\(first.stderr)")
        let bytes = try [UInt8](Data(contentsOf: bench.file("s.json.checkpoint")))
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n"))!
        let header = try JSONSerialization.jsonObject(with: Data(bytes[..<newline])) as! [String: Any]
        let cases: [(String, Any, String)] = [
            ("completedIterations", Int.min, "completedIterations is \(Int.min)"),
            ("completedIterations", Int.max, "completedIterations is \(Int.max)"),
            ("completedIterations", 5, "completedIterations is 5 but the history holds 3"),
            ("version", 0, "version 0"),
        ]
        for (index, (field, value, message)) in cases.enumerated() {
            var changed = header
            changed[field] = value
            let checkpoint = bench.file("c\(index).checkpoint")
            try Data(try [UInt8](JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys])) + bytes[newline...])
                .write(to: checkpoint)
            try expectRefused(fit + ["--resume", "--checkpoint", checkpoint.path, "-o", bench.path("r\(index).json")],
                              ["c\(index).checkpoint", message], output: bench.path("r\(index).json"))
        }
    }

    // MARK: Recognizer files

    @Test func damagedRecognizerFilesAreRefusedOnLoad() throws {
        let bench = try Workbench()
        let demo = RecognizerCommandLineTests.demo
        let train = try HMMKitBinary.run(["train", demo.path, "--split", "takes:5-9/0-4", "-o", bench.path("r.json"), "--quiet",
                                          "--states", "3", "--mixtures", "1", "--max-jump", "0", "--iterations", "1",
                                          "--speed-perturbation", "none", "--labels", "0,1", "--threads", "2"])
        #expect(train.status == 0, "\(train.stderr)")
        let audio = demo.appendingPathComponent("0_george_0.wav").path
        func configuration(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
            { object in var c = object["configuration"] as! [String: Any]; change(&c); object["configuration"] = c }
        }
        func features(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
            configuration { c in var f = c["features"] as! [String: Any]; change(&f); c["features"] = f }
        }
        func vtln(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
            configuration { c in var v = c["vtln"] as! [String: Any]; change(&v); c["vtln"] = v }
        }
        let cases: [(String, (inout [String: Any]) -> Void, String)] = [
            ("states", configuration { $0["stateCount"] = 1 << 62 }, "configuration.stateCount is \(1 << 62)"),
            ("jump", configuration { $0["maximumJump"] = Int.max }, "configuration.maximumJump is \(Int.max)"),
            ("counts", { $0["trainingCounts"] = [Int.max, 20] }, "trainingCounts[0] is \(Int.max)"),
            ("zero-count", { $0["trainingCounts"] = [0, 20] }, "trainingCounts[0] is 0"),
            ("warps-empty", vtln { $0["warpFactors"] = [Double]() }, "configuration.vtln.warpFactors is 0"),
            ("warps-odd", vtln { $0["warpFactors"] = [0.0, -1.0] }, "configuration.vtln.warpFactors holds 0.0"),
            ("high-cutoff", vtln { $0["highCutoff"] = -1.0 }, "VTLN warp factor"),
            ("passes", configuration { c in var a = c["adaptation"] as! [String: Any]; a["passes"] = Int.max; c["adaptation"] = a },
             "configuration.adaptation.passes is \(Int.max)"),
            // The front end, through FeatureConfiguration.validate(): each of these trapped, crashed
            // or allocated gigabytes before.
            ("fft", features { $0["fftSize"] = ["exactly": ["_0": 1 << 62]] }, "fftSize"),
            ("shift", features { $0["frameShift"] = ["milliseconds": ["_0": 1e30]] }, "frameShift"),
            ("length", features { $0["frameLength"] = ["samples": ["_0": Int.min]] }, "frameLength"),
            ("deltas", features { $0["deltas"] = ["repeatedRegression": ["window": 1_000_000_000]] }, "delta"),
            ("mel-max", features { $0["melBinCount"] = Int.max }, "melBinCount"),
            ("mel-huge", features { $0["melBinCount"] = 1 << 62 }, "melBinCount"),
            ("rate", features { $0["sampleRate"] = Double(1 << 31) }, "sampleRate"),
            // Every value in range, but no front end: a 2 ms frame leaves mel filters without an FFT bin.
            ("frame-2ms", features { $0["frameLength"] = ["milliseconds": ["_0": 2.0]] }, "covers no FFT bin"),
        ]
        for (name, change, message) in cases {
            let recognizer = try bench.json("r.json", to: "\(name).json", change)
            try expectRefused(["recognize", recognizer, audio, "--priors", "--json"], ["\(name).json", "damaged recognizer file", message])
        }
    }
}
