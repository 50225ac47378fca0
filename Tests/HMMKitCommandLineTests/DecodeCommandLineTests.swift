import Foundation
import HMMKitAudio
import HMMKitTestSupport
import Testing

/// `hmmkit decode` end to end on the built binary: a small recognizer of three digits trained on
/// the demo recordings' takes 5–9, utterances made by joining takes 0–4 of one speaker, decoded
/// with a loop, a fixed count and a JSGF grammar; and the bad-input paths.
@Suite("hmmkit decode", .serialized)
struct DecodeCommandLineTests {
    /// Audio of the demo recordings `names`, one after another, written to `name` in `folder`.
    static func joined(_ names: [String], in folder: TemporaryFolder, name: String) throws -> URL {
        var samples: [Double] = [], rate = 0.0
        for item in names {
            let signal = try AudioDecoder.read(url: RecognizerCommandLineTests.demo.appendingPathComponent(item + ".wav"))
            samples += signal.samples
            rate = signal.sampleRate
        }
        let url = folder.file(name)
        try AudioFileWriter.write(AudioSignal(samples: samples, sampleRate: rate), to: url)
        return url
    }

    /// A recognizer of 0, 1 and 7 trained on the demo's takes 5–9, written to `folder`.
    static func trainedRecognizer(in folder: TemporaryFolder) throws -> URL {
        let recognizer = folder.file("digits.json")
        let train = try HMMKitBinary.run(["train", RecognizerCommandLineTests.demo.path, "--split", "takes:5-9/0-4", "-o", recognizer.path,
                                          "--no-vtln", "--no-adaptation"] + RecognizerCommandLineTests.small)
        #expect(train.status == 0, "\(train.stderr)")
        return recognizer
    }

    @Test func decodesLoopsCountsAndGrammars() throws {
        let folder = try TemporaryFolder()
        let recognizer = try Self.trainedRecognizer(in: folder)
        let a = try Self.joined(["7_george_0", "1_george_1", "0_george_2"], in: folder, name: "a_george_0.wav")
        let b = try Self.joined(["0_george_3", "0_george_4"], in: folder, name: "b_george_1.wav")

        let loop = try HMMKitBinary.run(["decode", recognizer.path, a.path, b.path, "--loop", "--speakers", "from-names", "--names"])
        #expect(loop.status == 0, "\(loop.stderr)")
        #expect(loop.stdout == "a_george_0\t7 1 0\nb_george_1\t0 0\n")

        let three = try HMMKitBinary.run(["decode", recognizer.path, a.path, "--words", "3", "--times"])
        #expect(three.status == 0, "\(three.stderr)")
        let lines = three.stdout.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(lines.map { String($0[4]) } == ["7", "1", "0"])
        #expect(lines.allSatisfy { $0.count == 5 && $0[0] == Substring(a.path) && $0[1] == "1" })
        let starts = lines.map { Double($0[2])! }, durations = lines.map { Double($0[3])! }
        #expect(starts == starts.sorted() && durations.allSatisfy { $0 > 0 })

        let grammar = try folder.write(Array("""
            #JSGF V1.0;
            grammar g;
            public <s> = <d> <d> [<d>];
            <d> = 0 | 1 | 7;
            """.utf8), to: "g.jsgf")
        let parsed = try HMMKitBinary.run(["decode", recognizer.path, a.path, b.path, "--grammar", grammar.path, "--json"])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let results = (try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as! [String: Any])["results"] as! [[String: Any]]
        let transcripts = results.map { (($0["decoding"] as! [String: Any])["words"] as! [[String: Any]]).map { $0["word"] as! String } }
        #expect(transcripts == [["7", "1", "0"], ["0", "0"]])

        // --nbest: the 1-best first, then other word sequences, scores falling; a bad count is a usage error.
        let best = try HMMKitBinary.run(["decode", recognizer.path, a.path, b.path, "--loop", "--speakers", "from-names", "--names",
                                         "--nbest", "3"])
        #expect(best.status == 0, "\(best.stderr)")
        let rows = best.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.count == 6 && rows.allSatisfy { $0.count == 4 })
        #expect(rows.map { String($0[0]) } == ["a_george_0", "a_george_0", "a_george_0", "b_george_1", "b_george_1", "b_george_1"])
        #expect(rows.map { String($0[1]) } == ["1", "2", "3", "1", "2", "3"])
        #expect(String(rows[0][3]) == "7 1 0" && String(rows[3][3]) == "0 0")
        for file in [rows[0..<3], rows[3..<6]] {
            let scores = file.map { Double($0[2])! }
            #expect(scores == scores.sorted(by: >) && Set(file.map { $0[3] }).count == 3)
        }
        let listed = try HMMKitBinary.run(["decode", recognizer.path, a.path, "--loop", "--nbest", "2", "--json"])
        let entry = ((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as! [String: Any])["results"] as! [[String: Any]])[0]
        #expect(((entry["decoding"] as! [String: Any])["nBest"] as! [[String: Any]]).count == 2)
        #expect(try HMMKitBinary.run(["decode", recognizer.path, a.path, "--loop", "--nbest", "0"]).status == 64)
    }

    @Test func badGrammarsAndShortAudioAreClearErrors() throws {
        let folder = try TemporaryFolder()
        let recognizer = try Self.trainedRecognizer(in: folder)
        let file = RecognizerCommandLineTests.demo.appendingPathComponent("7_george_0.wav").path

        let unknown = try folder.write(Array("grammar g;\npublic <s> = 7\n | nine;".utf8), to: "unknown.jsgf")
        let run1 = try HMMKitBinary.run(["decode", recognizer.path, file, "--grammar", unknown.path])
        #expect(run1.status == 1 && run1.stderr.contains("\(unknown.path): the models have no word 'nine' (line 3); they know 0 1 7"))

        let broken = try folder.write(Array("grammar g;\npublic <s> = (7 1;".utf8), to: "broken.jsgf")
        let run2 = try HMMKitBinary.run(["decode", recognizer.path, file, "--grammar", broken.path])
        #expect(run2.status == 1 && run2.stderr.contains("\(broken.path):2:18: expected ')' (at ';')"))

        let void = try folder.write(Array("grammar g;\npublic <s> = 7 <VOID>;".utf8), to: "void.jsgf")
        let run3 = try HMMKitBinary.run(["decode", recognizer.path, file, "--grammar", void.path])
        #expect(run3.status == 1 && run3.stderr.contains("no word sequence leads from the start of the grammar to its end"))

        let missing = try HMMKitBinary.run(["decode", recognizer.path, file, "--grammar", folder.file("none.jsgf").path])
        #expect(missing.status == 1 && missing.stderr.contains("none.jsgf"))

        // One digit of audio cannot hold 200 words of at least 2 frames each.
        let short = try HMMKitBinary.run(["decode", recognizer.path, file, "--words", "200"])
        #expect(short.status == 1 && short.stderr.contains("frames are too few for the grammar"), "\(short.stderr)")

        for usage in [["--loop", "--words", "2"], [], ["--words", "0"], ["--words", "2", "--max-words", "3"], ["--loop", "--beam", "0"],
                      ["--loop", "--min-words", "3", "--max-words", "2"]] {
            let run = try HMMKitBinary.run(["decode", recognizer.path, file] + usage)
            #expect(run.status == 64, "\(usage): \(run.stderr)")
        }
    }
}
