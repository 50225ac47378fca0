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

    /// The sample stacked in hmmlearn's layout: `[frames × D]` and the lengths.
    public var stacked: (frames: Matrix<Scalar>, lengths: [Int]) {
        let d = records.first { $0.frames.rowCount > 0 }?.frames.columnCount ?? 0
        var elements: [Scalar] = []
        elements.reserveCapacity(frameCount * d)
        for record in records where record.frames.rowCount > 0 {
            record.frames.withUnsafeElements { elements.append(contentsOf: $0) }
        }
        return (Matrix(rowCount: elements.count / max(d, 1), columnCount: d, elements: elements), records.map(\.frames.rowCount))
    }

    /// Draws the sample from `source` (one pass over it).
    /// - Parameters:
    ///   - frameBudget: frames the sample may hold, at most (one sequence is kept even if longer).
    ///   - seed: the same seed gives the same sample.
    /// - Throws: the source's errors (``TrainingError/input(_:)``); ``TrainingError/dimensionMismatch(sequence:expected:found:)``;
    ///   ``TrainingError/noData(_:)`` for a corpus without frames.
    public static func draw<Source: SequenceSource>(from source: Source, frameBudget: Int, seed: UInt64) throws(TrainingError)
        -> SequenceSample where Source.Scalar == Scalar
    {
        guard frameBudget >= 1 else { throw .invalidArgument("the initialisation sample needs a frame budget ≥ 1") }
        var heap = KeyedMaxHeap<SequenceRecord<Scalar>>()
        var kept = 0, sequences = 0, frames = 0
        var dimension: Int?
        do {
            try source.forEachSequence(in: .all) { record in
                let rows = record.frames.rowCount
                if rows > 0 {
                    if let dimension, dimension != record.frames.columnCount {
                        throw TrainingError.dimensionMismatch(sequence: record.name, expected: dimension, found: record.frames.columnCount)
                    }
                    dimension = record.frames.columnCount
                }
                sequences += 1
                frames += rows
                heap.insert(record, key: sampleKey(seed: seed, index: record.index))
                kept += rows
                while kept > frameBudget, heap.count > 1 {
                    kept -= heap.removeMax().frames.rowCount
                }
            }
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .input("\(error)")
        }
        guard frames > 0 else { throw .noData("the corpus has \(sequences) sequences and no frames") }
        let records = heap.elements.sorted { $0.index < $1.index }
        return SequenceSample(records: records, corpusSequenceCount: sequences, corpusFrameCount: frames)
    }

    /// The random key of sequence `index`: SplitMix64's output for `seed ^ index·golden`.
    static func sampleKey(seed: UInt64, index: Int) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0x9e37_79b9_7f4a_7c15))
        return generator.next()
    }
}

/// A binary max-heap of values by key (ties: the larger index in insertion order first).
struct KeyedMaxHeap<Value> {
    private var storage: [(key: UInt64, order: Int, value: Value)] = []
    private var inserted = 0

    var count: Int { storage.count }
    var elements: [Value] { storage.map(\.value) }

    private func above(_ a: Int, _ b: Int) -> Bool {
        storage[a].key != storage[b].key ? storage[a].key > storage[b].key : storage[a].order > storage[b].order
    }

    mutating func insert(_ value: Value, key: UInt64) {
        storage.append((key, inserted, value))
        inserted += 1
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard above(child, parent) else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeMax() -> Value {
        storage.swapAt(0, storage.count - 1)
        let top = storage.removeLast().value
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < storage.count, above(left, largest) { largest = left }
            if right < storage.count, above(right, largest) { largest = right }
            guard largest != parent else { break }
            storage.swapAt(parent, largest)
            parent = largest
        }
        return top
    }
}
