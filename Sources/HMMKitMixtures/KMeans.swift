import Foundation
import HMMKitNumerics

/// k-means++ seeding and Lloyd iterations, with squared distances by GEMM:
/// `‖x − c‖² = ‖x‖² − 2·x·c + ‖c‖²` over blocks of frames.
package enum KMeans {
    /// Lloyd iterations at most (scikit-learn's `max_iter`).
    package static let defaultIterations = 300
    /// Convergence tolerance on the centres' movement (scikit-learn's `tol`).
    package static let defaultTolerance = 1e-4

    /// `k` centres for `data` (`[N × D]`, N ≥ k): k-means++ seeds (``seeds(_:k:backend:using:)``), then Lloyd steps until no
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
        var centres = seeds(data, k: k, backend: backend, using: &generator)
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

    /// k-means++ seeds as scikit-learn's `_kmeans_plusplus` draws them: the first centre
    /// uniformly, then for each next one `2 + ⌊ln k⌋` candidate frames drawn with probability
    /// ∝ D(x)² (the squared distance to the nearest centre so far), keeping the candidate that
    /// lowers `Σ D(x)²` most (one candidate would often put two seeds in one cluster and none in
    /// another, which Lloyd's steps cannot undo).
    @_specialize(where S == Float, G == SplitMix64)
    @_specialize(where S == Double, G == SplitMix64)
    static func seeds<S: MatrixScalar, G: RandomNumberGenerator>(
        _ data: Matrix<S>, k: Int, backend: ComputeBackend, using generator: inout G
    ) -> Matrix<S> {
        let n = data.rowCount, d = data.columnCount
        let trials = 2 + Int(log(Double(k)))
        let rowNorms = data.withUnsafeElements { x in
            (0..<n).map { row in (0..<d).reduce(0.0) { $0 + Double(x[row * d + $1]) * Double(x[row * d + $1]) } }
        }
        var centres = Matrix<S>(rowCount: k, columnCount: d)
        var distances = [Double](repeating: 0, count: n * trials)  // [frame][candidate]
        let first = [Int.random(in: 0..<n, using: &generator)]
        squaredDistances(data, rowNorms: rowNorms, to: first, into: &distances, stride: trials, backend: backend)
        var nearest = (0..<n).map { distances[$0 * trials] }
        var potential = nearest.reduce(0, +)
        centres[row: 0] = data[row: first[0]]
        for c in 1..<max(k, 1) {
            let candidates = (0..<trials).map { _ in draw(weights: nearest, total: potential, using: &generator) }
            squaredDistances(data, rowNorms: rowNorms, to: candidates, into: &distances, stride: trials, backend: backend)
            var best = 0, bestPotential = Double.infinity
            for t in 0..<trials {
                var sum = 0.0
                for row in 0..<n { sum += min(nearest[row], distances[row * trials + t]) }
                if sum < bestPotential { bestPotential = sum; best = t }
            }
            for row in 0..<n { nearest[row] = min(nearest[row], distances[row * trials + best]) }
            potential = bestPotential
            centres[row: c] = data[row: candidates[best]]
        }
        return centres
    }

    /// A frame drawn with probability ∝ `weights` (summing to `total`).
    static func draw<G: RandomNumberGenerator>(weights: [Double], total: Double, using generator: inout G) -> Int {
        if total > 0 && total.isFinite {
            var target = Double.random(in: 0..<total, using: &generator)
            for row in weights.indices {
                target -= weights[row]
                if target < 0 { return row }
            }
            return weights.count - 1
        } else if total > 0 {
            // Distances too large to add up (data past InputLimits.maximumFeatureMagnitude, which
            // the trainers refuse): the farthest frame, the limit of D(x)² weighting.
            return weights.indices.max { weights[$0] < weights[$1] } ?? 0
        }
        return Int.random(in: 0..<weights.count, using: &generator)  // every frame coincides with a centre
    }

    /// `‖x − c‖²` of every frame to each listed frame c, into `distances[frame · stride + index]`,
    /// by GEMM over blocks of frames (clamped at 0 against rounding).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func squaredDistances<S: MatrixScalar>(_ data: Matrix<S>, rowNorms: [Double], to frames: [Int],
                                                  into distances: inout [Double], stride: Int, backend: ComputeBackend) {
        let n = data.rowCount, block = 1024
        let candidates = Matrix<S>(rows: frames.map { Array(data[row: $0]) })
        var products = Matrix<S>(rowCount: 0, columnCount: 0)
        for start in Swift.stride(from: 0, to: n, by: block) {
            let rows = data.rows(start..<min(start + block, n))
            if products.rowCount != rows.rowCount { products = Matrix(rowCount: rows.rowCount, columnCount: frames.count) }
            try! backend.multiply(rows, by: candidates, transposeB: true, into: &products)  // shapes agree by construction
            for local in 0..<rows.rowCount {
                for (index, frame) in frames.enumerated() {
                    let distance = rowNorms[start + local] - 2 * Double(products[local, index]) + rowNorms[frame]
                    distances[(start + local) * stride + index] = max(distance, 0)
                }
            }
        }
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
