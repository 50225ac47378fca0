import HMMKitNumerics
import HMMKitTestSupport

// Shared by the HMMKitNumerics suites: the size sweep, per-precision tolerances, per-case seeds and
// the independent Double-precision references that every backend is checked against.

/// The sizes the sweeps visit: empty, the three smallest, primes that straddle the reference
/// kernels' blocks (32 for packing, 128 × 256 for GEMM), a power of two, and 257 = 2⁸ + 1.
let awkwardSizes = [0, 1, 2, 3, 17, 39, 64, 257]

/// `awkwardSizes` without 0, for operations whose size must be at least 1.
let positiveAwkwardSizes = awkwardSizes.filter { $0 > 0 }

/// The tolerance stated for `S`'s precision (each call site justifies its pair).
func tolerance<S: MatrixScalar>(_: S.Type, float: Double, double: Double) -> Double {
    switch S.precision {
    case .single: float
    case .double: double
    }
}

/// A generator seeded from a test's parameters, so that every case draws different but repeatable data.
func seededGenerator(_ parts: Int...) -> SeededGenerator {
    var seed: UInt64 = 0x5EED_0F_4A11
    for part in parts { seed = seed &* 1_000_003 &+ UInt64(bitPattern: Int64(part)) }
    return SeededGenerator(seed: seed)
}

/// `op(x)` (x or xᵀ) in Double.
func operand<S: MatrixScalar>(_ x: Matrix<S>, transposed: Bool) -> Matrix<Double> {
    let converted = x.converted(to: Double.self)
    return transposed ? converted.transposed() : converted
}

/// `op(a)·op(b)` in Double by the textbook triple loop: the independent reference for GEMM and SYRK.
func naiveProduct<S: MatrixScalar>(
    _ a: Matrix<S>, _ b: Matrix<S>, transposeA: Bool = false, transposeB: Bool = false
) -> Matrix<Double> {
    let x = operand(a, transposed: transposeA), y = operand(b, transposed: transposeB)
    precondition(x.columnCount == y.rowCount, "naiveProduct: inner dimensions differ")
    let (m, k, n) = (x.rowCount, x.columnCount, y.columnCount)
    let product = [Double](unsafeUninitializedCapacity: m * n) { product, count in
        x.elements.withUnsafeBufferPointer { x in
            y.elements.withUnsafeBufferPointer { y in
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0
                        for p in 0..<k { sum += x[i * k + p] * y[p * n + j] }
                        product[i * n + j] = sum
                    }
                }
            }
        }
        count = m * n
    }
    return Matrix(rowCount: m, columnCount: n, elements: product)
}

/// `alpha·x + beta·y`, elementwise, in Double.
func linearCombination(_ alpha: Double, _ x: Matrix<Double>, _ beta: Double, _ y: Matrix<Double>) -> Matrix<Double> {
    precondition(x.shape == y.shape, "linearCombination: shapes differ")
    return Matrix(rowCount: x.rowCount, columnCount: x.columnCount,
                  elements: zip(x.elements, y.elements).map { alpha * $0 + beta * $1 })
}

/// The largest |x[i, j] − y[i, j]| (0 for empty matrices).
func largestDifference(_ x: Matrix<Double>, _ y: Matrix<Double>) -> Double {
    precondition(x.shape == y.shape, "largestDifference: shapes differ")
    return zip(x.elements, y.elements).map { abs($0 - $1) }.max() ?? 0
}
