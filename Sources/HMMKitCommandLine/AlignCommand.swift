import ArgumentParser
import Foundation
import HMMKit
import HMMKitTranscripts

/// `hmmkit align`: forced alignment of labelled recordings with a recognizer built from phones.
struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align", abstract: "Forced alignment: word and phone boundaries of labelled recordings (phone-unit recognizers).",
        discussion: """
            Example: hmmkit align phones.json recordings/ --ctm words.ctm --phone-ctm phones.ctm --textgrids grids/
            Each recording's label is its transcript (through the recognizer's label words); the best path through \
            the transcript's phones (optional silence around words) gives its words' and phones' times, a boundary \
            between two frames halfway between their analysis windows' centres. The CTM's \
            utterance is the file name without its extension; its confidence column is left out, and the segments' \
            log-likelihoods go to --json. A recording that cannot be aligned (unreadable, too short for its \
            transcript, a word missing from the lexicon) is listed on stderr with the reason, and the command then \
            exits 1 after writing the others. \(recognizerExitCodes)
            """)

    @Argument(help: "The recognizer file (from `hmmkit train --units phone`).")
    var recognizer: String
    @OptionGroup var corpus: CorpusOptions
    @Option(help: "Write the words' times here (CTM).")
    var ctm: String?
    @Option(help: "Write the phones' times here (CTM; silence as its phone).")
    var phoneCtm: String?
    @Option(help: ArgumentHelp("Write one Praat TextGrid per recording (tiers words and phones) into this folder.", valueName: "folder"))
    var textgrids: String?
    @OptionGroup var engine: EngineOptions
    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard ctm != nil || phoneCtm != nil || textgrids != nil || report.json else {
            throw ValidationError("give --ctm, --phone-ctm, --textgrids or --json")
        }
    }

    func run() throws {
        let model: Recognizer, entries: [CorpusEntry], results: [Result<UtteranceAlignment, RecognizerError>]
        do {
            model = try Recognizer.load(from: URL(fileURLWithPath: recognizer))
            entries = try corpus.load(minimumLabels: 1).entries
            results = try model.align(entries, speakers: corpus.speakerMode, threadCount: engine.threads)
        } catch {
            throw CommandFailure.reported(error)
        }
        var words: [TimedWord] = [], phones: [TimedWord] = [], failures: [String] = [], documents: [AlignmentDocument] = []
        for (entry, result) in zip(entries, results) {
            let utterance = entry.url.deletingPathExtension().lastPathComponent
            switch result {
            case .failure(let error):
                failures.append("\(entry.path): \(CommandFailure.message(for: error))")
            case .success(let alignment):
                func timed(_ segments: [AlignedSegment]) -> [TimedWord] {
                    segments.map {
                        let (start, duration) = model.segmentSeconds(firstFrame: $0.firstFrame, frameCount: $0.frameCount)
                        return TimedWord(utterance: utterance, start: start, duration: duration, word: $0.label)
                    }
                }
                words += timed(alignment.words)
                phones += timed(alignment.phones)
                documents.append(AlignmentDocument(file: entry.path, utterance: utterance, alignment: alignment))
                if let textgrids {
                    let end = alignment.phones.last.map {
                        model.segmentSeconds(firstFrame: $0.firstFrame, frameCount: $0.frameCount)
                    }.map { $0.start + $0.duration } ?? 0
                    let grid = TextGrid(end: end, tiers: [TextGrid.Tier(name: "words", words: timed(alignment.words)),
                                                          TextGrid.Tier(name: "phones", words: timed(alignment.phones))])
                    do {
                        try FileManager.default.createDirectory(atPath: textgrids, withIntermediateDirectories: true)
                        try grid.write(to: (textgrids as NSString).appendingPathComponent("\(utterance).TextGrid"))
                    } catch {
                        throw CommandFailure.reported(error)
                    }
                }
            }
        }
        do {
            // 0.1 ms: boundaries lie at half milliseconds (7.5 ms after a multiple of 10 ms).
            if let ctm { try CTMFile.write(words, to: ctm, decimals: 4) }
            if let phoneCtm { try CTMFile.write(phones, to: phoneCtm, decimals: 4) }
        } catch {
            throw CommandFailure.reported(error)
        }
        if report.json { try Terminal.printJSON(AlignmentSummary(aligned: documents, failures: failures)) }
        for failure in failures { Terminal.error(failure) }
        if !report.quiet {
            Terminal.info("aligned \(documents.count) of \(entries.count) recordings")
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}

/// One recording's alignment in `hmmkit align --json`.
struct AlignmentDocument: Encodable {
    var file: String
    var utterance: String
    var alignment: UtteranceAlignment
}

/// `hmmkit align --json`.
struct AlignmentSummary: Encodable {
    var aligned: [AlignmentDocument]
    var failures: [String]
}
