import Foundation
import HMMKitMatrixFiles

/// A statistics file (`hmmkit acc`, `sum-accs`, `update`): the statistics of one or more shards
/// of a corpus under one model, as Kaldi's `.acc` files, so that any scheduler can spread an
/// iteration over jobs.
///
/// Binary layout, little-endian:
///
/// | bytes | content |
/// |---|---|
/// | 8 | magic `HMMKSTAT` |
/// | 4 | format version (1) |
/// | 4 | header length h |
/// | h | header, JSON: `{"format": "HMMKit.Statistics", "layout": {…}, "modelIdentity": "…", "shards": n, "frames": …, "logLikelihood": …}` |
/// | 8 × valueCount | the statistics buffer (Float64) |
/// | 8 | 64-bit FNV-1a of every byte before it |
///
/// The model identity (``StreamingTrainable/identity()``) and the layout make a file usable only
/// with the model it was gathered with; the checksum catches truncated and damaged files.
public struct StatisticsFile: Sendable, Equatable {
    public static let formatName = "HMMKit.Statistics"
    public static let currentVersion: UInt32 = 1
    static let magic = Array("HMMKSTAT".utf8)

    /// The model kind, shape and buffer size.
    public var layout: StatisticsLayout
    /// The identity of the model the statistics were gathered with.
    public var modelIdentity: String
    /// How many shard files were summed into this one (1 for `hmmkit acc`).
    public var shardCount: Int
    /// The statistics buffer (``AdditiveStatistics/values``).
    public var values: [Double]
    /// Frames accumulated (informative; also in ``values``).
    public var frameCount: Double
    /// Total log-likelihood (informative; also in ``values``).
    public var logLikelihood: Double

    /// The file form of `statistics` gathered with `model`.
    public init<Model: StreamingTrainable>(_ statistics: Model.Statistics, model: Model) throws(TrainingError) {
        layout = model.statisticsLayout
        modelIdentity = try model.identity()
        shardCount = 1
        values = statistics.values
        frameCount = statistics.frameCount
        logLikelihood = statistics.logLikelihood
    }

    private struct Header: Codable {
        var format: String
        var layout: StatisticsLayout
        var modelIdentity: String
        var shards: Int
        var frames: Double
        var logLikelihood: Double
    }

    /// The file's bytes.
    public func encoded() throws(TrainingError) -> [UInt8] {
        let header = Header(format: Self.formatName, layout: layout, modelIdentity: modelIdentity, shards: shardCount,
                            frames: frameCount, logLikelihood: logLikelihood)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json: [UInt8]
        do { json = Array(try encoder.encode(header)) } catch { throw .invalidArgument("cannot encode statistics: \(error)") }
        var bytes = Self.magic
        bytes.reserveCapacity(24 + json.count + 8 * values.count + 8)
        Self.append(Self.currentVersion, to: &bytes)
        Self.append(UInt32(json.count), to: &bytes)
        bytes += json
        values.withUnsafeBufferPointer { buffer in
            for value in buffer { Self.append(value.bitPattern, to: &bytes) }
        }
        Self.append(ModelIdentity.fnv1a(bytes), to: &bytes)
        return bytes
    }

    /// A statistics file from its bytes (`path` names it in errors).
    /// - Throws: ``TrainingError/file(path:problem:)`` for a foreign, newer, truncated or damaged file.
    public init(decoding bytes: [UInt8], path: String) throws(TrainingError) {
        guard bytes.count >= 16, Array(bytes[0..<8]) == Self.magic else {
            throw .file(path: path, problem: "not an HMMKit statistics file (no HMMKSTAT signature); make one with `hmmkit acc`")
        }
        let version: UInt32 = Self.read(bytes, at: 8), headerLength = Int(Self.read(bytes, at: 12) as UInt32)
        guard version <= Self.currentVersion else {
            throw .file(path: path, problem: "written by a newer HMMKit (statistics format version \(version)); "
                + "this build reads version \(Self.currentVersion)")
        }
        guard bytes.count >= 16 + headerLength + 8,
              let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)])),
              header.format == Self.formatName else {
            throw .file(path: path, problem: "damaged statistics file: its header cannot be read")
        }
        let valueCount = header.layout.valueCount
        let expected = 16 + headerLength + 8 * valueCount + 8
        guard bytes.count == expected else {
            throw .file(path: path, problem: "truncated or damaged statistics file: \(bytes.count) bytes, "
                + "the header announces \(valueCount) values (\(expected) bytes)")
        }
        let stored: UInt64 = Self.read(bytes, at: expected - 8)
        guard ModelIdentity.fnv1a(bytes[..<(expected - 8)]) == stored else {
            throw .file(path: path, problem: "damaged statistics file: the checksum does not match its contents")
        }
        let start = 16 + headerLength
        values = (0..<valueCount).map { Double(bitPattern: Self.read(bytes, at: start + 8 * $0)) }
        layout = header.layout
        modelIdentity = header.modelIdentity
        shardCount = header.shards
        frameCount = header.frames
        logLikelihood = header.logLikelihood
    }

    /// Reads the file at `url`.
    public static func read(from url: URL) throws(TrainingError) -> StatisticsFile {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(url) } catch { throw .file(path: url.path, problem: "\(error)") }
        return try StatisticsFile(decoding: bytes, path: url.path)
    }

    /// Writes the file to `url` atomically.
    public func write(to url: URL) throws(TrainingError) {
        let bytes = try encoded()
        do { try AtomicFile.write(bytes, to: url) } catch { throw .file(path: url.path, problem: "cannot write statistics: \(error)") }
    }

    /// Adds the statistics of `other` (read from `path`), which must belong to the same model.
    /// - Throws: ``TrainingError/statisticsMismatch(_:)`` naming `path` otherwise.
    public mutating func add(_ other: StatisticsFile, path: String) throws(TrainingError) {
        guard other.layout == layout else {
            throw .statisticsMismatch("\(path) holds statistics of \(other.layout), the files before it of \(layout)")
        }
        guard other.modelIdentity == modelIdentity else {
            throw .statisticsMismatch("\(path) was accumulated with another model (identity \(other.modelIdentity), "
                + "the files before it \(modelIdentity)); sum only statistics of the same model and iteration")
        }
        values.withUnsafeMutableBufferPointer { target in
            for i in 0..<target.count { target[i] += other.values[i] }
        }
        shardCount += other.shardCount
        frameCount += other.frameCount
        logLikelihood += other.logLikelihood
    }

    /// The statistics, checked against `model` (the model they must have been gathered with).
    /// - Throws: ``TrainingError/statisticsMismatch(_:)`` for statistics of another model or shape.
    public func statistics<Model: StreamingTrainable>(for model: Model, path: String) throws(TrainingError) -> Model.Statistics {
        guard layout == model.statisticsLayout else {
            throw .statisticsMismatch("\(path) holds statistics of \(layout); the model is \(model.statisticsLayout)")
        }
        let identity = try model.identity()
        guard modelIdentity == identity else {
            throw .statisticsMismatch("\(path) was accumulated with another model (identity \(modelIdentity); this model's is "
                + "\(identity)); run `hmmkit acc` with this model first")
        }
        var statistics = model.emptyStatistics()
        try statistics.replaceAll(with: values)
        return statistics
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func read<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }
}
