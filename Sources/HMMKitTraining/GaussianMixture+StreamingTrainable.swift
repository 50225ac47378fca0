import HMMKitMixtures
import HMMKitNumerics

extension GaussianMixtureStatistics: AdditiveStatistics {
    public mutating func replaceAll(with values: [Double]) throws(TrainingError) {
        do { try replaceValues(with: values) } catch { throw .statisticsMismatch("\(error)") }
    }

    public mutating func accumulate(_ other: GaussianMixtureStatistics) throws(TrainingError) {
        do { try add(other) } catch { throw .statisticsMismatch("\(error)") }
    }
}

/// A Gaussian mixture trains on frames: the sequences of a chunk are simply stacked.
extension GaussianMixture: StreamingTrainable {
    public typealias UpdateOptions = GaussianMixtureUpdateOptions
    public typealias UpdateReport = GaussianMixtureUpdateReport

    public static var fileFormat: String { GaussianMixtureDocument.formatName }

    public var statisticsLayout: StatisticsLayout {
        StatisticsLayout(modelFormat: Self.fileFormat, states: nil, components: componentCount, dimension: dimension,
                         covariance: covarianceType.rawValue, valueCount: emptyStatistics().values.count)
    }

    public func emptyStatistics() -> GaussianMixtureStatistics { GaussianMixtureStatistics(for: self) }

    public func statistics(of chunk: SequenceChunk<Scalar>, threadCount: Int, backend: ComputeBackend)
        throws(TrainingError) -> GaussianMixtureStatistics
    {
        guard chunk.frames.rowCount > 0 else { return emptyStatistics() }
        do {
            return try statistics(of: chunk.frames, backend: backend, threadCount: threadCount)
        } catch {
            throw SequenceProblem.explain(error, in: chunk)
        }
    }

    /// ``GaussianMixtureUpdate/apply(_:to:options:backend:)``. Starved components keep their
    /// parameters here; re-seeding them needs frames (``StreamingEMTrainer/afterUpdate``).
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
