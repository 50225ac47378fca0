import HMMKitNumerics

/// Cepstral mean (and variance) normalisation.
public enum CepstralNormalizer {
    /// Normalises each column of `features` over its frames, in place. A column with zero
    /// variance is only centred (never divided by zero).
    public static func normalize<S: MatrixScalar>(_ features: inout Matrix<S>, _ mode: CepstralNormalization) {
        guard mode != .none, features.rowCount > 0 else { return }
        let statistics = CepstralStatistics(features)
        statistics.apply(to: &features, dividingByDeviation: mode == .utteranceMeanAndVariance)
    }
}

extension CepstralNormalizer {
    /// Normalises each utterance with the statistics of all utterances of its speaker (Kaldi's
    /// `compute-cmvn-stats --spk2utt` then `apply-cmvn`): `speakers[i]` names the speaker of
    /// `utterances[i]`. Means only, or means and variances when `dividingByDeviation`.
    public static func normalizeBySpeaker<S: MatrixScalar>(
        _ utterances: inout [Matrix<S>], speakers: [String], dividingByDeviation: Bool
    ) {
        precondition(utterances.count == speakers.count,
                     "normalizeBySpeaker: \(utterances.count) utterances but \(speakers.count) speaker names")
        guard let dimension = utterances.first?.columnCount else { return }
        var statistics: [String: CepstralStatistics] = [:]
        for (utterance, speaker) in zip(utterances, speakers) {
            statistics[speaker, default: CepstralStatistics(dimension: dimension)].add(utterance)
        }
        for index in utterances.indices {
            statistics[speakers[index]]!.apply(to: &utterances[index], dividingByDeviation: dividingByDeviation)
        }
    }
}

/// Per-dimension mean and standard deviation over a set of frames (an utterance or a speaker's
/// utterances), accumulated in Double.
public struct CepstralStatistics: Sendable, Equatable, Codable {
    /// Frames counted.
    public private(set) var frameCount = 0
    private var sums: [Double]
    private var squares: [Double]

    /// Empty statistics of `dimension` columns.
    public init(dimension: Int) {
        sums = [Double](repeating: 0, count: dimension)
        squares = sums
    }

    /// The statistics of one matrix's frames.
    public init<S: MatrixScalar>(_ features: Matrix<S>) {
        self.init(dimension: features.columnCount)
        add(features)
    }

    /// Adds a matrix's frames (its column count must match).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public mutating func add<S: MatrixScalar>(_ features: Matrix<S>) {
        precondition(features.columnCount == sums.count,
                     "CepstralStatistics of dimension \(sums.count) given \(features.columnCount) columns")
        let d = sums.count
        features.withUnsafeElements { values in
            for t in 0..<features.rowCount {
                for k in 0..<d {
                    let x = Double(values[t * d + k])
                    sums[k] += x
                    squares[k] += x * x
                }
            }
        }
        frameCount += features.rowCount
    }

    private enum CodingKeys: String, CodingKey { case frameCount, sums, squares }

    /// Reads statistics written by `encode(to:)`, refusing a negative frame count and sums and
    /// squares of different lengths (which no statistics can have).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        frameCount = try container.decode(Int.self, forKey: .frameCount)
        sums = try container.decode([Double].self, forKey: .sums)
        squares = try container.decode([Double].self, forKey: .squares)
        guard frameCount >= 0, sums.count == squares.count else {
            throw DecodingError.dataCorruptedError(forKey: .squares, in: container, debugDescription:
                "\(frameCount) frames, \(sums.count) sums and \(squares.count) squares; the frames must be ≥ 0 and there must be one square per sum")
        }
    }

    /// The frame count, the sums and the sums of squares, flat (`1 + 2 · dimension` numbers), for
    /// adding statistics across processes.
    package var numbers: [Double] { [Double(frameCount)] + sums + squares }

    /// Statistics from their ``numbers``.
    package init(numbers: ArraySlice<Double>) {
        let dimension = (numbers.count - 1) / 2, start = numbers.startIndex
        precondition(numbers.count == 1 + 2 * dimension, "CepstralStatistics: \(numbers.count) numbers is not 1 + 2 · dimension")
        frameCount = Int(numbers[start])
        sums = Array(numbers[(start + 1)...(start + dimension)])
        squares = Array(numbers[(start + 1 + dimension)...])
    }

    /// The per-dimension means.
    public var means: [Double] { sums.map { $0 / Double(max(frameCount, 1)) } }

    /// The per-dimension (population) standard deviations.
    public var deviations: [Double] {
        zip(sums, squares).map { sum, square in
            let n = Double(max(frameCount, 1))
            return max(square / n - (sum / n) * (sum / n), 0).squareRoot()
        }
    }

    /// Subtracts the means from `features`' columns and, if asked, divides by the deviations
    /// (columns with a zero deviation, or one too small to divide by in `S`, are only centred).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func apply<S: MatrixScalar>(to features: inout Matrix<S>, dividingByDeviation: Bool) {
        let d = sums.count
        precondition(features.columnCount == d, "CepstralStatistics of dimension \(d) applied to \(features.columnCount) columns")
        let shift = means.map { S($0) }
        // A deviation whose reciprocal is not finite in S (0, or subnormal) is treated as 0.
        let scale = deviations.map { dividingByDeviation && $0 > 0 && S(1 / $0).isFinite ? S(1 / $0) : S(1) }
        let rows = features.rowCount
        features.withUnsafeMutableElements { values in
            for t in 0..<rows {
                for k in 0..<d { values[t * d + k] = (values[t * d + k] - shift[k]) * scale[k] }
            }
        }
    }
}
