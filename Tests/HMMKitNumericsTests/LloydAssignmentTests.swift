import HMMKitNumerics
import HMMKitTestSupport
import Testing

// Lloyd's assignment step (LloydFrames): the vector kernel at every width this CPU runs against
// the plain loops, bit for bit (both sum the same fused chains in the same order); the plain
// loops against the definition (the first centre of least squared distance, sums in frame order).

/// (frames, features, centres): frame counts around the kernel's 8-, 16- and 32-frame steps and
/// panels; feature counts with and without a vector tail, the W3 features (39), and more than the
/// 8 vectors the sums keep in registers (65, 130); 1…9 centres (every 4-centre group remainder).
private let lloydShapes: [(n: Int, d: Int, k: Int)] = [
    (1, 1, 1), (7, 3, 2), (31, 8, 3), (33, 9, 4), (64, 39, 5), (100, 39, 3), (257, 17, 9), (45, 65, 6),
    (40, 130, 5), (300, 16, 7),
]

@Suite("Lloyd assignment")
struct LloydAssignmentTests {
    /// Labels, sums and counts of `frames` against `centres` at kernel width `bits` (0: plain loops),
    /// the sums and counts starting from `start` (the step adds onto what they hold).
    private static func step<S: MatrixScalar>(_ frames: Matrix<S>, centres: Matrix<S>, bits: Int,
                                              start: [S]) -> (labels: [Int32], sums: [S], counts: [S]) {
        let lloyd = LloydFrames(frames, backend: bits > 0 ? .accelerated : .reference, bits: bits)
        #expect(lloyd.runsKernel == (bits > 0))
        let k = centres.rowCount, d = centres.columnCount
        let norms = (0..<k).map { c in (0..<d).reduce(S(0)) { $0 + centres[c, $1] * centres[c, $1] } }
        var labels = [Int32](repeating: -1, count: frames.rowCount)
        var sums = Array(start[0..<(k * d)]), counts = Array(start[0..<k])
        centres.withUnsafeElements { c in
            norms.withUnsafeBufferPointer { norms in
                labels.withUnsafeMutableBufferPointer { labels in
                    sums.withUnsafeMutableBufferPointer { sums in
                        counts.withUnsafeMutableBufferPointer { counts in
                            lloyd.assign(centres: c, norms: norms, labels: labels, sums: sums, counts: counts)
                        }
                    }
                }
            }
        }
        return (labels, sums, counts)
    }

    @Test(arguments: [Precision.double, .single])
    func kernelEqualsThePlainLoopsBitForBit(precision: Precision) {
        func check<S: MatrixScalar>(_: S.Type) {
            for (index, shape) in lloydShapes.enumerated() {
                var generator = seededGenerator(index, shape.n, shape.d)
                let frames = Matrix<S>.random(rowCount: shape.n, columnCount: shape.d, in: -3...3, using: &generator)
                let centres = Matrix<S>.random(rowCount: shape.k, columnCount: shape.d, in: -1...1, using: &generator)
                let start = [S].random(count: shape.k * shape.d, in: -1...1, using: &generator)
                let plain = Self.step(frames, centres: centres, bits: 0, start: start)
                for bits in KernelPolicy.availableSkinnyProductBits {
                    let kernel = Self.step(frames, centres: centres, bits: bits, start: start)
                    #expect(kernel.labels == plain.labels, "\(shape) at \(bits) bits")
                    #expect(kernel.sums == plain.sums, "\(shape) at \(bits) bits")
                    #expect(kernel.counts == plain.counts, "\(shape) at \(bits) bits")
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
    @Test func plainLoopsFollowTheDefinition() {
        for (index, shape) in lloydShapes.enumerated() {
            var generator = seededGenerator(index, 17)
            let frames = Matrix<Double>.random(rowCount: shape.n, columnCount: shape.d, in: -3...3, using: &generator)
            let centres = Matrix<Double>.random(rowCount: shape.k, columnCount: shape.d, using: &generator)
            let zeros = [Double](repeating: 0, count: shape.k * shape.d)
            let result = Self.step(frames, centres: centres, bits: 0, start: zeros)
            var sums = zeros, counts = [Double](repeating: 0, count: shape.k)
            for i in 0..<shape.n {
                var label = 0, best = Double.infinity
                for c in 0..<shape.k {
                    let distance = (0..<shape.d).reduce(0.0) { $0 + (frames[i, $1] - centres[c, $1]) * (frames[i, $1] - centres[c, $1]) }
                    if distance < best { (best, label) = (distance, c) }
                }
                #expect(result.labels[i] == Int32(label), "\(shape), frame \(i)")
                for j in 0..<shape.d { sums[label * shape.d + j] += frames[i, j] }
                counts[label] += 1
            }
            #expect(result.sums == sums && result.counts == counts, "\(shape)")
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
        for bits in [0] + KernelPolicy.availableSkinnyProductBits {
            let result = Self.step(frames, centres: centres, bits: bits, start: start)
            #expect(result.labels.allSatisfy { $0 == 0 }, "\(bits) bits")
            #expect(result.counts == [70, 0, 0, 0, 0], "\(bits) bits")
        }
    }
}
