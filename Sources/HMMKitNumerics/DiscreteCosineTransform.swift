import RealModule

/// The DCT-II of a fixed `inputLength`, keeping the first `outputCount` coefficients:
/// `y[k] = 2 Σₙ x[n]·cos(πk(2n+1) / 2N)` (FFTW's `REDFT10`, SciPy's `dct(type=2)`), optionally
/// scaled to the orthonormal form (`y[0]·√(1/4N)`, `y[k]·√(1/2N)`) that Kaldi, librosa and
/// python_speech_features use for cepstra.
///
/// Like ``RealFourierTransform``, a DCT object owns scratch buffers: one per thread.
/// Accelerated: `fftw_plan_r2r_1d(…, FFTW_REDFT10, …)`. Reference: a precomputed
/// `[outputCount × inputLength]` cosine table and one dot product per coefficient.
public final class DiscreteCosineTransform<Scalar: MatrixScalar> {
    /// How the coefficients are scaled.
    public enum Normalization: String, Sendable, Codable {
        /// `y[k] = 2 Σ x[n] cos(…)`, unscaled.
        case none
        /// The orthonormal DCT-II: the transform matrix has orthonormal rows.
        case orthonormal
    }

    /// Samples in.
    public let inputLength: Int
    /// Coefficients out (the first ones), 1 … ``inputLength``.
    public let outputCount: Int
    /// The scaling applied.
    public let normalization: Normalization
    /// The backend this transform runs on.
    public let backend: ComputeBackend

    private let scales: [Scalar]
    private let plan: FFTWPlan?
    private let input: FFTWBuffer?
    private let output: FFTWBuffer?
    private let table: [Scalar]
    /// `[outputCount × inputLength]`: row k is the scaled cosine basis of coefficient k.
    private let scaledTable: Matrix<Scalar>

    /// A DCT-II of `inputLength` ≥ 1 samples keeping `outputCount` coefficients (default: all).
    public init(inputLength: Int, outputCount: Int? = nil, normalization: Normalization = .orthonormal,
                backend: ComputeBackend = .default) {
        let outputCount = outputCount ?? inputLength
        precondition(inputLength >= 1, "DCT input length must be at least 1 (got \(inputLength))")
        precondition(outputCount >= 1 && outputCount <= inputLength,
                     "DCT output count must be in 1…\(inputLength) (got \(outputCount))")
        self.inputLength = inputLength
        self.outputCount = outputCount
        self.normalization = normalization
        self.backend = backend
        let n = Double(inputLength)
        let scales = (0..<outputCount).map { k -> Scalar in
            switch normalization {
            case .none: return 1
            case .orthonormal: return Scalar(k == 0 ? (1 / (4 * n)).squareRoot() : (1 / (2 * n)).squareRoot())
            }
        }
        var table = [Scalar](repeating: 0, count: outputCount * inputLength)
        for k in 0..<outputCount {
            for j in 0..<inputLength {
                // Reduce the angle's argument exactly in integers before the cosine.
                let phase = (k * (2 * j + 1)) % (4 * inputLength)
                table[k * inputLength + j] = Scalar(2 * Double.cos(Double.pi * Double(phase) / (2 * n)))
            }
        }
        self.table = table
        self.scales = scales
        scaledTable = Matrix(rowCount: outputCount, columnCount: inputLength,
                             elements: (0..<table.count).map { table[$0] * scales[$0 / inputLength] })
        switch backend {
        case .accelerated:
            plan = FFTWPlanner.plan(.dctII, length: inputLength, precision: Scalar.precision)
            input = FFTWBuffer(scalars: inputLength, precision: Scalar.precision)
            output = FFTWBuffer(scalars: inputLength, precision: Scalar.precision)
        case .reference:
            plan = nil; input = nil; output = nil
        }
    }

    /// The DCT of every row of `rows` (`[count × inputLength]`) into `result`
    /// (`[count × outputCount]`, resized if needed): the batch form the feature pipeline uses.
    /// Accelerated: one GEMM with the scaled cosine matrix (`cblas_sgemm` / `cblas_dgemm`), faster
    /// than one FFTW call per short row. Reference: the same products by plain loops.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func transformRows(of rows: Matrix<Scalar>, into result: inout Matrix<Scalar>) {
        precondition(rows.columnCount == inputLength,
                     "DCT of length \(inputLength) got rows of \(rows.columnCount) values")
        if result.rowCount != rows.rowCount || result.columnCount != outputCount {
            result = Matrix(rowCount: rows.rowCount, columnCount: outputCount)
        }
        // The shapes were just checked, so the multiply cannot throw.
        try! backend.multiply(rows, by: scaledTable, transposeB: true, into: &result)
    }

    /// Transforms `values` (exactly ``inputLength`` of them) into `result` (``outputCount`` values).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func transform(_ values: UnsafeBufferPointer<Scalar>, into result: UnsafeMutableBufferPointer<Scalar>) {
        precondition(values.count == inputLength, "DCT of length \(inputLength) got \(values.count) values")
        precondition(result.count >= outputCount, "DCT result needs room for \(outputCount) values")
        if let plan, let input, let output {
            input.scalars(Scalar.self).update(from: values.baseAddress!, count: inputLength)
            plan.execute(.dctII, input: input, output: output)
            let coefficients = output.scalars(Scalar.self)
            for k in 0..<outputCount { result[k] = coefficients[k] * scales[k] }
            return
        }
        table.withUnsafeBufferPointer { table in
            for k in 0..<outputCount {
                let row = table.baseAddress! + k * inputLength
                var sum: Scalar = 0
                for j in 0..<inputLength { sum += row[j] * values[j] }
                result[k] = sum * scales[k]
            }
        }
    }

    /// The ``outputCount`` coefficients of `values` (exactly ``inputLength`` of them).
    public func transform(_ values: [Scalar]) -> [Scalar] {
        var result = [Scalar](repeating: 0, count: outputCount)
        values.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { transform(input, into: $0) }
        }
        return result
    }
}
