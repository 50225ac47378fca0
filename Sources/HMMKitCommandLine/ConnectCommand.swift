import ArgumentParser
import Foundation
import HMMKit

/// `hmmkit connect CORPUS --output DIR`: connected-word utterances made from an isolated-word
/// corpus (``ConnectedCorpusBuilder``).
struct ConnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Make connected-word utterances (e.g. digit strings) by joining one speaker's isolated recordings.",
        discussion: """
            For each speaker, --per-speaker utterances of --words words each: recordings of that speaker drawn \
            with replacement, joined with pauses of --pause ms (and --edge-pause ms before and after) filled with \
            noise at --noise-dbfs (or --silence); with --trim-silence each recording is first cut to its speech. Writes DIR/wav/<speaker>-<n>.wav, DIR/text, wav.scp, utt2spk \
            (Kaldi), DIR/manifest.tsv (path, transcript, speaker) and the true word times DIR/words.ctm. \
            The same corpus, options and --seed give the same bytes. Example: hmmkit connect recordings/ \
            --output connected --per-speaker 50 --words 2-7 --seed 1. Exit codes: 0 written, 1 bad corpus or \
            audio, 64 bad usage.
            """)

    @OptionGroup var corpus: CorpusOptions
    @Option(help: "The output folder (created if missing).")
    var output: String
    @Option(help: "Utterances per speaker.")
    var perSpeaker: Int = ConnectedCorpusOptions().utterancesPerSpeaker
    @Option(help: "Words per utterance: N or MIN-MAX.")
    var words: String = "2-7"
    @Option(help: "Pause between words in milliseconds: MS or MIN-MAX.")
    var pause: String = "50-400"
    @Option(help: "Pause before the first and after the last word in milliseconds: MS or MIN-MAX.")
    var edgePause: String = "100-300"
    @Option(help: "Level of the white noise that fills the pauses, dB below full scale (RMS).")
    var noiseDbfs: Double = -60
    @Flag(help: "Fill the pauses with digital silence instead of noise.")
    var silence = false
    @Option(help: "Change each word's level by a random gain within ±this many dB (0 = off).")
    var jitterDb: Double = 0
    @Option(help: "Output sample rate in Hz (recordings at other rates are resampled); default: the recordings' one rate.")
    var sampleRate: Double?
    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 0
    @Flag(help: "Cut each recording's leading and trailing non-speech (frame energy relative to its own floor and peak) before joining, so words.ctm holds the speech's times.")
    var trimSilence = false
    @Option(help: "With --trim-silence: milliseconds kept beyond the speech found, at each end.")
    var trimMargin: Double = SpeechTrimming().marginMilliseconds
    @Flag(help: "Also write each utterance's word boundaries as a Praat TextGrid in OUTPUT/textgrid/.")
    var textgrids = false
    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    /// `text` as a range: `N` or `MIN-MAX`.
    private static func range<Bound: Comparable & LosslessStringConvertible>(_ text: String, _ option: String) throws -> ClosedRange<Bound> {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let low = Bound(parts[0]), let high = parts.count == 2 ? Bound(parts[1]) : low else {
            throw ValidationError("\(option): cannot read \"\(text)\"; give N or MIN-MAX")
        }
        guard low <= high else { throw ValidationError("\(option): \(low) is more than \(high); give MIN-MAX") }
        return low...high
    }

    /// The builder's options, from the command's.
    private var options: ConnectedCorpusOptions {
        get throws {
            ConnectedCorpusOptions(utterancesPerSpeaker: perSpeaker, wordCounts: try Self.range(words, "--words"),
                                   pauseMilliseconds: try Self.range(pause, "--pause"),
                                   edgePauseMilliseconds: try Self.range(edgePause, "--edge-pause"),
                                   pauseFill: silence ? .silence : .noise(levelDecibels: noiseDbfs),
                                   levelJitterDecibels: jitterDb, sampleRate: sampleRate, seed: seed,
                                   writesTextGrids: textgrids,
                                   trimming: trimSilence ? SpeechTrimming(marginMilliseconds: trimMargin) : nil)
        }
    }

    func validate() throws {
        if !trimSilence && trimMargin != SpeechTrimming().marginMilliseconds {
            throw ValidationError("--trim-margin needs --trim-silence")
        }
        let options = try self.options
        do {
            try options.validate()
        } catch {
            throw ValidationError(error.description)
        }
        if FileManager.default.fileExists(atPath: output) && !FileManager.default.isFolder(output) {
            throw ValidationError("--output \(output) exists and is not a folder; name a folder (created if missing)")
        }
    }

    func run() throws {
        let builder = try ConnectedCorpusBuilder(options: options)
        let source = try corpus.load(minimumLabels: 1)
        let connected = try builder.build(from: source, into: URL(fileURLWithPath: output))
        let summary = ConnectionSummary(connected, corpus: corpus.corpus)
        if json {
            try Terminal.printJSON(summary)
        } else {
            print("\(summary.utterances) utterances (\(summary.words) words, \(String(format: "%.1f", summary.seconds)) s) "
                  + "of \(summary.speakers) speaker(s) at \(Int(connected.sampleRate)) Hz in \(output): "
                  + "text, wav.scp, utt2spk, manifest.tsv, words.ctm, wav/" + (textgrids ? ", textgrid/" : ""))
        }
        if connected.clippedSampleCount > 0 {
            Terminal.warn("\(connected.clippedSampleCount) sample(s) clipped at full scale; lower --jitter-db")
        }
    }
}

/// `hmmkit connect --json`.
struct ConnectionSummary: Encodable {
    let corpus: String
    let folder: String
    let utterances: Int
    let words: Int
    let speakers: Int
    let seconds: Double
    let sampleRate: Double
    let clippedSamples: Int

    init(_ connected: ConnectedCorpus, corpus: String) {
        self.corpus = corpus
        folder = connected.folder.path
        utterances = connected.utterances.count
        words = connected.utterances.reduce(0) { $0 + $1.words.count }
        speakers = Set(connected.utterances.map(\.speaker)).count
        seconds = connected.utterances.reduce(0) { $0 + $1.duration }
        sampleRate = connected.sampleRate
        clippedSamples = connected.clippedSampleCount
    }
}
