import Foundation
import HMMKitFileSystem
import HMMKitMatrixFiles
import HMMKitMixtures
import HMMKitNumerics

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
/// The model identity (``EMModel/identity()``) and the layout make a file usable only
/// with the model it was gathered with; the checksum catches truncated and damaged files.
public struct StatisticsFile: Sendable, Equatable {
    /// The header's `format`.
    public static let formatName = "HMMKit.Statistics"
    /// The version this build writes and the newest it reads.
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
    /// - Throws: ``TrainingError/invalidArgument(_:)`` for a NaN or infinite value.
    public init<Model: EMModel>(_ statistics: Model.Statistics, model: Model) throws(TrainingError) {
        if let index = statistics.values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidArgument("statistics value \(index) is \(statistics.values[index]); only finite statistics are written")
        }
        layout = model.statisticsLayout
        modelIdentity = try model.identity()
        shardCount = 1
        values = statistics.values
        frameCount = statistics.frameCount
        logLikelihood = statistics.logLikelihood
    }

    private struct Header: Codable {
        var format: String
        var layout: StoredLayout
        var modelIdentity: String
        var shards: Int
        var frames: Double
        var logLikelihood: Double
    }

    /// The file's bytes.
    public func encoded() throws(TrainingError) -> [UInt8] {
        let header = Header(format: Self.formatName, layout: StoredLayout(layout), modelIdentity: modelIdentity, shards: shardCount,
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

    /// A statistics file from its bytes (`path` names it in errors), validated as a whole: the
    /// version, every size (by checked arithmetic against the file's length, before anything is
    /// allocated from it, and within ``/HMMKitNumerics/InputLimits``), the checksum, and every number finite.
    /// - Throws: ``TrainingError/file(path:problem:)`` for a foreign, newer, truncated or damaged
    ///   file, naming the field and its value.
    public init(decoding bytes: [UInt8], path: String) throws(TrainingError) {
        func damaged(_ problem: String) -> TrainingError { .file(path: path, problem: "damaged statistics file: \(problem)") }
        guard bytes.count >= 16, Array(bytes[0..<8]) == Self.magic else {
            throw .file(path: path, problem: "not an HMMKit statistics file (no HMMKSTAT signature); make one with `hmmkit acc`")
        }
        let version: UInt32 = Self.read(bytes, at: 8), headerLength = Int(Self.read(bytes, at: 12) as UInt32)
        guard version >= 1 else { throw damaged("format version \(version); versions start at 1") }
        guard version <= Self.currentVersion else {
            throw .file(path: path, problem: .content("written by a newer HMMKit (statistics format version \(version)); "
                + "this build reads version \(Self.currentVersion)"))
        }
        guard headerLength <= InputLimits.maximumStatisticsHeaderBytes, 16 + headerLength + 8 <= bytes.count else {
            throw damaged("the header length is \(headerLength) bytes; the file has \(bytes.count) bytes "
                + "(headers are at most \(InputLimits.maximumStatisticsHeaderBytes))")
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)])),
              header.format == Self.formatName else {
            throw damaged("its header cannot be read")
        }
        let layout = try Self.validate(header.layout, damaged: damaged)
        let valueCount = header.layout.valueCount
        guard let valueBytes = InputLimits.product(valueCount, 8), let expected = InputLimits.sum(16 + headerLength + 8, valueBytes),
              bytes.count == expected else {
            throw .file(path: path, problem: .content("truncated or damaged statistics file: \(bytes.count) bytes, "
                + "but the header announces layout.valueCount = \(valueCount) values"))
        }
        let stored: UInt64 = Self.read(bytes, at: expected - 8)
        guard ModelIdentity.fnv1a(bytes[..<(expected - 8)]) == stored else {
            throw damaged("the checksum does not match its contents")
        }
        guard (1...InputLimits.maximumShardCount).contains(header.shards) else {
            throw damaged("shards is \(header.shards); it must lie in 1…\(InputLimits.maximumShardCount)")
        }
        guard header.frames.isFinite, header.frames >= 0 else { throw damaged("frames is \(header.frames); it must be ≥ 0") }
        guard header.logLikelihood.isFinite else { throw damaged("logLikelihood is \(header.logLikelihood)") }
        let start = 16 + headerLength
        let values = (0..<valueCount).map { Double(bitPattern: Self.read(bytes, at: start + 8 * $0)) }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw damaged("statistics value \(index) is \(values[index]); every value must be finite")
        }
        self.values = values
        self.layout = layout
        modelIdentity = header.modelIdentity
        shardCount = header.shards
        frameCount = header.frames
        logLikelihood = header.logLikelihood
    }

    /// Throws unless the layout's sizes lie within ``InputLimits``.
    private static func validate(_ layout: StoredLayout, damaged: (String) -> TrainingError) throws(TrainingError) -> StatisticsLayout {
        guard (1...InputLimits.maximumDimension).contains(layout.dimension) else {
            throw damaged("layout.dimension is \(layout.dimension); it must lie in 1…\(InputLimits.maximumDimension)")
        }
        guard (1...InputLimits.maximumComponentCount).contains(layout.components) else {
            throw damaged("layout.components is \(layout.components); it must lie in 1…\(InputLimits.maximumComponentCount)")
        }
        if let states = layout.states, !(1...InputLimits.maximumStateCount).contains(states) {
            throw damaged("layout.states is \(states); it must lie in 1…\(InputLimits.maximumStateCount)")
        }
        guard layout.valueCount >= 0 else { throw damaged("layout.valueCount is \(layout.valueCount); it must be ≥ 0") }
        guard let covariance = CovarianceType(rawValue: layout.covariance) else {
            throw damaged("layout.covariance is \"\(layout.covariance)\"; it must be one of "
                + CovarianceType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return StatisticsLayout(modelFormat: layout.modelFormat, states: layout.states, components: layout.components,
                                dimension: layout.dimension, covariance: covariance, valueCount: layout.valueCount)
    }

    /// ``StatisticsLayout`` as the header stores it, read before it is checked.
    private struct StoredLayout: Codable {
        var modelFormat: String
        var states: Int?
        var components: Int
        var dimension: Int
        var covariance: String
        var valueCount: Int

        init(_ layout: StatisticsLayout) {
            modelFormat = layout.modelFormat
            states = layout.states
            components = layout.components
            dimension = layout.dimension
            covariance = layout.covariance.rawValue
            valueCount = layout.valueCount
        }
    }

    /// Reads the file at `url`.
    public static func read(from url: URL) throws(TrainingError) -> StatisticsFile {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(url) } catch { throw .file(path: url.path, problem: .access(error)) }
        return try StatisticsFile(decoding: bytes, path: url.path)
    }

    /// Writes the file to `url` atomically.
    public func write(to url: URL) throws(TrainingError) {
        let bytes = try encoded()
        do { try AtomicFile.write(bytes, to: url) } catch { throw .file(path: url.path, problem: .access(error)) }
    }

    /// Adds the statistics of `other` (read from `path`), which must belong to the same model.
    /// - Parameters:
    ///   - other: the statistics to add.
    ///   - path: the file `other` was read from, for messages.
    ///   - before: names the files already summed into `self`, for messages.
    /// - Throws: ``TrainingError/statisticsMismatch(_:)`` naming `path` otherwise;
    ///   ``TrainingError/file(path:problem:)`` when a sum or the shard count would overflow.
    public mutating func add(_ other: StatisticsFile, path: String, before: String = "the files before it") throws(TrainingError) {
        guard other.layout == layout else {
            throw .statisticsMismatch("\(path) holds statistics of \(other.layout), \(before) of \(layout)")
        }
        guard other.modelIdentity == modelIdentity else {
            throw .statisticsMismatch("\(path) was accumulated with another model (identity \(other.modelIdentity), "
                + "\(before) \(modelIdentity)); sum only statistics of the same model and iteration")
        }
        guard let shards = InputLimits.sum(shardCount, other.shardCount, limit: InputLimits.maximumShardCount) else {
            throw .statisticsMismatch("\(path) brings the shard count to more than \(InputLimits.maximumShardCount)")
        }
        var sums = values
        let allFinite = sums.withUnsafeMutableBufferPointer { target in
            var finite = true
            for i in 0..<target.count {
                target[i] += other.values[i]
                finite = finite && target[i].isFinite
            }
            return finite
        }
        let frames = frameCount + other.frameCount, total = logLikelihood + other.logLikelihood
        guard allFinite, frames.isFinite, total.isFinite else {
            throw .file(path: path, problem: "adding its statistics to the files before it overflows the sums (a value becomes ±∞)")
        }
        values = sums
        shardCount = shards
        frameCount = frames
        logLikelihood = total
    }

    /// The statistics, checked against `model` (the model they must have been gathered with).
    /// - Throws: ``TrainingError/statisticsMismatch(_:)`` for statistics of another model or shape;
    ///   ``TrainingError/file(path:problem:)`` for sums no data can give
    ///   (``AdditiveStatistics/consistencyProblem()``).
    /// - Parameters:
    ///   - model: the model the statistics must belong to.
    ///   - path: this statistics file, for messages.
    ///   - modelPath: the model's file, for messages.
    public func statistics<Model: EMModel>(for model: Model, path: String,
                                                      modelPath: String? = nil) throws(TrainingError) -> Model.Statistics {
        let theModel = modelPath.map { "the model \($0)" } ?? "the model"
        guard layout == model.statisticsLayout else {
            throw .statisticsMismatch("\(path) holds statistics of \(layout); \(theModel) is \(model.statisticsLayout)")
        }
        let identity = try model.identity()
        guard modelIdentity == identity else {
            throw .statisticsMismatch("\(path) was accumulated with another model than \(modelPath ?? "this one") (identity "
                + "\(modelIdentity); \(theModel)'s is \(identity)); run `hmmkit acc` with this model first")
        }
        var statistics = model.emptyStatistics()
        try statistics.replaceAll(with: values)
        if let problem = statistics.consistencyProblem() {
            throw .file(path: path, problem: "damaged statistics file: \(problem)")
        }
        func agree(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1) }
        guard agree(frameCount, statistics.frameCount), agree(logLikelihood, statistics.logLikelihood) else {
            throw .file(path: path, problem: .content("damaged statistics file: the header's frames (\(frameCount)) and logLikelihood "
                + "(\(logLikelihood)) disagree with the statistics (\(statistics.frameCount), \(statistics.logLikelihood))"))
        }
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
