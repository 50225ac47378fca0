import HMMKitMixtures
import HMMKitNumerics
import Testing

// scikit-learn's k-means as the engine computes it, on cases with closed-form answers. Agreement
// with scikit-learn itself (labels, centres, inertia, the RandomState's advance) is tested from
// Python, where scikit-learn runs: python/tests/test_sklearn_kmeans.py.

@Test(arguments: [1, 3, 10])
func oneClusterIsTheMeanAndDrawsOneUniformPerRun(runs: Int) {
    let data = Matrix<Double>(rows: [[1, 2], [3, -2], [8, 0], [0, 4]])
    var generator = MT19937(seed: 7)
    let result = ScikitLearnKMeans.cluster(data, k: 1, runs: runs, maximumIterations: 300, tolerance: 1e-4,
                                           using: &generator)
    #expect(result.centres.elements == [3, 1])  // exact: sums of small integers, divided by 4
    #expect(result.labels == [0, 0, 0, 0])
    // Σ‖x − mean‖² = (4 + 1) + (0 + 9) + (25 + 1) + (9 + 9)
    #expect(result.inertia == 58)
    // k = 1: only the first centre is drawn (RandomState.choice: one random_sample, two outputs).
    #expect(generator.position == 2 * runs)
}

@Test(arguments: [Precision.double, .single])
func separatedGroupsGiveTheirMeans(precision: Precision) {
    let rows: [[Double]] = [[0, 0], [1, 0], [0, 1], [10, 10], [11, 10], [10, 11], [11, 11]]
    func check<S: MatrixScalar>(_: S.Type) {
        var generator = MT19937(seed: 3)
        let data = Matrix<S>(rows: rows.map { $0.map { S($0) } })
        let result = ScikitLearnKMeans.cluster(data, k: 2, runs: 10, maximumIterations: 300, tolerance: 1e-4,
                                               using: &generator)
        let first = Int(result.labels[0])
        #expect(result.labels == [0, 0, 0, 1, 1, 1, 1].map { Int32($0 == 0 ? first : 1 - first) })
        // Means 1/3 and 10.5: within rounding of the centring (the data's ulp at 10).
        let expected: [[Double]] = [[1.0 / 3, 1.0 / 3], [10.5, 10.5]]
        for (label, mean) in [first, 1 - first].enumerated() {
            for j in 0..<2 {
                #expect(abs(Double(result.centres[mean, j]) - expected[label][j]) <= 8 * Double(S.ulpOfOne) * 10)
            }
        }
    }
    switch precision {
    case .double: check(Double.self)
    case .single: check(Float.self)
    }
}

@Test func emptyClusterTakesTheFarthestFrame() {
    // One dimension: frames 0, 1, 2, 10 all labelled 0 (centre 1); cluster 1 is empty.
    let data = Matrix<Double>(rows: [[0], [1], [2], [10]])
    var sums: [Double] = [13, 0], weights: [Double] = [4, 0]
    ScikitLearnKMeans.relocateEmptyClusters(data, labels: [0, 0, 0, 0], centres: [1, 5], sums: &sums, weights: &weights)
    // Squared distances 1, 0, 1, 81: frame 3 (10) moves to cluster 1 and leaves cluster 0's sums.
    #expect(sums == [3, 10])
    #expect(weights == [3, 1])
}

@Test func emptyClustersTakeFarthestFirstLaterFrameOnTies() {
    // Frames 0 and 2 tie at distance 1 from centre 1, frame 4 (distance 9) is the farthest.
    let data = Matrix<Double>(rows: [[0], [2], [4], [1]])
    var sums: [Double] = [7, 0, 0], weights: [Double] = [4, 0, 0]
    ScikitLearnKMeans.relocateEmptyClusters(data, labels: [0, 0, 0, 0], centres: [1, 0, 0], sums: &sums,
                                            weights: &weights)
    // Cluster 1 takes frame 2 (value 4), cluster 2 the later of the tied frames (frame 1, value 2).
    #expect(sums == [1, 4, 2])
    #expect(weights == [2, 1, 1])
    // Every frame on its centre: nothing moves.
    var unchanged: [Double] = [7, 0], unit: [Double] = [1, 0]
    ScikitLearnKMeans.relocateEmptyClusters(Matrix<Double>(rows: [[7]]), labels: [0], centres: [7, 0],
                                            sums: &unchanged, weights: &unit)
    #expect(unchanged == [7, 0] && unit == [1, 0])
}

/// The runs are seeded in order and then run on threads: the clustering, its run statistics and
/// the generator's advance are the same for every thread count.
@Test func theClusteringDoesNotDependOnTheThreadCount() {
    let generator = MT19937(seed: 11)
    var source = SplitMix64(seed: 4)
    var elements = [Double]()
    for index in 0..<(600 * 13) {
        let group = Double(index / 13 % 4) * 3  // four groups of frames, 3 apart
        elements.append(Double(source.next() % 1_000_000) / 1e5 + group)
    }
    let data = Matrix<Double>(rowCount: 600, columnCount: 13, elements: elements)
    var outcomes: [ScikitLearnKMeans<Double>.Clustering] = [], positions: [Int] = []
    for threads in [1, 2, 3, 10] {
        var copy = generator
        outcomes.append(ScikitLearnKMeans.cluster(data, k: 4, runs: 10, maximumIterations: 300, tolerance: 1e-4,
                                                  using: &copy, threadCount: threads))
        positions.append(copy.position)
    }
    for outcome in outcomes.dropFirst() {
        #expect(outcome.centres == outcomes[0].centres && outcome.labels == outcomes[0].labels)
        #expect(outcome.inertia == outcomes[0].inertia && outcome.iterations == outcomes[0].iterations)
    }
    #expect(Set(positions).count == 1)
}
