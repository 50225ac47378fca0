// Row-wise log-sum-exp, the normaliser of every mixture and forward-backward step.
// OpenBLAS has no such routine, so both backends share this pure-Swift code.

/// `log Σᵢ exp(values[i])`, computed stably as `m + log Σᵢ exp(values[i] − m)` with `m = max`.
/// An empty input or one that is all `-∞` gives `-∞`; a `+∞` gives `+∞`; NaN propagates.
@_specialize(where S == Float)
@_specialize(where S == Double)
public func logSumExp<S: MatrixScalar>(_ values: UnsafeBufferPointer<S>) -> S {
    guard var largest = values.first else { return -S.infinity }
    var sawNaN = false
    for value in values {
        if value > largest { largest = value }
        if value.isNaN { sawNaN = true }
    }
    if sawNaN { return S.nan }
    guard largest.isFinite else { return largest }
    var sum: S = 0
    for value in values { sum += FastExponential.exp(nonPositive: value - largest) }
    return largest + S.log(sum)
}

extension Matrix {
    /// `log Σⱼ exp(self[i, j])` for every row `i`, into `result` (resized to ``rowCount``).
    /// A row with no columns gives `-∞`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func logSumExpOfRows(into result: inout [Scalar]) {
        if result.count != rowCount { result = [Scalar](repeating: 0, count: rowCount) }
        let columns = columnCount
        withUnsafeElements { buffer in
            result.withUnsafeMutableBufferPointer { output in
                for i in 0..<rowCount {
                    let row = UnsafeBufferPointer(rebasing: buffer[i * columns ..< (i + 1) * columns])
                    output[i] = logSumExp(row)
                }
            }
        }
    }

    /// `log Σⱼ exp(self[i, j])` for every row `i`: `[rowCount]`.
    public func logSumExpOfRows() -> [Scalar] {
        var result = [Scalar]()
        logSumExpOfRows(into: &result)
        return result
    }
}
