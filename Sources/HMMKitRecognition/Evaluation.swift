import Foundation
import HMMKitCorpus

/// How a recognizer did on labelled recordings.
public struct Evaluation: Sendable, Codable, Equatable {
    /// The recognizer's labels (rows and columns of ``confusion``).
    public var labels: [String]
    /// `confusion[reference][recognized]`; a last column counts rejections.
    public var confusion: [[Int]]
    /// Recordings scored.
    public var count: Int
    /// Recordings recognized correctly.
    public var correct: Int
    /// Recordings that could not be used (unreadable, too short), with the reason.
    public var failures: [String]
    /// Mean log-likelihood per frame of each recording under its reference label's model.
    public var meanLogLikelihoodPerFrame: Double
    /// Per recording: file, reference, recognized (nil = rejected), best score per frame.
    public var results: [FileResult]
    /// With VTLN, the warp factor chosen for each speaker (a file path for a recording without a
    /// speaker), without looking at the labels; nil without VTLN.
    public var warpFactors: [String: Double]? = nil
    /// With speaker adaptation, each adapted speaker's (or file's) rise of the fMLLR auxiliary
    /// function per frame over its passes; speakers with too few frames are absent. Nil without adaptation.
    public var adaptationGains: [String: Double]? = nil
    /// Where the recordings' speakers came from and how many recordings each speaker had (all
    /// the recordings given, scored or not); nil in evaluations made before it was recorded.
    public var speakers: SpeakerGrouping? = nil

    /// The outcome for one recording.
    public struct FileResult: Sendable, Codable, Equatable {
        /// The recording's path, as the corpus names it.
        public var file: String
        /// Its label in the corpus.
        public var reference: String
        /// The label recognized, or nil when rejected.
        public var recognized: String?
        /// The best candidate's score per frame (natural log; −∞ when no model can score it).
        public var scorePerFrame: Double
        /// With VTLN, the warp factor of the recording's features.
        public var warpFactor: Double? = nil
        /// With unknown-voice models, whether they recognized it; nil for a recognizer without them.
        public var unknownVoice: Bool? = nil
        /// With noisy-voice models, whether they recognized it (then ``unknownVoice`` is true as
        /// well); nil when no recording of the evaluation went to them.
        public var noisyVoice: Bool? = nil
    }

    /// With unknown-voice models, how many of the scored recordings they recognized; nil for a
    /// recognizer without them.
    public var unknownVoiceCount: Int? {
        let flags = results.compactMap(\.unknownVoice)
        return flags.isEmpty ? nil : flags.filter { $0 }.count
    }

    /// How many of the scored recordings the noisy-voice models recognized (they are counted in
    /// ``unknownVoiceCount`` too); nil when none went to them.
    public var noisyVoiceCount: Int? {
        let flags = results.compactMap(\.noisyVoice)
        return flags.isEmpty ? nil : flags.filter { $0 }.count
    }

    /// Fraction recognized correctly.
    public var accuracy: Double { count > 0 ? Double(correct) / Double(count) : 0 }

    /// Precision and recall of each label.
    public var perLabel: [(label: String, precision: Double, recall: Double, count: Int)] {
        labels.indices.map { i in
            let row = confusion[i].reduce(0, +)
            let column = labels.indices.reduce(0) { $0 + confusion[$1][i] }
            return (labels[i], column > 0 ? Double(confusion[i][i]) / Double(column) : 0,
                    row > 0 ? Double(confusion[i][i]) / Double(row) : 0, row)
        }
    }

    /// The report in the form of HTK's `HResults` (sentence and word accuracy, then the
    /// confusion matrix with each row's percentage correct), plus precision and recall.
    public func hresultsReport(title: String = "HMMKit Results Analysis") -> String {
        var lines: [String] = []
        let errors = count - correct
        lines.append("====================== \(title) =======================")
        lines.append("------------------------ Overall Results --------------------------")
        lines.append(String(format: "SENT: %%Correct=%.2f [H=%d, S=%d, N=%d]", 100 * accuracy, correct, errors, count))
        lines.append(String(format: "WORD: %%Corr=%.2f, Acc=%.2f [H=%d, D=0, S=%d, I=0, N=%d]", 100 * accuracy, 100 * accuracy,
                            correct, errors, count))
        lines.append("------------------------ Confusion Matrix -------------------------")
        let width = max(5, (labels.map(\.count).max() ?? 1) + 1)
        func cell(_ text: String) -> String { String(repeating: " ", count: max(width - text.count, 0)) + text }
        lines.append(cell("") + labels.map(cell).joined() + cell("Rej") + "  [ %c / %e]")
        for (i, label) in labels.enumerated() {
            let row = confusion[i], total = row.reduce(0, +)
            let percent = total > 0 ? 100 * Double(row[i]) / Double(total) : 0
            lines.append(cell(label) + row.map { cell($0 == 0 ? "." : "\($0)") }.joined()
                + String(format: "  [%5.1f/%4.1f]", percent, count > 0 ? 100 * Double(total - row[i]) / Double(count) : 0))
        }
        lines.append("------------------------ Per label -------------------------------")
        for entry in perLabel {
            lines.append(cell(entry.label) + String(format: "  precision %.3f  recall %.3f  (%d)", entry.precision, entry.recall, entry.count))
        }
        if let speakers { lines.append(speakers.description) }
        if let unknownVoiceCount {
            lines.append("unknown-voice models: \(unknownVoiceCount) of \(count) recordings (no speaker, or a speaker with too few frames); "
                + "speaker models: \(count - unknownVoiceCount)")
        }
        if let noisyVoiceCount {
            lines.append("noisy-voice models: \(noisyVoiceCount) of the \(unknownVoiceCount ?? 0) (estimated SNR below the threshold)")
        }
        if let warpFactors, !warpFactors.isEmpty {
            let sorted = warpFactors.sorted { $0.key < $1.key }
            lines.append("VTLN warp factors: " + (sorted.count <= 12
                ? sorted.map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", ")
                : String(format: "%d speakers or files, %.2f to %.2f", sorted.count, warpFactors.values.min()!, warpFactors.values.max()!)))
        }
        if let adaptationGains {
            lines.append(adaptationGains.isEmpty ? "fMLLR: no speaker had enough frames to adapt"
                : String(format: "fMLLR: %d speaker(s) adapted, auxiliary gain %.3f to %.3f per frame", adaptationGains.count,
                         adaptationGains.values.min()!, adaptationGains.values.max()!))
        }
        if !failures.isEmpty { lines.append("not scored: \(failures.count) recording(s): " + failures.prefix(5).joined(separator: "; ")) }
        lines.append("===================================================================")
        return lines.joined(separator: "\n")
    }
}

extension Recognizer {
    /// Recognizes every entry and compares with its label.
    /// - Parameters:
    ///   - entries: the labelled recordings.
    ///   - speakers: who speaks each recording: a speaker's recordings share their normalisation,
    ///     warp factor and adaptation, and a recording without one is an unknown voice on its
    ///     own (``/HMMKitCorpus/SpeakerMode/anonymous`` makes every recording one). `nil`: each entry's own
    ///     ``/HMMKitCorpus/CorpusEntry/speaker``.
    ///   - options: priors, rejection threshold, n-best length.
    ///   - threadCount: worker threads (results do not depend on it).
    /// - Throws: ``RecognizerError/corpus(_:)`` when no entry can be scored.
    public func evaluate(_ entries: [CorpusEntry], speakers: SpeakerMode? = nil, options: RecognitionOptions = RecognitionOptions(),
                         threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(RecognizerError) -> Evaluation {
        let recordings = try RecordingList(entries, speakers: speakers, configuration: configuration, perturbed: false,
                                           normalizationPrior: normalizationPrior, threadCount: threadCount)
        let scored = try score(recordings, threadCount: threadCount)
        guard !scored.usable.isEmpty else {
            throw .corpus(scored.problems.sorted { $0.key < $1.key }.map(\.value.description) + ["no recording could be scored"])
        }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: labels.count + 1), count: labels.count)
        var correct = 0, logLikelihood = 0.0, frames = 0, counted = 0
        var results: [Evaluation.FileResult] = []
        var failures = scored.problems.sorted { $0.key < $1.key }.map(\.value.description)
        for (row, entryIndex) in scored.usable.enumerated() {
            let entry = entries[entryIndex]
            guard let reference = index[entry.label] else {
                failures.append("\(entry.path): label \"\(entry.label)\" is not one of the recognizer's")
                continue
            }
            let count = scored.frames[row]
            let decision = decide(scored.table[row], frameCount: count, options: options)
            counted += 1
            if let recognized = decision.label, let column = index[recognized] {
                confusion[reference][column] += 1
                if column == reference { correct += 1 }
            } else {
                confusion[reference][labels.count] += 1
            }
            if scored.table[row][reference].isFinite {
                logLikelihood += scored.table[row][reference]
                frames += count
            }
            results.append(.init(file: entry.path, reference: entry.label, recognized: decision.label,
                                 scorePerFrame: decision.nBest.first?.scorePerFrame ?? -.infinity,
                                 warpFactor: scored.warpFactors?[row] ?? nil, unknownVoice: scored.unknownVoice?[row],
                                 noisyVoice: scored.noisyVoice?[row]))
        }
        return Evaluation(labels: labels, confusion: confusion.map { Array($0.prefix(labels.count)) + [$0[labels.count]] },
                          count: counted, correct: correct, failures: failures,
                          meanLogLikelihoodPerFrame: frames > 0 ? logLikelihood / Double(frames) : -.infinity, results: results,
                          warpFactors: scored.groupWarps, adaptationGains: scored.adaptationGains,
                          speakers: SpeakerGrouping(mode: speakers ?? SpeakerMode.default(for: entries), speakers: recordings.speakers))
    }
}
