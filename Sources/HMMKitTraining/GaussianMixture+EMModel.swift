import HMMKitMixtures
import HMMKitNumerics

/// Gaussian mixture statistics add up in one flat buffer.
extension GaussianMixtureStatistics: AdditiveStatistics {
    public mutating func replaceAll(with values: [Double]) throws(TrainingError) {
        do { try replaceValues(with: values) } catch { throw .mixture(error) }
    }
    public mutating func accumulate(_ other: GaussianMixtureStatistics) throws(TrainingError) {
        do { try add(other) } catch { throw .mixture(error) }
    }

    /// Negative frames, occupancies or variance-type sums (`Σ γ x²`, the diagonal of `Σ γ x xᵀ`),
    /// or, for diagonal and spherical sums, `Σγ · Σγx² < (Σγx)²` beyond rounding (a negative variance).
    public func consistencyProblem() -> String? {
        guard frameCount >= 0 else { return "the frame count is \(frameCount); it cannot be negative" }
        if let problem = StatisticsConsistency.negative(occupancies, name: "the occupancy of component") { return problem }
        let k = componentCount, d = dimension
        let first = Array(firstOrder), second = Array(secondOrder), occupancy = Array(occupancies)
        switch covarianceType {
        case .diagonal, .spherical:
            if let problem = StatisticsConsistency.negative(secondOrder, name: "second-order sum") { return problem }
            for c in 0..<k {
                guard occupancy[c] > 0 else { continue }
                for j in 0..<d {
                    // Var = Σγx²/Σγ − (Σγx/Σγ)², which cancellation may leave slightly negative.
                    let meanOfSquares = second[c * d + j] / occupancy[c], mean = first[c * d + j] / occupancy[c]
                    if meanOfSquares - mean * mean < -1e-6 * max(meanOfSquares, mean * mean) {
                        return "component \(c), dimension \(j): Σγx²/Σγ = \(meanOfSquares) is below (Σγx/Σγ)² = "
                            + "\(mean * mean), a negative variance"
                    }
                }
            }
        case .full:
            for c in 0..<k {
                for j in 0..<d where second[c * d * d + j * d + j] < -InputLimits.negativeSumTolerance * max(1, abs(second[c * d * d + j * d + j])) {
                    return "component \(c): the second-order sum of dimension \(j) is \(second[c * d * d + j * d + j]); it cannot be negative"
                }
            }
        case .tied:
            for j in 0..<d where second[j * d + j] < 0 {
                return "the second-order sum of dimension \(j) is \(second[j * d + j]); it cannot be negative"
            }
        }
        return nil
    }
}

/// A Gaussian mixture trains on frames: the sequences of a chunk are simply stacked.
/// The E-step settings of a Gaussian mixture: how the frames are cut into chunks and blocks.
public struct MixtureEStepOptions: EStepSettings, Hashable {
    /// The partition (default `WorkPartition.mixtureEStep`).
    public var partition: WorkPartition = .mixtureEStep

    public init() {}

    /// Settings with `partition`.
    public init(partition: WorkPartition) { self.partition = partition }
}

/// A Gaussian mixture trains on ``EMDriver``: the E-step stacks a chunk's frames (sequence
/// boundaries do not matter), the M-step is ``/HMMKitMixtures/GaussianMixtureUpdate``.
extension GaussianMixture: EMModel {
    public typealias UpdateOptions = GaussianMixtureUpdateOptions
    public typealias UpdateReport = GaussianMixtureUpdateReport

    public static var fileFormat: String { GaussianMixtureDocument.formatName }

    public var statisticsLayout: StatisticsLayout {
        StatisticsLayout(modelFormat: Self.fileFormat, states: nil, components: componentCount, dimension: dimension,
                         covariance: covarianceType, valueCount: emptyStatistics().values.count)
    }

    public func emptyStatistics() -> GaussianMixtureStatistics { GaussianMixtureStatistics(for: self) }

    public func statistics(of chunk: SequenceChunk<Scalar>, options: MixtureEStepOptions, threadCount: Int, backend: ComputeBackend)
        throws(TrainingError) -> GaussianMixtureStatistics
    {
        guard chunk.frames.rowCount > 0 else { return emptyStatistics() }
        do {
            return try statistics(of: chunk.frames, backend: backend, threadCount: threadCount, partition: options.partition)
        } catch {
            throw .mixture(error)
        }
    }

    public static func named(_ error: TrainingError, in chunk: SequenceChunk<Scalar>) -> TrainingError {
        guard case .mixture(let mixtureError) = error else { return error }
        return SequenceProblem.explain(mixtureError, in: chunk)
    }

    /// ``/HMMKitMixtures/GaussianMixtureUpdate/apply(_:to:options:backend:)``. Starved components keep their
    /// parameters here; re-seeding them needs frames (``EMDriver/afterUpdate``).
    public func reestimated(from statistics: GaussianMixtureStatistics, options: GaussianMixtureUpdateOptions,
                            backend: ComputeBackend) throws(TrainingError) -> (model: GaussianMixture, report: GaussianMixtureUpdateReport) {
        do { return try GaussianMixtureUpdate.apply(statistics, to: self, options: options, backend: backend) } catch {
            throw .mixture(error)
        }
    }

    public func fileContents() throws(TrainingError) -> [UInt8] {
        do { return try encodedFile() } catch { throw .mixture(error) }
    }

    public init(fileContents: [UInt8], path: String, backend: ComputeBackend) throws(TrainingError) {
        do { try self.init(encodedFile: fileContents, path: path, backend: backend) } catch { throw .mixture(error) }
    }
}
