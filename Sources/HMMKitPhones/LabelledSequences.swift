import HMMKitNumerics
import HMMKitTraining

/// Sequences in memory with their labels (transcripts): the in-memory source of embedded training.
public struct LabelledSequences: SequenceSource {
    /// The sequences, each `[frames × dimension]`.
    public var sequences: [Matrix<Double>]
    /// Their names (utterance identifiers, used in errors).
    public var names: [String]
    /// Their labels: a word, a transcript, or a label ``PhoneModels/labelWords`` maps to words.
    public var labels: [String]

    /// Sequences with one name and one label each (traps otherwise).
    public init(_ sequences: [Matrix<Double>], names: [String], labels: [String]) {
        precondition(names.count == sequences.count && labels.count == sequences.count, "one name and one label per sequence")
        self.sequences = sequences
        self.names = names
        self.labels = labels
    }

    public func forEachSequence(in shard: SequenceShard, _ body: (SequenceRecord<Double>) throws -> Void) throws {
        for index in sequences.indices where shard.contains(index) {
            try body(SequenceRecord(index: index, name: names[index], frames: sequences[index], label: labels[index]))
        }
    }
}
