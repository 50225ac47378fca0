import HMMKitNumerics

/// A bounded, seeded random sample of a corpus's sequences, for initialising a model without
/// loading the corpus: one pass over the source keeps the sequences with the smallest random
/// keys (a hash of the seed and the sequence's index, so the sample depends on neither the
/// reading order of other shards nor on timing) as long as their frames fit the budget. When
/// the whole corpus fits, the sample **is** the corpus, in order, and initialisation is the
/// same as in memory.
public struct SequenceSample<Scalar: MatrixScalar>: Sendable {
    /// The sampled sequences in corpus order.
    public var records: [SequenceRecord<Scalar>]
    /// Sequences in the corpus (all of them, sampled or not).
    public var corpusSequenceCount: Int
    /// Frames in the corpus.
    public var corpusFrameCount: Int

    /// Frames in the sample.
    public var frameCount: Int { records.reduce(0) { $0 + $1.frames.rowCount } }
    /// "N of M sequences (n of m frames)", for progress messages.
    public var summary: String {
        "\(records.count) of \(corpusSequenceCount) sequences (\(frameCount) of \(corpusFrameCount) frames)"
    }

    /// The sample stacked in hmmlearn's layout: `[frames × D]` and the lengths.
    public var stacked: (frames: Matrix<Scalar>, lengths: [Int]) {
        var copy = self
        return copy.takeStacked()
    }

    /// ``stacked``, releasing each sequence once copied (so the sample is never held twice):
    /// the records are left empty.
    public mutating func takeStacked() -> (frames: Matrix<Scalar>, lengths: [Int]) {
        let d = records.first { $0.frames.rowCount > 0 }?.frames.columnCount ?? 0
        let lengths = records.map(\.frames.rowCount)
        var elements: [Scalar] = []
        elements.reserveCapacity(frameCount * d)
        for index in records.indices {
            if records[index].frames.rowCount > 0 {
                records[index].frames.withUnsafeElements { elements.append(contentsOf: $0) }
            }
            records[index].frames = Matrix(rowCount: 0, columnCount: 0)
        }
        return (Matrix(rowCount: elements.count / max(d, 1), columnCount: d, elements: elements), lengths)
    }

    /// Draws the sample from `source` (one pass over it).
    /// - Parameters:
    ///   - source: the corpus.
    ///   - frameBudget: frames the sample may hold, at most (one sequence is kept even if longer).
    ///   - seed: the same seed gives the same sample.
    ///   - isIncluded: which sequences may be drawn (default all); the corpus counts cover these only.
    /// - Throws: the source's errors (``TrainingError/input(_:)``); ``TrainingError/dimensionMismatch(sequence:expected:found:)``;
    ///   ``TrainingError/noData(_:)`` for a corpus without frames.
    public static func draw<Source: SequenceSource>(from source: Source, frameBudget: Int, seed: UInt64,
                                                    where isIncluded: ((SequenceRecord<Scalar>) -> Bool)? = nil) throws(TrainingError)
        -> SequenceSample where Source.Scalar == Scalar
    {
        guard frameBudget >= 1 else { throw .invalidArgument("the initialisation sample needs a frame budget ≥ 1") }
        var builder = Builder(frameBudget: frameBudget, seed: seed)
        try forEach(in: source) { record throws(TrainingError) in
            if let isIncluded, !isIncluded(record) { return }
            try builder.add(record)
        }
        return try builder.sample(of: "the corpus")
    }

    /// One sample per label (``SequenceRecord/label``) in one pass over `source`, each of at most
    /// `frameBudget` frames: the samples a ``ModelSet`` initialises its models from. Sequences
    /// without a label are skipped.
    /// - Throws: as ``draw(from:frameBudget:seed:where:)``; ``TrainingError/noData(_:)`` naming a
    ///   label whose sequences have no frames.
    public static func drawByLabel<Source: SequenceSource>(from source: Source, frameBudget: Int, seed: UInt64)
        throws(TrainingError) -> [String: SequenceSample] where Source.Scalar == Scalar
    {
        var sampler = try LabelSampler(frameBudget: frameBudget, seed: seed)
        try forEach(in: source) { record throws(TrainingError) in try sampler.add(record) }
        return try sampler.samples()
    }

    /// ``drawByLabel(from:frameBudget:seed:)`` fed one sequence at a time, for a corpus read by
    /// other means (a pass that also does other work): the same sequences give the same samples.
    public struct LabelSampler {
        private let frameBudget: Int
        private let seed: UInt64
        private var builders: [String: Builder] = [:]
        private var dimension: Int?

        /// - Throws: ``TrainingError/invalidArgument(_:)`` for a budget below 1.
        public init(frameBudget: Int, seed: UInt64) throws(TrainingError) {
            guard frameBudget >= 1 else { throw .invalidArgument("the initialisation sample needs a frame budget ≥ 1") }
            self.frameBudget = frameBudget
            self.seed = seed
        }

        /// Offers the next sequence of the corpus (in corpus order); one without a label is skipped.
        /// - Throws: ``TrainingError/dimensionMismatch(sequence:expected:found:)``.
        public mutating func add(_ record: SequenceRecord<Scalar>) throws(TrainingError) {
            guard let label = record.label else { return }
            if record.frames.rowCount > 0 {
                if let dimension, dimension != record.frames.columnCount {
                    throw .dimensionMismatch(sequence: record.name, expected: dimension, found: record.frames.columnCount)
                }
                dimension = record.frames.columnCount
            }
            try builders[label, default: Builder(frameBudget: frameBudget, seed: seed)].add(record)
        }

        /// The sample of every label seen.
        /// - Throws: ``TrainingError/noData(_:)`` naming a label whose sequences have no frames.
        public func samples() throws(TrainingError) -> [String: SequenceSample] {
            var samples: [String: SequenceSample] = [:]
            for (label, builder) in builders { samples[label] = try builder.sample(of: "label \(label)") }
            return samples
        }
    }

    /// Every sequence of `source`, errors of the source turned into ``TrainingError/input(_:)``.
    private static func forEach<Source: SequenceSource>(in source: Source,
                                                        _ body: (SequenceRecord<Scalar>) throws(TrainingError) -> Void)
        throws(TrainingError) where Source.Scalar == Scalar
    {
        do {
            try source.forEachSequence(in: .all) { record in try body(record) }
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .input(error)
        }
    }

    /// The sequences with the smallest keys that fit the budget, kept while the corpus streams by.
    private struct Builder {
        let frameBudget: Int
        let seed: UInt64
        var heap = KeyedMaxHeap<SequenceRecord<Scalar>>()
        var kept = 0, sequences = 0, frames = 0
        var dimension: Int?
        /// The first sequence's name, for the message about a corpus without frames.
        var firstName: String?

        init(frameBudget: Int, seed: UInt64) {
            self.frameBudget = frameBudget
            self.seed = seed
        }

        mutating func add(_ record: SequenceRecord<Scalar>) throws(TrainingError) {
            let rows = record.frames.rowCount
            if firstName == nil { firstName = record.name }
            if rows > 0 {
                if let dimension, dimension != record.frames.columnCount {
                    throw .dimensionMismatch(sequence: record.name, expected: dimension, found: record.frames.columnCount)
                }
                dimension = record.frames.columnCount
            }
            sequences += 1
            frames += rows
            heap.insert(record, key: SequenceSample.sampleKey(seed: seed, index: record.index))
            kept += rows
            while kept > frameBudget, heap.count > 1 {
                kept -= heap.removeMax().frames.rowCount
            }
        }

        func sample(of what: String) throws(TrainingError) -> SequenceSample {
            guard frames > 0 else {
                let named = firstName.map { sequences > 1 ? " (\($0) and \(sequences - 1) more)" : " (\($0))" } ?? ""
                throw .noData("\(what)\(named) has \(sequences) sequences and no frames")
            }
            return SequenceSample(records: heap.elements.sorted { $0.index < $1.index }, corpusSequenceCount: sequences,
                                  corpusFrameCount: frames)
        }
    }

    /// The random key of sequence `index`: SplitMix64's output for `seed ^ index·golden`.
    static func sampleKey(seed: UInt64, index: Int) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0x9e37_79b9_7f4a_7c15))
        return generator.next()
    }
}

/// A binary max-heap of values by key (ties: the later insertion first). The heap orders small
/// (key, order, slot) entries; the values stay in their slots, so sifting never copies them.
struct KeyedMaxHeap<Value> {
    private var entries: [(key: UInt64, order: Int, slot: Int)] = []
    private var slots: [Value?] = []
    private var freeSlots: [Int] = []
    private var inserted = 0

    var count: Int { entries.count }
    var elements: [Value] { entries.map { slots[$0.slot]! } }

    private func above(_ a: Int, _ b: Int) -> Bool {
        entries[a].key != entries[b].key ? entries[a].key > entries[b].key : entries[a].order > entries[b].order
    }

    mutating func insert(_ value: Value, key: UInt64) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = value
        } else {
            slot = slots.count
            slots.append(value)
        }
        entries.append((key, inserted, slot))
        inserted += 1
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard above(child, parent) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeMax() -> Value {
        entries.swapAt(0, entries.count - 1)
        let slot = entries.removeLast().slot
        let top = slots[slot]!
        slots[slot] = nil
        freeSlots.append(slot)
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < entries.count, above(left, largest) { largest = left }
            if right < entries.count, above(right, largest) { largest = right }
            guard largest != parent else { break }
            entries.swapAt(parent, largest)
            parent = largest
        }
        return top
    }
}
