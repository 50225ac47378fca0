import Foundation
import HMMKitAudio
import HMMKitCorpus
import HMMKitTestSupport
import HMMKitTranscripts
import Testing

/// A recording at 8 kHz: `segments` of uniform noise (`level` dB relative to a floor of ±0.001)
/// or of a 440 Hz tone of amplitude 0.3, one after another, from a seeded generator.
private func recording(_ segments: [(length: Int, level: Double?)], seed: UInt64 = 1) -> [Double] {
    var generator = SeededGenerator(seed: seed)
    var samples: [Double] = []
    for (length, level) in segments {
        let start = samples.count
        for k in 0..<length {
            if let level {
                let amplitude = 0.001 * Foundation.pow(10, level / 20)
                samples.append(amplitude * (2 * Double(generator.next() >> 11) * 0x1p-53 - 1))
            } else {
                samples.append(0.3 * Foundation.cos(2 * Double.pi * 440 * Double(start + k) / 8000))
            }
        }
    }
    return samples
}

@Suite("Speech trimming")
struct SpeechTrimmingTests {
    /// Floor noise, a breath 5 dB above it (below the 10 dB continuation level: cut), a
    /// "fricative" 15 dB above it (continues the speech: kept), a loud tone (the seed), floor
    /// noise. The extent found starts at the fricative and ends at the tone, each widened by the
    /// 10 ms margin (80 samples); a window straddling a change is counted with the louder side
    /// when enough of it is loud, so each edge is exact to one window (80 samples).
    @Test func keepsTheWeakOnsetAndCutsTheBreathAndTheTail() {
        let samples = recording([(1600, 0), (800, 5), (800, 15), (2400, nil), (1600, 0)])
        let trimming = SpeechTrimming()
        let speech = trimming.speechRange(of: samples, sampleRate: 8000)
        #expect(abs(speech.lowerBound - (2400 - 80)) <= 80, "\(speech)")
        #expect(abs(speech.upperBound - (5600 + 80)) <= 80, "\(speech)")
        var wide = trimming
        wide.aboveFloorDecibels = 3  // now the breath continues the speech too
        #expect(abs(wide.speechRange(of: samples, sampleRate: 8000).lowerBound - (1600 - 80)) <= 80)
        var narrow = trimming
        narrow.aboveFloorDecibels = 20  // and now the fricative does not
        #expect(abs(narrow.speechRange(of: samples, sampleRate: 8000).lowerBound - (3200 - 80)) <= 80)
    }

    /// A noisy recording, its "speech" only 16 dB above the floor (as some of FSDD's are): the
    /// continuation level is halfway, 8 dB above the floor, and the lead-in and tail are cut.
    @Test func trimsANoisyRecordingAtHalfItsRange() {
        let samples = recording([(1600, 0), (2400, 16), (1600, 0)])
        let speech = SpeechTrimming().speechRange(of: samples, sampleRate: 8000)
        #expect(abs(speech.lowerBound - (1600 - 80)) <= 80, "\(speech)")
        #expect(abs(speech.upperBound - (4000 + 80)) <= 80, "\(speech)")
    }

    /// Nothing stands out (noise only, digital silence), or the recording is shorter than one
    /// window: the whole recording is kept. A tone filling the recording is kept whole too.
    @Test func keepsRecordingsWithoutAQuietPartWhole() {
        let trimming = SpeechTrimming()
        for samples in [recording([(4000, 0)]), [Double](repeating: 0, count: 4000), recording([(50, nil)]),
                        recording([(3000, nil)]), []] {
            #expect(trimming.speechRange(of: samples, sampleRate: 8000) == 0..<samples.count)
        }
    }

    @Test func badOptionsAreRefused() {
        var bad = SpeechTrimming()
        bad.marginMilliseconds = .nan
        #expect(throws: ConnectedCorpusError.invalidOption(name: "trim margin (ms)", value: "nan", expected: "0.0…1000.0")) {
            try ConnectedCorpusBuilder(options: ConnectedCorpusOptions(trimming: bad))
        }
        bad = SpeechTrimming(windowMilliseconds: 0)
        #expect(throws: ConnectedCorpusError.self) { try bad.validate() }
    }

    /// With trimming, each word of a built utterance is exactly its recording's speech: its
    /// samples at its CTM times are the trimmed samples, and the CTM's durations are theirs.
    @Test func builtWordsAreTheSpeechOfTheirRecordings() throws {
        let folder = try TemporaryFolder()
        var entries: [CorpusEntry] = []
        for (index, lead) in [400, 1200, 2000].enumerated() {
            let url = folder.file("one_ann_\(index).wav")
            let samples = recording([(lead, 0), (1600 + 400 * index, nil), (2400 - lead, 0)], seed: UInt64(index))
            try AudioFileWriter.write(AudioSignal(samples: samples, sampleRate: 8000), to: url)
            entries.append(CorpusEntry(url: url, label: "one", speaker: "ann"))
        }
        let trimming = SpeechTrimming()
        let output = try TemporaryFolder()
        let built = try ConnectedCorpusBuilder(options: ConnectedCorpusOptions(utterancesPerSpeaker: 5, pauseFill: .silence,
                                                                              seed: 3, trimming: trimming))
            .build(from: LabelledCorpus(entries: entries, origin: folder.url.path), into: output.url)
        #expect(try CTMFile.read(path: built.wordTimes.path) == built.utterances.flatMap(\.words))
        for utterance in built.utterances {
            let audio = try AudioDecoder.read(url: utterance.file).samples
            for (word, source) in zip(utterance.words, utterance.sources) {
                let whole = try AudioDecoder.read(url: source).samples
                let speech = Array(whole[trimming.speechRange(of: whole, sampleRate: 8000)])
                #expect(speech.count < whole.count)
                let start = Int((word.start * 8000).rounded()), length = Int((word.duration * 8000).rounded())
                #expect(length == speech.count)
                #expect(Array(audio[start..<(start + length)]) == speech, "\(utterance.id)")
            }
        }
    }
}
