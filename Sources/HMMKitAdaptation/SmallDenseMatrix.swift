import RealModule

/// A small square matrix (order ≲ 100) with the LU factorisation fMLLR needs: the determinant and
/// inverse of `A`, and solves with the per-row `G` matrices. Plain Swift: at these sizes a
/// factorisation costs microseconds, and the adaptation code stays independent of the backends.
struct SmallDenseMatrix {
    let order: Int
    /// Row-major elements.
    var elements: [Double]

    init(order: Int, elements: [Double]) {
        precondition(elements.count == order * order, "a matrix of order \(order) has \(order * order) elements")
        self.order = order
        self.elements = elements
    }

    /// LU factors with partial pivoting (`P·A = L·U`, unit L below the diagonal and U on and above
    /// it, in one array), the row permutation, and the permutation's sign; nil when a pivot is
    /// zero or not finite (singular to working precision).
    private func factorized() -> (lu: [Double], pivots: [Int], sign: Double)? {
        let n = order
        var lu = elements, pivots = Array(0..<n), sign = 1.0
        for k in 0..<n {
            var best = k
            for r in (k + 1)..<max(n, k + 1) where abs(lu[r * n + k]) > abs(lu[best * n + k]) { best = r }
            let pivot = lu[best * n + k]
            guard pivot != 0, pivot.isFinite else { return nil }
            if best != k {
                for c in 0..<n { lu.swapAt(k * n + c, best * n + c) }
                pivots.swapAt(k, best)
                sign = -sign
            }
            for r in (k + 1)..<max(n, k + 1) {
                let factor = lu[r * n + k] / pivot
                lu[r * n + k] = factor
                if factor != 0 { for c in (k + 1)..<n { lu[r * n + c] -= factor * lu[k * n + c] } }
            }
        }
        return (lu, pivots, sign)
    }

    /// `log |det|`, −∞ when singular.
    func logAbsDeterminant() -> Double {
        guard let (lu, _, _) = factorized() else { return -.infinity }
        var sum = 0.0
        for k in 0..<order { sum += Double.log(abs(lu[k * order + k])) }
        return sum
    }

    /// The 1-norm condition number `‖M‖₁·‖M⁻¹‖₁` of a matrix and its inverse (∞ for a singular one).
    static func condition(_ matrix: [Double], inverse: [Double]?, order n: Int) -> Double {
        guard let inverse else { return .infinity }
        func norm(_ m: [Double]) -> Double { (0..<n).map { c in (0..<n).reduce(0) { $0 + abs(m[$1 * n + c]) } }.max() ?? 0 }
        return norm(matrix) * norm(inverse)
    }

    /// The inverse (row-major), nil when singular.
    func inverse() -> [Double]? {
        let n = order
        guard let (lu, pivots, _) = factorized() else { return nil }
        var inverse = [Double](repeating: 0, count: n * n)
        var column = [Double](repeating: 0, count: n)
        for c in 0..<n {
            // Solve A·x = e_c: permute, forward (unit L), backward (U).
            for r in 0..<n { column[r] = pivots[r] == c ? 1 : 0 }
            for r in 0..<n { for k in 0..<r { column[r] -= lu[r * n + k] * column[k] } }
            for r in stride(from: n - 1, through: 0, by: -1) {
                for k in (r + 1)..<max(n, r + 1) { column[r] -= lu[r * n + k] * column[k] }
                column[r] /= lu[r * n + r]
            }
            for r in 0..<n { inverse[r * n + c] = column[r] }
        }
        guard inverse.allSatisfy(\.isFinite) else { return nil }
        return inverse
    }
}
