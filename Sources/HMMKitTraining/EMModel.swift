import HMMKitMixtures
import HMMKitNumerics

/// Statistics that add up over disjoint data and live in one flat buffer of Doubles (Kaldi's
/// accumulators): what threads, statistics files and MPI all reduce the same way.
public protocol AdditiveStatistics: Sendable {
    /// Every number, in a fixed layout.
    var values: [Double] { get }
    /// Frames accumulated.
    var frameCount: Double { get }
    /// `Σ log p(x)` under the model the statistics were gathered with.
    var logLikelihood: Double { get }
    /// Replaces every number (after an all-reduce, or from a statistics file).
    /// - Throws: ``TrainingError/statisticsMismatch(_:)`` when the count differs.
    mutating func replaceAll(with values: [Double]) throws(TrainingError)
    /// Adds `other`, which has the same layout.
    /// - Throws: ``TrainingError/statisticsMismatch(_:)`` otherwise.
    mutating func accumulate(_ other: Self) throws(TrainingError)
    /// What makes these sums impossible for any data (a negative count or occupancy, a sum of
    /// squares below the square of the sum), or nil when they are consistent. Checked once when
    /// statistics come from outside (a statistics file), never per chunk.
    func consistencyProblem() -> String?
}

/// Consistency checks shared by the statistics types.
enum StatisticsConsistency {
    /// The first value of `values` below zero by more than rounding (relative to the largest
    /// magnitude among them), described with `name`; nil if none.
    static func negative(_ values: ArraySlice<Double>, name: String) -> String? {
        let scale = values.reduce(1.0) { max($0, abs($1)) }
        guard let index = values.firstIndex(where: { $0 < -InputLimits.negativeSumTolerance * scale }) else { return nil }
        return "\(name) \(index - values.startIndex) is \(values[index]); it cannot be negative"
    }
}

/// The shape of a model's statistics, recorded in statistics files and checked when they are
/// summed or applied.
public struct StatisticsLayout: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The model file format the statistics belong to (`HMMKit.HiddenMarkovModel`, `HMMKit.GaussianMixture`).
    public var modelFormat: String
    /// States (nil for a Gaussian mixture).
    public var states: Int?
    /// Mixture components (per state for an HMM).
    public var components: Int
    /// Feature dimension.
    public var dimension: Int
    /// Covariance structure (stored as `diag`, `full`, `spherical`, `tied`).
    public var covariance: CovarianceType
    /// Numbers in the statistics buffer.
    public var valueCount: Int

    /// A layout from its fields.
    public init(modelFormat: String, states: Int?, components: Int, dimension: Int, covariance: CovarianceType, valueCount: Int) {
        self.modelFormat = modelFormat
        self.states = states
        self.components = components
        self.dimension = dimension
        self.covariance = covariance
        self.valueCount = valueCount
    }

    public var description: String {
        let states = self.states.map { "\($0) states × " } ?? ""
        return "\(modelFormat): \(states)\(components) \(covariance.rawValue) components of dimension \(dimension), \(valueCount) values"
    }
}

/// Settings of a model's E-step that do not change its statistics' meaning (the forward-backward
/// implementation, block sizes); every one has a default.
public protocol EStepSettings: Sendable {
    /// The default settings.
    init()
}

/// A model that EM trains: the E-step of a chunk of sequences into statistics that add up, the
/// M-step (statistics → new model + report), and an exact file form (checkpoints, model identity,
/// sharing the model between processes). ``EMDriver`` runs every conforming model, in memory or
/// streamed, on threads and MPI ranks. ``/HMMKitMarkov/GMMHMM`` and ``/HMMKitMixtures/GaussianMixture``
/// conform; a model made
/// of several (one HMM per word, ``ModelSet``) conforms by concatenating theirs.
public protocol EMModel: Sendable {
    /// The precision of the frames and parameters (`Float` or `Double`).
    associatedtype Scalar: MatrixScalar
    /// The E-step's sums (Double, one flat buffer).
    associatedtype Statistics: AdditiveStatistics
    /// The M-step's options.
    associatedtype UpdateOptions: Sendable
    /// What one M-step did.
    associatedtype UpdateReport: Sendable
    /// The E-step's settings.
    associatedtype EStepOptions: EStepSettings

    /// The `format` of the model's file.
    static var fileFormat: String { get }
    /// Dimension of the frames, D.
    var dimension: Int { get }
    /// The layout of this model's statistics buffer.
    var statisticsLayout: StatisticsLayout { get }

    /// Statistics of no data, in this model's layout.
    func emptyStatistics() -> Statistics
    /// The E-step over one chunk on `threadCount` workers; the result must not depend on the
    /// thread count (bitwise).
    /// - Throws: the model's own error (``TrainingError/hmm(_:)``, ``TrainingError/mixture(_:)``)
    ///   as it describes it; ``named(_:in:)`` turns it into one naming the sequence.
    func statistics(of chunk: SequenceChunk<Scalar>, options: EStepOptions, threadCount: Int,
                    backend: ComputeBackend) throws(TrainingError) -> Statistics
    /// `error`, thrown by ``statistics(of:options:threadCount:backend:)`` for `chunk`, restated to
    /// name the sequence of the chunk it is about (``TrainingError/sequence(name:index:problem:)``)
    /// when it is about one. Default: `error` unchanged.
    static func named(_ error: TrainingError, in chunk: SequenceChunk<Scalar>) -> TrainingError
    /// The M-step: the model re-estimated from `statistics` (gathered with this model).
    func reestimated(from statistics: Statistics, options: UpdateOptions, backend: ComputeBackend)
        throws(TrainingError) -> (model: Self, report: UpdateReport)
    /// The model's file, byte for byte: the same parameters always give the same bytes, and
    /// ``init(fileContents:path:backend:)`` restores them exactly.
    func fileContents() throws(TrainingError) -> [UInt8]
    /// A model from its file's bytes (`path` names the file in errors).
    init(fileContents: [UInt8], path: String, backend: ComputeBackend) throws(TrainingError)
    /// Whether the model has finished training by a rule of its own (a ``ModelSet`` whose members
    /// all stopped); the driver then stops as converged. Default: false.
    var isFinished: Bool { get }
}

extension EMModel {
    public var isFinished: Bool { false }

    public static func named(_ error: TrainingError, in chunk: SequenceChunk<Scalar>) -> TrainingError { error }

    /// The E-step over `chunk` with default settings, errors naming the chunk's sequences.
    public func statistics(of chunk: SequenceChunk<Scalar>, threadCount: Int = 1,
                           backend: ComputeBackend = .default) throws(TrainingError) -> Statistics {
        do { return try statistics(of: chunk, options: EStepOptions(), threadCount: threadCount, backend: backend) } catch {
            throw Self.named(error, in: chunk)
        }
    }

    /// The identity of the model's parameters: a 64-bit FNV-1a hash of ``fileContents()`` as
    /// 16 hexadecimal digits. Statistics files record it, so statistics gathered with one model
    /// are never applied to another.
    public func identity() throws(TrainingError) -> String {
        ModelIdentity.hash(try fileContents())
    }
}

/// Hashes that identify files and buffers (not cryptographic: they catch mistakes, not attacks).
public enum ModelIdentity {
    /// 64-bit FNV-1a of `bytes`, as 16 lowercase hexadecimal digits.
    public static func hash(_ bytes: some Sequence<UInt8>) -> String {
        let value = fnv1a(bytes)
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// 64-bit FNV-1a of `bytes`.
    public static func fnv1a(_ bytes: some Sequence<UInt8>, startingFrom seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
