import HMMKitNumerics

/// How a stream of sequences is cut into chunks, each accumulated in one E-step call. Chunk
/// boundaries depend only on the sequences' lengths and order, never on timing or thread
/// count, so statistics summed chunk by chunk are the same on every run.
public struct ChunkingPolicy: Sendable, Hashable, Codable {
    /// A chunk is closed once it holds at least this many frames (default 131,072: 20 MB of
    /// 39-dimensional Double frames, enough work for every core). A longer sequence is a chunk
    /// of its own.
    public var maximumFrames: Int = 131_072
    /// … or this many sequences (default 8,192).
    public var maximumSequences: Int = 8_192
    /// Chunks read ahead of the one being accumulated (default 2): peak memory holds about
    /// `prefetchDepth + 2` chunks.
    public var prefetchDepth: Int = 2

    public init(maximumFrames: Int = 131_072, maximumSequences: Int = 8_192, prefetchDepth: Int = 2) {
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
    private var frameCount = 0
    private var ordinal = 0

    init(policy: ChunkingPolicy, dimension: Int?) {
        self.policy = policy
        self.dimension = dimension
    }

    /// Adds a sequence; returns the chunk it completes, if any.
    mutating func add(_ record: SequenceRecord<Scalar>) throws(TrainingError) -> SequenceChunk<Scalar>? {
        let columns = record.frames.columnCount
        // An empty sequence (Kaldi writes one as 0 × 0) fits any dimension.
        if record.frames.rowCount > 0 {
            if let dimension, dimension != columns {
                throw .dimensionMismatch(sequence: record.name, expected: dimension, found: columns)
            }
            dimension = columns
        }
        if elements.isEmpty { elements.reserveCapacity(min(policy.maximumFrames, 1 << 20) * max(columns, 1)) }
        record.frames.withUnsafeElements { elements.append(contentsOf: $0) }
        lengths.append(record.frames.rowCount)
        indices.append(record.index)
        names.append(record.name)
        frameCount += record.frames.rowCount
        guard frameCount >= policy.maximumFrames || lengths.count >= policy.maximumSequences else { return nil }
        return flush()
    }

    /// The chunk of the sequences added since the last one, if any.
    mutating func flush() -> SequenceChunk<Scalar>? {
        guard !lengths.isEmpty else { return nil }
        let chunk = SequenceChunk(frames: Matrix(rowCount: frameCount, columnCount: dimension ?? 0, elements: elements),
                                  lengths: lengths, indices: indices, names: names, ordinal: ordinal)
        elements = []
        lengths = []
        indices = []
        names = []
        frameCount = 0
        ordinal += 1
        return chunk
    }
}
