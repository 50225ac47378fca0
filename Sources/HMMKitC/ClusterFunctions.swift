import HMMKitMixtures
import HMMKitNumerics

// `hmmkit_kmeans` of hmmkit.h: HMMKit's k-means for the Python models' initialisation.

/// The caller's k-means data as ``matrix(_:type:rows:columns:as:)`` reads it, refused as a
/// numerical failure naming the row and column of its first NaN or infinity.
private func finiteData<S: MatrixScalar>(_ data: UnsafeRawPointer?, type: ElementType, rows: Int,
                                         columns: Int) throws(CallError) -> Matrix<S> {
    let frames: Matrix<S> = try matrix(data, type: type, rows: rows, columns: columns)
    if let bad = ValueScan.firstBeyond(frames.elements, limit: .greatestFiniteMagnitude) {
        throw CallError(.numericalFailure, "the data hold a non-finite value at row \(bad / columns), column \(bad % columns)")
    }
    return frames
}

/// `restarts` k-means runs (HMMKit's ``KMeans``) from seeds drawn from `seed`; the centres and
/// labels of the run with the lowest inertia (the first on ties), and that inertia.
private func clusters<S: MatrixScalar>(_ data: Matrix<S>, k: Int, restarts: Int, seed: UInt64)
    -> (centres: Matrix<S>, labels: [Int], inertia: Double) {
    var generator = SplitMix64(seed: seed)
    var best: (centres: Matrix<S>, labels: [Int], inertia: Double)?
    for _ in 0..<restarts {
        let (centres, labels) = KMeans.centres(data, k: k, backend: .default, using: &generator)
        var inertia = 0.0
        data.withUnsafeElements { x in
            for row in 0..<data.rowCount {
                for j in 0..<data.columnCount {
                    let difference = Double(x[row * data.columnCount + j]) - Double(centres[labels[row], j])
                    inertia += difference * difference
                }
            }
        }
        if best == nil || inertia < best!.inertia { best = (centres, labels, inertia) }
    }
    return best!
}

@_cdecl("hmmkit_kmeans")
public func hmmkitKMeans(_ dtype: Int32, _ data: UnsafeRawPointer?, _ rows: Int64, _ columns: Int64, _ k: Int64, _ restarts: Int64,
                         _ seed: UInt64, _ centres: UnsafeMutableRawPointer?, _ labels: UnsafeMutablePointer<Int64>?,
                         _ inertia: UnsafeMutablePointer<Double>?,
                         _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        guard k >= 1, k <= InputLimits.maximumComponentCount, rows >= k, restarts >= 1, columns >= 1 else {
            throw CallError(.invalidArgument, "k-means needs 1 ≤ n_clusters ≤ n_samples and n_init ≥ 1 "
                + "(got \(k) clusters, \(rows) samples, n_init \(restarts))")
        }
        guard let centres else { throw CallError(.invalidArgument, "the centre buffer is NULL") }
        /// The clustering in the data's precision, its centres stored in that precision too.
        func run<S: MatrixScalar>(_: S.Type, _ type: ElementType) throws {
            let frames: Matrix<S> = try finiteData(data, type: type, rows: Int(rows), columns: Int(columns))
            let result = clusters(frames, k: Int(k), restarts: Int(restarts), seed: seed)
            store(result.centres.elements, into: centres, type: type)
            if let labels { for (row, label) in result.labels.enumerated() { labels[row] = Int64(label) } }
            inertia?.pointee = result.inertia
        }
        switch try ElementType(code: dtype) {
        case .float64: try run(Double.self, .float64)
        case .float32: try run(Float.self, .float32)
        }
    }
}

// `hmmkit_sklearn_kmeans` of hmmkit.h: scikit-learn's KMeans computed by the engine, continuing
// the caller's NumPy RandomState stream.

@_cdecl("hmmkit_sklearn_kmeans")
public func hmmkitScikitLearnKMeans(_ dtype: Int32, _ data: UnsafeRawPointer?, _ rows: Int64, _ columns: Int64, _ k: Int64,
                                    _ restarts: Int64, _ maximumIterations: Int64, _ tolerance: Double,
                                    _ key: UnsafeMutablePointer<UInt32>?, _ position: UnsafeMutablePointer<Int64>?,
                                    _ centres: UnsafeMutableRawPointer?, _ labels: UnsafeMutablePointer<Int64>?,
                                    _ inertia: UnsafeMutablePointer<Double>?, _ iterations: UnsafeMutablePointer<Int64>?,
                                    _ threads: Int64, _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        guard columns >= 1, rows >= 1 else {
            throw CallError(.invalidArgument, "k-means needs at least one sample and one feature (got \(rows) × \(columns))")
        }
        guard k >= 1, k <= InputLimits.maximumComponentCount else {
            throw CallError(.invalidArgument, "n_clusters must be between 1 and \(InputLimits.maximumComponentCount) (got \(k))")
        }
        guard rows >= k else { throw CallError(.invalidArgument, "n_samples=\(rows) should be >= n_clusters=\(k).") }
        guard restarts >= 1, maximumIterations >= 1 else {
            throw CallError(.invalidArgument, "n_init and max_iter must be at least 1 (got \(restarts), \(maximumIterations))")
        }
        guard tolerance.isFinite, tolerance >= 0 else {
            throw CallError(.invalidArgument, "tol must be finite and non-negative (got \(tolerance))")
        }
        guard threads >= 1 else { throw CallError(.invalidArgument, "n_threads must be at least 1 (got \(threads))") }
        guard let key, let position else { throw CallError(.invalidArgument, "the MT19937 key or position buffer is NULL") }
        guard let savedGenerator = MT19937(key: Array(UnsafeBufferPointer(start: key, count: MT19937.stateWordCount)),
                                           position: Int(clamping: position.pointee)) else {
            throw CallError(.invalidArgument, "the MT19937 position must be between 0 and \(MT19937.stateWordCount) "
                + "(got \(position.pointee))")
        }
        guard let centres else { throw CallError(.invalidArgument, "the centre buffer is NULL") }
        var generator = savedGenerator
        /// The clustering in the data's precision, its centres stored in that precision too.
        func run<S: MatrixScalar>(_: S.Type, _ type: ElementType) throws {
            let frames: Matrix<S> = try finiteData(data, type: type, rows: Int(rows), columns: Int(columns))
            let result = ScikitLearnKMeans.cluster(frames, k: Int(k), runs: Int(restarts),
                                                   maximumIterations: Int(maximumIterations), tolerance: tolerance,
                                                   using: &generator, threadCount: Int(threads))
            store(result.centres.elements, into: centres, type: type)
            if let labels { for (row, label) in result.labels.enumerated() { labels[row] = Int64(label) } }
            inertia?.pointee = Double(result.inertia)
            iterations?.pointee = Int64(result.iterations)
        }
        switch try ElementType(code: dtype) {
        case .float64: try run(Double.self, .float64)
        case .float32: try run(Float.self, .float32)
        }
        for (index, word) in generator.key.enumerated() { key[index] = word }
        position.pointee = Int64(generator.position)
    }
}
