import Foundation
import HMMKitTestSupport
import Testing
@testable import HMMKitPhones

@Suite struct LexiconTests {
    @Test func readsCMUdictWithAlternatesCommentsAndStress() throws {
        let text = ";;; a comment\nZERO  Z IH1 R OW0\nZERO(2)  Z IY1 R OW0\n\nOH  OW1\r\n"
        let stripped = try Lexicon(text: text, path: "t.dict")
        #expect(stripped.words == ["zero", "oh"])
        #expect(stripped["zero"] == [["Z", "IH", "R", "OW"], ["Z", "IY", "R", "OW"]])
        #expect(stripped["oh"] == [["OW"]])
        #expect(stripped.phones == ["IH", "IY", "OW", "R", "Z"])
        let kept = try Lexicon(text: text, path: "t.dict", options: LexiconOptions(keepsStress: true))
        #expect(kept["zero"] == [["Z", "IH1", "R", "OW0"], ["Z", "IY1", "R", "OW0"]])
    }

    @Test func readsKaldiLexiconAsWritten() throws {
        let lexicon = try Lexicon(text: "yes y\u{0009}e s\nno n o\nno n ow\n", path: "lexicon.txt",
                                  options: LexiconOptions(format: .kaldi))
        #expect(lexicon.words == ["yes", "no"])
        #expect(lexicon["no"] == [["n", "o"], ["n", "ow"]])
    }

    @Test func listsEveryMalformedLineWithItsNumberAndToken() {
        let text = "GOOD  G UH1 D\nEMPTY\nBAD  B AE9 D\nWORD(x)  W ER1 D\nOK  OW1 K EY1\nODD  AA1 D!\n"
        #expect(throws: LexiconError.malformed(path: "x.dict", lines: [
            LexiconLineProblem(line: 2, token: "EMPTY", problem: "the word has no phones; write WORD  PH1 PH2 …"),
            LexiconLineProblem(line: 3, token: "AE9", problem: "a CMUdict phone is ARPAbet letters with at most one stress digit 0, 1 or 2"),
            LexiconLineProblem(line: 4, token: "WORD(x)", problem: "an alternate pronunciation is marked WORD(n) with n a number ≥ 1"),
            LexiconLineProblem(line: 6, token: "D!", problem: "a CMUdict phone is ARPAbet letters with at most one stress digit 0, 1 or 2"),
        ])) { try Lexicon(text: text, path: "x.dict") }
        #expect(throws: LexiconError.empty(path: "e.txt")) { try Lexicon(text: ";;; only\n\n", path: "e.txt") }
    }

    @Test func listsMissingWordsWithTheirUtterancesAndEmptyTranscripts() throws {
        let lexicon = try Lexicon([("one", ["W", "AH", "N"])])
        let transcripts: [(utterance: String, words: [String])] = [("u1", ["one", "two"]), ("u2", ["ten", "two"]), ("u3", ["one"])]
        #expect(throws: LexiconError.missingWords([MissingWord(word: "ten", utterances: ["u2"]),
                                                    MissingWord(word: "two", utterances: ["u1", "u2"])])) {
            try lexicon.check(transcripts: transcripts)
        }
        #expect(throws: LexiconError.emptyTranscripts(["u9"])) { try lexicon.check(transcripts: [("u9", [])]) }
    }

    /// The shipped digit lexicon: every digit word, and the phones of "nine" and "five" each
    /// occur in other digits (what training without one of them relies on).
    @Test func shippedDigitLexicon() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Data/lexicons/digits.txt")
        let lexicon = try Lexicon.load(from: url.path)
        #expect(Set(lexicon.words) == ["zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
        for held in ["nine", "five"] {
            let others = Set(lexicon.words.filter { $0 != held }.flatMap { lexicon[$0]!.joined() })
            #expect(Set(lexicon[held]!.joined()).isSubset(of: others), "\(held)")
        }
    }
}
