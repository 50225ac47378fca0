import HMMKitNumerics

// Seeded random inputs for numerical tests: plain uniform matrices and vectors, and
// symmetric positive-definite matrices whose conditioning is known in advance.

extension Array where Element: BinaryFloatingPoint, Element.RawSignificand: FixedWidthInteger {
    /// `count` independent values drawn uniformly from `range` with `generator`.
    public static func random(
        count: Int, in range: ClosedRange<Element> = -1...1, using generator: inout some RandomNumberGenerator
    ) -> [Element] {
        (0..<count).map { _ in Element.random(in: range, using: &generator) }
    }
}

extension Matrix {
    /// A `[rowCount × columnCount]` matrix of independent values drawn uniformly from `range`,
    /// filled row after row from `generator` (so the same seed gives the same matrix).
    public static func random(
        rowCount: Int, columnCount: Int, in range: ClosedRange<Scalar> = -1...1,
        using generator: inout some RandomNumberGenerator
    ) -> Matrix {
        Matrix(rowCount: rowCount, columnCount: columnCount,
               elements: .random(count: rowCount * columnCount, in: range, using: &generator))
    }

    /// A random symmetric positive-definite `[order × order]` matrix that is well conditioned.
    ///
    /// Off-diagonal elements are uniform in `-1...1` (mirrored, so the matrix is exactly symmetric);
    /// each diagonal element is the sum of the magnitudes of the other elements in its row plus a
    /// uniform value in `1...2`. The matrix is therefore strictly diagonally dominant with a positive
    /// diagonal, hence positive definite by Gershgorin's theorem with every eigenvalue ≥ 1. The
    /// off-diagonal part has spectral norm about `1.2·√order` against a diagonal of about
    /// `order / 2`, so the condition number is at most about 3.5 for small orders (orders 2…17) and
    /// falls toward 1 as the order grows (about 1.4 at order 257). Costs O(order²): cheap at the
    /// sizes tests sweep.
    public static func randomSymmetricPositiveDefinite(
        order: Int, using generator: inout some RandomNumberGenerator
    ) -> Matrix {
        var matrix = Matrix(rowCount: order, columnCount: order)
        for i in 0..<order {
            for j in 0..<i {
                let value = Scalar.random(in: -1...1, using: &generator)
                matrix[i, j] = value
                matrix[j, i] = value
            }
        }
        for i in 0..<order {
            var offDiagonal: Scalar = 0
            for j in 0..<order where j != i { offDiagonal += abs(matrix[i, j]) }
            matrix[i, i] = offDiagonal + Scalar.random(in: 1...2, using: &generator)
        }
        return matrix
    }
}
