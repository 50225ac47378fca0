import Foundation
import HMMKitNumerics

/// When the members of a ``ModelSet`` stop training one by one, as each would if trained alone
/// (the isolated-word recognizer trains every word with its own convergence test).
public struct MemberStopping: Sendable, Hashable, Codable {
    /// Applied to each member's own history (its sequences' log-likelihood and frames).
    public var rule: ConvergenceRule
    /// The first iteration (0-based) after which a member may stop: no member stops before a
    /// scheduled change such as a mixture split (``BaumWelchOptions/mixtureSplits``: the
    /// iteration after the last split's, as Baum-Welch alone does).
    public var earliestIteration: Int

    /// Members stop by `rule`, not before iteration `earliestIteration` (0-based).
    public init(rule: ConvergenceRule, earliestIteration: Int = 0) {
        self.rule = rule
        self.earliestIteration = earliestIteration
    }
}

/// Several models of one kind trained together on one labelled corpus, one model per label
/// (one HMM per word for an isolated-word recognizer): each sequence trains the model of its
/// ``SequenceRecord/label``. As a ``EMModel`` it streams, runs under MPI (one
/// all-reduce of every model's statistics, concatenated), writes one checkpoint for all models,
/// and resumes, exactly like a single model.
///
/// The set records each member's history (its log-likelihood and frames per iteration); with
/// ``stopping``, a member whose history meets the rule stops training (its sequences are no
/// longer accumulated) and the set ``isFinished`` once all have stopped. Histories and stopped
/// members are part of the file form, so a resumed run continues exactly.
public struct ModelSet<Model: EMModel>: EMModel {
    /// The members' precision.
    public typealias Scalar = Model.Scalar
    /// The labels, in the order of ``models``.
    public let labels: [String]
    /// One model per label.
    public let models: [Model]
    /// When members stop on their own (nil: they train as long as the set does).
    public let stopping: MemberStopping?
    /// Per member, one record per iteration it trained in (``IterationRecord/seconds`` is 0).
    public let histories: [[IterationRecord]]
    /// Per member, whether it has stopped training.
    public let stopped: [Bool]
    private let positions: [String: Int]

    /// A set of one model per label, none trained yet.
    /// - Parameters:
    ///   - labels: the labels, distinct.
    ///   - models: one model per label, in the order of `labels`, all of one dimension.
    ///   - stopping: when members stop on their own (default never).
    /// - Throws: ``TrainingError/invalidArgument(_:)`` for duplicate labels, a count mismatch, no
    ///   model, or models of different dimensions.
    public init(labels: [String], models: [Model], stopping: MemberStopping? = nil) throws(TrainingError) {
        try self.init(labels: labels, models: models, stopping: stopping,
                      histories: Array(repeating: [], count: models.count), stopped: Array(repeating: false, count: models.count))
    }

    private init(labels: [String], models: [Model], stopping: MemberStopping?, histories: [[IterationRecord]],
                 stopped: [Bool]) throws(TrainingError) {
        guard !models.isEmpty, labels.count == models.count else {
            throw .invalidArgument("a model set needs one model per label (\(labels.count) labels, \(models.count) models)")
        }
        guard histories.count == models.count, stopped.count == models.count else {
            throw .invalidArgument("a model set needs one history and stop flag per model")
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
        self.stopping = stopping
        self.histories = histories
        self.stopped = stopped
        self.positions = positions
    }

    /// The model of `label`, if the set has one.
    public subscript(label: String) -> Model? { positions[label].map { models[$0] } }

    /// The set with every model that is still training replaced by `transform(label, model)`
    /// (histories and stopped members kept).
    public func map(_ transform: (String, Model) throws(TrainingError) -> Model) throws(TrainingError) -> ModelSet {
        var mapped: [Model] = []
        for (index, (label, model)) in zip(labels, models).enumerated() {
            mapped.append(stopped[index] ? model : try transform(label, model))
        }
        return try ModelSet(labels: labels, models: mapped, stopping: stopping, histories: histories, stopped: stopped)
    }

    // MARK: EMModel

    public static var fileFormat: String { "HMMKit.ModelSet" }
    public var dimension: Int { models[0].dimension }

    /// Whether every member has stopped (only with ``stopping``).
    public var isFinished: Bool { stopping != nil && stopped.allSatisfy { $0 } }

    public var statisticsLayout: StatisticsLayout {
        let first = models[0].statisticsLayout
        return StatisticsLayout(modelFormat: "\(Self.fileFormat) of \(first.modelFormat)", states: first.states,
                                components: models.count, dimension: dimension, covariance: first.covariance,
                                valueCount: models.reduce(0) { $0 + $1.statisticsLayout.valueCount })
    }

    public func emptyStatistics() -> ModelSetStatistics<Model.Statistics> {
        ModelSetStatistics(parts: models.map { $0.emptyStatistics() })
    }

    /// Each model's E-step over the sequences of its label, in chunk order (stopped members'
    /// sequences are skipped).
    /// - Throws: ``TrainingError/sequence(name:index:problem:)`` for a sequence without a label
    ///   or with a label the set has no model for.
    public func statistics(of chunk: SequenceChunk<Scalar>, options: Model.EStepOptions, threadCount: Int, backend: ComputeBackend)
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
        for (model, positions) in members.enumerated() where !positions.isEmpty && !stopped[model] {
            let part = chunk.subchunk(positions)
            do {
                statistics.parts[model] = try models[model].statistics(of: part, options: options, threadCount: threadCount,
                                                                       backend: backend)
            } catch {
                throw Model.named(error, in: part)
            }
        }
        return statistics
    }

    /// Each model re-estimated from its statistics and its history extended; a model whose
    /// label had no frames, or that has stopped, is kept. With ``stopping``, a member whose
    /// history now meets the rule stops (after this update, as Baum-Welch alone returns the
    /// model updated in the iteration that converged).
    public func reestimated(from statistics: ModelSetStatistics<Model.Statistics>, options: Model.UpdateOptions,
                            backend: ComputeBackend) throws(TrainingError) -> (model: ModelSet, report: [String: Model.UpdateReport]) {
        guard statistics.parts.count == models.count else {
            throw .statisticsMismatch("statistics of \(statistics.parts.count) models for a set of \(models.count)")
        }
        var updated: [Model] = [], reports: [String: Model.UpdateReport] = [:]
        var histories = self.histories, stopped = self.stopped
        for (index, model) in models.enumerated() {
            let part = statistics.parts[index]
            guard !stopped[index], part.frameCount > 0 else {
                updated.append(model)
                continue
            }
            let (next, report) = try model.reestimated(from: part, options: options, backend: backend)
            updated.append(next)
            reports[labels[index]] = report
            histories[index].append(IterationRecord(iteration: histories[index].count + 1, logLikelihood: part.logLikelihood,
                                                    frameCount: part.frameCount, seconds: 0))
            if let stopping, histories[index].count - 1 >= stopping.earliestIteration, stopping.rule.isMet(by: histories[index]) {
                stopped[index] = true
            }
        }
        return (try ModelSet(labels: labels, models: updated, stopping: stopping, histories: histories, stopped: stopped), reports)
    }

    private struct Header: Codable {
        var format: String
        var version: Int
        var labels: [String]
        var byteCounts: [Int]
        // Version 2.
        var stopping: MemberStopping?
        var histories: [[IterationRecord]]?
        var stopped: [Bool]?
    }

    /// The version written, and the newest read (1 had no histories, stop rule or stopped members).
    static var fileVersion: Int { 2 }

    /// One line of JSON (`{"format": "HMMKit.ModelSet", "version": 2, "labels": […],
    /// "byteCounts": […], "histories": […], "stopped": […], "stopping": …}`), a newline, then
    /// each model's file, one after the other.
    public func fileContents() throws(TrainingError) -> [UInt8] {
        var files: [[UInt8]] = []
        for model in models { files.append(try model.fileContents()) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let header = try encoder.encode(Header(format: Self.fileFormat, version: Self.fileVersion, labels: labels,
                                                   byteCounts: files.map(\.count), stopping: stopping, histories: histories,
                                                   stopped: stopped))
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
        guard header.version >= 1 else { throw .file(path: path, problem: "damaged model set: version \(header.version)") }
        guard header.version <= Self.fileVersion else {
            throw .file(path: path, problem: "written by a newer HMMKit (model set version \(header.version))")
        }
        // Checked: byte counts come from the file, and their sum must not overflow.
        let total = header.byteCounts.reduce(Optional(0)) { sum, count in sum.flatMap { InputLimits.sum($0, count) } }
        guard header.byteCounts.count == header.labels.count, total == bytes.count - newline - 1 else {
            throw .file(path: path, problem: "damaged model set: the sizes in its header do not add up to the file")
        }
        var models: [Model] = [], start = newline + 1
        for (label, count) in zip(header.labels, header.byteCounts) {
            models.append(try Model(fileContents: Array(bytes[start..<(start + count)]), path: "\(path) (model \(label))",
                                    backend: backend))
            start += count
        }
        let histories = header.histories ?? Array(repeating: [], count: models.count)
        let stopped = header.stopped ?? Array(repeating: false, count: models.count)
        guard histories.count == models.count, stopped.count == models.count else {
            throw .file(path: path, problem: .content("damaged model set: \(histories.count) histories and \(stopped.count) stop flags "
                + "for \(models.count) models"))
        }
        try self.init(labels: header.labels, models: models, stopping: header.stopping, histories: histories, stopped: stopped)
    }
}

/// The statistics of a ``ModelSet``: each model's, in the set's order, as one buffer.
public struct ModelSetStatistics<Part: AdditiveStatistics>: AdditiveStatistics {
    /// One per model.
    public var parts: [Part]

    /// Statistics made of one part per model, in the set's order.
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

    public func consistencyProblem() -> String? {
        for (index, part) in parts.enumerated() {
            if let problem = part.consistencyProblem() { return "model \(index): \(problem)" }
        }
        return nil
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
