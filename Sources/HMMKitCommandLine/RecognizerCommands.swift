import ArgumentParser
import Foundation
import HMMKit

/// `--cross-validate` values.
enum CrossValidation: String, ExpressibleByArgument, CaseIterable {
    case speaker
}

/// Exit codes of the recognizer commands (documented in every command's help).
let recognizerExitCodes = "Exit codes: 0 success, 1 bad data or files (every problem is listed on stderr), 64 bad usage; "
    + "train and evaluate list recordings they cannot use on stderr and leave them out, unless --strict."

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train an isolated-word recognizer (one GMM-HMM per label) from labelled recordings.",
        discussion: """
            Example: hmmkit train recordings/ --split takes:5-49/0-4 -o digits.json
            With --split, only the training part is used (and the test part is evaluated); with \
            --cross-validate speaker, each speaker is held out in turn and its accuracy is printed with the speaker \
            known and with every recording anonymous (each its own unknown speaker), and with --noise in noise. \
            Progress per word goes to stderr; --json prints a summary on stdout. \(recognizerExitCodes)
            """)

    @OptionGroup var corpus: CorpusOptions
    @Option(help: "Train/test split: takes:A-B/C-D, speaker:NAME[,NAME], or fraction:F (seeded).")
    var split: String?
    @Option(help: "Leave-one-speaker-out cross-validation instead of one model: speaker (each held-out speaker's accuracy known and anonymous).")
    var crossValidate: CrossValidation?
    @Option(help: ArgumentHelp("""
        With --cross-validate speaker: also evaluate noisy copies of each held-out speaker's recordings (anonymous) \
        in these conditions, KIND:SNR comma-separated, SNR in dB (e.g. white:10,babble:10; babble from the training speakers only).
        """, valueName: "conditions"))
    var noise: String?
    @OptionGroup var model: ModelOptions
    @OptionGroup(title: "Phone units") var phoneUnits: PhoneUnitOptions
    @Option(help: "Covariance structure: diag, full, spherical or tied.")
    var covariance: CovarianceType = .diagonal
    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 0
    @Flag(help: "Fail (exit 1) when any recording cannot be used; by default each is reported on stderr and in --json, and training goes on without it.")
    var strict = false
    @Option(name: .shortAndLong, help: "The recognizer file to write (JSON).")
    var output: String?
    @Option(help: "Write training curves and the test confusion matrix here (SVG).")
    var plots: String?
    @OptionGroup var engine: EngineOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup(title: "Large corpora (streaming, checkpoints, MPI)") var streaming: StreamingOptions
    @Option(help: ArgumentHelp("""
        Streaming: the folder where training keeps features on disk so that they are computed once and read \
        back: each pass's (its iterations read them), with VTLN every candidate warp's during the warp search. \
        Unnamed files, freed when each pass ends and when the process ends in any way. (default: the system's \
        temporary folder, $TMPDIR or /tmp)
        """, valueName: "folder"))
    var featureCache: String?
    @Flag(help: "Streaming: keep no features on disk; every iteration decodes the audio and computes them again.")
    var noFeatureCache = false

    func validate() throws {
        guard output != nil || crossValidate != nil else { throw ValidationError("give -o RECOGNIZER.json (or --cross-validate)") }
        _ = try noiseColumns()
        if crossValidate == .speaker && corpus.speakerMode == .anonymous {
            throw ValidationError("--cross-validate speaker holds out one speaker at a time; it needs --speakers from-names or from-manifest")
        }
        _ = try model.configuration(covariance: covariance, seed: seed)
        if streaming.isStreaming {
            guard phoneUnits.units == .word else { throw ValidationError("--units phone trains in memory for now; drop --stream, --mpi and --resume") }
            guard crossValidate == nil else { throw ValidationError("--cross-validate trains in memory; drop --stream, --mpi and --resume") }
            guard streaming.startFrom == nil else { throw ValidationError("--start-from is for hmm fit and gmm fit; train starts from its corpus") }
            guard model.mmiIterations == 0 else { throw ValidationError("--mmi-iterations trains in memory; drop --stream, --mpi and --resume") }
        }
        if (featureCache != nil || noFeatureCache) && !streaming.isStreaming {
            throw ValidationError("--feature-cache and --no-feature-cache are for streamed training; add --stream")
        }
        if featureCache != nil && noFeatureCache { throw ValidationError("give --feature-cache or --no-feature-cache, not both") }
    }

    /// What training does with recordings it cannot use.
    var unusablePolicy: UnusableRecordingPolicy { strict ? .fail : .skip }

    func run() throws {
        try OutputPaths.checkFiles(output)
        let configuration = try model.configuration(covariance: covariance, seed: seed)
        if streaming.isStreaming {
            try runStreaming(configuration: configuration)
            return
        }
        let all = try corpus.load()
        let phones: PhoneUnits?
        do { phones = try phoneUnits.phoneUnits() } catch { throw CommandFailure.reported(error) }
        if crossValidate == .speaker {
            try crossValidateBySpeaker(all, configuration: configuration, noise: noiseColumns(), phones: phones)
            return
        }
        let train: LabelledCorpus, test: LabelledCorpus?
        do { (train, test) = try split(all) } catch {
            throw CommandFailure.reported(error)
        }
        let started = Date()
        let recognizer: Recognizer
        let unusable = UnusableRecordingReport()
        do {
            let progress = trainingProgress(quiet: report.quiet, started: started, labels: train.labels.count)
            recognizer = try Recognizer.train(train.entries, configuration: configuration, threadCount: engine.threads,
                                              unusable: unusablePolicy, phones: phones, progress: unusable.wrapping(progress, policy: unusablePolicy))
            try recognizer.save(to: URL(fileURLWithPath: output!))
        } catch {
            throw CommandFailure.reported(error)
        }
        try finish(recognizer, train: train, test: test, trainSeconds: Date().timeIntervalSince(started),
                   unusable: unusable.recordings)
    }

    /// The training part of `corpus` and, with --split, the test part.
    func split(_ corpus: LabelledCorpus) throws -> (train: LabelledCorpus, test: LabelledCorpus?) {
        guard let split else { return (corpus, nil) }
        let parts = try corpus.split(CorpusSplitSpecification.parse(split), seed: seed)
        return (parts.train, parts.test)
    }

    /// After training (the recognizer saved): the summary, the test part's evaluation, the plots.
    /// - Parameters:
    ///   - unusable: the recordings training left out, in whole or in part.
    ///   - streamed: streamed training's fields for the --json summary.
    func finish(_ recognizer: Recognizer, train: LabelledCorpus, test: LabelledCorpus?, trainSeconds: Double,
                unusable: [UnusableRecording], streamed: StreamedTrainingSummary? = nil) throws {
        var summary = TrainingSummary(labels: recognizer.labels, trainingFiles: train.entries.count,
                                      trainingSeconds: trainSeconds, recognizer: output!,
                                      parameters: recognizer.models.reduce(0) { $0 + $1.parameterCount },
                                      unusableRecordings: unusable)
        if !report.quiet { Terminal.info(String(format: "trained %d word models in %.2f s; wrote %@", recognizer.labels.count, trainSeconds, output!)) }
        var evaluation: Evaluation?
        if let test, !test.entries.isEmpty {
            do { evaluation = try recognizer.evaluate(test.entries, speakers: corpus.speakerMode, threadCount: engine.threads) } catch {
                throw CommandFailure.reported(error)
            }
            summary.testAccuracy = evaluation!.accuracy
            summary.testFiles = evaluation!.count
            if !report.json { print(evaluation!.hresultsReport()) }
        }
        if let plots {
            do { try RecognizerPlots.write(recognizer: recognizer, evaluation: evaluation, to: plots) } catch {
                throw CommandProblem("\(CommandFailure.message(for: error)) (the recognizer was written to \(output!))")
            }
        }
        if report.json { try Terminal.printJSON(MergedOutput(first: summary, second: streamed)) }
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Evaluate a recognizer on labelled recordings: accuracy, confusion matrix, precision and recall.",
        discussion: "Prints an HTK HResults-style report (or --json). \(recognizerExitCodes)")

    @Argument(help: "The recognizer file (from `hmmkit train`).")
    var recognizer: String
    @OptionGroup var corpus: CorpusOptions
    @Option(help: "Evaluate only the test part of this split: takes:A-B/C-D, speaker:NAME, fraction:F.")
    var split: String?
    @Option(help: "Seed of a fraction split.")
    var seed: UInt64 = 0
    @OptionGroup var decision: DecisionOptions
    @Flag(help: "Fail (exit 1) when any recording cannot be scored; by default each is listed on stderr and in the report, and left out of the accuracy.")
    var strict = false
    @Option(help: "Write the confusion matrix here (SVG).")
    var plots: String?
    @Option(help: "Evaluate noisy copies of the recordings instead: KIND:SNR (white, pink, brown or babble; SNR in dB over the whole signal, -10…60). The report names the copies, made in a temporary folder.")
    var noise: String?
    @Option(help: "With --noise babble: the corpus whose recordings make the babble (never a recording's own speaker).")
    var babbleFrom: String?
    @Option(help: "With --noise: the seed of the noise.")
    var noiseSeed: UInt64 = 0
    @OptionGroup var engine: EngineOptions
    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard let noise else {
            if babbleFrom != nil { throw ValidationError("--babble-from is for --noise babble:SNR") }
            return
        }
        let conditions = try ModelOptions.noiseConditions(noise, option: "--noise")
        guard conditions.count == 1 else { throw ValidationError("--noise: evaluate takes one KIND:SNR condition (got \"\(noise)\")") }
        if conditions[0].kind == .babble, babbleFrom == nil {
            throw ValidationError("--noise \(conditions[0]): babble needs --babble-from CORPUS")
        }
    }

    func run() throws {
        do {
            let model = try Recognizer.load(from: URL(fileURLWithPath: recognizer))
            var entries = try corpus.load(minimumLabels: 1).entries
            if let split {
                entries = try LabelledCorpus(entries: entries, origin: corpus.corpus).split(CorpusSplitSpecification.parse(split), seed: seed).test.entries
            }
            var noisyFolder: URL?
            defer { if let noisyFolder { try? FileManager.default.removeItem(at: noisyFolder) } }
            if let noise, let condition = try ModelOptions.noiseConditions(noise, option: "--noise").first {
                let pool = try babbleFrom.map { path throws in
                    NoisyRecordings.babblePool(try LabelledCorpus.load(path: path, options: CorpusLoadOptions(minimumLabelCount: 1)).entries)
                }
                let folder = FileManager.default.temporaryDirectory.appending(path: "hmmkit-noise-\(UUID().uuidString)")
                noisyFolder = folder
                entries = try NoisyRecordings.write(entries, condition: condition, babblePool: pool,
                                                    sampleRate: model.configuration.features.sampleRate, seed: noiseSeed,
                                                    directory: folder, threadCount: engine.threads)
                Terminal.info("evaluating copies with \(condition) noise" + (pool.map { " (babble from \($0.urls.count) recordings)" } ?? ""))
            }
            let evaluation = try model.evaluate(entries, speakers: corpus.speakerMode, options: decision.options,
                                                threadCount: engine.threads)
            for failure in evaluation.failures { Terminal.warn("not scored: \(failure)") }
            if strict, !evaluation.failures.isEmpty {
                throw CommandProblem("\(evaluation.failures.count) recording(s) could not be scored (listed above); "
                    + "fix or remove them, or evaluate without --strict to leave them out")
            }
            if report.json {
                try Terminal.printJSON(evaluation)
            } else {
                print(evaluation.hresultsReport())
            }
            if let plots { try RecognizerPlots.write(recognizer: model, evaluation: evaluation, to: plots) }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw CommandFailure.reported(error)
        }
    }
}

struct RecognizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recognize", abstract: "Recognize audio files with a recognizer (any sample rate; resampled to the models').",
        discussion: "Prints `file  label  score/frame  [n-best]` per file (or --json). \(recognizerExitCodes)")

    @Argument(help: "The recognizer file (from `hmmkit train`).")
    var recognizer: String
    @Argument(help: "Audio files.")
    var files: [String]
    @Option(help: "The files' one speaker, when known: normalised together and, with VTLN, one warp factor for all (else one per file).")
    var speaker: String?
    @Option(help: ArgumentHelp("""
        Where the files' speakers come from: none (the default without --speaker: each file its own unknown speaker) \
        or from-names (label_speaker_take file names: a speaker's files are normalised, warped and adapted together).
        """, valueName: "mode"))
    var speakers: String?
    @OptionGroup var decision: DecisionOptions
    @OptionGroup var engine: EngineOptions
    @Flag(help: "Print JSON on stdout.")
    var json = false

    func validate() throws {
        let mode = try SpeakerMode.parse(option: speakers) { "for the files' one speaker, use --speaker \($0)" }
        if mode == .fromManifest { throw ValidationError("--speakers from-manifest is for a manifest (evaluate, train); use from-names or none") }
        if mode != nil && speaker != nil { throw ValidationError("give --speaker NAME (one speaker for all files) or --speakers MODE, not both") }
    }

    func run() throws {
        let model: Recognizer
        let results: [Result<Recognition, RecognizerError>]
        let urls = files.map { URL(fileURLWithPath: $0) }
        let mode = speaker == nil ? SpeakerMode(rawValue: speakers ?? "") ?? .anonymous : nil
        let grouping = SpeakerGrouping(mode: mode, speakers: urls.map { url in mode.map { $0.speaker(ofFile: url) } ?? speaker })
        do {
            model = try Recognizer.load(from: URL(fileURLWithPath: recognizer))
            results = if let mode {
                try model.recognize(urls, speakers: mode, options: decision.options, threadCount: engine.threads)
            } else {
                try model.recognize(urls, speaker: speaker, options: decision.options, threadCount: engine.threads)
            }
        } catch {
            throw CommandFailure.reported(error)
        }
        if !json { Terminal.info(grouping.description) }
        var failed = false
        var records: [RecognitionResults.Entry] = []
        for (file, result) in zip(files, results) {
            switch result {
            case .success(let recognition):
                let alternatives = recognition.nBest.map { String(format: "%@:%.3f", $0.label, $0.scorePerFrame) }.joined(separator: " ")
                records.append(.recognized(file: file, recognition))
                if !json {
                    print("\(file)\t\(recognition.label ?? "<rejected>")\t"
                        + String(format: "%.3f", recognition.nBest.first?.scorePerFrame ?? -.infinity) + "\t\(alternatives)")
                }
            case .failure(let error):
                failed = true
                Terminal.error(CommandFailure.message(for: error))
                records.append(.failed(file: file, error: CommandFailure.message(for: error)))
            }
        }
        if json { try Terminal.printJSON(RecognitionResults(results: records, speakers: grouping)) }
        if failed { throw ExitCode(1) }
    }
}
