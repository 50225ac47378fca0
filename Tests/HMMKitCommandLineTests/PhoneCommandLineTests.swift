import Foundation
import HMMKitTestSupport
import Testing

/// `hmmkit train --units phone` and `hmmkit align` through the built binary, on the demo recordings.
@Suite("hmmkit phone units", .serialized)
struct PhoneCommandLineTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data")
    static var lexicon: [String] {
        ["--lexicon", data.appendingPathComponent("lexicons/digits.txt").path,
         "--label-words", data.appendingPathComponent("lexicons/fsdd-label-words.txt").path]
    }

    /// Usage errors exit 64 naming the option; a malformed lexicon exits 1 naming file, line and token.
    @Test func badOptionsAndLexicons() throws {
        let folder = try TemporaryFolder()
        let demo = Self.data.appendingPathComponent("fsdd-demo").path, out = folder.file("m.json").path
        let noLexicon = try HMMKitBinary.run(["train", demo, "--units", "phone", "-o", out])
        #expect(noLexicon.status == 64 && noLexicon.stderr.contains("--lexicon"), "\(noLexicon.stderr)")
        let stray = try HMMKitBinary.run(["train", demo, "--lexicon", "x.txt", "-o", out])
        #expect(stray.status == 64 && stray.stderr.contains("--units phone"), "\(stray.stderr)")
        let bad = try folder.write(Array("ONE  W AH1 N\nTWO\n".utf8), to: "bad.dict")
        let malformed = try HMMKitBinary.run(["train", demo, "--units", "phone", "--lexicon", bad.path, "-o", out])
        #expect(malformed.status == 1 && malformed.stderr.contains("bad.dict") && malformed.stderr.contains("line 2"),
                "\(malformed.stderr)")
    }

    /// Train from phones (a word left out), then align: a CTM line per word and a TextGrid per
    /// recording, and a whole-word recognizer is refused by align.
    @Test func trainAndAlign() throws {
        let folder = try TemporaryFolder()
        let demo = Self.data.appendingPathComponent("fsdd-demo").path, model = folder.file("p.json").path
        let train = try HMMKitBinary.run(["train", demo, "--units", "phone"] + Self.lexicon
            + ["--labels", "0,1,2", "--only-speakers", "george", "--no-vtln", "--no-adaptation", "--speed-perturbation", "none",
               "--quiet", "-o", model])
        #expect(train.status == 0, "\(train.stderr)")
        let ctm = folder.file("w.ctm").path, grids = folder.file("grids").path
        let align = try HMMKitBinary.run(["align", model, demo, "--labels", "1", "--only-speakers", "george", "--ctm", ctm,
                                          "--textgrids", grids, "--quiet"])
        #expect(align.status == 0, "\(align.stderr)")
        let lines = try String(contentsOfFile: ctm, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10 && lines.allSatisfy { $0.hasSuffix(" one") })
        // psf frames: 25 ms windows every 10 ms, so a boundary between frames lies 12.5 − 5 = 7.5 ms
        // after a multiple of 10 ms (or at 0, the audio's start).
        let boundaries = ctmBoundaryMilliseconds(lines)
        #expect(boundaries.contains { $0 > 0 })
        #expect(boundaries.allSatisfy { $0 == 0 || abs(($0 - 7.5) - 10 * (($0 - 7.5) / 10).rounded()) < 1e-3 }, "\(boundaries)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: grids).count == 10)
    }

    /// `train --frame-shift-ms 5` and the topology options are stored in the recognizer file, and
    /// `align` (given no front-end option) uses that shift: at 5 ms the boundary between frames
    /// t − 1 and t lies at t × 5 + 12.5 − 2.5 ms, so every boundary is a multiple of 5 ms, at 0 or
    /// from 15 ms on, and some are not multiples of 10 ms − 2.5 ms as 10 ms frames would give
    /// (7.5, 17.5, …). Bad values are usage errors.
    @Test func frameShiftAndTopologiesReachAlignment() throws {
        let folder = try TemporaryFolder()
        let demo = Self.data.appendingPathComponent("fsdd-demo").path, model = folder.file("p5.json").path
        let train = try HMMKitBinary.run(["train", demo, "--units", "phone"] + Self.lexicon
            + ["--labels", "0,1,2", "--only-speakers", "george", "--no-vtln", "--no-adaptation", "--speed-perturbation", "none",
               "--frame-shift-ms", "5", "--delta-window", "4", "--phone-states", "4", "--silence-states", "3",
               "--silence-max-jump", "0", "--quiet", "-o", model])
        #expect(train.status == 0, "\(train.stderr)")
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as! [String: Any]
        let features = (file["configuration"] as! [String: Any])["features"] as! [String: Any]
        let shift = (features["frameShift"] as? [String: Any])?["milliseconds"] as? [String: Any]
        #expect(shift?["_0"] as? Double == 5, "\(features["frameShift"] ?? "none")")
        let text = try String(contentsOfFile: model, encoding: .utf8)
        #expect(text.contains("\"stateCount\":4") || text.contains("\"stateCount\" : 4"))
        #expect(text.contains("\"stateCount\":3") || text.contains("\"stateCount\" : 3"))
        let ctm = folder.file("w5.ctm").path
        let align = try HMMKitBinary.run(["align", model, demo, "--labels", "1", "--only-speakers", "george", "--ctm", ctm, "--quiet"])
        #expect(align.status == 0, "\(align.stderr)")
        let lines = try String(contentsOfFile: ctm, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10 && lines.allSatisfy { $0.hasSuffix(" one") })
        let boundaries = ctmBoundaryMilliseconds(lines)
        #expect(boundaries.allSatisfy { $0 == 0 || ($0 >= 15 - 1e-3 && abs($0 - 5 * ($0 / 5).rounded()) < 1e-3) }, "\(boundaries)")
        #expect(boundaries.contains { abs(($0 - 7.5) - 10 * (($0 - 7.5) / 10).rounded()) > 1 }, "\(boundaries)")
        for (options, flag) in [(["--frame-shift-ms", "0"], "--frame-shift-ms"), (["--frame-shift-ms", "0.01"], "--frame-shift-ms"),
                                (["--phone-states", "0"], "--phone-states"), (["--silence-max-jump", "-1"], "--silence-max-jump")] {
            let bad = try HMMKitBinary.run(["train", demo, "--units", "phone"] + Self.lexicon + options + ["-o", folder.file("bad.json").path])
            #expect(bad.status == 64 && bad.stderr.contains(flag), "\(options): \(bad.stderr)")
        }
        let stray = try HMMKitBinary.run(["train", demo, "--phone-states", "4", "-o", folder.file("bad.json").path])
        #expect(stray.status == 64 && stray.stderr.contains("--units phone"), "\(stray.stderr)")
    }
}

/// Every start and end of CTM lines (`file channel start duration word`), in milliseconds.
private func ctmBoundaryMilliseconds(_ lines: [Substring]) -> [Double] {
    lines.flatMap { line -> [Double] in
        let fields = line.split(separator: " "), start = Double(fields[2])! * 1000
        return [start, start + Double(fields[3])! * 1000]
    }
}
