import HMMKitNumerics

/// Reusable buffers for scoring and accumulating one block of frames; one per worker thread,
/// so that blocks allocate nothing once the first block has sized them.
final class MixtureWorkspace<Scalar: MatrixScalar> {
    /// The block's frames, `[n × D]`.
    var block = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    /// The scoring features: `[x, x²]`, `[n × 2D]` (diagonal, spherical) or `[x', x'ᵢx'ⱼ]`,
    /// `[n × (D + D(D+1)/2)]` (full).
    var features = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    /// `x·P`, `[n × D]` (tied).
    var transformed = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    /// Weighted log-densities, then responsibilities, `[n × K]`.
    var logDensities = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    /// `log p(xₙ)`, `[n]`.
    var frameLogLikelihoods: [Scalar] = []
    /// Statistics products: `γᵀ·features` (`[K × width]`) and the tied `[D × D]` SYRK.
    var statisticsProduct = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    var outer = Matrix<Scalar>(rowCount: 0, columnCount: 0)

    /// Makes `matrix` `[rows × columns]`, reallocating only when the shape changes.
    @inline(__always)
    static func shape(_ matrix: inout Matrix<Scalar>, _ rows: Int, _ columns: Int) {
        if matrix.rowCount != rows || matrix.columnCount != columns {
            matrix = Matrix(rowCount: rows, columnCount: columns)
        }
    }

    /// Copies rows `range` of `data` into ``block``; with `checking`, returns the first
    /// non-finite element as (row in `data`, column, value), scanning the copy while it is in cache.
    @discardableResult
    func load(_ data: Matrix<Scalar>, rows range: Range<Int>, checking: Bool = false) -> (Int, Int, Double)? {
        Self.shape(&block, range.count, data.columnCount)
        let d = data.columnCount
        data.withUnsafeElements { source in
            block.withUnsafeMutableElements { target in
                target.baseAddress!.update(from: source.baseAddress! + range.lowerBound * d, count: range.count * d)
            }
        }
        guard checking else { return nil }
        return block.withUnsafeElements { values in
            for i in 0..<values.count where !values[i].isFinite {
                return (range.lowerBound + i / d, i % d, Double(values[i]))
            }
            return nil
        }
    }
}
