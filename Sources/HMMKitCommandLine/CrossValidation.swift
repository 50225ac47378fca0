import ArgumentParser
import Foundation
import HMMKit

/// What makes noisy copies of recordings for `train --cross-validate speaker --noise`: the noise
/// library's side of cross-validation. The command asks it for the copies of each fold's held-out
/// recordings, one condition at a time, and evaluates them with every recording anonymous.
protocol NoisyCopyMaking: Sendable {
    /// One noise condition (`white:10`); its description names it in reports.
    associatedtype Condition: Hashable & CustomStringConvertible

    /// The conditions of a `--noise` list (`white:10,babble:10`).
    /// - Throws: `ValidationError` naming the bad token.
    func conditions(_ list: String) throws -> [Condition]

    /// Writes the copy of each of `recordings` with `condition`'s noise added into `directory`
    /// (which exists and is empty), at `sampleRate` hertz, and returns their entries in order
    /// (each with its original's label). Babble is made from `training` only (the fold's training
    /// speakers, never the held-out one); the same `seed` gives the same noise.
    func copies(of recordings: [CorpusEntry], condition: Condition, babbleFrom training: [CorpusEntry], sampleRate: Double,
                seed: UInt64, directory: URL, threadCount: Int) throws -> [CorpusEntry]
}

/// The noise columns of a cross-validation: the `--noise` conditions' names and what writes a
/// fold's noisy copies for the condition at an index of ``names``.
struct NoiseColumns {
    var names: [String]
    var write: (_ condition: Int, _ recordings: [CorpusEntry], _ training: [CorpusEntry], _ sampleRate: Double,
                _ directory: URL) throws -> [CorpusEntry]

    /// The columns of the conditions `list` names, their copies made by `maker` with `seed`.
    init<Maker: NoisyCopyMaking>(_ maker: Maker, list: String, seed: UInt64, threadCount: Int) throws {
        let conditions = try maker.conditions(list)
        guard Set(conditions).count == conditions.count else { throw ValidationError("--noise: a condition is given twice in \"\(list)\"") }
        names = conditions.map(\.description)
        write = { condition, recordings, training, sampleRate, directory in
            try maker.copies(of: recordings, condition: conditions[condition], babbleFrom: training, sampleRate: sampleRate,
                             seed: seed, directory: directory, threadCount: threadCount)
        }
    }
}

/// Accuracies of one leave-one-speaker-out fold: the held-out speaker known, every recording
/// anonymous, and anonymous in each noise condition.
struct FoldAccuracy {
    var speaker: String
    var known: Evaluation
    var anonymous: Evaluation
    /// In the order of ``NoiseColumns/names``.
    var noisy: [Evaluation] = []
}

extension TrainCommand {
    /// What makes the noisy copies of `--noise`; nil in a build without a noise library (then
    /// `--noise` is a usage error).
    static let noisyCopies: (any NoisyCopyMaking)? = NoisyRecordingsMaker()

    /// `--noise`'s columns (nil without the option).
    func noiseColumns() throws -> NoiseColumns? {
        guard let noise else { return nil }
        guard crossValidate == .speaker else { throw ValidationError("--noise is for --cross-validate speaker") }
        guard let maker = Self.noisyCopies else { throw ValidationError("--noise: this build of hmmkit has no noise library") }
        return try NoiseColumns(maker, list: noise, seed: seed, threadCount: engine.threads)
    }

    /// Leave-one-speaker-out: for each speaker, trains on the others and evaluates the held-out
    /// speaker's recordings with the speaker known, with every recording anonymous, and
    /// anonymous in each `noise` column; prints the summary.
    func crossValidateBySpeaker(_ corpus: LabelledCorpus, configuration: RecognizerConfiguration, noise: NoiseColumns?,
                                phones: PhoneUnits? = nil) throws {
        let folds: [CorpusFold]
        do { folds = try corpus.leaveOneSpeakerOut() } catch {
            throw CommandFailure.reported(error)
        }
        var results: [FoldAccuracy] = []
        let unusable = UnusableRecordingReport()
        for fold in folds {
            do {
                let recognizer = try Recognizer.train(fold.train.entries, configuration: configuration, threadCount: engine.threads,
                                                      unusable: unusablePolicy, phones: phones,
                                                      progress: unusable.wrapping(nil, policy: unusablePolicy,
                                                                                  context: "fold \(fold.heldOutSpeaker)"))
                var result = FoldAccuracy(speaker: fold.heldOutSpeaker,
                                          known: try recognizer.evaluate(fold.test.entries, threadCount: engine.threads),
                                          anonymous: try recognizer.evaluate(fold.test.entries, speakers: .anonymous,
                                                                             threadCount: engine.threads))
                if let noise {
                    result.noisy = try noise.names.indices.map { condition in
                        try Self.evaluateNoisyCopies(of: fold.test.entries, training: fold.train.entries, noise: noise,
                                                     condition: condition, with: recognizer, threadCount: engine.threads)
                    }
                }
                if !report.quiet { Terminal.info(Self.foldLine(result, noise: noise?.names ?? [])) }
                results.append(result)
            } catch {
                Terminal.error("fold \(fold.heldOutSpeaker): \(CommandFailure.message(for: error))")
                throw ExitCode(1)
            }
        }
        let summary = CrossValidationSummary(results, noise: noise?.names ?? [], unusableRecordings: unusable.recordings)
        if report.json {
            try Terminal.printJSON(summary)
        } else {
            print(summary.table)
        }
    }

    /// `held out george: known 0.8620 (431/500), anonymous 0.7140 (357/500), VTLN warp 0.94; white:10 0.6020 (drop 0.1120)`.
    static func foldLine(_ result: FoldAccuracy, noise: [String]) -> String {
        func accuracy(_ evaluation: Evaluation) -> String {
            String(format: "%.4f (%d/%d)", evaluation.accuracy, evaluation.correct, evaluation.count)
        }
        let warp = result.known.warpFactors?[result.speaker].map { String(format: ", VTLN warp %.2f", $0) } ?? ""
        var line = "held out \(result.speaker): known \(accuracy(result.known)), anonymous \(accuracy(result.anonymous))\(warp)"
        for (name, noisy) in zip(noise, result.noisy) {
            line += "; \(name) \(accuracy(noisy))" + String(format: " (drop %.4f)", result.anonymous.accuracy - noisy.accuracy)
        }
        return line
    }

    /// Evaluates, every recording anonymous, the copies of `entries` with noise `condition` of
    /// `noise` added (babble from `training`), written into a temporary folder that is removed afterwards.
    static func evaluateNoisyCopies(of entries: [CorpusEntry], training: [CorpusEntry], noise: NoiseColumns, condition: Int,
                                    with recognizer: Recognizer, threadCount: Int) throws -> Evaluation {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("hmmkit-noisy-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copies = try noise.write(condition, entries, training, recognizer.configuration.features.sampleRate, folder)
        return try recognizer.evaluate(copies, speakers: .anonymous, threadCount: threadCount)
    }
}

/// `hmmkit train --cross-validate speaker --json`: per held-out speaker, the accuracy with the
/// speaker known (`accuracies`, `meanAccuracy`), with every recording anonymous, and anonymous in
/// each `--noise` condition with its drop from the clean anonymous accuracy.
struct CrossValidationSummary: Encodable {
    let crossValidation = "speaker"
    var accuracies: [String: Double], meanAccuracy: Double
    var anonymousAccuracies: [String: Double], meanAnonymousAccuracy: Double
    var noise: [NoisyAccuracy]
    var unusableRecordings: [UnusableRecording]

    /// One `--noise` condition, every held-out recording anonymous.
    struct NoisyAccuracy: Encodable {
        var condition: String
        var accuracies: [String: Double], meanAccuracy: Double
        /// Clean anonymous accuracy minus noisy accuracy, per speaker.
        var drops: [String: Double], meanDrop: Double
    }

    init(_ folds: [FoldAccuracy], noise names: [String], unusableRecordings: [UnusableRecording]) {
        func bySpeaker(_ evaluation: (FoldAccuracy) -> Evaluation) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: folds.map { ($0.speaker, evaluation($0).accuracy) })
        }
        accuracies = bySpeaker(\.known)
        anonymousAccuracies = bySpeaker(\.anonymous)
        meanAccuracy = Self.mean(accuracies)
        meanAnonymousAccuracy = Self.mean(anonymousAccuracies)
        let clean = anonymousAccuracies
        noise = names.enumerated().map { condition, name in
            let noisy = bySpeaker { $0.noisy[condition] }
            let drops = noisy.mapValues { -$0 }.merging(clean, uniquingKeysWith: +)
            return NoisyAccuracy(condition: name, accuracies: noisy, meanAccuracy: Self.mean(noisy),
                                 drops: drops, meanDrop: Self.mean(drops))
        }
        self.unusableRecordings = unusableRecordings
    }

    static func mean(_ values: [String: Double]) -> Double { values.values.reduce(0, +) / Double(max(values.count, 1)) }

    /// The human report: one row per held-out speaker and a row of means, a column per case
    /// (noisy columns with their drop), then the one-line summary.
    var table: String {
        let speakers = NaturalOrder.sortedUnique(accuracies.keys)
        let width = max(8, (speakers.map(\.count).max() ?? 0) + 2)
        func cell(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(width - text.count, 0)) + text }
        let columns = ["known", "anonymous"] + noise.map { "\($0.condition) (drop)" }
        let widths = columns.map { max($0.count + 2, 17) }
        func row(_ name: String, _ known: Double, _ anonymous: Double, _ noisy: [(Double, Double)]) -> String {
            let values = [String(format: "%.4f", known), String(format: "%.4f", anonymous)]
                + noisy.map { String(format: "%.4f (%.4f)", $0.0, $0.1) }
            return name.padding(toLength: width, withPad: " ", startingAt: 0) + zip(values, widths).map { cell($0, $1) }.joined()
        }
        var lines = ["leave-one-speaker-out accuracy (speaker known; every recording anonymous"
            + (noise.isEmpty ? ")" : "; anonymous with noise, and its drop from anonymous clean)"),
                     "speaker".padding(toLength: width, withPad: " ", startingAt: 0) + zip(columns, widths).map { cell($0, $1) }.joined()]
        for speaker in speakers {
            lines.append(row(speaker, accuracies[speaker]!, anonymousAccuracies[speaker]!,
                             noise.map { ($0.accuracies[speaker]!, $0.drops[speaker]!) }))
        }
        lines.append(row("mean", meanAccuracy, meanAnonymousAccuracy, noise.map { ($0.meanAccuracy, $0.meanDrop) }))
        lines.append(String(format: "leave-one-speaker-out mean accuracy %.4f (speaker known), %.4f (anonymous) over %d speakers",
                            meanAccuracy, meanAnonymousAccuracy, accuracies.count))
        return lines.joined(separator: "\n")
    }
}

/// The noise library's noisy copies for cross-validation (``NoisyRecordings``).
struct NoisyRecordingsMaker: NoisyCopyMaking {
    func conditions(_ list: String) throws -> [NoiseCondition] {
        try ModelOptions.noiseConditions(list, option: "--noise")
    }

    func copies(of recordings: [CorpusEntry], condition: NoiseCondition, babbleFrom training: [CorpusEntry], sampleRate: Double,
                seed: UInt64, directory: URL, threadCount: Int) throws -> [CorpusEntry] {
        try NoisyRecordings.write(recordings, condition: condition, babblePool: NoisyRecordings.babblePool(training),
                                  sampleRate: sampleRate, seed: seed, directory: directory, threadCount: threadCount)
    }
}
