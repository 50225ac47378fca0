import HMMKitNumerics
import HMMKitTestSupport
import Testing

// `Matrix` itself: layout, row views, transposes, row ranges, identity, conversions and the
// non-finite check. Everything here is exact, so every comparison is `==`.

@Suite("Matrix basics")
struct MatrixTests {
    @Test func storesRowsContiguouslyInRowMajorOrder() {
        checkLayout(Float.self)
        checkLayout(Double.self)
    }

    private func checkLayout<S: MatrixScalar>(_: S.Type) {
        let m = Matrix<S>(rows: [[1, 2, 3], [4, 5, 6]])
        #expect(m.rowCount == 2 && m.columnCount == 3)
        #expect(m.shape == (rows: 2, columns: 3))
        #expect(!m.isSquare)
        #expect(m.elements == [1, 2, 3, 4, 5, 6])
        #expect(m[1, 0] == 4 && m[0, 2] == 3)
        #expect(m == Matrix(rowCount: 2, columnCount: 3, elements: [1, 2, 3, 4, 5, 6]))
        #expect(m != Matrix(rowCount: 3, columnCount: 2, elements: [1, 2, 3, 4, 5, 6]),
                "same elements, different shape: not equal")
        #expect(Matrix<S>(rows: []).shape == (rows: 0, columns: 0))
        #expect(Matrix<S>(rowCount: 2, columnCount: 2, repeating: 7).elements == [7, 7, 7, 7])
    }

    @Test func rowViewsReadAndWriteOneRow() {
        checkRowViews(Float.self)
        checkRowViews(Double.self)
    }

    private func checkRowViews<S: MatrixScalar>(_: S.Type) {
        var m = Matrix<S>(rows: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        #expect(Array(m[row: 0]) == [1, 2, 3])
        #expect(Array(m[row: 2]) == [7, 8, 9])
        #expect(m[row: 1].count == 3)
        m[row: 1] = [-4, -5, -6]
        #expect(m.elements == [1, 2, 3, -4, -5, -6, 7, 8, 9], "only row 1 changes")
        m[2, 1] = 80
        #expect(Array(m[row: 2]) == [7, 80, 9])
        // Value semantics: a copy does not see later writes.
        let copy = m
        m[0, 0] = 100
        #expect(copy[0, 0] == 1)
    }

    /// Shapes around the 32 × 32 blocks that `transposed()` walks, including empty ones.
    static let transposeShapes: [(Int, Int)] = [(0, 0), (0, 5), (5, 0), (1, 1), (1, 257), (257, 1),
                                                (2, 3), (17, 39), (39, 17), (64, 64), (257, 39)]

    @Test(arguments: transposeShapes)
    func transposeSwapsIndices(rows: Int, columns: Int) {
        checkTranspose(Float.self, rows, columns)
        checkTranspose(Double.self, rows, columns)
    }

    private func checkTranspose<S: MatrixScalar>(_: S.Type, _ rows: Int, _ columns: Int) {
        var generator = seededGenerator(rows, columns)
        let m = Matrix<S>.random(rowCount: rows, columnCount: columns, using: &generator)
        let t = m.transposed()
        #expect(t.shape == (rows: columns, columns: rows))
        var mismatches = 0
        for i in 0..<rows { for j in 0..<columns where t[j, i] != m[i, j] { mismatches += 1 } }
        #expect(mismatches == 0, "\(S.self) \(rows) × \(columns): \(mismatches) misplaced elements")
        #expect(t.transposed() == m)
    }

    @Test func rowRangesCopyContiguousRows() {
        checkRowRanges(Float.self)
        checkRowRanges(Double.self)
    }

    private func checkRowRanges<S: MatrixScalar>(_: S.Type) {
        var generator = seededGenerator(17, 3)
        let m = Matrix<S>.random(rowCount: 17, columnCount: 3, using: &generator)
        let middle = m.rows(4..<9)
        #expect(middle.shape == (rows: 5, columns: 3))
        #expect(middle.elements == Array(m.elements[12..<27]))
        #expect(Array(middle[row: 0]) == Array(m[row: 4]))
        #expect(m.rows(0..<17) == m)
        #expect(m.rows(17..<17).shape == (rows: 0, columns: 3))
        #expect(m.rows(16..<17).elements == Array(m[row: 16]))
    }

    @Test(arguments: awkwardSizes)
    func identityHasOnesOnTheDiagonalOnly(order: Int) throws {
        let identity = Matrix<Double>.identity(order)
        #expect(identity.shape == (rows: order, columns: order))
        #expect(identity.isSquare)
        for i in 0..<order {
            for j in 0..<order where identity[i, j] != (i == j ? 1 : 0) {
                Issue.record("identity(\(order))[\(i), \(j)] = \(identity[i, j])")
            }
        }
        // It is the neutral element of GEMM on both backends.
        var generator = seededGenerator(order)
        let a = Matrix<Double>.random(rowCount: order, columnCount: 3, using: &generator)
        for backend in ComputeBackend.allCases {
            #expect(try backend.multiply(identity, by: a) == a, "\(backend)")
        }
    }

    @Test func conversionAndMapKeepShapeAndValues() {
        var generator = seededGenerator(2, 39)
        let single = Matrix<Float>.random(rowCount: 2, columnCount: 39, using: &generator)
        // Float → Double is exact, so the round trip is too.
        let double = single.converted(to: Double.self)
        #expect(double.shape == single.shape)
        #expect(double.converted(to: Float.self) == single)
        #expect(double.elements == single.elements.map { Double($0) })
        let doubled = single.map { 2 * $0 }
        #expect(doubled.shape == single.shape)
        #expect(doubled.elements == single.elements.map { 2 * $0 })
    }

    @Test func checkFiniteAcceptsFiniteAndEmptyMatrices() throws {
        var generator = seededGenerator(3, 17)
        try Matrix<Float>.random(rowCount: 3, columnCount: 17, in: -1e30...1e30, using: &generator)
            .checkFinite(operation: "test")
        try Matrix<Double>(rowCount: 0, columnCount: 4).checkFinite(operation: "test")
        try Matrix<Double>(rowCount: 4, columnCount: 0).checkFinite(operation: "test")
        try Matrix<Double>(rows: [[.greatestFiniteMagnitude, -.leastNonzeroMagnitude]]).checkFinite(operation: "test")
    }

    @Test(arguments: [Double.infinity, -Double.infinity, Double.nan])
    func checkFiniteNamesTheFirstBadElement(bad: Double) {
        checkNonFinite(Float.self, bad)
        checkNonFinite(Double.self, bad)
    }

    private func checkNonFinite<S: MatrixScalar>(_: S.Type, _ bad: Double) {
        var m = Matrix<S>(rowCount: 5, columnCount: 4, repeating: 1)
        m[3, 1] = S(bad)   // first in row-major order…
        m[4, 0] = S(bad)   // …even though this one is in a lower-numbered column
        do {
            try m.checkFinite(operation: "loading features")
            Issue.record("\(S.self): checkFinite accepted \(bad)")
        } catch let .nonFinite(operation, row, column, value) {
            #expect(operation == "loading features")
            #expect(row == 3 && column == 1, "\(S.self): reported (\(row), \(column))")
            #expect(value.isNaN ? bad.isNaN : value == bad)
        } catch {
            Issue.record("\(S.self): unexpected error \(error)")
        }
    }

    @Test func errorDescriptionsNameTheShapeAndTheValue() {
        let nonFinite = LinearAlgebraError.nonFinite(operation: "choleskyFactor", row: 2, column: 1, value: .infinity)
        #expect(nonFinite.description.contains("inf at row 2, column 1"))
        #expect(nonFinite.description.hasPrefix("choleskyFactor:"))
        let shape = LinearAlgebraError.shapeMismatch(operation: "multiply", expected: "c [2 × 5]", got: "c 2 × 4")
        #expect(shape.description == "multiply: shape mismatch, expected c [2 × 5], got c 2 × 4")
        let minor = LinearAlgebraError.notPositiveDefinite(order: 17, leadingMinor: 3)
        #expect(minor.description.contains("17 × 17"))
        #expect(minor.description.contains("leading minor of order 3"))
        let singular = LinearAlgebraError.singularTriangularFactor(order: 4, diagonalIndex: 2)
        #expect(singular.description.contains("4 × 4") && singular.description.contains("entry at 2"))
    }
}
