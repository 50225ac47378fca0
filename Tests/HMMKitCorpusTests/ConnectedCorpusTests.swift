import Foundation
import HMMKitAudio
import HMMKitCorpus
import HMMKitTestSupport
import HMMKitTranscripts
import Testing

/// An isolated-word corpus of 16-bit WAVs whose samples tell the recordings apart: recording
/// `r` holds `(r · 7 + k) mod 2000 − 1000` (in 16-bit steps) at sample `k`, never all zeros.
private final class IsolatedWords {
    let folder: TemporaryFolder
    private(set) var entries: [CorpusEntry] = []

    init(speakers: [String] = ["ann", "bob"], labels: [String] = ["one", "two", "three"], takes: Int = 2,
         sampleRate: Double = 8000) throws {
        folder = try TemporaryFolder()
        var index = 0
        for speaker in speakers {
            for label in labels {
                for take in 0..<takes {
                    try add(label: label, speaker: speaker, name: "\(label)_\(speaker)_\(take).wav", index: index, sampleRate: sampleRate)
                    index += 1
                }
            }
        }
    }

    func add(label: String, speaker: String?, name: String, index: Int, sampleRate: Double = 8000) throws {
        let count = 800 + 160 * (index % 5)
        let samples = (0..<count).map { Double((index * 7 + $0) % 2000 - 1000) / 32768 }
        let url = folder.file(name)
        try AudioFileWriter.write(AudioSignal(samples: samples, sampleRate: sampleRate), to: url)
        entries.append(CorpusEntry(url: url, label: label, speaker: speaker))
    }

    var corpus: LabelledCorpus { LabelledCorpus(entries: entries, origin: folder.url.path) }
}

private func samples(_ url: URL) throws -> [Double] { try AudioDecoder.read(url: url).samples }

@Suite("Connected-word corpus builder")
struct ConnectedCorpusTests {
    /// The same corpus, options and seed give the same bytes in every file but `wav.scp` (which
    /// names the output folder); another seed gives other utterances.
    @Test func sameSeedSameBytes() throws {
        let words = try IsolatedWords()
        let options = ConnectedCorpusOptions(utterancesPerSpeaker: 6, levelJitterDecibels: 3, seed: 11)
        let first = try TemporaryFolder(), second = try TemporaryFolder(), third = try TemporaryFolder()
        let built = try ConnectedCorpusBuilder(options: options).build(from: words.corpus, into: first.url)
        _ = try ConnectedCorpusBuilder(options: options).build(from: words.corpus, into: second.url)
        var reseeded = options
        reseeded.seed = 12
        _ = try ConnectedCorpusBuilder(options: reseeded).build(from: words.corpus, into: third.url)
        let names = [ConnectedCorpus.textFile, ConnectedCorpus.speakerFile, ConnectedCorpus.manifestFile, ConnectedCorpus.wordTimesFile]
            + built.utterances.map { "wav/\($0.id).wav" }
        #expect(built.utterances.count == 12)
        var differs = false
        for name in names {
            let bytes = try Data(contentsOf: first.file(name))
            #expect(bytes == (try Data(contentsOf: second.file(name))), "\(name)")
            differs = differs || (try? Data(contentsOf: third.file(name))) != bytes
        }
        #expect(differs)
    }

    /// Every word's samples are its source recording's, bit for bit, at the CTM's times; the
    /// pauses and word counts lie in their ranges; the words are one speaker's.
    @Test func wordsSitAtTheirCTMTimesWithTheirOwnSamples() throws {
        let words = try IsolatedWords()
        let options = ConnectedCorpusOptions(utterancesPerSpeaker: 10, wordCounts: 2...4, pauseMilliseconds: 50...400,
                                             edgePauseMilliseconds: 100...300, pauseFill: .silence, seed: 5)
        let output = try TemporaryFolder()
        let built = try ConnectedCorpusBuilder(options: options).build(from: words.corpus, into: output.url)
        let timed = try CTMFile.read(path: built.wordTimes.path)
        #expect(timed == built.utterances.flatMap(\.words))
        let speakerOf = Dictionary(uniqueKeysWithValues: words.entries.map { ($0.url, $0.speaker!) })
        for utterance in built.utterances {
            let audio = try samples(utterance.file)
            #expect((2...4).contains(utterance.words.count))
            #expect(utterance.sources.allSatisfy { speakerOf[$0] == utterance.speaker })
            var cursor = 0
            for (word, source) in zip(utterance.words, utterance.sources) {
                let start = Int((word.start * 8000).rounded()), length = Int((word.duration * 8000).rounded())
                let pause = start - cursor
                let allowed = cursor == 0 ? 800...2400 : 400...3200  // 100…300 ms, 50…400 ms at 8 kHz
                #expect(allowed.contains(pause), "\(utterance.id): pause of \(pause) samples")
                #expect(audio[cursor..<start].allSatisfy { $0 == 0 })
                #expect(Array(audio[start..<(start + length)]) == (try samples(source)), "\(utterance.id) \(word.word)")
                cursor = start + length
            }
            #expect((800...2400).contains(audio.count - cursor))
            #expect(utterance.duration == Double(audio.count) / 8000)
        }
    }

    /// The manifest loads as a corpus of the utterances (transcripts as labels, speakers from
    /// its column), and `text` holds the same transcripts.
    @Test func outputsAreReadableByTheCorpusAndTranscriptReaders() throws {
        let words = try IsolatedWords()
        let output = try TemporaryFolder()
        let built = try ConnectedCorpusBuilder(options: ConnectedCorpusOptions(utterancesPerSpeaker: 4, seed: 2, writesTextGrids: true))
            .build(from: words.corpus, into: output.url)
        let corpus = try LabelledCorpus.load(path: built.manifest.path, options: CorpusLoadOptions(minimumLabelCount: 1))
        #expect(corpus.entries.map(\.label) == built.utterances.map { $0.transcript.words.joined(separator: " ") })
        #expect(corpus.entries.map(\.speaker) == built.utterances.map(\.speaker))
        #expect(corpus.entries.map(\.url.standardizedFileURL) == built.utterances.map(\.file.standardizedFileURL))
        let text = try TranscriptSet.read(path: built.text.path)
        #expect(text.transcripts == built.utterances.map(\.transcript))
        #expect(text.ids == ["ann-0001", "ann-0002", "ann-0003", "ann-0004", "bob-0001", "bob-0002", "bob-0003", "bob-0004"])
        for utterance in built.utterances {
            let grid = TextGrid(end: utterance.duration, tiers: [TextGrid.Tier(name: "words", words: utterance.words)])
            let written = try String(contentsOf: output.url.appendingPathComponent("textgrid/\(utterance.id).TextGrid"), encoding: .utf8)
            #expect(written == (try grid.text()))
        }
    }

    /// Pauses filled with noise at −40 dBFS have that RMS level: over ≥ 20,000 pause samples the
    /// RMS estimate's relative standard deviation is below 0.5 %, and 16-bit rounding adds
    /// 0.3 LSB² to 107 LSB², so 3 % is a safe bound.
    @Test func noiseFillHasItsLevel() throws {
        let words = try IsolatedWords()
        let output = try TemporaryFolder()
        let built = try ConnectedCorpusBuilder(options: ConnectedCorpusOptions(
            utterancesPerSpeaker: 10, pauseFill: .noise(levelDecibels: -40), seed: 9)).build(from: words.corpus, into: output.url)
        var sum = 0.0, count = 0
        for utterance in built.utterances {
            let audio = try samples(utterance.file)
            var cursor = 0
            for word in utterance.words + [TimedWord(utterance: "", start: utterance.duration, duration: 0, word: "")] {
                let start = Int((word.start * 8000).rounded())
                for sample in audio[cursor..<start] { sum += sample * sample }
                count += start - cursor
                cursor = start + Int((word.duration * 8000).rounded())
            }
        }
        #expect(count >= 20_000)
        let rms = (sum / Double(count)).squareRoot()
        #expect(abs(rms / 0.01 - 1) < 0.03, "RMS \(rms) over \(count) samples")
    }

    @Test func badCorporaAreRefusedBeforeAnythingIsWritten() throws {
        let builder = try ConnectedCorpusBuilder()
        let output = try TemporaryFolder()
        #expect(throws: ConnectedCorpusError.emptyCorpus(corpus: "none")) {
            try builder.build(from: LabelledCorpus(entries: [], origin: "none"), into: output.url)
        }
        let anonymous = try IsolatedWords()
        try anonymous.add(label: "one", speaker: nil, name: "x.wav", index: 99)
        #expect(throws: ConnectedCorpusError.noSpeaker(files: [anonymous.folder.file("x.wav").path])) {
            try builder.build(from: anonymous.corpus, into: output.url)
        }
        let spaced = try IsolatedWords(speakers: ["ann"], labels: ["new york"], takes: 1)
        #expect(throws: ConnectedCorpusError.unusableName(file: spaced.entries[0].path, field: "label", value: "new york")) {
            try builder.build(from: spaced.corpus, into: output.url)
        }
        let mixed = try IsolatedWords(speakers: ["ann"], takes: 1)
        try mixed.add(label: "two", speaker: "ann", name: "fast.wav", index: 7, sampleRate: 16000)
        #expect(throws: ConnectedCorpusError.mixedSampleRates(file: mixed.entries[0].path, rate: 8000,
                                                               otherFile: mixed.entries[3].path, otherRate: 16000)) {
            try builder.build(from: mixed.corpus, into: output.url)
        }
        #expect(try output.contents().isEmpty)
        // With an output rate the 16 kHz recording is resampled to 8 kHz: half as many samples.
        let resampled = try ConnectedCorpusBuilder(options: ConnectedCorpusOptions(utterancesPerSpeaker: 20, sampleRate: 8000))
            .build(from: mixed.corpus, into: output.url)
        let fast = try #require(resampled.utterances.lazy.flatMap { zip($0.words, $0.sources) }.first { $0.1.lastPathComponent == "fast.wav" })
        #expect(Int((fast.0.duration * 8000).rounded()) == (800 + 160 * 2) / 2)
    }

    @Test(arguments: [
        ConnectedCorpusOptions(utterancesPerSpeaker: 0),
        ConnectedCorpusOptions(wordCounts: 0...3),
        ConnectedCorpusOptions(pauseMilliseconds: -5...100),
        ConnectedCorpusOptions(edgePauseMilliseconds: 0...Double.infinity),
        ConnectedCorpusOptions(pauseFill: .noise(levelDecibels: -3)),
        ConnectedCorpusOptions(pauseFill: .noise(levelDecibels: .nan)),
        ConnectedCorpusOptions(levelJitterDecibels: 40),
        ConnectedCorpusOptions(sampleRate: 100),
    ])
    func optionsOutsideTheirRangesAreRefused(_ options: ConnectedCorpusOptions) {
        #expect(throws: ConnectedCorpusError.self) { try ConnectedCorpusBuilder(options: options) }
    }
}
