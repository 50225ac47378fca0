import Foundation
import HMMKitNumerics
import HMMKitTestSupport
import Testing

@Suite("RowSoftmax against libm")
struct RowSoftmaxTests {
    /// Rows of awkward lengths (tails beyond the SIMD width) and spreads up to 2,000: the
    /// normalised values match `exp(v − max)/Σ` computed with libm to 1e-15 relative (Double;
    /// a few ulp from the table exp and the lane-wise sum) and 1e-6 (Float), and the returned
    /// log-sum-exp to 1e-15 / 1e-6.
    @Test(arguments: [1, 2, 3, 4, 5, 7, 8, 9, 17, 64, 65])
    func matchesLibm(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        for spread in [1.0, 30.0, 2000.0] {
            let values = (0..<count).map { _ in Double.random(in: -spread...spread, using: &generator) }
            let largest = values.max()!
            let exps = values.map { Foundation.exp($0 - largest) }
            let sum = exps.reduce(0, +)
            var row = values
            let logSum = row.withUnsafeMutableBufferPointer { RowSoftmax.normalize($0.baseAddress!, count: count) }
            #expect(relativeError(row, exps.map { $0 / sum }) < 1e-15, "count \(count), spread \(spread)")
            #expect(abs(logSum - (largest + Foundation.log(sum))) <= 1e-15 * max(1, abs(logSum)))
            var floats = values.map(Float.init)
            let floatLogSum = floats.withUnsafeMutableBufferPointer { RowSoftmax.normalize($0.baseAddress!, count: count) }
            #expect(relativeError(floats, exps.map { $0 / sum }) < 1e-6)
            #expect(abs(Double(floatLogSum) - (largest + Foundation.log(sum))) <= 1e-6 * max(1, abs(logSum)))
        }
    }

    /// The AVX2 kernel (accelerated) and the Swift code (reference) agree on a block of rows:
    /// 1e-15 relative in Double, 1e-6 in Float (different polynomial evaluation and lane sums);
    /// when the CPU lacks AVX2 both run the Swift code and agree exactly. 137 rows: the narrow
    /// rows' kernel (2 or 3 columns) works in runs of 64, so two whole runs and a ragged one.
    @Test(arguments: [1, 2, 3, 8, 13, 64])
    func backendsAgree(columns: Int) {
        var generator = SeededGenerator(seed: UInt64(100 + columns))
        let rows = 137
        let values = (0..<(rows * columns)).map { _ in Double.random(in: -300...50, using: &generator) }
        var results: [[Double]] = [], sums: [[Double]] = [], floatResults: [[Float]] = []
        for backend in ComputeBackend.allCases {
            var block = values, logSums = [Double](repeating: 0, count: rows)
            block.withUnsafeMutableBufferPointer { b in
                logSums.withUnsafeMutableBufferPointer { RowSoftmax.normalizeRows(b.baseAddress!, rows: rows, columns: columns, logSums: $0.baseAddress!, backend: backend) }
            }
            results.append(block); sums.append(logSums)
            var floats = values.map(Float.init), floatSums = [Float](repeating: 0, count: rows)
            floats.withUnsafeMutableBufferPointer { b in
                floatSums.withUnsafeMutableBufferPointer { RowSoftmax.normalizeRows(b.baseAddress!, rows: rows, columns: columns, logSums: $0.baseAddress!, backend: backend) }
            }
            floatResults.append(floats)
        }
        #expect(relativeError(results[0], results[1]) < 1e-15)
        #expect(relativeError(sums[0], sums[1]) < 1e-15)
        #expect(relativeError(floatResults[0], floatResults[1]) < 1e-6)
    }

    /// Narrow rows (the kernel for 2 and 3 columns) with NaN or only −∞ are left as they were and
    /// report a non-finite log-sum (NaN, −∞); the finite rows around them are normalised.
    @Test(arguments: [2, 3])
    func nonFiniteNarrowRows(columns: Int) {
        let rows = 70
        var values = (0..<(rows * columns)).map { Double($0 % 7) - 3 }
        for i in 0..<columns { values[5 * columns + i] = -.infinity }
        values[66 * columns + columns - 1] = .nan
        let original = values
        var logSums = [Double](repeating: 0, count: rows)
        values.withUnsafeMutableBufferPointer { b in
            logSums.withUnsafeMutableBufferPointer {
                RowSoftmax.normalizeRows(b.baseAddress!, rows: rows, columns: columns, logSums: $0.baseAddress!, backend: .accelerated)
            }
        }
        #expect(logSums[5] == -.infinity && logSums[66].isNaN)
        #expect(Array(values[(5 * columns)..<(6 * columns)]) == Array(original[(5 * columns)..<(6 * columns)]))
        #expect(values[66 * columns].bitPattern == original[66 * columns].bitPattern && values[66 * columns + columns - 1].isNaN)
        for row in 0..<rows where row != 5 && row != 66 {
            let line = Array(original[(row * columns)..<((row + 1) * columns)])
            let top = line.max()!
            let sum = line.reduce(0) { $0 + Foundation.exp($1 - top) }
            #expect(abs(logSums[row] - (top + Foundation.log(sum))) <= 1e-15 * max(1, abs(logSums[row])), "row \(row)")
            #expect(abs(values[(row * columns)..<((row + 1) * columns)].reduce(0, +) - 1) <= 1e-15, "row \(row)")
        }
    }

    @Test func nonFiniteRows() {
        var allMinusInfinity = [Double](repeating: -.infinity, count: 6)
        #expect(allMinusInfinity.withUnsafeMutableBufferPointer { RowSoftmax.normalize($0.baseAddress!, count: 6) } == -.infinity)
        var withNaN: [Double] = [0, 1, .nan, 2, 3]
        #expect(withNaN.withUnsafeMutableBufferPointer { RowSoftmax.normalize($0.baseAddress!, count: 5) }.isNaN)
    }
}
