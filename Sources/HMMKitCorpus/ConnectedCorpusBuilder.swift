#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitAudio
import HMMKitFileSystem
import HMMKitNumerics
import HMMKitTranscripts
import RealModule

/// One utterance a ``ConnectedCorpusBuilder`` made.
public struct ConnectedUtterance: Sendable, Equatable {
    /// The utterance id, `<speaker>-<number>` (numbered from 1, zero-padded to at least 4 digits,
    /// so that Kaldi's sorted order keeps each speaker's utterances together).
    public var id: String
    /// The speaker whose recordings were joined.
    public var speaker: String
    /// The words with the true time each occupies: exactly the samples of its source recording
    /// (which may hold some silence of its own at either end), or with
    /// ``ConnectedCorpusOptions/trimming`` the samples of its speech.
    public var words: [TimedWord]
    /// The isolated recordings joined, one per word, in order.
    public var sources: [URL]
    /// The audio file written.
    public var file: URL
    /// The utterance's length in seconds.
    public var duration: Double

    /// The utterance's transcript (its words, in order).
    public var transcript: Transcript { Transcript(id: id, words: words.map(\.word)) }
}

/// What ``ConnectedCorpusBuilder/build(from:into:)`` wrote.
public struct ConnectedCorpus: Sendable, Equatable {
    /// The output folder.
    public var folder: URL
    /// The utterances, speaker by speaker (speakers in natural order).
    public var utterances: [ConnectedUtterance]
    /// The audio files' sample rate, hertz.
    public var sampleRate: Double
    /// Samples clipped to full scale when writing (only with level jitter, or recordings that
    /// were already at full scale).
    public var clippedSampleCount: Int

    /// The files written beside the audio (`wav/<id>.wav`), by name.
    public static let textFile = "text", waveScriptFile = "wav.scp", speakerFile = "utt2spk",
                      manifestFile = "manifest.tsv", wordTimesFile = "words.ctm", audioFolder = "wav",
                      textGridFolder = "textgrid"

    /// The Kaldi `text` file: `<id> word word …`.
    public var text: URL { folder.appendingPathComponent(Self.textFile) }
    /// The Kaldi `wav.scp` file: `<id> <absolute path of the audio>`.
    public var waveScript: URL { folder.appendingPathComponent(Self.waveScriptFile) }
    /// The Kaldi `utt2spk` file: `<id> <speaker>`.
    public var speakerMap: URL { folder.appendingPathComponent(Self.speakerFile) }
    /// A manifest HMMKit's corpus readers accept (``CorpusSource/manifest(file:delimiter:)``):
    /// tab-separated `path transcript speaker` with a header line, paths relative to the folder,
    /// the transcript's words separated by spaces.
    public var manifest: URL { folder.appendingPathComponent(Self.manifestFile) }
    /// The true word boundaries, CTM (``/HMMKitTranscripts/CTMFile``), times to the microsecond.
    public var wordTimes: URL { folder.appendingPathComponent(Self.wordTimesFile) }
}

/// Makes a connected-word corpus from an isolated-word one: utterances that join recordings of
/// one speaker with pauses between them, written as audio files, Kaldi `text`, `wav.scp` and
/// `utt2spk`, a manifest, and the true word boundaries as CTM.
///
/// For each speaker (in natural order) and each of ``ConnectedCorpusOptions/utterancesPerSpeaker``
/// utterances: a word count drawn from ``ConnectedCorpusOptions/wordCounts``; that many of the
/// speaker's recordings drawn uniformly with replacement; a pause before, between and after the
/// words (``ConnectedCorpusOptions/edgePauseMilliseconds``, ``ConnectedCorpusOptions/pauseMilliseconds``,
/// whole samples), filled as ``ConnectedCorpusOptions/pauseFill`` says; each word's level changed by
/// the jitter. The recordings' samples are copied unchanged otherwise, so a 16-bit input and a
/// 16-bit output without jitter keep every word's samples bit for bit. With
/// ``ConnectedCorpusOptions/trimming``, each recording is first cut to its speech.
///
/// ```swift
/// let corpus = try LabelledCorpus.load(path: "/data/fsdd/recordings")
/// let builder = try ConnectedCorpusBuilder(options: ConnectedCorpusOptions(utterancesPerSpeaker: 50, seed: 7))
/// let connected = try builder.build(from: corpus, into: URL(fileURLWithPath: "connected"))
/// ```
public struct ConnectedCorpusBuilder: Sendable {
    /// The options, checked.
    public let options: ConnectedCorpusOptions

    /// A builder with `options`.
    /// - Throws: ``ConnectedCorpusError/invalidOption(name:value:expected:)``.
    public init(options: ConnectedCorpusOptions = ConnectedCorpusOptions()) throws(ConnectedCorpusError) {
        try options.validate()
        self.options = options
    }

    /// Builds the utterances of every speaker of `corpus` into `folder` (created if missing;
    /// files of the same names are replaced, each atomically).
    ///
    /// - Throws: ``ConnectedCorpusError``: an empty corpus, recordings without a speaker, a label
    ///   or speaker that cannot be a word or id, mixed sample rates without
    ///   ``ConnectedCorpusOptions/sampleRate`` (all found before anything is written); then a
    ///   recording that cannot be read or resampled, or an output that cannot be written.
    public func build(from corpus: LabelledCorpus, into folder: URL) throws(ConnectedCorpusError) -> ConnectedCorpus {
        let entries = corpus.entries
        guard !entries.isEmpty else { throw .emptyCorpus(corpus: corpus.origin) }
        let unnamed = entries.filter { $0.speaker == nil }.map(\.path)
        if !unnamed.isEmpty { throw .noSpeaker(files: unnamed) }
        for entry in entries {
            if !Self.isUsableName(entry.label) { throw .unusableName(file: entry.path, field: "label", value: entry.label) }
            if !Self.isUsableName(entry.speaker!) { throw .unusableName(file: entry.path, field: "speaker", value: entry.speaker!) }
        }
        let rate = try outputRate(of: entries)

        let folderPath = folder.path(percentEncoded: false)
        let audioFolder = folder.appendingPathComponent(ConnectedCorpus.audioFolder)
        let textGridFolder = folder.appendingPathComponent(ConnectedCorpus.textGridFolder)
        for made in [audioFolder] + (options.writesTextGrids ? [textGridFolder] : []) {
            if let reason = FileSystem.createFolders(made.path(percentEncoded: false)) {
                throw .cannotCreateFolder(path: folderPath, reason: reason)
            }
        }
        let bySpeaker = Dictionary(grouping: entries, by: { $0.speaker! })
        let digits = max(4, String(options.utterancesPerSpeaker).count)
        var utterances: [ConnectedUtterance] = []
        var clipped = 0
        for speaker in corpus.speakers {
            var generator = SplitMix64(seed: options.seed ^ Self.stableHash(speaker))
            var decoded: [Int: [Double]] = [:]
            let recordings = bySpeaker[speaker]!
            for number in 1...options.utterancesPerSpeaker {
                let paddedNumber = String(number)
                let id = "\(speaker)-" + String(repeating: "0", count: max(0, digits - paddedNumber.count)) + paddedNumber
                let plan = plan(recordingCount: recordings.count, sampleRate: rate, using: &generator)
                var samples: [Double] = []
                var words: [TimedWord] = []
                for (position, choice) in plan.choices.enumerated() {
                    appendPause(plan.pauses[position], to: &samples, using: &generator)
                    let recording = recordings[choice]
                    let source: [Double]
                    if let known = decoded[choice] {
                        source = known
                    } else {
                        source = try load(recording, at: rate)
                        decoded[choice] = source
                    }
                    words.append(TimedWord(utterance: id, start: Double(samples.count) / rate,
                                           duration: Double(source.count) / rate, word: recording.label))
                    let gain = plan.gains[position]
                    if gain == 1 { samples += source } else { samples += source.map { $0 * gain } }
                }
                appendPause(plan.pauses[plan.choices.count], to: &samples, using: &generator)
                let file = audioFolder.appendingPathComponent("\(id).wav")
                do {
                    clipped += try AudioFileWriter.write(AudioSignal(samples: samples, sampleRate: rate), to: file,
                                                         format: options.audioFormat).clippedSampleCount
                } catch {
                    throw .audio(error)
                }
                if options.writesTextGrids {
                    let grid = TextGrid(end: Double(samples.count) / rate, tiers: [TextGrid.Tier(name: "words", words: words)])
                    do {
                        try grid.write(to: textGridFolder.appendingPathComponent("\(id).TextGrid").path(percentEncoded: false))
                    } catch {
                        throw .transcripts(error)
                    }
                }
                utterances.append(ConnectedUtterance(id: id, speaker: speaker, words: words,
                                                     sources: plan.choices.map { recordings[$0].url }, file: file,
                                                     duration: Double(samples.count) / rate))
            }
        }
        let connected = ConnectedCorpus(folder: folder, utterances: utterances, sampleRate: rate, clippedSampleCount: clipped)
        try writeLists(of: connected)
        return connected
    }

    /// The random choices of one utterance: which recordings, the pauses around them (in
    /// samples; one more than the words), each word's gain.
    private struct Plan {
        var choices: [Int] = []
        var pauses: [Int] = []
        var gains: [Double] = []
    }

    private func plan(recordingCount: Int, sampleRate: Double, using generator: inout SplitMix64) -> Plan {
        func samples(_ milliseconds: ClosedRange<Double>) -> ClosedRange<Int> {
            Int((milliseconds.lowerBound * sampleRate / 1000).rounded())...Int((milliseconds.upperBound * sampleRate / 1000).rounded())
        }
        let inner = samples(options.pauseMilliseconds), edge = samples(options.edgePauseMilliseconds)
        var plan = Plan()
        let count = Self.uniform(in: options.wordCounts, using: &generator)
        for position in 0..<count {
            plan.choices.append(Self.uniform(in: 0...(recordingCount - 1), using: &generator))
            plan.pauses.append(Self.uniform(in: position == 0 ? edge : inner, using: &generator))
            let jitter = options.levelJitterDecibels
            plan.gains.append(jitter == 0 ? 1 : Self.gain(decibels: jitter * (2 * Self.unitInterval(using: &generator) - 1)))
        }
        plan.pauses.append(Self.uniform(in: edge, using: &generator))
        return plan
    }

    /// Appends `count` samples of the pause fill.
    private func appendPause(_ count: Int, to samples: inout [Double], using generator: inout SplitMix64) {
        switch options.pauseFill {
        case .silence:
            samples.append(contentsOf: repeatElement(0, count: count))
        case .noise(let level):
            let deviation = Self.gain(decibels: level)
            samples.reserveCapacity(samples.count + count)
            for _ in 0..<count { samples.append(deviation * Self.standardNormal(using: &generator)) }
        }
    }

    /// The one sample rate of `entries`, or the chosen output rate.
    private func outputRate(of entries: [CorpusEntry]) throws(ConnectedCorpusError) -> Double {
        if let rate = options.sampleRate { return rate }
        var first: (file: String, rate: Double)?
        for entry in entries {
            let rate: Double
            if let known = entry.sampleRate {
                rate = known
            } else {
                do { rate = try AudioDecoder.info(url: entry.url).sampleRate } catch { throw .audio(error) }
            }
            guard let reference = first else { first = (entry.path, rate); continue }
            if rate != reference.rate {
                throw .mixedSampleRates(file: reference.file, rate: reference.rate, otherFile: entry.path, otherRate: rate)
            }
        }
        return first!.rate
    }

    /// The samples of `entry` at `rate` (full scale 1), cut to the speech with trimming.
    private func load(_ entry: CorpusEntry, at rate: Double) throws(ConnectedCorpusError) -> [Double] {
        let signal: AudioSignal
        do { signal = try AudioDecoder.read(url: entry.url) } catch { throw .audio(error) }
        var samples = signal.samples
        if signal.sampleRate != rate {
            do {
                samples = try Resampler().resample(signal, to: rate).samples
            } catch {
                throw .resampling(file: entry.path, error)
            }
        }
        guard let trimming = options.trimming else { return samples }
        let speech = trimming.speechRange(of: samples, sampleRate: rate)
        return speech.count == samples.count ? samples : Array(samples[speech])
    }

    /// Writes `text`, `wav.scp`, `utt2spk`, the manifest and the CTM of `corpus`.
    private func writeLists(of corpus: ConnectedCorpus) throws(ConnectedCorpusError) {
        let utterances = corpus.utterances
        do {
            try TranscriptSet(utterances.map(\.transcript)).write(to: corpus.text.path(percentEncoded: false))
            try CTMFile.write(utterances.flatMap(\.words), to: corpus.wordTimes.path(percentEncoded: false), decimals: 6)
        } catch {
            throw .transcripts(error)
        }
        let relative = { (utterance: ConnectedUtterance) in "\(ConnectedCorpus.audioFolder)/\(utterance.file.lastPathComponent)" }
        let lists: [(URL, String)] = [
            (corpus.waveScript, utterances.map { "\($0.id) \($0.file.path(percentEncoded: false))\n" }.joined()),
            (corpus.speakerMap, utterances.map { "\($0.id) \($0.speaker)\n" }.joined()),
            (corpus.manifest, "path\ttranscript\tspeaker\n"
                + utterances.map { "\(relative($0))\t\($0.transcript.words.joined(separator: " "))\t\($0.speaker)\n" }.joined()),
        ]
        for (url, text) in lists {
            do {
                try AtomicFile.write(Array(text.utf8), to: url)
            } catch {
                throw .transcripts(TranscriptError(file: error.file, .access(error)))
            }
        }
    }

    /// Whether `name` can be a transcript word and part of an utterance id and file name.
    static func isUsableName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains(where: { $0.isWhitespace || $0 == "/" })
    }

    /// 10^(decibels / 20).
    static func gain(decibels: Double) -> Double { Double.pow(10, decibels / 20) }

    /// A whole number drawn uniformly from `range` (Lemire's multiply-and-reject, written out here
    /// rather than `Int.random(in:using:)`, whose algorithm the standard library may change, so
    /// that a seed gives the same corpus with every toolchain).
    static func uniform(in range: ClosedRange<Int>, using generator: inout SplitMix64) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(bitPattern: UInt(generator.next())) }  // the whole of Int
        let threshold = (0 &- span) % span
        while true {
            let (high, low) = generator.next().multipliedFullWidth(by: span)
            if low >= threshold { return range.lowerBound + Int(high) }
        }
    }

    /// A number drawn uniformly from [0, 1), in steps of 2⁻⁵³.
    static func unitInterval(using generator: inout SplitMix64) -> Double { Double(generator.next() >> 11) * 0x1p-53 }

    /// A standard normal deviate (Box–Muller, one of the pair), from 2 draws of `generator`.
    static func standardNormal(using generator: inout SplitMix64) -> Double {
        let u = (Double(generator.next() >> 11) + 0.5) * 0x1p-53  // in (0, 1), never 0
        let v = unitInterval(using: &generator)
        return (-2 * Double.log(u)).squareRoot() * Double.cos(2 * Double.pi * v)
    }

    /// FNV-1a of the UTF-8 bytes of `text`: the same on every platform and run (unlike `hashValue`).
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
