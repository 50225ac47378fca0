import HMMKitNumerics

/// k-means++ seeding and Lloyd iterations, with squared distances by GEMM:
/// `‖x − c‖² = ‖x‖² − 2·x·c + ‖c‖²` over blocks of frames.
package enum KMeans {
    /// `k` centres for `data` (`[N × D]`, N ≥ k): k-means++ seeds, then up to `iterations` Lloyd
    /// steps (stopping early when no assignment changes). An empty cluster keeps its centre.
    @_specialize(where S == Float, G == SplitMix64)
    @_specialize(where S == Double, G == SplitMix64)
    package static func centres<S: MatrixScalar, G: RandomNumberGenerator>(
        _ data: Matrix<S>, k: Int, iterations: Int, backend: ComputeBackend, using generator: inout G
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
        var assignments = [Int](repeating: -1, count: n)
        for _ in 0..<max(iterations, 1) {
            let changed = assign(data, centres: centres, into: &assignments, backend: backend)
            var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
            for row in 0..<n {
                let c = assignments[row]
                counts[c] += 1
                for j in 0..<d { sums[c * d + j] += Double(data[row, j]) }
            }
            for c in 0..<k where counts[c] > 0 {
                for j in 0..<d { centres[c, j] = S(sums[c * d + j] / Double(counts[c])) }
            }
            if !changed { break }
        }
        _ = assign(data, centres: centres, into: &assignments, backend: backend)
        return (centres, assignments)
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
