import Foundation
import HMMKitNumerics
import HMMKitTestSupport
import Testing

// The DCT-II on both backends and both precisions: the defining sum evaluated in Double here,
// closed forms (a constant, a cosine, an impulse), truncation to the first coefficients,
// orthonormality of the transform matrix, and agreement between FFTW's REDFT10 and the cosine table.
//
// Tolerances, relative to the largest |expected coefficient|. The reference backend computes each
// coefficient as an n-term dot product of the input with a rounded cosine table; FFTW's REDFT10
// is an FFT-based algorithm with error ~log₂n·ε. The dot product's error is at most n·ε·Σ|x|, and
// for inputs in -1...1 Σ|x| is at most ~√n times the largest coefficient: worst case n^1.5·ε,
// ≈ 4.6e-13 (Double) and 2.5e-4 (Float) for n = 257, expected n·ε ≈ 2.9e-14 and 1.5e-5.
/// Double: 1e-12, twice the worst case n^1.5·2⁻⁵³ for n = 257.
private let toleranceDouble = 1e-12
/// Float: 1e-4, 7 times the expected n·2⁻²⁴ for n = 257; a wrong scale or index errs by order 1.
private let toleranceFloat = 1e-4

/// Input lengths: the non-empty awkward sizes plus 23, a common mel-filterbank size.
let cosineLengths = positiveAwkwardSizes + [23]

/// y[k] = scale(k)·2·Σⱼ x[j]·cos(πk(2j+1)/2n) for k < `count`, in Double by the definition, with
/// the phase k(2j+1) reduced modulo 4n in integers. scale = 1, or √(1/4n) for k = 0 and √(1/2n)
/// otherwise when orthonormal.
private func naiveDCT(
    _ x: [Double], count: Int, normalization: DiscreteCosineTransform<Double>.Normalization
) -> [Double] {
    let n = x.count
    return (0..<count).map { k in
        var sum = 0.0
        for (j, value) in x.enumerated() {
            sum += value * cos(Double.pi * Double((k * (2 * j + 1)) % (4 * n)) / Double(2 * n))
        }
        let scale = normalization == .none ? 1 : (k == 0 ? (1 / Double(4 * n)).squareRoot() : (1 / Double(2 * n)).squareRoot())
        return 2 * sum * scale
    }
}

/// The same normalization for another scalar type (the enum is nested in the generic class).
private func normalization<S: MatrixScalar>(
    _ value: DiscreteCosineTransform<Double>.Normalization, as _: S.Type
) -> DiscreteCosineTransform<S>.Normalization {
    DiscreteCosineTransform<S>.Normalization(rawValue: value.rawValue)!
}

private let normalizations: [DiscreteCosineTransform<Double>.Normalization] = [.none, .orthonormal]

@Suite("DCT-II")
struct DiscreteCosineTransformTests {
    @Test(arguments: cosineLengths, normalizations)
    func matchesTheDefinitionOnBothBackends(length: Int, normalization: DiscreteCosineTransform<Double>.Normalization) {
        checkDefinition(Float.self, length, normalization, tolerance: toleranceFloat)
        checkDefinition(Double.self, length, normalization, tolerance: toleranceDouble)
    }

    /// Random input against the Double definition, on both backends, and the backends against
    /// each other; keeping fewer coefficients gives exactly the first ones of the full transform.
    private func checkDefinition<S: MatrixScalar>(
        _: S.Type, _ n: Int, _ kind: DiscreteCosineTransform<Double>.Normalization, tolerance: Double
    ) {
        var generator = seededGenerator(n, kind == .none ? 1 : 2, 73)
        let x: [S] = .random(count: n, using: &generator)
        let expected = naiveDCT(x.map { Double($0) }, count: n, normalization: kind)
        var results: [[S]] = []
        for backend in ComputeBackend.allCases {
            let context = "\(S.self) \(backend) n=\(n) \(kind)"
            let dct = DiscreteCosineTransform<S>(inputLength: n, normalization: normalization(kind, as: S.self),
                                                 backend: backend)
            #expect(dct.outputCount == n)
            let y = dct.transform(x)
            #expect(y.count == n)
            #expect(relativeError(y, expected) <= tolerance, "\(context)")
            for count in Set([1, min(13, n), n - 1]).sorted() where count >= 1 {
                let truncated = DiscreteCosineTransform<S>(
                    inputLength: n, outputCount: count, normalization: normalization(kind, as: S.self), backend: backend)
                #expect(truncated.outputCount == count)
                #expect(truncated.transform(x) == Array(y.prefix(count)), "\(context): first \(count) coefficients")
            }
            // The buffer API writes exactly outputCount values and leaves the rest of the buffer alone.
            let three = DiscreteCosineTransform<S>(inputLength: n, outputCount: min(3, n),
                                                   normalization: normalization(kind, as: S.self), backend: backend)
            var output = [S](repeating: -7, count: 5)
            x.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { three.transform(input, into: $0) }
            }
            #expect(Array(output.prefix(min(3, n))) == Array(y.prefix(min(3, n))))
            #expect(output.dropFirst(min(3, n)).allSatisfy { $0 == -7 }, "\(context): wrote past outputCount")
            results.append(y)
        }
        #expect(relativeError(results[0], results[1]) <= tolerance, "\(S.self) n=\(n) \(kind): backends disagree")
    }

    @Test(arguments: cosineLengths, normalizations)
    func batchTransformOfRowsMatchesTheDefinition(
        length: Int, normalization: DiscreteCosineTransform<Double>.Normalization
    ) {
        checkRows(Float.self, length, normalization, tolerance: toleranceFloat)
        checkRows(Double.self, length, normalization, tolerance: toleranceDouble)
    }

    /// `transformRows(of:into:)` (a GEMM with the scaled cosine matrix) on 0, 1 and 5 rows, keeping
    /// all or the first few coefficients: every row against the Double definition. The result
    /// starts either with the wrong shape (it must be resized) or right-shaped and full of NaN (it
    /// must be overwritten). The error budget is the per-row transform's: an n-term dot product
    /// with a rounded table, whose entries now carry the scale as well (one more rounding each).
    private func checkRows<S: MatrixScalar>(
        _: S.Type, _ n: Int, _ kind: DiscreteCosineTransform<Double>.Normalization, tolerance: Double
    ) {
        var generator = seededGenerator(n, kind == .none ? 1 : 2, 79)
        for backend in ComputeBackend.allCases {
            for count in Set([n, min(13, n)]).sorted() {
                let dct = DiscreteCosineTransform<S>(inputLength: n, outputCount: count,
                                                     normalization: normalization(kind, as: S.self), backend: backend)
                for rowCount in [0, 1, 5] {
                    let context = "\(S.self) \(backend) n=\(n) \(kind) first \(count) of \(rowCount) rows"
                    let rows = Matrix<S>.random(rowCount: rowCount, columnCount: n, using: &generator)
                    // Wrong in the number of columns, or (for one row) in the number of rows.
                    var resized = rowCount == 1 ? Matrix<S>(rowCount: 2, columnCount: count)
                                                : Matrix<S>(rowCount: rowCount, columnCount: count + 1)
                    dct.transformRows(of: rows, into: &resized)
                    var overwritten = Matrix<S>(rowCount: rowCount, columnCount: count, repeating: .nan)
                    dct.transformRows(of: rows, into: &overwritten)
                    #expect(resized.shape == (rows: rowCount, columns: count), "\(context)")
                    #expect(overwritten == resized, "\(context): a NaN-filled result gave different values")
                    guard resized.shape == (rows: rowCount, columns: count) else { continue }
                    var expected: [Double] = []
                    for i in 0..<rowCount {
                        expected += naiveDCT(rows[row: i].map { Double($0) }, count: count, normalization: kind)
                    }
                    #expect(relativeError(resized.elements, expected) <= tolerance, "\(context)")
                }
            }
        }
    }

    @Test(arguments: ComputeBackend.allCases, cosineLengths)
    func closedFormsHold(backend: ComputeBackend, length: Int) {
        checkClosedForms(Float.self, backend, length, tolerance: toleranceFloat)
        checkClosedForms(Double.self, backend, length, tolerance: toleranceDouble)
    }

    /// Unnormalized: a constant 1 gives y = (2n, 0, …); x[j] = cos(πm(2j+1)/2n) with 0 < m < n gives
    /// n at m and 0 elsewhere; an impulse at 0 gives y[k] = 2cos(πk/2n). Orthonormal: the same
    /// times √(1/4n) at k = 0 and √(1/2n) elsewhere (√n, √(n/2), …).
    private func checkClosedForms<S: MatrixScalar>(
        _: S.Type, _ backend: ComputeBackend, _ n: Int, tolerance: Double
    ) {
        let plain = DiscreteCosineTransform<S>(inputLength: n, normalization: .none, backend: backend)
        let orthonormal = DiscreteCosineTransform<S>(inputLength: n, normalization: .orthonormal, backend: backend)
        let scale = (0..<n).map { k in k == 0 ? (1 / Double(4 * n)).squareRoot() : (1 / Double(2 * n)).squareRoot() }
        var cases: [(name: String, input: [S], expected: [Double])] = []
        var constant = [Double](repeating: 0, count: n)
        constant[0] = 2 * Double(n)
        cases.append(("constant", [S](repeating: 1, count: n), constant))
        if n >= 2 {
            let m = max(1, n / 3)
            var peak = [Double](repeating: 0, count: n)
            peak[m] = Double(n)
            let cosine = (0..<n).map { j in S(cos(Double.pi * Double((m * (2 * j + 1)) % (4 * n)) / Double(2 * n))) }
            cases.append(("cosine at \(m)", cosine, peak))
        }
        var impulse = [S](repeating: 0, count: n)
        impulse[0] = 1
        cases.append(("impulse", impulse, (0..<n).map { 2 * cos(Double.pi * Double($0) / Double(2 * n)) }))
        for (name, input, expected) in cases {
            let context = "\(S.self) \(backend) n=\(n) \(name)"
            #expect(relativeError(plain.transform(input), expected) <= tolerance, "\(context)")
            #expect(relativeError(orthonormal.transform(input), zip(expected, scale).map { $0 * $1 }) <= tolerance,
                    "\(context) orthonormal")
        }
    }

    @Test(arguments: ComputeBackend.allCases, cosineLengths)
    func orthonormalTransformMatrixIsOrthogonal(backend: ComputeBackend, length: Int) throws {
        try checkOrthogonality(Float.self, backend, length, tolerance: toleranceFloat)
        try checkOrthogonality(Double.self, backend, length, tolerance: toleranceDouble)
    }

    /// The orthonormal transform's matrix M (column j = the transform of the unit vector e_j)
    /// satisfies M·Mᵀ = I. M·Mᵀ is formed in Double with the accelerated GEMM (checked against a
    /// triple loop in MultiplyTests). Each element is an n-term dot product of rows with unit norm,
    /// so the tolerances above apply unchanged.
    private func checkOrthogonality<S: MatrixScalar>(
        _: S.Type, _ backend: ComputeBackend, _ n: Int, tolerance: Double
    ) throws {
        let dct = DiscreteCosineTransform<S>(inputLength: n, normalization: .orthonormal, backend: backend)
        var columns = Matrix<Double>(rowCount: n, columnCount: n)
        var unit = [S](repeating: 0, count: n)
        for j in 0..<n {
            unit[j] = 1
            columns[row: j] = dct.transform(unit).map { Double($0) }[...]
            unit[j] = 0
        }
        // `columns` holds Mᵀ (row j = column j of M), so M·Mᵀ = columnsᵀ·columns.
        let gram = try ComputeBackend.accelerated.multiply(columns, by: columns, transposeA: true)
        #expect(relativeError(gram, Matrix<Double>.identity(n)) <= tolerance, "\(S.self) \(backend) n=\(n)")
    }
}
