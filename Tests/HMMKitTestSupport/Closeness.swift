import HMMKitNumerics

/// The largest |a − b| over two equally long sequences, divided by the largest |b| (or 1 when
/// b is all zeros): the "relative error" every parity and reference test in HMMKit states.
public func relativeError<A: Sequence, B: Sequence>(_ a: A, _ b: B) -> Double
where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
    let x = a.map { Double($0) }, y = b.map { Double($0) }
    precondition(x.count == y.count, "relativeError: lengths differ (\(x.count) vs \(y.count))")
    let scale = y.map { abs($0) }.max() ?? 0
    var largest = 0.0
    for (u, v) in zip(x, y) {
        if u.isNaN != v.isNaN { return .infinity }
        if u == v { continue }
        largest = max(largest, abs(u - v))
    }
    return largest / (scale > 0 ? scale : 1)
}

/// ``relativeError(_:_:)`` of two matrices' elements; `.infinity` when their shapes differ.
public func relativeError<S: MatrixScalar>(_ a: Matrix<S>, _ b: Matrix<S>) -> Double {
    guard a.rowCount == b.rowCount, a.columnCount == b.columnCount else { return .infinity }
    return relativeError(a.elements, b.elements)
}
