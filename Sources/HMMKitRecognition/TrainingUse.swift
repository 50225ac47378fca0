import HMMKitCorpus
import HMMKitFeatures
import HMMKitNumerics
import HMMKitTraining

/// Which copies of a recording train its word model: those with at least the frames the
/// topology needs. Shared by in-memory and streaming training, so both train on the same
/// sequences and report the same problems.
enum TrainingUse {
    /// The copies of `features` that can train, and the recording's problems (nil when it has none).
    static func usableCopies(_ features: RecordingFeatures<Double>, of entry: CorpusEntry, minimumFrames: Int,
                             configuration: RecognizerConfiguration) -> (copies: [RecordingFeatures<Double>.Copy], unusable: UnusableRecording?) {
        var reasons = features.problems.map(\.description)
        let usable = features.copies.filter { $0.frames.rowCount >= minimumFrames }
        if usable.count < features.copies.count {
            reasons.append("\(entry.path): \(features.copies.map(\.frames.rowCount).min()!) frames, fewer than the \(minimumFrames) "
                + "a \(configuration.stateCount)-state \(configuration.topologyName) model needs")
        }
        guard !reasons.isEmpty else { return (usable, nil) }
        return (usable, UnusableRecording(path: entry.path, line: entry.line, reasons: reasons, usableCopies: usable.count))
    }

    /// Every recording of `entries` that cannot be used in whole or in part, in corpus order.
    static func unusableRecordings(_ entries: [CorpusEntry], features: [RecordingFeatures<Double>], minimumFrames: Int,
                                   configuration: RecognizerConfiguration) -> [UnusableRecording] {
        zip(entries, features).compactMap { entry, recording in
            usableCopies(recording, of: entry, minimumFrames: minimumFrames, configuration: configuration).unusable
        }
    }

    /// The report of a corpus in which some labels have no usable recording.
    static func emptyLabels(_ labels: [String], counts: [Int]) -> [String] {
        labels.indices.filter { counts[$0] == 0 }.map { "label \"\(labels[$0])\" has no usable recording" }
    }

    /// Copy `copy` of the recording `entry` at `position` as a training sequence: numbered as the
    /// front end numbers it, named by its path (and its speed or noise when it has one), labelled
    /// with the recording's label.
    static func record(_ entry: CorpusEntry, position: Int, copy: RecordingFeatures<Double>.Copy,
                       recordings: RecordingList) -> SequenceRecord<Double> {
        let name = recordings.copyName(copy.index).map { "\(entry.path) (\($0))" } ?? entry.path
        return SequenceRecord(index: recordings.frontEnd.copyIndex(position: position, copy: copy.index),
                              name: name, frames: copy.frames, label: entry.label)
    }
}
