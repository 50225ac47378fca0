import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

/// HMM statistics add up in one flat buffer (chain first, then the emissions').
extension HMMStatistics: AdditiveStatistics {
    public mutating func replaceAll(with values: [Double]) throws(TrainingError) {
        do { try load(values: values) } catch { throw .hmm(error) }
    }
    public mutating func accumulate(_ other: HMMStatistics) throws(TrainingError) {
        do { try add(other) } catch { throw .hmm(error) }
    }

    /// Negative sequence, frame, start, occupancy or transition counts, or an emission problem.
    public func consistencyProblem() -> String? {
        guard markov.sequenceCount >= 0, markov.frameCount >= 0 else {
            return "the sequence count is \(markov.sequenceCount) and the frame count \(markov.frameCount); they cannot be negative"
        }
        if let problem = StatisticsConsistency.negative(markov.startCounts, name: "the start count of state") { return problem }
        if let problem = StatisticsConsistency.negative(markov.occupancies, name: "the occupancy of state") { return problem }
        if let problem = StatisticsConsistency.negative(markov.transitionCounts, name: "transition count (row-major)") {
            return problem
        }
        guard let emissions = emissions as? GaussianMixtureStatistics else { return nil }
        return emissions.consistencyProblem().map { "emissions: \($0)" }
    }
}

/// Emissions whose HMM has a file form: Gaussian mixtures (``/HMMKitMarkov/MixtureEmissions``).
public protocol TrainableEmissions: GaussianMixtureEmissions where Statistics == GaussianMixtureStatistics {
    /// The HMM stored in `bytes` (a ``/HMMKitMarkov/GMMHMM`` file; `path` names it in errors).
    static func model(fileContents bytes: [UInt8], path: String, backend: ComputeBackend) throws(HMMError) -> HiddenMarkovModel<Self>
}

/// Gaussian-mixture emissions read their HMM from its JSON file.
extension MixtureEmissions: TrainableEmissions {
    public static func model(fileContents bytes: [UInt8], path: String, backend: ComputeBackend) throws(HMMError)
        -> HiddenMarkovModel<MixtureEmissions<Scalar>>
    {
        try HiddenMarkovModel<MixtureEmissions<Scalar>>(encodedFile: bytes, path: path, backend: backend)
    }
}

/// The E-step settings of an HMM: the forward-backward implementation and the blocks of sequences.
public struct HMMEStepOptions: EStepSettings, Hashable {
    /// The forward-backward implementation (default scaled; log space is the reference).
    public var implementation: ForwardBackwardImplementation = .scaled
    /// How sequences are cut into chunks and blocks.
    public var partition = WorkPartition()

    /// The defaults: scaled forward-backward, the default partition.
    public init() {}

    public init(implementation: ForwardBackwardImplementation, partition: WorkPartition = WorkPartition()) {
        self.implementation = implementation
        self.partition = partition
    }
}

/// A GMM-HMM trains on ``EMDriver``: the E-step is forward-backward over each chunk's sequences
/// (emission log-densities by GEMM), the M-step the chain's update and the shared Gaussian M-step.
extension HiddenMarkovModel: EMModel where Emissions: TrainableEmissions {
    public typealias EStepOptions = HMMEStepOptions
    public typealias UpdateOptions = HMMUpdateOptions
    public typealias UpdateReport = HMMUpdateReport

    public static var fileFormat: String { HiddenMarkovModelDocument.formatName }

    public var statisticsLayout: StatisticsLayout {
        StatisticsLayout(modelFormat: Self.fileFormat, states: stateCount, components: componentsPerState, dimension: dimension,
                         covariance: covarianceType, valueCount: emptyStatistics().values.count)
    }

    public func statistics(of chunk: SequenceChunk<Scalar>, options: HMMEStepOptions, threadCount: Int, backend: ComputeBackend)
        throws(TrainingError) -> HMMStatistics<GaussianMixtureStatistics>
    {
        guard !chunk.lengths.isEmpty else { return emptyStatistics() }
        do {
            return try statistics(of: chunk.frames, lengths: chunk.lengths, implementation: options.implementation,
                                  threadCount: threadCount, partition: options.partition)
        } catch {
            throw .hmm(error)
        }
    }

    public static func named(_ error: TrainingError, in chunk: SequenceChunk<Scalar>) -> TrainingError {
        guard case .hmm(let hmmError) = error else { return error }
        return SequenceProblem.explain(hmmError, in: chunk)
    }

    public func reestimated(from statistics: HMMStatistics<GaussianMixtureStatistics>, options: HMMUpdateOptions,
                            backend: ComputeBackend) throws(TrainingError) -> (model: Self, report: HMMUpdateReport) {
        guard statistics.values.count == emptyStatistics().values.count else {
            throw .statisticsMismatch("\(statistics.values.count) values for a model whose statistics have \(emptyStatistics().values.count)")
        }
        do { return try updated(with: statistics, options: options) } catch { throw .hmm(error) }
    }

    public func fileContents() throws(TrainingError) -> [UInt8] {
        do { return try encodedFile() } catch { throw .hmm(error) }
    }

    public init(fileContents: [UInt8], path: String, backend: ComputeBackend) throws(TrainingError) {
        do { self = try Emissions.model(fileContents: fileContents, path: path, backend: backend) } catch { throw .hmm(error) }
    }
}

/// Turns an error about sequence k of a chunk into one naming the sequence.
enum SequenceProblem {
    static func explain<S>(_ error: HMMError, in chunk: SequenceChunk<S>) -> TrainingError {
        func named(_ position: Int, _ problem: String) -> TrainingError {
            guard chunk.names.indices.contains(position) else { return .hmm(error) }
            return .sequence(name: chunk.names[position], index: chunk.indices[position], problem: problem)
        }
        switch error {
        case let .nonFiniteData(sequence, frame, column, value):
            return named(sequence, "frame \(frame), column \(column) is \(value); \(FeatureValues.rule)")
        case let .markov(.sequenceTooShort(sequence, frameCount, minimum)):
            return named(sequence, "\(frameCount) frames, but the topology needs at least \(minimum) to reach an end state; "
                + "drop the sequence or use fewer states or longer jumps")
        case let .markov(.impossibleSequence(sequence, _, frame)):
            return named(sequence, "probability zero under the model (no state is possible at frame \(frame))")
        case let .markov(.invalidLogLikelihood(sequence, frame, state, value)):
            return named(sequence, "emission log-likelihood \(value) at frame \(frame), state \(state)")
        default:
            return .hmm(error)
        }
    }

    static func explain<S>(_ error: MixtureError, in chunk: SequenceChunk<S>) -> TrainingError {
        if case let .nonFiniteData(row, column, value) = error, !chunk.lengths.isEmpty {
            let position = chunk.position(ofRow: row)
            return .sequence(name: chunk.names[position], index: chunk.indices[position],
                             problem: "frame \(row - chunk.firstRow(of: position)), column \(column) is \(value); \(FeatureValues.rule)")
        }
        if case let .nonFiniteScore(row, value) = error, !chunk.lengths.isEmpty {
            let position = chunk.position(ofRow: row)
            return .sequence(name: chunk.names[position], index: chunk.indices[position],
                             problem: "frame \(row - chunk.firstRow(of: position)) has the log-likelihood \(value) under the model; "
                                + "it lies too far from every component to be scored")
        }
        return .mixture(error)
    }
}
