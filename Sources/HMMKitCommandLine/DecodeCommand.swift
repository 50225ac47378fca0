import ArgumentParser
import Foundation
import HMMKit

/// `hmmkit decode`: connected-word recognition of audio files with a recognizer's word models
/// and a word loop, a fixed word count or a JSGF grammar.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Decode word sequences in audio files with a recognizer and a grammar.",
        discussion: """
            The words may follow a loop (--loop: any sequence of the recognizer's labels), a fixed count (--words N) or a JSGF \
            grammar (--grammar G.jsgf: alternatives |, groups ( ), optional [ ], rule references <r>); optional silence may come \
            before, between and after the words (--silence). Prints `file  words` per file, with --times a CTM line per word \
            (`file 1 start duration word`), or --json. As in `recognize`, files of an unknown voice (no speaker, or a speaker \
            whose files hold fewer frames than the recognizer's unknown-voice threshold) are decoded with its unknown-voice \
            models, when it has them; --json says which (`unknownVoice`). The others go through the recognizer's speaker \
            machinery as in `recognize`: per-speaker normalisation, VTLN (a warp per speaker by the best paths' scores) and \
            fMLLR adaptation (statistics from a first pass's words), when the recognizer has them. Each model set decodes \
            with its own insertion penalty and grammar scale (set by `hmmkit train --insertion-penalty` and \
            --unknown-voice-insertion-penalty; 0 and 1 by default) unless --penalty or --grammar-scale gives one for both. \
            With --nbest N (above 1), each file's N best distinct word sequences are printed best first, one line each: \
            `file  rank  score  words` (score: the path's total natural-log score); --json adds them as `nBest`, and \
            --times writes the best one's CTM. \
            \(recognizerExitCodes)
            """)

    @Argument(help: "The recognizer file (from `hmmkit train`).")
    var recognizer: String
    @Argument(help: "Audio files.")
    var files: [String]
    @Flag(help: "Any sequence of the recognizer's words (see --min-words, --max-words).")
    var loop = false
    @Option(help: "Exactly this many words.")
    var words: Int?
    @Option(help: ArgumentHelp("A JSGF grammar file; its first public rule is decoded unless --rule names another.", valueName: "file"))
    var grammar: String?
    @Option(help: "With --grammar: the public rule to decode.")
    var rule: String?
    @Option(help: "With --loop: the fewest words.")
    var minWords: Int = 1
    @Option(help: "With --loop: the most words (default: no limit).")
    var maxWords: Int?
    @Option(help: ArgumentHelp("Silence between and around words: word-edges (a model pooled from the word models' first and last states; a recognizer built from phones uses its silence phone) or none.",
                               valueName: "model"))
    var silence: SilenceModel = .wordEdges
    @Option(help: "Pruning beam (natural-log likelihood below the frame's best).")
    var beam: Double = DecoderOptions().beam
    @Option(help: "The most HMM states kept active per frame.")
    var maxActive: Int = DecoderOptions().maximumActiveStates
    @Option(help: "Added to the log score of each word (negative: fewer words); default: each model set's own, stored by train.")
    var penalty: Double?
    @Option(help: "Multiplies the grammar's log weights; default: each model set's own, stored by train.")
    var grammarScale: Double?
    @Option(name: [.customLong("nbest"), .customLong("n-best")],
            help: ArgumentHelp("Find the N best distinct word sequences per file (1: the best alone); --n-best as in recognize.", valueName: "N"))
    var nbest: Int = 1
    @Option(help: "The files' one speaker, when known: normalised together (else each file on its own).")
    var speaker: String?
    @Option(help: ArgumentHelp("""
        Where the files' speakers come from: none (the default without --speaker) or from-names (the speaker is the second \
        `_`-separated part of each file name).
        """, valueName: "mode"))
    var speakers: String?
    @Flag(help: "Name each file by its name without folder and extension (its Kaldi utterance id) instead of its path.")
    var names = false
    @Flag(help: "Print each word's times as CTM lines instead of one line per file.")
    var times = false
    @Flag(help: "Print JSON on stdout.")
    var json = false
    @OptionGroup var engine: EngineOptions

    /// The most words --words and --max-words accept: the network grows with the count.
    static let maximumWordCount = 1_000
    /// The most hypotheses --nbest accepts: the search keeps that many tokens per state.
    static let maximumNBest = 100

    /// The search options; the penalty and grammar scale are the flags', or the defaults when not given (each model set
    /// then takes its own, ``Recognizer/decoderOptions(_:insertionPenalty:grammarScale:)``).
    var options: DecoderOptions {
        let defaults = DecoderOptions()
        return DecoderOptions(beam: beam, maximumActiveStates: maxActive, insertionPenalty: penalty ?? defaults.insertionPenalty,
                              grammarScale: grammarScale ?? defaults.grammarScale, nBest: nbest)
    }

    func validate() throws {
        guard [loop, words != nil, grammar != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of --loop, --words N and --grammar FILE")
        }
        if let words { try OptionRange.check(words, in: 1...Self.maximumWordCount, "--words") }
        try OptionRange.check(nbest, in: 1...Self.maximumNBest, "--nbest")
        if !loop && (minWords != 1 || maxWords != nil) { throw ValidationError("--min-words and --max-words go with --loop") }
        if rule != nil && grammar == nil { throw ValidationError("--rule goes with --grammar") }
        try OptionRange.check(minWords, in: 0...Self.maximumWordCount, "--min-words")
        if let maxWords { try OptionRange.check(maxWords, in: max(minWords, 1)...Self.maximumWordCount, "--max-words") }
        let problems = options.problems()
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
        let mode = try SpeakerMode.parse(option: speakers) { "for the files' one speaker, use --speaker \($0)" }
        if mode == .fromManifest { throw ValidationError("--speakers from-manifest is for a manifest (evaluate, train); use from-names or none") }
        if mode != nil && speaker != nil { throw ValidationError("give --speaker NAME (one speaker for all files) or --speakers MODE, not both") }
    }

    /// A file's text output: `id  words`, or with n-best hypotheses one `id  rank  score  words` line each.
    static func lines(_ id: String, _ decoding: Decoding) -> String {
        guard let hypotheses = decoding.nBest else { return "\(id)\t\(decoding.transcript.joined(separator: " "))\n" }
        return hypotheses.enumerated().map { rank, hypothesis in
            "\(id)\t\(rank + 1)\t\(String(format: "%.4f", hypothesis.score))\t\(hypothesis.transcript.joined(separator: " "))\n"
        }.joined()
    }

    /// The network the options ask for over `vocabulary`, and how errors name it.
    func network(vocabulary: [String]) throws(GrammarError) -> (WordNetwork, String) {
        let network: WordNetwork, source: String
        if let grammar {
            network = try JSGFGrammar(contentsOfFile: grammar).network(root: rule)
            source = grammar
        } else if let words {
            network = .fixedLength(vocabulary: vocabulary, count: words)
            source = "--words \(words)"
        } else {
            network = .loop(vocabulary: vocabulary, minimumWords: minWords, maximumWords: maxWords)
            source = "--loop"
        }
        return (silence == .none ? network : network.withOptionalSilence(), source)
    }

    func run() throws {
        let urls = files.map { URL(fileURLWithPath: $0) }
        let mode = speaker == nil ? SpeakerMode(rawValue: speakers ?? "") ?? .anonymous : nil
        let speakerOfEach = urls.map { url in mode.map { $0.speaker(ofFile: url) } ?? speaker }
        let results: [Result<Decoding, DecodingError>]
        let used: DecoderOptions, usedUnknown: DecoderOptions?
        do {
            let model = try Recognizer.load(from: URL(fileURLWithPath: recognizer))
            let (network, source) = try network(vocabulary: model.labels)
            results = try model.decode(urls, speakers: speakerOfEach, network: network, silence: silence, options: options,
                                       insertionPenalty: penalty, grammarScale: grammarScale, source: source,
                                       threadCount: engine.threads)
            used = model.decoderOptions(options, insertionPenalty: penalty, grammarScale: grammarScale)
            usedUnknown = model.unknownVoiceRecognizer?.decoderOptions(options, insertionPenalty: penalty, grammarScale: grammarScale)
        } catch {
            throw CommandFailure.reported(error)
        }
        let ids = names ? urls.map { $0.deletingPathExtension().lastPathComponent } : files
        var failed = false
        var entries: [DecodingResults.Entry] = []
        var timed: [TimedWord] = []
        for (id, result) in zip(ids, results) {
            switch result {
            case .success(let decoding):
                entries.append(DecodingResults.Entry(file: id, decoding: decoding, error: nil))
                timed += decoding.words.map {
                    TimedWord(utterance: id, start: $0.startSeconds, duration: $0.endSeconds - $0.startSeconds, word: $0.word)
                }
                if !json && !times { print(Self.lines(id, decoding), terminator: "") }
            case .failure(let error):
                failed = true
                Terminal.error(CommandFailure.message(for: error))
                entries.append(DecodingResults.Entry(file: id, decoding: nil, error: CommandFailure.message(for: error)))
            }
        }
        if json { try Terminal.printJSON(DecodingResults(options: used, unknownVoiceOptions: usedUnknown, silence: silence,
                                                                 results: entries)) }
        if times && !json {
            // Boundaries lie at half milliseconds (frameBoundarySeconds), as align writes them.
            do { print(try CTMFile.text(timed, decimals: 4), terminator: "") } catch { throw CommandFailure.reported(error) }
        }
        if failed { throw ExitCode(1) }
    }
}

extension SilenceModel: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "none": self = .none
        case "word-edges": self = .wordEdges
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["word-edges", "none"] }
    public var defaultValueDescription: String { self == .none ? "none" : "word-edges" }
}

/// What `hmmkit decode --json` prints.
struct DecodingResults: Encodable {
    struct Entry: Encodable {
        var file: String
        var decoding: Decoding?
        var error: String?
    }
    /// The options the recognizer's own models decoded with.
    var options: DecoderOptions
    /// Those of its unknown-voice models, when it has them.
    var unknownVoiceOptions: DecoderOptions?
    var silence: SilenceModel
    var results: [Entry]
}
