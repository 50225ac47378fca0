import Foundation
import HMMKitNumerics

/// scikit-learn's `KMeans(n_clusters=k, init="k-means++", n_init=runs, algorithm="lloyd",
/// max_iter=maximumIterations, tol=tolerance)` with unit sample weights, drawing from a NumPy
/// `RandomState`'s stream (``MT19937``), so that the same state gives scikit-learn's labels and,
/// to rounding, its centres: hmmlearn's initialisation at the engine's speed.
///
/// What is reproduced, step by step (scikit-learn 1.x `_kmeans.py`, `_k_means_lloyd.pyx`,
/// `_k_means_common.pyx`, run with one OpenMP thread):
/// - the data are centred on NumPy's column means; the tolerance is `tol` times the mean of
///   the columns' variances (`_tolerance`), both summed in NumPy's orders;
/// - per run, k-means++ (`_kmeans_plusplus`): the first centre by `RandomState.choice` with
///   uniform `p`, then `2 + ⌊ln k⌋` candidates per centre by `searchsorted` of the running sum of
///   the squared distances against `uniform(size:) × potential`, the candidate lowering the
///   potential most kept; distances `−2·c·x + ‖c‖² + ‖x‖²` in double precision (scikit-learn
///   upcasts single-precision data there too);
/// - Lloyd steps in the data's precision: labels by the first minimum of `‖c‖² − 2·x·c`, centres
///   as sums × (1/count) summed frame after frame, empty clusters given the farthest frames
///   (`_relocate_empty_clusters_dense`), stop when no label changes or `Σ shift² ≤ tol`, then a
///   last labelling if the labels were still changing; the inertia by `_euclidean_dense_dense`'s
///   summation order;
/// - the best run: the first, or one of lower inertia that is not the same partition.
///
/// The runs draw from the stream one after another, as scikit-learn's do; each run's seeding
/// draws a fixed number of uniforms and its Lloyd steps none, so every run starts from its own
/// copy of the generator at its known place in the stream, the runs (seeding and Lloyd) take up
/// to `threadCount` threads, and the best is chosen in run order afterwards: the result does not
/// depend on the thread count.
///
/// Rounding: on the accelerated backend the Lloyd steps' products are fused multiply-add chains
/// over the features in order (``LloydFrames``), as the GEMM scikit-learn calls forms them on a
/// CPU with FMA; k-means++'s products go through GEMM and the potentials through one sum, where
/// NumPy uses its BLAS. They agree to a few units in the last place, so labels differ only when
/// two distances tie to that level. Ties between equally far frames when more than one cluster
/// is empty are ordered by index (NumPy's `argpartition` leaves that order to its platform's
/// selection algorithm).
package struct ScikitLearnKMeans<S: MatrixScalar>: Sendable {
    /// One clustering: centres `[k × D]` in the data's coordinates, each frame's label, the
    /// inertia (in the data's precision, as scikit-learn sums it) and the Lloyd steps run.
    package struct Clustering: Sendable {
        package var centres: Matrix<S>
        package var labels: [Int32]
        package var inertia: S
        package var iterations: Int
    }

    private let n: Int, d: Int
    private let mean: [S]
    /// The centred data (scikit-learn's `X -= X_mean`), prepared for the Lloyd steps, and in
    /// double precision for k-means++.
    private let frames: LloydFrames<S>
    private var centred: Matrix<S> { frames.rows }
    private let wide: Matrix<Double>
    private let wideNorms: [Double]
    /// `RandomState.choice`'s cumulative distribution for uniform weights, divided by its last entry.
    private let uniformCDF: [Double]
    private let tolerance: S
    private let backend: ComputeBackend

    /// `runs` k-means++ + Lloyd runs (scikit-learn's `n_init`) on `data` (`[N × D]`, finite),
    /// drawing from `generator`: the best run as scikit-learn chooses it. `tolerance` is
    /// scikit-learn's relative `tol`; the runs take up to `threadCount` threads (the result
    /// is the same for every count). Requires `1 ≤ k ≤ N`, `runs ≥ 1`, `maximumIterations ≥ 1`,
    /// `threadCount ≥ 1`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package static func cluster(_ data: Matrix<S>, k: Int, runs: Int, maximumIterations: Int, tolerance: Double,
                                using generator: inout MT19937, threadCount: Int = 1,
                                backend: ComputeBackend = .default) -> Clustering {
        Self(data, tolerance: tolerance, backend: backend)
            .fit(k: k, runs: runs, maximumIterations: maximumIterations, threadCount: threadCount, using: &generator)
    }

    /// Prepares `data`: centring, norms and the absolute tolerance from the relative one.
    private init(_ data: Matrix<S>, tolerance: Double, backend: ComputeBackend = .default) {
        n = data.rowCount
        d = data.columnCount
        self.backend = backend
        let columnMean = Self.columnMeans(data)
        mean = columnMean
        var variances = [S](repeating: 0, count: d)
        if tolerance > 0 {
            var squares = data
            let count = data.rowCount * data.columnCount, columns = data.columnCount
            squares.withUnsafeMutableElements { x in
                for i in 0..<count { x[i] = (x[i] - columnMean[i % columns]) * (x[i] - columnMean[i % columns]) }
            }
            variances = Self.columnMeans(squares)
        }
        self.tolerance = tolerance > 0 ? variances.withUnsafeBufferPointer { Self.pairwiseSum($0) } / S(d) * S(tolerance) : 0
        var centred = data
        centred.withUnsafeMutableElements { x in
            for i in 0..<(data.rowCount * data.columnCount) { x[i] -= columnMean[i % data.columnCount] }
        }
        frames = LloydFrames(centred, backend: backend)
        // Double data are their own double-precision copy (the same storage, not a second array).
        let wide = (centred as? Matrix<Double>)
            ?? Matrix(rowCount: n, columnCount: d, elements: centred.elements.map { Double($0) })
        self.wide = wide
        let (rows, columns) = (n, d)
        wideNorms = wide.withUnsafeElements { x in
            (0..<rows).map { row in
                var sum = 0.0
                for j in 0..<columns { sum += x[row * columns + j] * x[row * columns + j] }
                return sum
            }
        }
        let p = Double(S(1) / S(data.rowCount))  // sample_weight / sample_weight.sum(), in the data's precision
        var cdf = [Double](repeating: 0, count: data.rowCount)
        var running = 0.0
        for i in 0..<data.rowCount { running += p; cdf[i] = running }
        uniformCDF = cdf.map { $0 / running }
    }

    private func fit(k: Int, runs: Int, maximumIterations: Int, threadCount: Int,
                     using generator: inout MT19937) -> Clustering {
        precondition(k >= 1 && k <= n && runs >= 1 && maximumIterations >= 1 && threadCount >= 1,
                     "k-means needs 1 ≤ k ≤ N and runs, steps, threads ≥ 1")
        // Each run's seeding draws a fixed number of uniforms, so every run's place in the stream
        // is known before any is seeded, and the runs are seeded on the threads too.
        let draws = Self.plusPlusDraws(k: k)
        let starts = (0..<runs).map { _ in
            defer { for _ in 0..<draws { _ = generator.nextUniform() } }
            return generator
        }
        let (n, d) = (n, d)
        let clusterings = ParallelWork.map(runs, threadCount: threadCount, worker: { LloydWorkspace(k: k, n: n, d: d) }) {
            run, lloyd in
            var stream = starts[run]
            let seeds = plusPlusSeeds(k: k, using: &stream)
            for (c, row) in seeds.enumerated() {
                for j in 0..<d { lloyd.centres[c * d + j] = centred[row, j] }
            }
            return lloydRun(&lloyd, maximumIterations: maximumIterations)
        }
        var best: Clustering?
        for run in clusterings {
            if let current = best, !(run.inertia < current.inertia && !Self.samePartition(run.labels, current.labels, k: k)) {
                continue
            }
            best = run
        }
        var result = best!
        result.centres.withUnsafeMutableElements { c in
            for i in 0..<(k * d) { c[i] += mean[i % d] }
        }
        return result
    }

    // MARK: k-means++

    /// The uniforms one k-means++ seeding draws: one for the first centre, then `2 + ⌊ln k⌋`
    /// for each of the others.
    private static func plusPlusDraws(k: Int) -> Int { 1 + (k - 1) * plusPlusTrials(k: k) }

    private static func plusPlusTrials(k: Int) -> Int { 2 + Int(Foundation.log(Double(k))) }

    /// The frames chosen as seeds, as `_kmeans_plusplus` chooses them; draws
    /// `plusPlusDraws(k:)` uniforms from `generator`.
    private func plusPlusSeeds(k: Int, using generator: inout MT19937) -> [Int] {
        let trials = Self.plusPlusTrials(k: k)
        var seeds = [Int]()
        seeds.reserveCapacity(k)
        // RandomState.choice(n, p=uniform): searchsorted(cdf, u, side="right").
        let u = generator.nextUniform()
        seeds.append(min(Self.firstIndex(in: uniformCDF, where: { $0 > u }), n - 1))
        var candidateDistances = [S](repeating: 0, count: trials * n)
        squaredDistances(to: seeds, into: &candidateDistances)
        var closest = Array(candidateDistances[0..<n])
        var potential = Self.total(closest[...])
        var running = [Double](repeating: 0, count: n)
        var candidates = [Int](repeating: 0, count: trials)
        var potentials = [S](repeating: 0, count: trials)
        for _ in 1..<max(k, 1) {
            var sum = S(0)
            for i in 0..<n { sum += closest[i]; running[i] = Double(sum) }  // np.cumsum in the data's precision
            for t in 0..<trials {
                let target = generator.nextUniform() * Double(potential)
                candidates[t] = min(Self.firstIndex(in: running, where: { $0 >= target }), n - 1)
            }
            squaredDistances(to: candidates, into: &candidateDistances)
            for t in 0..<trials {
                for i in 0..<n { candidateDistances[t * n + i] = min(closest[i], candidateDistances[t * n + i]) }
                potentials[t] = Self.total(candidateDistances[(t * n)..<((t + 1) * n)])
            }
            var chosen = 0
            for t in 1..<trials where potentials[t] < potentials[chosen] { chosen = t }
            potential = potentials[chosen]
            for i in 0..<n { closest[i] = candidateDistances[chosen * n + i] }
            seeds.append(candidates[chosen])
        }
        return seeds
    }

    /// `max(−2·c·x + ‖c‖² + ‖x‖², 0)` in double precision from each listed frame c to every frame,
    /// rounded to the data's precision, into `distances[index · N + frame]`.
    private func squaredDistances(to frames: [Int], into distances: inout [S]) {
        let n = n, t = frames.count
        var candidates = Matrix<Double>(rowCount: d, columnCount: t)
        for (index, frame) in frames.enumerated() {
            for j in 0..<d { candidates[j, index] = wide[frame, j] }
        }
        var products = Matrix<Double>(rowCount: n, columnCount: t)
        try! backend.multiply(wide, by: candidates, into: &products)  // shapes agree by construction
        products.withUnsafeElements { p in
            distances.withUnsafeMutableBufferPointer { distances in
                for (index, frame) in frames.enumerated() {
                    for i in 0..<n {
                        let distance = -2 * p[i * t + index] + wideNorms[frame] + wideNorms[i]
                        distances[index * n + i] = S(max(distance, 0))
                    }
                }
            }
        }
    }

    // MARK: Lloyd

    /// The buffers of Lloyd runs, allocated once per worker thread.
    private struct LloydWorkspace {
        var centres: [S], newCentres: [S], sums: [S]
        var norms: [S], weights: [S], shifts: [S]
        var labels: [Int32], previousLabels: [Int32]
        var products = Matrix<S>(rowCount: 0, columnCount: 0)  // the GEMM path's scratch (LloydFrames)

        init(k: Int, n: Int, d: Int) {
            centres = [S](repeating: 0, count: k * d)
            newCentres = centres
            sums = centres
            norms = [S](repeating: 0, count: k)
            weights = norms
            shifts = norms
            labels = [Int32](repeating: -1, count: n)
            previousLabels = labels
        }
    }

    /// `_kmeans_single_lloyd` from the seeds in `work.centres`.
    private func lloydRun(_ work: inout LloydWorkspace, maximumIterations: Int) -> Clustering {
        let k = work.weights.count
        for i in 0..<n { work.labels[i] = -1; work.previousLabels[i] = -1 }
        var strict = false
        var iterations = 0
        for _ in 0..<maximumIterations {
            iterations += 1
            lloydStep(&work, updateCentres: true)
            swap(&work.centres, &work.newCentres)
            if work.labels == work.previousLabels { strict = true; break }
            var squares = work.shifts
            for j in 0..<k { squares[j] = work.shifts[j] * work.shifts[j] }
            if squares.withUnsafeBufferPointer({ Self.pairwiseSum($0) }) <= tolerance { break }
            swap(&work.previousLabels, &work.labels)  // the next step writes every label
        }
        if !strict { lloydStep(&work, updateCentres: false) }
        var inertia = S(0)
        centred.withUnsafeElements { x in
            work.centres.withUnsafeBufferPointer { c in
                for i in 0..<n {
                    inertia += Self.squaredDistance(x.baseAddress! + i * d, c.baseAddress! + Int(work.labels[i]) * d, count: d)
                }
            }
        }
        return Clustering(centres: Matrix(rowCount: k, columnCount: d, elements: work.centres), labels: work.labels,
                          inertia: inertia, iterations: iterations)
    }

    /// `lloyd_iter_chunked_dense` (one thread): labels from `work.centres`; with
    /// `updateCentres`, the new centres into `work.newCentres`, their frame counts into
    /// `work.weights` and their shifts into `work.shifts`.
    private func lloydStep(_ work: inout LloydWorkspace, updateCentres: Bool) {
        let k = work.weights.count, d = d
        for c in 0..<k {
            var norm = S(0)
            for j in 0..<d { norm += work.centres[c * d + j] * work.centres[c * d + j] }
            work.norms[c] = norm
        }
        if updateCentres {
            for i in work.sums.indices { work.sums[i] = 0 }
            for c in 0..<k { work.weights[c] = 0 }
        }
        // scikit-learn's `_gemm(NoTrans, Trans, -2.0, X, centres, 1.0, pairwise)` on rows set to
        // ‖c‖², the first least entry of each row, and the sums frame after frame.
        work.centres.withUnsafeBufferPointer { centres in
            work.norms.withUnsafeBufferPointer { norms in
                work.labels.withUnsafeMutableBufferPointer { labels in
                    if updateCentres {
                        work.sums.withUnsafeMutableBufferPointer { sums in
                            work.weights.withUnsafeMutableBufferPointer { weights in
                                frames.assign(centres: centres, norms: norms, labels: labels, sums: sums, counts: weights,
                                              products: &work.products)
                            }
                        }
                    } else {
                        frames.assign(centres: centres, norms: norms, labels: labels, sums: nil, counts: nil,
                                      products: &work.products)
                    }
                }
            }
        }
        guard updateCentres else { return }
        Self.relocateEmptyClusters(centred, labels: work.labels, centres: work.centres, sums: &work.sums,
                                   weights: &work.weights)
        var heaviest = 0  // np.argmax: the first maximum
        for c in 1..<max(k, 1) where work.weights[c] > work.weights[heaviest] { heaviest = c }
        for c in 0..<k {  // `_average_centers`, in place
            if work.weights[c] > 0 {
                let scale = 1 / work.weights[c]
                for j in 0..<d { work.sums[c * d + j] *= scale }
            } else {
                for j in 0..<d { work.sums[c * d + j] = work.sums[heaviest * d + j] }
            }
        }
        swap(&work.newCentres, &work.sums)
        work.newCentres.withUnsafeBufferPointer { new in
            work.centres.withUnsafeBufferPointer { old in
                for c in 0..<k {
                    work.shifts[c] = Self.squaredDistance(new.baseAddress! + c * d, old.baseAddress! + c * d, count: d)
                        .squareRoot()
                }
            }
        }
    }

    /// `_relocate_empty_clusters_dense` with unit weights: each empty cluster (in index order)
    /// takes one of the frames of `data` (`[N × D]`) farthest from their centres (`centres`,
    /// `[k × D]`, the centres `labels` were computed from), farthest first, whose frame leaves its
    /// old cluster's `sums` (`[k × D]`) and `weights`; labels are kept. Nothing moves when every
    /// frame sits on its centre. Equally far frames: the later one first.
    package static func relocateEmptyClusters(_ data: Matrix<S>, labels: [Int32], centres: [S], sums: inout [S],
                                              weights: inout [S]) {
        let n = data.rowCount, d = data.columnCount
        let empty = weights.indices.filter { weights[$0] == 0 }
        guard !empty.isEmpty else { return }
        var distances = [S](repeating: 0, count: n), row = [S](repeating: 0, count: d)
        data.withUnsafeElements { x in
            for i in 0..<n {
                let label = Int(labels[i])
                for j in 0..<d {
                    let difference = x[i * d + j] - centres[label * d + j]
                    row[j] = difference * difference
                }
                distances[i] = row.withUnsafeBufferPointer { Self.pairwiseSum($0) }
            }
        }
        guard distances.contains(where: { $0 != 0 }) else { return }
        // The len(empty) largest distances, largest first; equal ones by descending index.
        var farthest = [Int]()
        for i in stride(from: n - 1, through: 0, by: -1) {
            let place = farthest.firstIndex { distances[i] > distances[$0] } ?? farthest.count
            if place < empty.count {
                farthest.insert(i, at: place)
                if farthest.count > empty.count { farthest.removeLast() }
            }
        }
        for (cluster, frame) in zip(empty, farthest) {
            let old = Int(labels[frame])
            for j in 0..<d {
                sums[old * d + j] -= data[frame, j]
                sums[cluster * d + j] = data[frame, j]
            }
            weights[cluster] = 1
            weights[old] -= 1
        }
    }

    // MARK: NumPy's and scikit-learn's summation orders

    /// `_euclidean_dense_dense(a, b, squared=True)`: groups of four squared differences added
    /// left to right, each group added to the total, then the remainder one by one.
    private static func squaredDistance(_ a: UnsafePointer<S>, _ b: UnsafePointer<S>, count: Int) -> S {
        var result = S(0)
        var j = 0
        while j + 4 <= count {
            let t0 = (a[j] - b[j]) * (a[j] - b[j]), t1 = (a[j + 1] - b[j + 1]) * (a[j + 1] - b[j + 1])
            let t2 = (a[j + 2] - b[j + 2]) * (a[j + 2] - b[j + 2]), t3 = (a[j + 3] - b[j + 3]) * (a[j + 3] - b[j + 3])
            result += ((t0 + t1) + t2) + t3
            j += 4
        }
        while j < count {
            result += (a[j] - b[j]) * (a[j] - b[j])
            j += 1
        }
        return result
    }

    /// NumPy's `add.reduce` over a contiguous run (`pairwise_sum`): plain below 8 elements, eight
    /// interleaved sums up to 128, halves (at a multiple of 8) above.
    static func pairwiseSum(_ values: UnsafeBufferPointer<S>) -> S {
        let count = values.count
        if count < 8 {
            var sum = S(0)
            for value in values { sum += value }
            return sum
        }
        if count <= 128 {
            var r = Array(values[0..<8])
            var i = 8
            while i < count - count % 8 {
                for lane in 0..<8 { r[lane] += values[i + lane] }
                i += 8
            }
            var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < count { sum += values[i]; i += 1 }
            return sum
        }
        var half = count / 2
        half -= half % 8
        return pairwiseSum(UnsafeBufferPointer(rebasing: values[0..<half]))
            + pairwiseSum(UnsafeBufferPointer(rebasing: values[half...]))
    }

    /// `X.mean(axis=0)`: NumPy adds the rows one after another (a single column is one
    /// contiguous run, summed pairwise), then divides by N in the data's precision.
    private static func columnMeans(_ data: Matrix<S>) -> [S] {
        let n = data.rowCount, d = data.columnCount
        var sums = [S](repeating: 0, count: d)
        data.withUnsafeElements { x in
            if d == 1 {
                sums[0] = pairwiseSum(x)
            } else {
                for i in 0..<n { for j in 0..<d { sums[j] += x[i * d + j] } }
            }
        }
        return sums.map { $0 / S(n) }
    }

    /// A potential `Σ D(x)²` (NumPy's BLAS dot product), summed in double precision and rounded
    /// to the data's: within an ulp of a blocked single-precision sum.
    private static func total(_ values: ArraySlice<S>) -> S {
        var sum = 0.0
        for value in values { sum += Double(value) }
        return S(sum)
    }

    /// `searchsorted` on a non-decreasing array: the first index where `satisfies` holds
    /// (`values.count` if none).
    private static func firstIndex(in values: [Double], where satisfies: (Double) -> Bool) -> Int {
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if satisfies(values[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// `_is_same_clustering`: whether `a` maps onto `b` label by label.
    private static func samePartition(_ a: [Int32], _ b: [Int32], k: Int) -> Bool {
        var mapping = [Int32](repeating: -1, count: k)
        for (x, y) in zip(a, b) {
            if mapping[Int(x)] == -1 {
                mapping[Int(x)] = y
            } else if mapping[Int(x)] != y {
                return false
            }
        }
        return true
    }
}
