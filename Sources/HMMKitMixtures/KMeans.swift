import HMMKitNumerics

/// k-means++ seeding and Lloyd iterations, with squared distances by GEMM:
/// `‖x − c‖² = ‖x‖² − 2·x·c + ‖c‖²` over blocks of frames.
package enum KMeans {
    /// Lloyd iterations at most (scikit-learn's `max_iter`).
    package static let defaultIterations = 300
    /// Convergence tolerance on the centres' movement (scikit-learn's `tol`).
    package static let defaultTolerance = 1e-4

    /// `k` centres for `data` (`[N × D]`, N ≥ k): k-means++ seeds, then Lloyd steps until no
    /// assignment changes or, as scikit-learn's `KMeans` stops, the centres' total squared
    /// movement `Σₖ ‖cₖ′ − cₖ‖²` is at most `tolerance` times the mean per-dimension variance of
    /// the data, or after `iterations` steps. An empty cluster keeps its centre. The returned
    /// assignments are to the returned centres.
    @_specialize(where S == Float, G == SplitMix64)
    @_specialize(where S == Double, G == SplitMix64)
    package static func centres<S: MatrixScalar, G: RandomNumberGenerator>(
        _ data: Matrix<S>, k: Int, iterations: Int = defaultIterations, tolerance: Double = defaultTolerance,
        backend: ComputeBackend, using generator: inout G
    ) -> (centres: Matrix<S>, assignments: [Int]) {
        let n = data.rowCount, d = data.columnCount
        var centres = Matrix<S>(rowCount: k, columnCount: d)
        // k-means++: the first centre uniformly, each next one with probability ∝ D(x)².
        var nearest = [Double](repeating: .infinity, count: n)
        var chosen = Int.random(in: 0..<n, using: &generator)
        for c in 0..<k {
            centres[row: c] = data[row: chosen]
            var total = 0.0
            for row in 0..<n {
                var distance = 0.0
                for j in 0..<d {
                    let difference = Double(data[row, j]) - Double(centres[c, j])
                    distance += difference * difference
                }
                nearest[row] = min(nearest[row], distance)
                total += nearest[row]
            }
            guard c + 1 < k else { break }
            if total > 0 && total.isFinite {
                var target = Double.random(in: 0..<total, using: &generator)
                chosen = n - 1
                for row in 0..<n {
                    target -= nearest[row]
                    if target < 0 { chosen = row; break }
                }
            } else if total > 0 {
                // Distances too large to add up (data past InputLimits.maximumFeatureMagnitude,
                // which the trainers refuse): the farthest point, the limit of D(x)² weighting.
                chosen = nearest.indices.max { nearest[$0] < nearest[$1] } ?? 0
            } else {
                chosen = Int.random(in: 0..<n, using: &generator)  // all points coincide with centres
            }
        }
        let shiftLimit = tolerance * meanVariance(data)
        var assignments = [Int](repeating: -1, count: n)
        var converged = false
        for _ in 0..<max(iterations, 1) {
            let changed = assign(data, centres: centres, into: &assignments, backend: backend)
            if !changed { converged = true; break }  // the centres are already their clusters' means
            var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
            data.withUnsafeElements { x in
                for row in 0..<n {
                    let c = assignments[row]
                    counts[c] += 1
                    for j in 0..<d { sums[c * d + j] += Double(x[row * d + j]) }
                }
            }
            var shift = 0.0
            for c in 0..<k where counts[c] > 0 {
                for j in 0..<d {
                    let moved = S(sums[c * d + j] / Double(counts[c]))
                    let step = Double(moved) - Double(centres[c, j])
                    shift += step * step
                    centres[c, j] = moved
                }
            }
            if shift <= shiftLimit { break }
        }
        if !converged { _ = assign(data, centres: centres, into: &assignments, backend: backend) }
        return (centres, assignments)
    }

    /// The mean over dimensions of the data's variance (scikit-learn's scale for `tol`).
    static func meanVariance<S: MatrixScalar>(_ data: Matrix<S>) -> Double {
        let n = data.rowCount, d = data.columnCount
        guard n > 0, d > 0 else { return 0 }
        var mean = [Double](repeating: 0, count: d), square = [Double](repeating: 0, count: d)
        data.withUnsafeElements { x in
            for row in 0..<n { for j in 0..<d { mean[j] += Double(x[row * d + j]) } }
            for j in 0..<d { mean[j] /= Double(n) }
            for row in 0..<n {
                for j in 0..<d {
                    let deviation = Double(x[row * d + j]) - mean[j]
                    square[j] += deviation * deviation
                }
            }
        }
        return square.reduce(0, +) / Double(n * d)
    }

    /// Assigns every frame to its nearest centre; returns whether any assignment changed.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func assign<S: MatrixScalar>(_ data: Matrix<S>, centres: Matrix<S>, into assignments: inout [Int],
                                        backend: ComputeBackend) -> Bool {
        let n = data.rowCount, k = centres.rowCount, block = 1024
        let centreNorms = (0..<k).map { c in centres[row: c].reduce(S(0)) { $0 + $1 * $1 } }
        var products = Matrix<S>(rowCount: 0, columnCount: 0)
        var changed = false
        for start in stride(from: 0, to: n, by: block) {
            let rows = data.rows(start..<min(start + block, n))
            if products.rowCount != rows.rowCount { products = Matrix(rowCount: rows.rowCount, columnCount: k) }
            try! backend.multiply(rows, by: centres, transposeB: true, into: &products)
            for local in 0..<rows.rowCount {
                var best = 0, bestDistance = S.infinity
                for c in 0..<k {
                    // ‖x‖² is the same for every centre: compare ‖c‖² − 2·x·c.
                    let distance = centreNorms[c] - 2 * products[local, c]
                    if distance < bestDistance { bestDistance = distance; best = c }
                }
                if assignments[start + local] != best { changed = true }
                assignments[start + local] = best
            }
        }
        return changed
    }
}
