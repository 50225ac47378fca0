import Foundation
import HMMKitTestSupport
import Testing

/// `hmmkit score` and `hmmkit connect`, run as a user runs them.
@Suite("hmmkit score and connect", .serialized)
struct ConnectedWordsCommandLineTests {
    static let scoringFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("HMMKitTranscriptsTests/Fixtures/scoring")

    /// The printed totals are kaldialign's (`total.tsv`: ins del sub total ref_len sentence-errors sentences).
    @Test func scorePrintsKaldialignsTotals() throws {
        let ref = Self.scoringFixtures.appendingPathComponent("ref.txt").path
        let hyp = Self.scoringFixtures.appendingPathComponent("hyp.txt").path
        let run = try HMMKitBinary.run(["score", ref, hyp])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("%WER 104.67 [ 1725 / 1648, 670 ins, 680 del, 375 sub ]"), "\(run.stdout)")
        #expect(run.stdout.contains("[H=593, D=680, S=375, I=670, N=1648]"))
        #expect(run.stdout.contains("SENT: %Correct=2.65 [H=11, S=404, N=415]"))
        let json = try HMMKitBinary.run(["score", ref, hyp, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let words = try #require(object["words"] as? [String: Any])
        #expect(words["insertions"] as? Int == 670 && words["deletions"] as? Int == 680 && words["substitutions"] as? Int == 375)
        #expect((object["sentences"] as? [String: Any])?["errors"] as? Int == 404)
    }

    @Test func scoreRefusesMismatchedFilesAndBadUsage() throws {
        let folder = try TemporaryFolder()
        let ref = try folder.write(Array("a yes no\nb no\n".utf8), to: "ref").path
        let hyp = try folder.write(Array("a yes\n".utf8), to: "hyp").path
        let strict = try HMMKitBinary.run(["score", ref, hyp])
        #expect(strict.status == 1 && strict.stderr.contains("1 reference utterance(s) have no hypothesis: b"), "\(strict.stderr)")
        let all = try HMMKitBinary.run(["score", ref, hyp, "--mode", "all", "--json"])
        #expect(all.status == 0 && all.stdout.contains("\"deletions\":2"), "\(all.stdout)")
        let duplicate = try folder.write(Array("a yes\na no\n".utf8), to: "dup").path
        let twice = try HMMKitBinary.run(["score", ref, duplicate])
        #expect(twice.status == 1 && twice.stderr.contains("dup:2: utterance id \"a\" appears again (first on line 1)"), "\(twice.stderr)")
        #expect(try HMMKitBinary.run(["score", ref, hyp, "--mode", "lenient"]).status == 64)
        #expect(try HMMKitBinary.run(["score", ref, folder.file("missing").path]).status == 1)
    }

    @Test func connectBuildsAScorableCorpusAndRefusesBadOptions() throws {
        let folder = try TemporaryFolder()
        let output = folder.file("connected").path
        let run = try HMMKitBinary.run(["connect", HMMKitBinary.fsdd.path, "--output", output, "--per-speaker", "2",
                                        "--words", "3", "--seed", "4", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let utterances = try #require(summary["utterances"] as? Int)
        #expect(summary["words"] as? Int == 3 * utterances)
        // The text scored against itself: no errors.
        let text = output + "/text"
        let selfScore = try HMMKitBinary.run(["score", text, text])
        #expect(selfScore.stdout.contains("%WER 0.00 [ 0 / \(3 * utterances), 0 ins, 0 del, 0 sub ]"), "\(selfScore.stdout)")
        for bad in [["--words", "7-2"], ["--words", "two"], ["--pause", "-5"], ["--noise-dbfs", "0"], ["--per-speaker", "0"]] {
            let refused = try HMMKitBinary.run(["connect", HMMKitBinary.fsdd.path, "--output", output] + bad)
            #expect(refused.status == 64, "\(bad): \(refused.stderr)")
        }
        let plainFile = try folder.write([0x61], to: "a-file").path
        #expect(try HMMKitBinary.run(["connect", HMMKitBinary.fsdd.path, "--output", plainFile]).status == 64)
        let anonymous = try HMMKitBinary.run(["connect", HMMKitBinary.fsdd.path, "--output", output, "--speakers", "none"])
        #expect(anonymous.status == 1 && anonymous.stderr.contains("have no speaker"), "\(anonymous.stderr)")
    }
}
