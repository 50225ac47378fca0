import Foundation
import HMMKitAudio
import HMMKitTestSupport
import Testing

/// The recognizer commands end to end on the built binary: train → evaluate → recognize (also of
/// 16 kHz audio), `hmm fit|score|decode`, and the bad-input paths, each with a clear message and
/// exit code 1.
@Suite("hmmkit recognizer commands", .serialized)
struct RecognizerCommandLineTests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/fsdd-demo")

    /// A small configuration so that the debug build trains in seconds.
    /// A folder `tiny` in `folder` with the demo recordings `copying` and, under the names
    /// `shorterThanAFrame`, recordings of 40 samples (5 ms: shorter than one frame).
    static func corpus(in folder: TemporaryFolder, copying: [String], shorterThanAFrame: [String]) throws -> URL {
        let tiny = folder.file("tiny")
        try FileManager.default.createDirectory(at: tiny, withIntermediateDirectories: true)
        for name in copying {
            try FileManager.default.copyItem(at: demo.appendingPathComponent(name + ".wav"), to: tiny.appendingPathComponent(name + ".wav"))
        }
        for name in shorterThanAFrame { _ = try folder.write(floatWAVBytes([Float](repeating: 0.1, count: 40)), to: "tiny/\(name).wav") }
        return tiny
    }

    static let small = ["--states", "5", "--mixtures", "1", "--max-jump", "0", "--iterations", "5", "--speed-perturbation", "none",
                        "--labels", "0,1,7", "--threads", "2"]

    @Test func trainEvaluateRecognize() throws {
        let folder = try TemporaryFolder()
        let recognizer = folder.file("digits.json")
        let train = try HMMKitBinary.run(["train", Self.demo.path, "--split", "takes:5-9/0-4", "-o", recognizer.path, "--json",
                                          "--plots", folder.file("plots").path] + Self.small)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("word 3/3"))
        let summary = try JSONSerialization.jsonObject(with: Data(train.stdout.split(separator: "\n").last!.utf8)) as! [String: Any]
        let accuracy = summary["testAccuracy"] as! Double
        #expect(accuracy >= 0.85, "3 digits, 20 test files each: \(accuracy)")
        #expect(FileManager.default.fileExists(atPath: folder.file("plots/training.svg").path))
        #expect(FileManager.default.fileExists(atPath: folder.file("plots/confusion.svg").path))

        // evaluate gives the same accuracy as train's own evaluation of the test part.
        let evaluate = try HMMKitBinary.run(["evaluate", recognizer.path, Self.demo.path, "--split", "takes:5-9/0-4",
                                             "--labels", "0,1,7", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let evaluation = try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as! [String: Any]
        #expect(abs(Double(evaluation["correct"] as! Int) / Double(evaluation["count"] as! Int) - accuracy) < 1e-12)
        let report = try HMMKitBinary.run(["evaluate", recognizer.path, Self.demo.path, "--labels", "0,1,7", "--split", "takes:5-9/0-4"])
        #expect(report.stdout.contains("SENT: %Correct=") && report.stdout.contains("Confusion Matrix"))

        // recognize: an 8 kHz file and the same file at 16 kHz (resampled back to the models' rate).
        let file = Self.demo.appendingPathComponent("7_george_0.wav")
        let signal = try AudioDecoder.read(url: file)
        let upsampled = try Resampler().resample(signal, to: 16_000)
        let wide = folder.file("7_george_0_16k.wav")
        try AudioFileWriter.write(upsampled, to: wide)
        let recognize = try HMMKitBinary.run(["recognize", recognizer.path, file.path, wide.path, "--json"])
        #expect(recognize.status == 0, "\(recognize.stderr)")
        let results = (try JSONSerialization.jsonObject(with: Data(recognize.stdout.utf8)) as! [String: Any])["results"] as! [[String: Any]]
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0["label"] as? String == "7" }, "\(results)")
    }

    /// A newcomer's own folder need not be at 8 kHz: a corpus whose recordings are at 16 kHz and
    /// 44.1 kHz (alternately) trains a recognizer at the default rate (every file resampled on
    /// reading), whose held-out accuracy is as good as the 8 kHz corpus gives, and which
    /// recognizes a 44.1 kHz file.
    @Test func trainOnWideband16And44kRecordings() throws {
        let folder = try TemporaryFolder()
        let wideband = folder.file("wideband")
        try FileManager.default.createDirectory(at: wideband, withIntermediateDirectories: true)
        var rates: [Double: Int] = [:], heldOut44k: [String] = []
        for (index, name) in try FileManager.default.contentsOfDirectory(atPath: Self.demo.path).sorted().enumerated()
        where name.hasSuffix(".wav") && ["0", "1", "7"].contains(name.prefix { $0 != "_" }) {
            let rate: Double = index % 2 == 0 ? 16_000 : 44_100
            let signal = try AudioDecoder.read(url: Self.demo.appendingPathComponent(name))
            try AudioFileWriter.write(try Resampler().resample(signal, to: rate), to: wideband.appendingPathComponent(name))
            rates[rate, default: 0] += 1
            if rate == 44_100 && name.hasPrefix("7_") && name.hasSuffix("_1.wav") { heldOut44k.append(name) }
        }
        #expect(rates[16_000, default: 0] >= 50 && rates[44_100, default: 0] >= 50, "\(rates)")
        let recognizer = folder.file("wide.json")
        let train = try HMMKitBinary.run(["train", wideband.path, "--split", "takes:5-9/0-4", "-o", recognizer.path, "--json"] + Self.small)
        #expect(train.status == 0, "\(train.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(train.stdout.split(separator: "\n").last!.utf8)) as! [String: Any]
        // The same bound as the 8 kHz corpus in trainEvaluateRecognize: 3 digits, 20 test files each.
        #expect((summary["testAccuracy"] as! Double) >= 0.85, "\(summary)")
        let file = wideband.appendingPathComponent(try #require(heldOut44k.first))
        #expect(try AudioDecoder.read(url: file).sampleRate == 44_100)
        let recognize = try HMMKitBinary.run(["recognize", recognizer.path, file.path, "--json"])
        #expect(recognize.status == 0, "\(recognize.stderr)")
        let results = (try JSONSerialization.jsonObject(with: Data(recognize.stdout.utf8)) as! [String: Any])["results"] as! [[String: Any]]
        #expect(results.map { $0["label"] as? String } == ["7"], "\(results)")
    }

    /// `train --delta-window N` gives the recognizer's front end delta regressions over ±N frames
    /// in the preset's style (psf: the ΔΔ a regression of the Δ), stored in the file and used when
    /// recognizing; without the option the preset's ±2 stays.
    @Test func deltaWindowReachesTheFrontEnd() throws {
        let folder = try TemporaryFolder()
        func deltas(_ options: [String]) throws -> [String: Any] {
            let recognizer = folder.file("r\(options.count).json")
            let train = try HMMKitBinary.run(["train", Self.demo.path, "-o", recognizer.path] + Self.small + options)
            #expect(train.status == 0, "\(train.stderr)")
            let recognize = try HMMKitBinary.run(["recognize", recognizer.path, Self.demo.appendingPathComponent("7_george_0.wav").path])
            #expect(recognize.status == 0, "\(recognize.stderr)")
            let file = try JSONSerialization.jsonObject(with: Data(contentsOf: recognizer)) as! [String: Any]
            let features = (file["configuration"] as! [String: Any])["features"] as! [String: Any]
            return features["deltas"] as! [String: Any]
        }
        #expect((try deltas(["--delta-window", "1"])["repeatedRegression"] as? [String: Int]) == ["window": 1])
        #expect((try deltas([])["repeatedRegression"] as? [String: Int]) == ["window": 2])
    }

    /// `compare --covariance diag,full` prints one row per covariance type (speaker adaptation,
    /// on by default, applies to the diagonal models and is left off for the full ones), and
    /// each row's accuracy is what `train` alone gives for that configuration.
    @Test func compareDiagonalAndFull() throws {
        let compare = try HMMKitBinary.run(["compare", Self.demo.path, "--covariance", "diag,full", "--split", "takes:5-9/0-4",
                                            "--json"] + Self.small)
        #expect(compare.status == 0, "\(compare.stderr)")
        let table = try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as! [String: Any]
        let rows = table["results"] as! [[String: Any]]
        #expect(rows.map { $0["covariance"] as! String } == ["diag", "full"])
        let folder = try TemporaryFolder()
        for row in rows {
            let covariance = row["covariance"] as! String
            let train = try HMMKitBinary.run(["train", Self.demo.path, "--split", "takes:5-9/0-4", "--covariance", covariance,
                                              "-o", folder.file("\(covariance).json").path, "--json"] + Self.small)
            #expect(train.status == 0, "\(train.stderr)")
            let summary = try JSONSerialization.jsonObject(with: Data(train.stdout.split(separator: "\n").last!.utf8)) as! [String: Any]
            #expect(abs((summary["testAccuracy"] as! Double) - (row["accuracy"] as! Double)) < 1e-12, "\(covariance)")
            let saved = try String(contentsOf: folder.file("\(covariance).json"), encoding: .utf8)
            #expect(saved.contains(#""adaptation""#) == (covariance == "diag"))
        }
    }

    /// `train --vtln` reports the training speakers' warps and stores them; `recognize` gives each
    /// file a warp of its own, or one for all with `--speaker`.
    @Test func vtlnTrainAndRecognize() throws {
        let folder = try TemporaryFolder()
        let recognizer = folder.file("vtln.json")
        let train = try HMMKitBinary.run(["train", Self.demo.path, "--split", "takes:5-9/0-4", "-o", recognizer.path, "--json",
                                          "--vtln", "--vtln-warps", "0.9:1.1:0.1", "--vtln-passes", "1",
                                          "--unknown-voice-frames", "none"] + Self.small)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("VTLN pass 1/1: warps of 4 training speakers"), "\(train.stderr)")
        #expect(try String(contentsOf: recognizer, encoding: .utf8).contains(#""trainingWarps""#))
        let files = (0..<3).map { Self.demo.appendingPathComponent("7_lucas_\($0).wav").path }
        for extra in [[], ["--speaker", "lucas"]] {
            let recognize = try HMMKitBinary.run(["recognize", recognizer.path] + files + ["--json"] + extra)
            #expect(recognize.status == 0, "\(recognize.stderr)")
            let results = (try JSONSerialization.jsonObject(with: Data(recognize.stdout.utf8)) as! [String: Any])["results"] as! [[String: Any]]
            let warps = results.compactMap { $0["warpFactor"] as? Double }
            #expect(warps.count == 3 && warps.allSatisfy { [0.9, 1.0, 1.1].contains($0) }, "\(results)")
            if !extra.isEmpty { #expect(Set(warps).count == 1) }
        }
        let report = try HMMKitBinary.run(["evaluate", recognizer.path, Self.demo.path, "--labels", "0,1,7", "--split", "takes:5-9/0-4"])
        #expect(report.status == 0 && report.stdout.contains("VTLN warp factors: george "), "\(report.stdout)")
        let bad = try HMMKitBinary.run(["train", Self.demo.path, "-o", folder.file("x.json").path, "--vtln", "--vtln-warps", "0.9,abc"])
        #expect(bad.status == 64 && bad.stderr.contains("abc"), "\(bad.stderr)")
    }

    @Test func badInputGivesMessagesAndExitOne() throws {
        let folder = try TemporaryFolder()
        // A corpus with one label.
        let one = try HMMKitBinary.run(["train", Self.demo.path, "--labels", "3", "-o", folder.file("x.json").path] + Self.small.dropLast(4))
        #expect(one.status == 1 && one.stderr.contains("label"), "\(one.stderr)")
        // A folder with no audio.
        let empty = folder.file("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try HMMKitBinary.run(["train", empty.path, "-o", folder.file("y.json").path])
        #expect(none.status == 1 && none.stderr.contains("no audio"), "\(none.stderr)")
        // A recognizer file from another tool, and a newer one.
        let foreign = try folder.write(Array(#"{"format": "HMMKit.GaussianMixture", "version": 1}"#.utf8), to: "gmm.json")
        let wrong = try HMMKitBinary.run(["recognize", foreign.path, Self.demo.appendingPathComponent("0_george_0.wav").path])
        #expect(wrong.status == 1 && wrong.stderr.contains("not an HMMKit recognizer"), "\(wrong.stderr)")
        let newer = try folder.write(Array(#"{"format": "HMMKit.Recognizer", "version": 8}"#.utf8), to: "new.json")
        let future = try HMMKitBinary.run(["recognize", newer.path, Self.demo.appendingPathComponent("0_george_0.wav").path])
        #expect(future.status == 1 && future.stderr.contains("newer"), "\(future.stderr)")
        // A label with no usable file: its only recording is shorter than one frame.
        let tiny = try Self.corpus(in: folder, copying: ["1_george_0", "1_george_1", "1_george_2"], shorterThanAFrame: ["2_george_0"])
        let short = try HMMKitBinary.run(["train", tiny.path, "-o", folder.file("z.json").path, "--states", "3", "--speed-perturbation", "none"])
        #expect(short.status == 1 && short.stderr.contains("2_george_0.wav"), "\(short.stderr)")
        // Recognizing audio shorter than one frame.
        let trained = folder.file("ok.json")
        let ok = try HMMKitBinary.run(["train", Self.demo.path, "-o", trained.path] + Self.small)
        #expect(ok.status == 0, "\(ok.stderr)")
        let clip = try folder.write(floatWAVBytes([Float](repeating: 0.1, count: 40)), to: "clip.wav")
        let recognizeShort = try HMMKitBinary.run(["recognize", trained.path, clip.path])
        #expect(recognizeShort.status == 1 && recognizeShort.stderr.contains("clip.wav"), "\(recognizeShort.stderr)")
    }

    @Test func hmmFitScoreDecode() throws {
        let folder = try TemporaryFolder()
        let features = folder.file("features")
        let extract = try HMMKitBinary.run(["features", "--preset", "psf", "--sample-rate", "8000", "--quiet",
                                            HMMKitBinary.fsdd.path, "-o", features.path])
        #expect(extract.status == 0, "\(extract.stderr)")
        let model = folder.file("hmm.json")
        let fit = try HMMKitBinary.run(["hmm", "fit", features.path, "--states", "3", "--mixtures", "2", "--iterations", "4",
                                        "--json", "-o", model.path])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stderr.contains("iteration   4/4"))
        let summary = try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as! [String: Any]
        let history = summary["logLikelihoodHistory"] as! [Double]
        #expect(history.count == 4 && zip(history, history.dropFirst()).allSatisfy { $0 <= $1 + 1e-6 * abs($0) })
        let score = try HMMKitBinary.run(["hmm", "score", model.path, features.path, "--json"])
        #expect(score.status == 0, "\(score.stderr)")
        let decode = try HMMKitBinary.run(["hmm", "decode", model.path, features.path])
        #expect(decode.status == 0 && decode.stdout.split(separator: "\n").count >= 20, "\(decode.stderr)")
        let bad = try HMMKitBinary.run(["hmm", "score", folder.file("missing.json").path, features.path])
        #expect(bad.status == 1)
    }
}
