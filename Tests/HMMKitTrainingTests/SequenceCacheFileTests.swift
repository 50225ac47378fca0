import Foundation
import HMMKitNumerics
import HMMKitTestSupport
@testable import HMMKitTraining
import Testing

@Suite("SequenceCacheFile: features kept between passes")
struct SequenceCacheFileTests {
    /// Records of awkward sizes (no frames, one, many; no label, an empty one, a non-ASCII one)
    /// come back in order with the same bits; the file appears only when finished.
    @Test func recordsComeBackBitForBit() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("cache")
        var generator = SplitMix64(seed: 7)
        let records = [(0, nil), (1, ""), (3, "zéro"), (50, "seven")].enumerated().map { index, shape in
            SequenceRecord(index: 10 * index, name: "file \(index).wav", frames: Matrix(
                rowCount: shape.0, columnCount: 3, elements: (0..<3 * shape.0).map { _ in Double.random(in: -1e3...1e3, using: &generator) }),
                label: shape.1)
        }
        let writer = try SequenceCacheFile.Writer(url)
        for record in records { try writer.append(record) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        try writer.finish()
        var read: [SequenceRecord<Double>] = []
        try SequenceCacheFile.forEachRecord(at: url) { read.append($0) }
        #expect(read.map(\.index) == records.map(\.index) && read.map(\.name) == records.map(\.name))
        #expect(read.map(\.label) == records.map(\.label))
        #expect(read.map { $0.frames.elements.map(\.bitPattern) } == records.map { $0.frames.elements.map(\.bitPattern) })
        #expect(read.map(\.frames.columnCount) == records.map(\.frames.columnCount))
    }

    /// A file cut short anywhere is refused with a typed error naming it, never read past its end.
    @Test func damagedFileIsRefused() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("cache")
        let writer = try SequenceCacheFile.Writer(url)
        try writer.append(SequenceRecord(index: 0, name: "a", frames: Matrix(rowCount: 2, columnCount: 2, elements: [1, 2, 3, 4]), label: "x"))
        try writer.finish()
        let bytes = try Data(contentsOf: url)
        for length in [1, 39, 40, 45, bytes.count - 1] {
            try bytes.prefix(length).write(to: url)
            #expect {
                try SequenceCacheFile.forEachRecord(at: url) { _ in }
            } throws: { error in
                if case .file(let path, _) = error as? TrainingError { return path == url.path }
                return false
            }
        }
    }
}
