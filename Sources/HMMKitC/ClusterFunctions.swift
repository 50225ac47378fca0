import HMMKitMixtures
import HMMKitNumerics

// `hmmkit_kmeans` of hmmkit.h: HMMKit's k-means for the Python models' initialisation.

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
            let frames: Matrix<S> = try matrix(data, type: type, rows: Int(rows), columns: Int(columns))
            if let bad = frames.elements.firstIndex(where: { !$0.isFinite }) {
                throw CallError(.numericalFailure, "the data hold a non-finite value at row \(bad / Int(columns)), "
                    + "column \(bad % Int(columns))")
            }
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
