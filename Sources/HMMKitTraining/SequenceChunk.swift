import HMMKitNumerics

/// How a stream of sequences is cut into chunks, each accumulated in one E-step call. Chunk
/// boundaries depend only on the sequences' lengths and order, never on timing or thread
/// count, so statistics summed chunk by chunk are the same on every run.
public struct ChunkingPolicy: Sendable, Hashable, Codable {
    /// Frames per chunk, at most (default 16,384: 5 MB of 39-dimensional Double frames, which
    /// are still in the cache when the E-step reads them; measured fastest on 1–2 cores, raise it
    /// for many cores); a longer sequence is a chunk of its own.
    public var maximumFrames: Int = 16_384
    /// … or this many sequences (default 8,192). A chunk never holds more than ``maximumFrames``
    /// frames unless one sequence does.
    public var maximumSequences: Int = 8_192
    /// Chunks read ahead of the one being accumulated (default 1, enough for reading to overlap
    /// the E-step): memory holds `prefetchDepth + 2` chunks at most (the queue, the one being
    /// accumulated, the one being read), about 15 MB of 39-dimensional Double frames by default.
    public var prefetchDepth: Int = 1

    /// Every pass in one chunk: the in-memory trainers, whose data are held stacked already.
    public static let wholeCorpus = ChunkingPolicy(maximumFrames: .max, maximumSequences: .max)

    /// A policy with the given sizes (all ≥ 1; traps otherwise).
    public init(maximumFrames: Int = 16_384, maximumSequences: Int = 8_192, prefetchDepth: Int = 1) {
        precondition(maximumFrames >= 1 && maximumSequences >= 1 && prefetchDepth >= 1, "ChunkingPolicy needs positive sizes")
        self.maximumFrames = maximumFrames
        self.maximumSequences = maximumSequences
        self.prefetchDepth = prefetchDepth
    }
}

/// Consecutive sequences of a shard, stacked in hmmlearn's layout.
public struct SequenceChunk<Scalar: MatrixScalar>: Sendable {
    /// Every sequence's frames, one after the other, `[Σ lengths × dimension]`.
    public var frames: Matrix<Scalar>
    /// Frames per sequence.
    public var lengths: [Int]
    /// Each sequence's position in the corpus (``SequenceRecord/index``).
    public var indices: [Int]
    /// Each sequence's name.
    public var names: [String]
    /// Each sequence's label (``SequenceRecord/label``).
    public var labels: [String?]
    /// Position of this chunk in the pass (0, 1, …).
    public var ordinal: Int

    /// The first row of sequence `position` (within the chunk).
    public func firstRow(of position: Int) -> Int { lengths[..<position].reduce(0, +) }

    /// The sequences of the chunk as separate matrices.
    public var sequences: [Matrix<Scalar>] {
        var start = 0
        return lengths.map { length in
            defer { start += length }
            return frames.rows(start..<(start + length))
        }
    }

    /// The position within the chunk of the sequence holding stacked row `row`.
    public func position(ofRow row: Int) -> Int {
        var first = 0
        for (position, length) in lengths.enumerated() {
            if row < first + length { return position }
            first += length
        }
        return max(lengths.count - 1, 0)
    }
}

/// Gathers sequences into chunks under a ``ChunkingPolicy``, checking that every sequence has
/// the same number of columns.
struct ChunkBuilder<Scalar: MatrixScalar> {
    let policy: ChunkingPolicy
    private(set) var dimension: Int?
    private var elements: [Scalar] = []
    private var lengths: [Int] = []
    private var indices: [Int] = []
    private var names: [String] = []
    private var labels: [String?] = []
    private var frameCount = 0
    private var ordinal = 0

    init(policy: ChunkingPolicy, dimension: Int?) {
        self.policy = policy
        self.dimension = dimension
    }

    /// Where a new chunk's storage comes from: a recycled chunk's (so that a pass does not map
    /// and fault in fresh pages for every chunk), or nil for a new array.
    var recycledStorage: (() -> [Scalar]?)?

    /// Adds a sequence; returns the chunk completed before it (a sequence that would take the
    /// chunk past ``ChunkingPolicy/maximumFrames`` starts the next one), if any.
    mutating func add(_ record: SequenceRecord<Scalar>) throws(TrainingError) -> SequenceChunk<Scalar>? {
        let columns = record.frames.columnCount, rows = record.frames.rowCount
        // An empty sequence (Kaldi writes one as 0 × 0) fits any dimension.
        if rows > 0 {
            if let dimension, dimension != columns {
                throw .dimensionMismatch(sequence: record.name, expected: dimension, found: columns)
            }
            dimension = columns
        }
        var completed: SequenceChunk<Scalar>?
        if !lengths.isEmpty, frameCount + rows > policy.maximumFrames || lengths.count >= policy.maximumSequences {
            completed = flush()
            if var storage = recycledStorage?() {
                storage.removeAll(keepingCapacity: true)
                elements = storage
            }
        }
        let needed = max(rows, min(policy.maximumFrames, 1 << 20)) * max(columns, 1)
        if elements.capacity < needed { elements.reserveCapacity(needed) }
        record.frames.withUnsafeElements { elements.append(contentsOf: $0) }
        lengths.append(rows)
        indices.append(record.index)
        names.append(record.name)
        labels.append(record.label)
        frameCount += rows
        return completed
    }

    /// The chunk of the sequences added since the last one, if any.
    mutating func flush() -> SequenceChunk<Scalar>? {
        guard !lengths.isEmpty else { return nil }
        let chunk = SequenceChunk(frames: Matrix(rowCount: frameCount, columnCount: dimension ?? 0, elements: elements),
                                  lengths: lengths, indices: indices, names: names, labels: labels, ordinal: ordinal)
        elements = []  // the chunk owns the storage now; ``reuse(_:)`` hands one back
        lengths = []
        indices = []
        names = []
        labels = []
        frameCount = 0
        ordinal += 1
        return chunk
    }
}
