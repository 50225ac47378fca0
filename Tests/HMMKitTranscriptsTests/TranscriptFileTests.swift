import Foundation
import HMMKitTestSupport
import HMMKitTranscripts
import Testing

@Suite("Kaldi text, CTM and TextGrid files")
struct TranscriptFileTests {
    @Test func kaldiTextRoundTrips() throws {
        let folder = try TemporaryFolder()
        let set = try TranscriptSet([Transcript(id: "jackson-0001", words: ["7", "3", "1"]),
                                     Transcript(id: "jackson-0002", words: [])])
        let path = folder.file("text").path
        try set.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "jackson-0001 7 3 1\njackson-0002\n")
        #expect(try TranscriptSet.read(path: path) == set)
        #expect(set[id: "jackson-0002"] == [] && set[id: "nobody"] == nil)
    }

    /// Tabs, repeated spaces, `\r\n`, a byte order mark and blank lines are accepted.
    @Test func kaldiTextAcceptsLooseSpacing() throws {
        let set = try TranscriptSet.parse("\u{FEFF}u1\tyes  no\r\n\n u2 no \n", file: "t")
        #expect(set.transcripts == [Transcript(id: "u1", words: ["yes", "no"]), Transcript(id: "u2", words: ["no"])])
    }

    @Test func kaldiTextReportsEveryDuplicateWithItsLines() throws {
        let error = #expect(throws: TranscriptError.self) {
            try TranscriptSet.parse("a x\nb y\na z\n\nb w\n", file: "text")
        }
        #expect(error?.problems == [TranscriptProblem(line: 3, kind: .duplicateID(id: "a", firstLine: 1)),
                                    TranscriptProblem(line: 5, kind: .duplicateID(id: "b", firstLine: 2))])
        #expect(error?.description == """
            text:3: utterance id "a" appears again (first on line 1); ids must be unique
            text:5: utterance id "b" appears again (first on line 2); ids must be unique
            """)
    }

    @Test func transcriptsToWriteAreChecked() {
        let error = #expect(throws: TranscriptError.self) {
            try TranscriptSet([Transcript(id: "", words: ["x"]), Transcript(id: "a b", words: []),
                               Transcript(id: "c", words: ["two words"]), Transcript(id: "c", words: [""])])
        }
        #expect(error?.problems == [
            TranscriptProblem(line: 1, kind: .emptyID),
            TranscriptProblem(line: 2, kind: .whitespaceInToken(field: "utterance id", value: "a b")),
            TranscriptProblem(line: 3, kind: .whitespaceInToken(field: "word", value: "two words")),
            TranscriptProblem(line: 4, kind: .duplicateID(id: "c", firstLine: 3)),
            TranscriptProblem(line: 4, kind: .whitespaceInToken(field: "word", value: "")),
        ])
    }

    @Test func unreadableFilesAreTypedErrors() throws {
        let folder = try TemporaryFolder()
        let missing = folder.file("none").path
        #expect(throws: TranscriptError(file: missing, .access(.fileNotFound(file: missing)))) {
            try TranscriptSet.read(path: missing)
        }
        let binary = try folder.write([0x61, 0x20, 0xFF, 0xFE, 0x0A], to: "binary").path
        #expect(throws: TranscriptError(file: binary, .notText)) { try CTMFile.read(path: binary) }
        #expect(throws: TranscriptError.self) { try TranscriptSet([]).write(to: folder.file("no/such/folder/text").path) }
    }

    @Test func ctmRoundTripsAndSkipsComments() throws {
        let folder = try TemporaryFolder()
        let words = [TimedWord(utterance: "u1", start: 0.125, duration: 0.4, word: "seven"),
                     TimedWord(utterance: "u1", start: 0.6, duration: 0.35, word: "three", confidence: 0.92)]
        let path = folder.file("words.ctm").path
        try CTMFile.write(words, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "u1 1 0.125 0.400 seven\nu1 1 0.600 0.350 three 0.9200\n")
        #expect(try CTMFile.read(path: path) == words)
        let parsed = try CTMFile.parse(";; a NIST comment\n\nu2 A 1.5 0.25 oh\n", file: "c")
        #expect(parsed == [TimedWord(utterance: "u2", channel: "A", start: 1.5, duration: 0.25, word: "oh")])
    }

    @Test func ctmReportsEveryBadLine() {
        let error = #expect(throws: TranscriptError.self) {
            try CTMFile.parse("u1 1 0.1 0.2\nu1 1 x 0.2 w\nu1 1 0.1 -0.2 w\nu1 1 0.1 0.2 w 1.5\nu1 1 nan 0.2 w\nu1 1 0.1 0.2 w\n", file: "w.ctm")
        }
        #expect(error?.problems.map(\.line) == [1, 2, 3, 4, 5])
        #expect(error?.problems[1].kind == .badNumber(field: "start", value: "x", reason: "is not a number"))
        #expect(error?.description.hasPrefix("w.ctm:1: 4 field(s); expected 5 or 6") == true)
        #expect(throws: TranscriptError.self) {
            try CTMFile.text([TimedWord(utterance: "u", start: -1, duration: 0.1, word: "w")])
        }
        #expect(throws: TranscriptError.self) {
            try CTMFile.text([TimedWord(utterance: "u", start: 0, duration: 0.1, word: "two words")])
        }
    }

    /// Praat's long text format, gaps filled with empty intervals, quotes doubled.
    @Test func textGridInPraatsLongFormat() throws {
        let words = [TimedWord(utterance: "u", start: 0.25, duration: 0.5, word: "yes"),
                     TimedWord(utterance: "u", start: 0.75, duration: 0.25, word: "say \"no\"")]
        let grid = TextGrid(end: 1.5, tiers: [TextGrid.Tier(name: "words", words: words),
                                              TextGrid.Tier(name: "phones", intervals: [])])
        #expect(try grid.text() == #"""
            File type = "ooTextFile"
            Object class = "TextGrid"

            xmin = 0 
            xmax = 1.5 
            tiers? <exists> 
            size = 2 
            item []: 
                item [1]:
                    class = "IntervalTier" 
                    name = "words" 
                    xmin = 0 
                    xmax = 1.5 
                    intervals: size = 4 
                    intervals [1]:
                        xmin = 0 
                        xmax = 0.25 
                        text = "" 
                    intervals [2]:
                        xmin = 0.25 
                        xmax = 0.75 
                        text = "yes" 
                    intervals [3]:
                        xmin = 0.75 
                        xmax = 1 
                        text = "say ""no""" 
                    intervals [4]:
                        xmin = 1 
                        xmax = 1.5 
                        text = "" 
                item [2]:
                    class = "IntervalTier" 
                    name = "phones" 
                    xmin = 0 
                    xmax = 1.5 
                    intervals: size = 1 
                    intervals [1]:
                        xmin = 0 
                        xmax = 1.5 
                        text = "" 

            """#)
    }

    @Test func textGridRefusesBadIntervals() {
        let grid = TextGrid(end: 1, tiers: [TextGrid.Tier(name: "w", intervals: [
            TextGrid.Interval(start: 0, end: 0.5, text: "a"), TextGrid.Interval(start: 0.4, end: 0.6, text: "b"),
            TextGrid.Interval(start: 0.7, end: 0.7, text: "c"), TextGrid.Interval(start: 0.8, end: 1.2, text: "d"),
        ])])
        let error = #expect(throws: TranscriptError.self) { try grid.text() }
        #expect(error?.problems.count == 3)
        #expect(throws: TranscriptError.self) { try TextGrid(end: 0, tiers: []).text() }
    }
}
