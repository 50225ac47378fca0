import Foundation
import HMMKitNumerics
import HMMKitTestSupport
@testable import HMMKitTraining
import Testing

@Suite("SequenceCacheFile: features kept between passes")
struct SequenceCacheFileTests {
    /// Records of awkward sizes (no frames, one, many; no label, an empty one, a non-ASCII one).
    static func records(seed: UInt64, scale: Double = 1) -> [SequenceRecord<Double>] {
        var generator = SplitMix64(seed: seed)
        return [(0, nil), (1, ""), (3, "zéro"), (50, "seven"), (2, "x")].enumerated().map { index, shape in
            SequenceRecord(index: 10 * index, name: "file \(index).wav", frames: Matrix(
                rowCount: shape.0, columnCount: 3, elements: (0..<3 * shape.0).map { _ in scale * Double.random(in: -1e3...1e3, using: &generator) }),
                label: shape.1)
        }
    }

    static func expectSame(_ read: [SequenceRecord<Double>], _ records: [SequenceRecord<Double>]) {
        #expect(read.map(\.index) == records.map(\.index) && read.map(\.name) == records.map(\.name))
        #expect(read.map(\.label) == records.map(\.label))
        #expect(read.map { $0.frames.elements.map(\.bitPattern) } == records.map { $0.frames.elements.map(\.bitPattern) })
        #expect(read.map(\.frames.columnCount) == records.map(\.frames.columnCount))
    }

    /// The records come back in order with the same bits, through blocks smaller than a record
    /// too; the file never shows in its folder (nothing is left behind, however the process ends).
    @Test(arguments: [SequenceCacheFile.Reader.blockBytes, 7])
    func recordsComeBackBitForBit(blockBytes: Int) throws {
        let folder = try TemporaryFolder()
        let records = Self.records(seed: 7)
        let cache = try SequenceCacheFile(folder: folder.url)
        for record in records { try cache.append(record) }
        #expect(!cache.isComplete)
        try cache.finish()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
        for _ in 0..<2 {
            var reader = SequenceCacheFile.Reader(cache, blockBytes: blockBytes)
            var read: [SequenceRecord<Double>] = []
            while let record = try reader.next() { read.append(record) }
            Self.expectSame(read, records)
        }
        // Restarted, it holds only what is written after.
        try cache.restart()
        try cache.append(records[3])
        try cache.finish()
        var read: [SequenceRecord<Double>] = []
        try cache.forEachRecord { read.append($0) }
        Self.expectSame(read, [records[3]])
    }

    /// Reading among caches of the same sequences takes each record's frames from the cache chosen
    /// for its index; caches of different sequences are refused with a typed error.
    @Test func choosingAmongCachesTakesEachRecordFromItsChoice() throws {
        let folder = try TemporaryFolder()
        let sets = [1.0, 2.0, 3.0].map { Self.records(seed: 7, scale: $0) }
        let caches = try sets.map { records in
            let cache = try SequenceCacheFile(folder: folder.url)
            for record in records { try cache.append(record) }
            try cache.finish()
            return cache
        }
        let choice = { (index: Int) in (index / 10) % 3 }
        var read: [SequenceRecord<Double>] = []
        try SequenceCacheFile.forEachRecord(choosingAmong: caches, choice) { read.append($0) }
        Self.expectSame(read, sets[0].indices.map { sets[choice(sets[0][$0].index)][$0] })

        let other = try SequenceCacheFile(folder: folder.url)
        for var record in sets[0] {
            record.name += " (other)"
            try other.append(record)
        }
        try other.finish()
        #expect {
            try SequenceCacheFile.forEachRecord(choosingAmong: [caches[0], other], { _ in 1 }) { _ in }
        } throws: { error in
            if case .file = error as? TrainingError { return true }
            return false
        }
    }

    /// A folder that does not exist is refused with a typed error naming it.
    @Test func missingFolderIsRefused() throws {
        let folder = try TemporaryFolder()
        let missing = folder.file("absent")
        #expect {
            _ = try SequenceCacheFile(folder: missing)
        } throws: { error in
            guard case .file(let path, .access(let access)) = error as? TrainingError else { return false }
            return path == missing.path && access.file == missing.path && access.description.contains("does not exist")
        }
    }
}
