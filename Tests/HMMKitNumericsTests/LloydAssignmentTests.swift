import HMMKitNumerics
import HMMKitTestSupport
import Testing

// Lloyd's assignment step (LloydFrames): the vector kernel at every width this CPU runs against
// the GEMM path on both backends (the same labels on data without near-ties, hence the same sums
// bit for bit: both add the frames in frame order); every path against the definition (the first
// centre of least squared distance, sums in frame order); exact ties to the first centre.

/// (frames, features, centres): frame counts around the kernel's 8-, 16- and 32-frame steps and
/// panels; feature counts with and without a vector tail, the W3 features (39), and more than the
/// 8 vectors the sums keep in registers (65, 130); 1…9 centres (every 4-centre group remainder).
private let lloydShapes: [(n: Int, d: Int, k: Int)] = [
    (1, 1, 1), (7, 3, 2), (31, 8, 3), (33, 9, 4), (64, 39, 5), (100, 39, 3), (257, 17, 9), (45, 65, 6),
    (40, 130, 5), (300, 16, 7),
]

@Suite("Lloyd assignment")
struct LloydAssignmentTests {
    /// The paths: every kernel width this CPU runs, then the GEMM path on each backend.
    private static let paths: [(backend: ComputeBackend, bits: Int)] =
        KernelPolicy.availableSkinnyProductBits.map { (.accelerated, $0) } + [(.accelerated, 0), (.reference, 0)]

    /// Labels, sums and counts of `frames` against `centres` on `backend` at kernel width `bits`
    /// (0: the GEMM path), the sums and counts starting from `start` (the step adds onto them).
    private static func step<S: MatrixScalar>(_ frames: Matrix<S>, centres: Matrix<S>, backend: ComputeBackend, bits: Int,
                                              start: [S]) -> (labels: [Int32], sums: [S], counts: [S]) {
        let lloyd = LloydFrames(frames, backend: backend, bits: bits)
        #expect(lloyd.runsKernel == (bits > 0))
        var products = Matrix<S>(rowCount: 0, columnCount: 0)
        let k = centres.rowCount, d = centres.columnCount
        let norms = (0..<k).map { c in (0..<d).reduce(S(0)) { $0 + centres[c, $1] * centres[c, $1] } }
        var labels = [Int32](repeating: -1, count: frames.rowCount)
        var sums = Array(start[0..<(k * d)]), counts = Array(start[0..<k])
        centres.withUnsafeElements { c in
            norms.withUnsafeBufferPointer { norms in
                labels.withUnsafeMutableBufferPointer { labels in
                    sums.withUnsafeMutableBufferPointer { sums in
                        counts.withUnsafeMutableBufferPointer { counts in
                            lloyd.assign(centres: c, norms: norms, labels: labels, sums: sums, counts: counts,
                                         products: &products)
                        }
                    }
                }
            }
        }
        return (labels, sums, counts)
    }

    @Test(arguments: [Precision.double, .single])
    func everyPathGivesTheSameLabelsAndSums(precision: Precision) {
        func check<S: MatrixScalar>(_: S.Type) {
            for (index, shape) in lloydShapes.enumerated() {
                var generator = seededGenerator(index, shape.n, shape.d)
                let frames = Matrix<S>.random(rowCount: shape.n, columnCount: shape.d, in: -3...3, using: &generator)
                let centres = Matrix<S>.random(rowCount: shape.k, columnCount: shape.d, in: -1...1, using: &generator)
                let start = [S].random(count: shape.k * shape.d, in: -1...1, using: &generator)
                let reference = Self.step(frames, centres: centres, backend: .reference, bits: 0, start: start)
                for path in Self.paths {
                    let other = Self.step(frames, centres: centres, backend: path.backend, bits: path.bits, start: start)
                    #expect(other.labels == reference.labels, "\(shape) on \(path)")
                    #expect(other.sums == reference.sums, "\(shape) on \(path)")
                    #expect(other.counts == reference.counts, "\(shape) on \(path)")
                }
            }
        }
        switch precision {
        case .double: check(Double.self)
        case .single: check(Float.self)
        }
    }

    /// The definition, in Double: the first centre of least ‖x − c‖², the sums each frame added in
    /// frame order, the counts. Random data keep every two distances apart by far more than rounding.
    @Test func everyPathFollowsTheDefinition() {
        for (index, shape) in lloydShapes.enumerated() {
            var generator = seededGenerator(index, 17)
            let frames = Matrix<Double>.random(rowCount: shape.n, columnCount: shape.d, in: -3...3, using: &generator)
            let centres = Matrix<Double>.random(rowCount: shape.k, columnCount: shape.d, using: &generator)
            let zeros = [Double](repeating: 0, count: shape.k * shape.d)
            var sums = zeros, counts = [Double](repeating: 0, count: shape.k), labels = [Int32]()
            for i in 0..<shape.n {
                var label = 0, best = Double.infinity
                for c in 0..<shape.k {
                    let distance = (0..<shape.d).reduce(0.0) { $0 + (frames[i, $1] - centres[c, $1]) * (frames[i, $1] - centres[c, $1]) }
                    if distance < best { (best, label) = (distance, c) }
                }
                labels.append(Int32(label))
                for j in 0..<shape.d { sums[label * shape.d + j] += frames[i, j] }
                counts[label] += 1
            }
            for path in Self.paths {
                let result = Self.step(frames, centres: centres, backend: path.backend, bits: path.bits, start: zeros)
                #expect(result.labels == labels && result.sums == sums && result.counts == counts, "\(shape) on \(path)")
            }
        }
    }

    /// Equal centres tie exactly: every frame takes the first of them, on every path.
    @Test func tiesGoToTheFirstCentre() {
        var generator = seededGenerator(5)
        let frames = Matrix<Double>.random(rowCount: 70, columnCount: 11, using: &generator)
        let centre = [Double].random(count: 11, in: 5...6, using: &generator)
        // Centres 1 and 3 are the same far point, centres 0, 2 and 4 the same near one.
        let near = [Double](repeating: 0.25, count: 11)
        let centres = Matrix(rowCount: 5, columnCount: 11, elements: near + centre + near + centre + near)
        let start = [Double](repeating: 0, count: 55)
        for path in Self.paths {
            let result = Self.step(frames, centres: centres, backend: path.backend, bits: path.bits, start: start)
            #expect(result.labels.allSatisfy { $0 == 0 }, "\(path)")
            #expect(result.counts == [70, 0, 0, 0, 0], "\(path)")
        }
    }
}
