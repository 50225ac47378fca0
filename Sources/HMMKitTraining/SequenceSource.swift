import HMMKitNumerics

/// One training sequence as a ``SequenceSource`` delivers it.
public struct SequenceRecord<Scalar: MatrixScalar>: Sendable {
    /// Its position in the corpus (0, 1, 2, … in the source's order, counting every sequence,
    /// also those a shard skips).
    public var index: Int
    /// Its name: a file path, an archive key.
    public var name: String
    /// Its frames, `[frames × dimension]`.
    public var frames: Matrix<Scalar>
    /// What it is an example of (a word), for models trained per label (``ModelSet``); nil
    /// when the corpus is not labelled.
    public var label: String?

    /// A record from its fields.
    public init(index: Int, name: String, frames: Matrix<Scalar>, label: String? = nil) {
        self.index = index
        self.name = name
        self.frames = frames
        self.label = label
    }
}

/// The part of a corpus one process (an MPI rank, a job of an array) works on: sequence `i`
/// belongs to shard `i mod count`. Round robin needs no count of the corpus in advance and
/// spreads long and short sequences evenly.
public struct SequenceShard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// This shard, `0 ..< count`.
    public let index: Int
    /// Shards in all.
    public let count: Int

    /// The whole corpus.
    public static let all = SequenceShard(uncheckedIndex: 0, count: 1)

    /// Shard `index` of `count`.
    /// - Throws: ``TrainingError/invalidArgument(_:)`` unless `0 ≤ index < count`.
    public init(index: Int, count: Int) throws(TrainingError) {
        guard count >= 1, index >= 0, index < count else {
            throw .invalidArgument("shard \(index) of \(count) does not exist: shards are 0 ..< count, count ≥ 1")
        }
        self.index = index
        self.count = count
    }

    private init(uncheckedIndex: Int, count: Int) {
        index = uncheckedIndex
        self.count = count
    }

    /// Whether sequence `sequenceIndex` of the corpus is in this shard.
    public func contains(_ sequenceIndex: Int) -> Bool { sequenceIndex % count == index }

    public var description: String { "\(index)/\(count)" }
}

/// A corpus that can be read from the start as often as training needs, one sequence at a
/// time, always in the same order. Streaming training reads it once per EM iteration and never
/// holds more than a few chunks of it (``ChunkingPolicy``), so a corpus may be far larger than
/// memory. Conform a type to read any storage: feature files, archives, audio computed on the fly.
public protocol SequenceSource<Scalar>: Sendable {
    /// The precision of the frames it delivers.
    associatedtype Scalar: MatrixScalar

    /// Calls `body` with every sequence of `shard`, in corpus order, one at a time. Sequences
    /// outside the shard must not be passed and should not be decoded (they still count in
    /// ``SequenceRecord/index``).
    /// - Throws: the source's own errors (a damaged file, naming it), or what `body` throws.
    func forEachSequence(in shard: SequenceShard, _ body: (SequenceRecord<Scalar>) throws -> Void) throws
    /// The whole corpus as one chunk when the source already holds it stacked in memory, so that
    /// a pass whose chunks may hold the whole corpus reads it in place instead of copying it.
    /// Default: nil.
    var stackedCorpus: SequenceChunk<Scalar>? { get }
    /// Whether a model's errors about a sequence are restated to name it (``EMModel/named(_:in:)``).
    /// Default: true; false for in-memory data whose callers expect the model's own error.
    var namesSequences: Bool { get }
}

extension SequenceSource {
    public var stackedCorpus: SequenceChunk<Scalar>? { nil }
    public var namesSequences: Bool { true }
}

/// Sequences already in memory, as a ``SequenceSource`` (tests, small corpora, and the bridge
/// from APIs that take arrays).
public struct InMemorySequences<Scalar: MatrixScalar>: SequenceSource {
    /// The sequences, each `[frames × dimension]`.
    public var sequences: [Matrix<Scalar>]
    /// Their names (default `"0"`, `"1"`, …).
    public var names: [String]
    /// Their labels (nil for an unlabelled corpus).
    public var labels: [String?]
    public let stackedCorpus: SequenceChunk<Scalar>?
    public let namesSequences: Bool

    /// The sequences, each `[frames × dimension]`, named by `names` (one per sequence; traps
    /// otherwise) or by their index, and labelled by `labels` (one per sequence, for a
    /// ``ModelSet``; traps otherwise) or not at all.
    public init(_ sequences: [Matrix<Scalar>], names: [String]? = nil, labels: [String]? = nil) {
        precondition(names == nil || names!.count == sequences.count, "one name per sequence")
        precondition(labels == nil || labels!.count == sequences.count, "one label per sequence")
        self.sequences = sequences
        self.names = names ?? sequences.indices.map(String.init)
        self.labels = labels ?? [String?](repeating: nil, count: sequences.count)
        stackedCorpus = nil
        namesSequences = true
    }

    /// The sequences of hmmlearn's stacked layout: `frames` `[N × D]` cut by `lengths`, held as
    /// they are (a pass that may take the whole corpus in one chunk reads `frames` in place).
    /// - Parameters:
    ///   - frames: every sequence's frames, one after another, `[N × D]`.
    ///   - lengths: frames per sequence, non-negative and summing to N (traps otherwise).
    ///   - namesSequences: whether model errors are restated to name the sequence
    ///     (false: the model's own error, as the in-memory trainers report it).
    public init(stacked frames: Matrix<Scalar>, lengths: [Int], namesSequences: Bool = true) {
        precondition(lengths.allSatisfy { $0 >= 0 } && lengths.reduce(0, +) == frames.rowCount,
                     "lengths must be non-negative and sum to the rows of frames")
        var start = 0
        sequences = lengths.map { length in
            defer { start += length }
            return frames.rows(start..<(start + length))
        }
        names = lengths.indices.map(String.init)
        labels = [String?](repeating: nil, count: lengths.count)
        stackedCorpus = SequenceChunk(frames: frames, lengths: lengths, indices: Array(lengths.indices), names: names,
                                      labels: [String?](repeating: nil, count: lengths.count), ordinal: 0)
        self.namesSequences = namesSequences
    }

    public func forEachSequence(in shard: SequenceShard, _ body: (SequenceRecord<Scalar>) throws -> Void) throws {
        for index in sequences.indices where shard.contains(index) {
            try body(SequenceRecord(index: index, name: names[index], frames: sequences[index], label: labels[index]))
        }
    }
}
