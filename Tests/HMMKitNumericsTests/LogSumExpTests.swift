import Foundation
import HMMKitNumerics
import HMMKitTestSupport
import Testing

// log-sum-exp over buffers and over matrix rows: closed forms where naive evaluation overflows
// or underflows, the IEEE special cases, and agreement with a Double evaluation on ordinary data.
//
// Tolerances. The shifted form m + log s, s = Σ exp(xᵢ − m) ≥ 1, rounds the n exponentials and
// their sum (relative error ≤ n·ε in s, hence ≤ n·ε absolute in log s) and then the addition
// (ε·|result|). So the error is at most about n·ε + ε·|result|, and it is measured relative to
// max(1, |expected|) by `logDomainError`. With n ≤ 257:
/// Double: 1e-13, ~3 times 258·2⁻⁵³ ≈ 2.9e-14.
private let toleranceDouble = 1e-13
/// Float: 5e-5, ~3 times 258·2⁻²⁴ ≈ 1.5e-5.
private let toleranceFloat = 5e-5

/// |result − expected| / max(1, |expected|): relative for large log-domain values, absolute near 0,
/// where log-sum-exp's own error is absolute (it is at most n·ε in log s).
private func logDomainError<S: MatrixScalar>(_ result: S, _ expected: Double) -> Double {
    if Double(result) == expected { return 0 }   // also covers equal infinities
    return abs(Double(result) - expected) / max(1, abs(expected))
}

private func logSumExp<S: MatrixScalar>(_ values: [S]) -> S {
    values.withUnsafeBufferPointer { HMMKitNumerics.logSumExp($0) }
}

@Suite("log-sum-exp")
struct LogSumExpTests {
    @Test func largeAndTinyValuesDoNotOverflowOrUnderflow() {
        checkExtremes(Float.self, tolerance: toleranceFloat)
        checkExtremes(Double.self, tolerance: toleranceDouble)
    }

    private func checkExtremes<S: MatrixScalar>(_: S.Type, tolerance: Double) {
        // exp(1000) overflows both precisions and exp(-1000) underflows to 0, yet the results are finite.
        let pairs: [([S], Double)] = [
            ([1000, 1000], 1000 + log(2.0)),
            ([1000, 1000, 1000], 1000 + log(3.0)),
            ([-1000, -1000], -1000 + log(2.0)),
            ([1000, 0], 1000),                 // exp(−1000) vanishes next to 1
            ([5], 5),
            ([0, log(3.0)].map { S($0) }, log(4.0)),
        ]
        for (values, expected) in pairs {
            let result = logSumExp(values)
            #expect(result.isFinite, "\(S.self) \(values)")
            #expect(logDomainError(result, expected) <= tolerance, "\(S.self) \(values): \(result) vs \(expected)")
        }
    }

    @Test func specialValuesFollowTheirLimits() {
        checkSpecialValues(Float.self)
        checkSpecialValues(Double.self)
    }

    private func checkSpecialValues<S: MatrixScalar>(_: S.Type) {
        #expect(logSumExp([S]()) == -S.infinity, "empty sum is 0, log 0 = −∞")
        #expect(logSumExp([-S.infinity, -S.infinity, -S.infinity]) == -S.infinity)
        #expect(logSumExp([-S.infinity, 0]) == 0, "exp(−∞) contributes nothing")
        #expect(logSumExp([-S.infinity, 2, -S.infinity]) == 2)
        #expect(logSumExp([1, S.infinity, -3]) == S.infinity)
        #expect(logSumExp([-S.infinity, S.infinity]) == S.infinity)
        #expect(logSumExp([1, S.nan, 2]).isNaN)
        #expect(logSumExp([S.nan, 1]).isNaN, "NaN first")
        #expect(logSumExp([S.infinity, S.nan]).isNaN, "NaN wins over +∞")
    }

    @Test(arguments: positiveAwkwardSizes)
    func agreesWithDoubleEvaluation(count: Int) {
        checkRandom(Float.self, count, tolerance: toleranceFloat)
        checkRandom(Double.self, count, tolerance: toleranceDouble)
    }

    /// Values in -20...20, shifted by 0 and by ±500 (beyond Float's exp range of about ±88, so a
    /// naive Float sum would overflow or vanish).
    private func checkRandom<S: MatrixScalar>(_: S.Type, _ count: Int, tolerance: Double) {
        var generator = seededGenerator(count, 53)
        let values: [S] = .random(count: count, in: -20...20, using: &generator)
        for shift: S in [0, 500, -500] {
            let shifted = values.map { $0 + shift }
            // The reference for the shifted values, from the exactly stored shifted inputs.
            let expected = Double(shift) + log(shifted.reduce(0.0) { $0 + exp(Double($1) - Double(shift)) })
            #expect(logDomainError(logSumExp(shifted), expected) <= tolerance, "\(S.self) n=\(count) shift \(shift)")
        }
    }

    @Test func rowsAreReducedIndependently() {
        checkRows(Float.self, tolerance: toleranceFloat)
        checkRows(Double.self, tolerance: toleranceDouble)
    }

    private func checkRows<S: MatrixScalar>(_: S.Type, tolerance: Double) {
        let m = Matrix<S>(rows: [
            [1000, 1000, 1000],
            [-.infinity, -.infinity, -.infinity],
            [0, .infinity, 1],
            [-1000, -1000, -.infinity],
            [0, 0, 0],
        ])
        let result = m.logSumExpOfRows()
        #expect(result.count == 5)
        #expect(logDomainError(result[0], 1000 + log(3.0)) <= tolerance, "\(S.self) row 0: \(result[0])")
        #expect(result[1] == -S.infinity, "\(S.self) all −∞ row")
        #expect(result[2] == S.infinity, "\(S.self) +∞ row")
        #expect(logDomainError(result[3], -1000 + log(2.0)) <= tolerance, "\(S.self) row 3: \(result[3])")
        #expect(logDomainError(result[4], log(3.0)) <= tolerance, "\(S.self) row 4: \(result[4])")

        // The in-place form resizes a wrong-sized result and overwrites a right-sized one.
        var output: [S] = [7, 7, 7, 7, 7, 7, 7, 7]
        m.logSumExpOfRows(into: &output)
        #expect(output.count == 5)
        #expect(output.elementsEqual(result) { $0 == $1 })
        output = [S](repeating: .nan, count: 5)
        m.logSumExpOfRows(into: &output)
        #expect(output.elementsEqual(result) { $0 == $1 })
    }

    @Test func emptyRowsGiveMinusInfinityAndNoRowsGiveNothing() {
        #expect(Matrix<Double>(rowCount: 3, columnCount: 0).logSumExpOfRows() == [-.infinity, -.infinity, -.infinity])
        #expect(Matrix<Float>(rowCount: 0, columnCount: 4).logSumExpOfRows().isEmpty)
        #expect(Matrix<Float>(rowCount: 0, columnCount: 0).logSumExpOfRows().isEmpty)
    }

    @Test(arguments: [(1, 1), (3, 257), (257, 3), (64, 39)])
    func rowsMatchTheBufferFunction(rows: Int, columns: Int) {
        checkRowsAgainstBuffers(Float.self, rows, columns)
        checkRowsAgainstBuffers(Double.self, rows, columns)
    }

    /// Each row's value is exactly the buffer function applied to that row (same code, same rounding),
    /// and close to the Double evaluation.
    private func checkRowsAgainstBuffers<S: MatrixScalar>(_: S.Type, _ rows: Int, _ columns: Int) {
        var generator = seededGenerator(rows, columns, 59)
        let m = Matrix<S>.random(rowCount: rows, columnCount: columns, in: -30...30, using: &generator)
        let result = m.logSumExpOfRows()
        for i in 0..<rows {
            let row = Array(m[row: i])
            #expect(result[i] == logSumExp(row), "\(S.self) row \(i)")
            let expected = log(row.reduce(0.0) { $0 + exp(Double($1)) })
            #expect(logDomainError(result[i], expected) <= tolerance(S.self, float: toleranceFloat, double: toleranceDouble),
                    "\(S.self) row \(i)")
        }
    }
}
