import HMMKitNumerics
import RealModule

/// A feature-space affine transform `x ↦ A·x + b` of D-dimensional frames, stored as Kaldi stores
/// fMLLR transforms: one `[D × (D+1)]` matrix `W = [A | b]`.
public struct AffineFeatureTransform: Sendable, Equatable, Codable {
    /// D.
    public let dimension: Int
    /// `W = [A | b]`, row-major, `D × (D+1)`.
    public private(set) var matrix: [Double]

    /// The transform that leaves frames unchanged.
    public static func identity(dimension: Int) -> AffineFeatureTransform {
        var matrix = [Double](repeating: 0, count: dimension * (dimension + 1))
        for i in 0..<dimension { matrix[i * (dimension + 1) + i] = 1 }
        return AffineFeatureTransform(dimension: dimension, uncheckedMatrix: matrix)
    }

    /// A transform from `W = [A | b]` (`D × (D+1)`, row-major).
    /// - Throws: ``AdaptationError/invalidTransform(_:)`` for a wrong element count or a
    ///   non-finite element.
    public init(dimension: Int, matrix: [Double]) throws(AdaptationError) {
        guard dimension >= 1, matrix.count == dimension * (dimension + 1) else {
            throw .invalidTransform("a \(dimension)-dimensional transform has \(dimension * (dimension + 1)) elements, not \(matrix.count)")
        }
        guard matrix.allSatisfy(\.isFinite) else { throw .invalidTransform("the transform has a NaN or infinite element") }
        self.init(dimension: dimension, uncheckedMatrix: matrix)
    }

    init(dimension: Int, uncheckedMatrix: [Double]) {
        self.dimension = dimension
        self.matrix = uncheckedMatrix
    }

    /// `W[i, j]` (`j = D` is the offset).
    public subscript(row: Int, column: Int) -> Double {
        get { matrix[row * (dimension + 1) + column] }
        set { matrix[row * (dimension + 1) + column] = newValue }
    }

    /// The square part `A`, row-major `D × D`.
    var linearPart: [Double] {
        (0..<dimension).flatMap { i in matrix[(i * (dimension + 1))..<(i * (dimension + 1) + dimension)] }
    }

    /// `log |det A|`: what the transform adds to every frame's log-likelihood (the Jacobian), or
    /// −∞ when `A` is singular.
    public var logAbsDeterminant: Double { SmallDenseMatrix(order: dimension, elements: linearPart).logAbsDeterminant() }

    /// Every frame (row) of `frames` transformed.
    /// - Throws: ``AdaptationError/dimensionMismatch(expected:got:)`` when the frames have another width.
    public func apply(_ frames: Matrix<Double>) throws(AdaptationError) -> Matrix<Double> {
        let d = dimension
        guard frames.columnCount == d else { throw .dimensionMismatch(expected: d, got: frames.columnCount) }
        var output = Matrix<Double>(rowCount: frames.rowCount, columnCount: d)
        frames.withUnsafeElements { input in
            output.withUnsafeMutableElements { out in
                matrix.withUnsafeBufferPointer { w in
                    for t in 0..<frames.rowCount {
                        let x = input.baseAddress! + t * d, y = out.baseAddress! + t * d
                        for i in 0..<d {
                            let row = w.baseAddress! + i * (d + 1)
                            var sum = row[d]
                            for j in 0..<d { sum += row[j] * x[j] }
                            y[i] = sum
                        }
                    }
                }
            }
        }
        return output
    }
}
