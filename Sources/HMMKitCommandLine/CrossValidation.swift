import ArgumentParser
import Foundation
import HMMKit

/// One `--noise` condition of `train --cross-validate speaker`: a kind of noise and the
/// signal-to-noise ratio, in decibels, it is added at (`white:10`).
struct NoiseCondition: Hashable, Sendable, CustomStringConvertible {
    var kind: String
    var signalToNoiseRatio: Double

    /// `KIND:SNR`, the SNR as written when whole (`babble:10`, `white:2.5`).
    var description: String {
        let snr = signalToNoiseRatio == signalToNoiseRatio.rounded() && abs(signalToNoiseRatio) < 1e6
            ? String(Int(signalToNoiseRatio)) : String(signalToNoiseRatio)
        return "\(kind):\(snr)"
    }

    /// The conditions of a comma-separated `KIND:SNR` list, each kind one of `kinds`.
    /// - Throws: `ValidationError` naming the first bad condition.
    static func parse(list text: String, kinds: [String]) throws -> [NoiseCondition] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty else { throw ValidationError("--noise: give KIND:SNR conditions, e.g. white:10,babble:10") }
        let conditions = try items.map { item in
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let snr = Double(parts[1]), snr.isFinite else {
                throw ValidationError("--noise: \"\(item)\" is not KIND:SNR (an SNR in dB, e.g. white:10)")
            }
            guard kinds.contains(String(parts[0])) else {
                throw ValidationError("--noise: unknown noise \"\(parts[0])\"; the kinds are \(kinds.joined(separator: ", "))")
            }
            return NoiseCondition(kind: String(parts[0]), signalToNoiseRatio: snr)
        }
        guard Set(conditions).count == conditions.count else { throw ValidationError("--noise: a condition is given twice in \"\(text)\"") }
        return conditions
    }
}

/// What adds noise to held-out recordings for `train --cross-validate speaker --noise`: the noise
/// generator's side of cross-validation. The command decodes each held-out recording, passes it
/// through the fold's mixer, writes the copy to a temporary file and evaluates the copies with
/// every recording anonymous.
protocol NoiseMixing: Sendable {
    /// The noise kinds it adds, the `KIND`s of `--noise KIND:SNR`.
    var kinds: [String] { get }

    /// The mixer of one fold and condition: given a held-out recording's audio and its position
    /// in the fold's test part, the audio with `condition`'s noise added at its SNR. Babble is built
    /// from `trainingRecordings` only (the fold's training speakers, never the held-out one);
    /// the same `seed` gives the same noise.
    func mixer(for condition: NoiseCondition, trainingRecordings: [CorpusEntry],
               seed: UInt64) throws -> @Sendable (AudioSignal, Int) throws -> AudioSignal
}

/// Accuracies of one leave-one-speaker-out fold: the held-out speaker known, every recording
/// anonymous, and anonymous in each noise condition.
struct FoldAccuracy {
    var speaker: String
    var known: Evaluation
    var anonymous: Evaluation
    var noisy: [NoiseCondition: Evaluation]
}

extension TrainCommand {
    /// The noise generator `--noise` uses; nil in a build without one (then `--noise` is a usage error).
    static let noiseMixing: (any NoiseMixing)? = nil

    /// `--noise`'s conditions (empty without the option).
    func noiseConditions(mixing: (any NoiseMixing)?) throws -> [NoiseCondition] {
        guard let noise else { return [] }
        guard crossValidate == .speaker else { throw ValidationError("--noise is for --cross-validate speaker") }
        guard let mixing else { throw ValidationError("--noise: this build of hmmkit has no noise generator") }
        return try NoiseCondition.parse(list: noise, kinds: mixing.kinds)
    }

    /// Leave-one-speaker-out: for each speaker, trains on the others and evaluates the held-out
    /// speaker's recordings with the speaker known, with every recording anonymous, and
    /// anonymous in each of `conditions` (noisy copies made by `mixing`); prints the summary.
    func crossValidateBySpeaker(_ corpus: LabelledCorpus, configuration: RecognizerConfiguration,
                                conditions: [NoiseCondition], mixing: (any NoiseMixing)?) throws {
        let folds: [CorpusFold]
        do { folds = try corpus.leaveOneSpeakerOut() } catch {
            throw CommandFailure.reported(error)
        }
        var results: [FoldAccuracy] = []
        let unusable = UnusableRecordingReport()
        for fold in folds {
            do {
                let recognizer = try Recognizer.train(fold.train.entries, configuration: configuration, threadCount: engine.threads,
                                                      unusable: unusablePolicy,
                                                      progress: unusable.wrapping(nil, policy: unusablePolicy,
                                                                                  context: "fold \(fold.heldOutSpeaker)"))
                var result = FoldAccuracy(speaker: fold.heldOutSpeaker,
                                          known: try recognizer.evaluate(fold.test.entries, threadCount: engine.threads),
                                          anonymous: try recognizer.evaluate(fold.test.entries, speakers: .anonymous,
                                                                             threadCount: engine.threads),
                                          noisy: [:])
                for condition in conditions {
                    let mixer = try mixing!.mixer(for: condition, trainingRecordings: fold.train.entries, seed: seed)
                    result.noisy[condition] = try Self.evaluateNoisyCopies(of: fold.test.entries, mixer: mixer, with: recognizer,
                                                                            threadCount: engine.threads)
                }
                if !report.quiet { Terminal.info(Self.foldLine(result, conditions: conditions)) }
                results.append(result)
            } catch {
                Terminal.error("fold \(fold.heldOutSpeaker): \(CommandFailure.message(for: error))")
                throw ExitCode(1)
            }
        }
        let summary = CrossValidationSummary(results, conditions: conditions, unusableRecordings: unusable.recordings)
        if report.json {
            try Terminal.printJSON(summary)
        } else {
            print(summary.table)
        }
    }

    /// `held out george: known 0.8620 (431/500), anonymous 0.7140 (357/500), VTLN warp 0.94; white:10 0.6020 (drop 0.1120)`.
    static func foldLine(_ result: FoldAccuracy, conditions: [NoiseCondition]) -> String {
        func accuracy(_ evaluation: Evaluation) -> String {
            String(format: "%.4f (%d/%d)", evaluation.accuracy, evaluation.correct, evaluation.count)
        }
        let warp = result.known.warpFactors?[result.speaker].map { String(format: ", VTLN warp %.2f", $0) } ?? ""
        var line = "held out \(result.speaker): known \(accuracy(result.known)), anonymous \(accuracy(result.anonymous))\(warp)"
        for condition in conditions {
            let noisy = result.noisy[condition]!
            line += "; \(condition) \(accuracy(noisy))" + String(format: " (drop %.4f)", result.anonymous.accuracy - noisy.accuracy)
        }
        return line
    }

    /// Evaluates noisy copies of `entries` (each anonymous): every recording decoded, passed
    /// through `mixer`, written as a float WAV file of the same name into a temporary folder
    /// (removed afterwards), and recognized by `recognizer`.
    static func evaluateNoisyCopies(of entries: [CorpusEntry], mixer: (AudioSignal, Int) throws -> AudioSignal,
                                    with recognizer: Recognizer, threadCount: Int) throws -> Evaluation {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("hmmkit-noisy-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var copies: [CorpusEntry] = []
        for (position, entry) in entries.enumerated() {
            // A subfolder per recording keeps equal file names from different folders apart.
            let place = folder.appendingPathComponent(String(position))
            try FileManager.default.createDirectory(at: place, withIntermediateDirectories: false)
            let copy = place.appendingPathComponent(entry.url.deletingPathExtension().lastPathComponent + ".wav")
            try AudioFileWriter.write(try mixer(try AudioDecoder.read(url: entry.url), position), to: copy, format: .wavFloat)
            copies.append(CorpusEntry(url: copy, label: entry.label, take: entry.take))
        }
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

    init(_ folds: [FoldAccuracy], conditions: [NoiseCondition], unusableRecordings: [UnusableRecording]) {
        func bySpeaker(_ evaluation: (FoldAccuracy) -> Evaluation) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: folds.map { ($0.speaker, evaluation($0).accuracy) })
        }
        accuracies = bySpeaker(\.known)
        anonymousAccuracies = bySpeaker(\.anonymous)
        meanAccuracy = Self.mean(accuracies)
        meanAnonymousAccuracy = Self.mean(anonymousAccuracies)
        let clean = anonymousAccuracies
        noise = conditions.map { condition in
            let noisy = bySpeaker { $0.noisy[condition]! }
            let drops = noisy.mapValues { -$0 }.merging(clean, uniquingKeysWith: +)
            return NoisyAccuracy(condition: condition.description, accuracies: noisy, meanAccuracy: Self.mean(noisy),
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
