import Foundation
import HMMKitNumerics

/// Several models of one kind trained together on one labelled corpus, one model per label
/// (one HMM per word for an isolated-word recognizer): each sequence trains the model of its
/// ``SequenceRecord/label``. As a ``StreamingTrainable`` it streams, runs under MPI (one
/// all-reduce of every model's statistics, concatenated), writes one checkpoint for all models,
/// and resumes, exactly like a single model.
public struct ModelSet<Model: StreamingTrainable>: StreamingTrainable {
    public typealias Scalar = Model.Scalar
    /// The labels, in the order of ``models``.
    public let labels: [String]
    /// One model per label.
    public let models: [Model]
    private let positions: [String: Int]

    /// A set of one model per label.
    /// - Throws: ``TrainingError/invalidArgument(_:)`` for duplicate labels, a count mismatch, no
    ///   model, or models of different dimensions.
    public init(labels: [String], models: [Model]) throws(TrainingError) {
        guard !models.isEmpty, labels.count == models.count else {
            throw .invalidArgument("a model set needs one model per label (\(labels.count) labels, \(models.count) models)")
        }
        var positions: [String: Int] = [:]
        for (index, label) in labels.enumerated() {
            guard positions.updateValue(index, forKey: label) == nil else { throw .invalidArgument("label \(label) appears twice") }
        }
        guard models.allSatisfy({ $0.dimension == models[0].dimension }) else {
            throw .invalidArgument("the models of a set must have one dimension (\(Set(models.map(\.dimension)).sorted()))")
        }
        self.labels = labels
        self.models = models
        self.positions = positions
    }

    /// The model of `label`, if the set has one.
    public subscript(label: String) -> Model? { positions[label].map { models[$0] } }

    /// The set with every model replaced by `transform(label, model)`.
    public func map(_ transform: (String, Model) throws(TrainingError) -> Model) throws(TrainingError) -> ModelSet {
        var mapped: [Model] = []
        for (label, model) in zip(labels, models) { mapped.append(try transform(label, model)) }
        return try ModelSet(labels: labels, models: mapped)
    }

    // MARK: StreamingTrainable

    public static var fileFormat: String { "HMMKit.ModelSet" }
    public var dimension: Int { models[0].dimension }

    public var statisticsLayout: StatisticsLayout {
        let first = models[0].statisticsLayout
        return StatisticsLayout(modelFormat: "\(Self.fileFormat) of \(first.modelFormat)", states: first.states,
                                components: models.count, dimension: dimension, covariance: first.covariance,
                                valueCount: models.reduce(0) { $0 + $1.statisticsLayout.valueCount })
    }

    public func emptyStatistics() -> ModelSetStatistics<Model.Statistics> {
        ModelSetStatistics(parts: models.map { $0.emptyStatistics() })
    }

    /// Each model's E-step over the sequences of its label, in chunk order.
    /// - Throws: ``TrainingError/sequence(name:index:problem:)`` for a sequence without a label
    ///   or with a label the set has no model for.
    public func statistics(of chunk: SequenceChunk<Scalar>, threadCount: Int, backend: ComputeBackend)
        throws(TrainingError) -> ModelSetStatistics<Model.Statistics>
    {
        var members = [[Int]](repeating: [], count: models.count)
        for position in chunk.lengths.indices {
            guard let label = chunk.labels[position], let model = positions[label] else {
                let problem = chunk.labels[position].map { "its label \"\($0)\" has no model in the set" } ?? "it has no label"
                throw .sequence(name: chunk.names[position], index: chunk.indices[position], problem: problem)
            }
            members[model].append(position)
        }
        var statistics = emptyStatistics()
        for (model, positions) in members.enumerated() where !positions.isEmpty {
            statistics.parts[model] = try models[model].statistics(of: chunk.subchunk(positions), threadCount: threadCount,
                                                                   backend: backend)
        }
        return statistics
    }

    /// Each model re-estimated from its statistics; a model whose label had no frames is kept.
    public func reestimated(from statistics: ModelSetStatistics<Model.Statistics>, options: Model.UpdateOptions,
                            backend: ComputeBackend) throws(TrainingError) -> (model: ModelSet, report: [String: Model.UpdateReport]) {
        guard statistics.parts.count == models.count else {
            throw .statisticsMismatch("statistics of \(statistics.parts.count) models for a set of \(models.count)")
        }
        var updated: [Model] = [], reports: [String: Model.UpdateReport] = [:]
        for (index, model) in models.enumerated() {
            guard statistics.parts[index].frameCount > 0 else {
                updated.append(model)
                continue
            }
            let (next, report) = try model.reestimated(from: statistics.parts[index], options: options, backend: backend)
            updated.append(next)
            reports[labels[index]] = report
        }
        return (try ModelSet(labels: labels, models: updated), reports)
    }

    private struct Header: Codable {
        var format: String
        var version: Int
        var labels: [String]
        var byteCounts: [Int]
    }

    /// One line of JSON (`{"format": "HMMKit.ModelSet", "version": 1, "labels": […],
    /// "byteCounts": […]}`), a newline, then each model's file, one after the other.
    public func fileContents() throws(TrainingError) -> [UInt8] {
        var files: [[UInt8]] = []
        for model in models { files.append(try model.fileContents()) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let header = try encoder.encode(Header(format: Self.fileFormat, version: 1, labels: labels, byteCounts: files.map(\.count)))
            return Array(header) + [UInt8(ascii: "\n")] + files.flatMap { $0 }
        } catch {
            throw .invalidArgument("cannot encode the model set: \(error)")
        }
    }

    public init(fileContents bytes: [UInt8], path: String, backend: ComputeBackend) throws(TrainingError) {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
              let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[..<newline])),
              header.format == Self.fileFormat else {
            throw .file(path: path, problem: "not an HMMKit model set")
        }
        guard header.version <= 1 else { throw .file(path: path, problem: "written by a newer HMMKit (model set version \(header.version))") }
        guard header.byteCounts.count == header.labels.count, header.byteCounts.allSatisfy({ $0 >= 0 }),
              header.byteCounts.reduce(0, +) == bytes.count - newline - 1 else {
            throw .file(path: path, problem: "damaged model set: the sizes in its header do not add up to the file")
        }
        var models: [Model] = [], start = newline + 1
        for (label, count) in zip(header.labels, header.byteCounts) {
            models.append(try Model(fileContents: Array(bytes[start..<(start + count)]), path: "\(path) (model \(label))",
                                    backend: backend))
            start += count
        }
        try self.init(labels: header.labels, models: models)
    }
}

/// The statistics of a ``ModelSet``: each model's, in the set's order, as one buffer.
public struct ModelSetStatistics<Part: AdditiveStatistics>: AdditiveStatistics {
    /// One per model.
    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    public var values: [Double] { parts.flatMap(\.values) }
    public var frameCount: Double { parts.reduce(0) { $0 + $1.frameCount } }
    public var logLikelihood: Double { parts.reduce(0) { $0 + $1.logLikelihood } }

    public mutating func replaceAll(with values: [Double]) throws(TrainingError) {
        let counts = parts.map(\.values.count)
        guard values.count == counts.reduce(0, +) else {
            throw .statisticsMismatch("expected \(counts.reduce(0, +)) values for \(parts.count) models, got \(values.count)")
        }
        var start = 0
        for index in parts.indices {
            try parts[index].replaceAll(with: Array(values[start..<(start + counts[index])]))
            start += counts[index]
        }
    }

    public mutating func accumulate(_ other: ModelSetStatistics) throws(TrainingError) {
        guard other.parts.count == parts.count else {
            throw .statisticsMismatch("statistics of \(other.parts.count) models added to those of \(parts.count)")
        }
        for index in parts.indices { try parts[index].accumulate(other.parts[index]) }
    }
}

extension SequenceChunk {
    /// The chunk of the sequences at `positions` (ascending), in that order.
    func subchunk(_ positions: [Int]) -> SequenceChunk {
        if positions.count == lengths.count { return self }
        let d = frames.columnCount
        var starts = [Int](repeating: 0, count: lengths.count)
        for index in 1..<max(lengths.count, 1) { starts[index] = starts[index - 1] + lengths[index - 1] }
        var elements: [Scalar] = []
        elements.reserveCapacity(positions.reduce(0) { $0 + lengths[$1] } * d)
        frames.withUnsafeElements { source in
            for position in positions where lengths[position] > 0 {
                elements.append(contentsOf: source[(starts[position] * d)..<((starts[position] + lengths[position]) * d)])
            }
        }
        return SequenceChunk(frames: Matrix(rowCount: elements.count / max(d, 1), columnCount: d, elements: elements),
                             lengths: positions.map { lengths[$0] }, indices: positions.map { indices[$0] },
                             names: positions.map { names[$0] }, labels: positions.map { labels[$0] }, ordinal: ordinal)
    }
}
