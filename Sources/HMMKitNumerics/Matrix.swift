/// A dense matrix of `Float` or `Double`, stored row-major in one contiguous array.
///
/// `Matrix` is a value type with copy-on-write storage. A row is read as an `ArraySlice`
/// (a view into the storage, no copy) and written in place through `withUnsafeMutableRow`
/// inside the numerics layer or through the element subscript. Shapes are `[rowCount × columnCount]`.
public struct Matrix<Scalar: MatrixScalar>: Sendable, Equatable {
    /// Number of rows.
    public let rowCount: Int
    /// Number of columns (the row stride of ``elements``).
    public let columnCount: Int
    /// The storage, row after row: element `(i, j)` is at `i * columnCount + j`.
    @usableFromInline internal var storage: [Scalar]

    /// The elements, row after row: element `(i, j)` is at `i * columnCount + j`.
    @inlinable public var elements: [Scalar] { storage }

    /// A `[rowCount × columnCount]` matrix with every element set to `value`.
    @inlinable
    public init(rowCount: Int, columnCount: Int, repeating value: Scalar = 0) {
        precondition(rowCount >= 0 && columnCount >= 0,
                     "Matrix shape must be non-negative (got \(rowCount) × \(columnCount))")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.storage = [Scalar](repeating: value, count: rowCount * columnCount)
    }

    /// A `[rowCount × columnCount]` matrix over `elements` given row after row.
    @inlinable
    public init(rowCount: Int, columnCount: Int, elements: [Scalar]) {
        precondition(rowCount >= 0 && columnCount >= 0,
                     "Matrix shape must be non-negative (got \(rowCount) × \(columnCount))")
        precondition(elements.count == rowCount * columnCount,
                     "Matrix of \(rowCount) × \(columnCount) needs \(rowCount * columnCount) elements, got \(elements.count)")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.storage = elements
    }

    /// A matrix from an array of rows, which must all have the same length.
    /// An empty array gives a `[0 × 0]` matrix.
    public init(rows: [[Scalar]]) {
        let columns = rows.first?.count ?? 0
        for (index, row) in rows.enumerated() where row.count != columns {
            preconditionFailure("Matrix(rows:) row \(index) has \(row.count) elements, row 0 has \(columns)")
        }
        self.init(rowCount: rows.count, columnCount: columns, elements: rows.flatMap { $0 })
    }

    /// The `[n × n]` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rowCount: n, columnCount: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// The shape as `(rows, columns)`.
    @inlinable public var shape: (rows: Int, columns: Int) { (rowCount, columnCount) }

    /// True when the matrix has as many rows as columns.
    @inlinable public var isSquare: Bool { rowCount == columnCount }

    /// Element `(row, column)`; traps when out of range.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                         "Matrix index (\(row), \(column)) out of range for \(rowCount) × \(columnCount)")
            return elements[row * columnCount + column]
        }
        set {
            precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                         "Matrix index (\(row), \(column)) out of range for \(rowCount) × \(columnCount)")
            storage[row * columnCount + column] = newValue
        }
    }

    /// Row `index` as a view into the storage (no copy). Assigning replaces the row and
    /// requires exactly ``columnCount`` elements. Like every `ArraySlice`, the view keeps the
    /// storage's indices (`index * columnCount ..< (index + 1) * columnCount`): iterate it, or use
    /// `first`, `startIndex`-relative access or `Array(_:)`, rather than subscripting from 0.
    @inlinable
    public subscript(row index: Int) -> ArraySlice<Scalar> {
        get {
            precondition(index >= 0 && index < rowCount, "Row \(index) out of range for \(rowCount) rows")
            return elements[index * columnCount ..< (index + 1) * columnCount]
        }
        set {
            precondition(index >= 0 && index < rowCount, "Row \(index) out of range for \(rowCount) rows")
            precondition(newValue.count == columnCount,
                         "Row assignment needs \(columnCount) elements, got \(newValue.count)")
            storage.replaceSubrange(index * columnCount ..< (index + 1) * columnCount, with: newValue)
        }
    }

    /// Gives the matrix a new shape, keeping its storage's capacity (contents undefined): scratch
    /// buffers whose row count changes from block to block then allocate only when they grow.
    @inlinable
    public mutating func reshape(rowCount rows: Int, columnCount columns: Int) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape must be non-negative (got \(rows) × \(columns))")
        var buffer = storage
        storage = []
        let count = rows * columns
        if buffer.count > count {
            buffer.removeLast(buffer.count - count)
        } else if buffer.count < count {
            buffer.append(contentsOf: repeatElement(0, count: count - buffer.count))
        }
        self = Matrix(rowCount: rows, columnCount: columns, elements: buffer)
    }

    /// The rows in `range` as a new matrix (one contiguous copy).
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount,
                     "Row range \(range) out of range for \(rowCount) rows")
        return Matrix(rowCount: range.count, columnCount: columnCount,
                      elements: Array(elements[range.lowerBound * columnCount ..< range.upperBound * columnCount]))
    }

    /// The transpose, `[columnCount × rowCount]`.
    public func transposed() -> Matrix {
        var result = Matrix(rowCount: columnCount, columnCount: rowCount)
        elements.withUnsafeBufferPointer { source in
            result.storage.withUnsafeMutableBufferPointer { target in
                // Blocked so both sides stay in cache for large matrices.
                let block = 32
                for rowStart in stride(from: 0, to: rowCount, by: block) {
                    for columnStart in stride(from: 0, to: columnCount, by: block) {
                        for i in rowStart..<min(rowStart + block, rowCount) {
                            for j in columnStart..<min(columnStart + block, columnCount) {
                                target[j * rowCount + i] = source[i * columnCount + j]
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The matrix with `transform` applied to every element.
    @inlinable
    public func map(_ transform: (Scalar) throws -> Scalar) rethrows -> Matrix {
        Matrix(rowCount: rowCount, columnCount: columnCount, elements: try elements.map(transform))
    }

    /// The same elements in another precision.
    public func converted<Other: MatrixScalar>(to _: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(rowCount: rowCount, columnCount: columnCount, elements: elements.map { Other($0) })
    }

    /// Throws ``LinearAlgebraError/nonFinite(operation:row:column:value:)`` naming the first
    /// NaN or infinite element, read row after row.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkFinite(operation: String) throws(LinearAlgebraError) {
        guard let index = storage.withUnsafeBufferPointer({ ValueScan.firstBeyond($0, limit: .greatestFiniteMagnitude) }) else {
            return
        }
        throw .nonFinite(operation: operation, row: index / max(columnCount, 1),
                         column: index % max(columnCount, 1), value: Double(elements[index]))
    }

    /// Calls `body` with the elements as a mutable buffer (row-major, stride ``columnCount``).
    /// For the numerics layer's kernels; the buffer must not escape `body`.
    @inlinable
    package mutating func withUnsafeMutableElements<R>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Calls `body` with the elements as a read-only buffer (row-major, stride ``columnCount``).
    @inlinable
    package func withUnsafeElements<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try elements.withUnsafeBufferPointer { try body($0) }
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        var text = "Matrix<\(Scalar.self)> \(rowCount) × \(columnCount)"
        for i in 0..<min(rowCount, 8) {
            let shown = self[row: i].prefix(8).map { "\($0)" }.joined(separator: ", ")
            text += "\n  [\(shown)\(columnCount > 8 ? ", …" : "")]"
        }
        if rowCount > 8 { text += "\n  …" }
        return text
    }
}

/// The one scan HMMKit's input and output checks share: where the first value lies outside
/// `[-limit, limit]` (NaN never lies inside). The common case — every value good — is a
/// branch-free count that vectorises; the index is looked for only when a value is bad.
public enum ValueScan {
    /// The index of the first element of `values` that is NaN or whose magnitude exceeds
    /// `limit` (`Double.greatestFiniteMagnitude` finds the first non-finite one); nil when none.
    @inlinable
    public static func firstBeyond<S: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<S>, limit: S) -> Int? {
        var bad = 0
        for value in values { bad &+= abs(value) <= limit ? 0 : 1 }
        guard bad > 0 else { return nil }
        return values.firstIndex { !(abs($0) <= limit) }
    }

    /// ``firstBeyond(_:limit:)`` of an array.
    @inlinable
    public static func firstBeyond<S: BinaryFloatingPoint>(_ values: [S], limit: S) -> Int? {
        values.withUnsafeBufferPointer { firstBeyond($0, limit: limit) }
    }
}
