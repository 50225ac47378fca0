import Foundation
import HMMKitTestSupport
import Testing

/// `train --noise-augmentation` (in memory and streamed) and `evaluate --noise`.
@Suite("hmmkit noise")
struct NoiseCommandLineTests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/fsdd-demo")

    @Test func badSpecificationsAreBadUsageNamingTheToken() throws {
        let cases: [([String], String)] = [
            (["train", "corpus", "-o", "x.json", "--noise-augmentation", "white:10,hiss:5"], "hiss:5"),
            (["train", "corpus", "-o", "x.json", "--noise-augmentation", "babble:100"], "babble:100"),
            (["train", "corpus", "-o", "x.json", "--stream", "--noise-augmentation", "pink"], "pink"),
            (["evaluate", "r.json", "corpus", "--noise", "white:nan"], "white:nan"),
            (["evaluate", "r.json", "corpus", "--noise", "white:10,pink:5"], "one KIND:SNR"),
            (["evaluate", "r.json", "corpus", "--noise", "babble:10"], "--babble-from"),
            (["evaluate", "r.json", "corpus", "--babble-from", "corpus"], "--babble-from"),
        ]
        for (arguments, named) in cases {
            let run = try HMMKitBinary.run(arguments)
            #expect(run.status == 64 && run.stderr.contains(named), "\(arguments): \(run.status) \(run.stderr)")
        }
    }

    /// Trained on three speakers with noisy copies (in memory and streamed), evaluated on the
    /// fourth's babble copies made of the three.
    @Test func trainWithNoiseAndEvaluateNoisyCopies() throws {
        let folder = try TemporaryFolder()
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.demo.path).filter { $0.hasSuffix(".wav") }.sorted()
        let others = names.filter { !$0.contains("_george_") }.map { "\(Self.demo.appendingPathComponent($0).path)\t\($0.prefix(1))" }
        let pool = try folder.write(Array((others.joined(separator: "\n") + "\n").utf8), to: "pool.tsv")
        let small = ["--states", "5", "--mixtures", "1", "--iterations", "3", "--speed-perturbation", "none", "--labels", "0,1,7",
                     "--no-vtln", "--no-adaptation", "--threads", "2", "--noise-augmentation", "white:10,babble:10"]
        for (name, extra) in [("memory", [String]()), ("stream", ["--stream"])] {
            let recognizer = folder.file("\(name).json")
            let train = try HMMKitBinary.run(["train", Self.demo.path, "--split", "speaker:george", "-o", recognizer.path] + small + extra)
            #expect(train.status == 0, "\(name): \(train.stderr)")
            #expect(try String(contentsOf: recognizer, encoding: .utf8).contains(#""noiseAugmentation":["white:10","babble:10"]"#))
        }
        let evaluate = try HMMKitBinary.run(["evaluate", folder.file("memory.json").path, Self.demo.path, "--only-speakers", "george",
                                             "--labels", "0,1,7", "--noise", "babble:10", "--babble-from", pool.path, "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(evaluate.stderr.contains("babble:10") && evaluate.stderr.contains("babble from \(others.count) recordings"))
        let evaluation = try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as! [String: Any]
        #expect(evaluation["count"] as? Int == 30, "\(evaluate.stdout.prefix(300))")
    }
}
