import HMMKitNumerics

/// Reusable buffers for scoring and accumulating one block of frames; one per worker thread,
/// so that blocks allocate nothing once the first block has sized them.
/// Public only as an opaque per-worker scratch type of the HMM emissions; its members stay in the package.
public final class MixtureWorkspace<Scalar: MatrixScalar> {
    /// A copy of the block's frames, `[n × D]` (tied covariance only).
    var block = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    /// The scoring features: `[x, x², 1]`, `[n × (2D + 1)]` (diagonal, spherical) or
    /// `[x', x'ᵢx'ⱼ, 1]`, `[n × (D + D(D+1)/2 + 1)]` (full).
    var features = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    /// Whether ``features`` holds the current block's features (full covariance may be scored
    /// and accumulated without them).
    var hasFeatures = false
    /// `x·P`, `[n × D]` (tied).
    var transformed = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    /// Weighted log-densities, then responsibilities, `[n × K]`.
    package var logDensities = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    /// Per-block scratch for the statistics: occupancies `[K]` and one first-order row `[D]`.
    var occupancy: [Double] = []
    var firstOrder: [Double] = []
    /// `log p(xₙ)`, `[n]`.
    package var frameLogLikelihoods: [Scalar] = []
    /// Statistics products: `γᵀ·features` (`[K × width]`) and the tied `[D × D]` SYRK.
    var statisticsProduct = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    var outer = Matrix<Scalar>(rowCount: 0, columnCount: 0)

    /// Whether the blocks are only scored (never accumulated): full covariance then scores
    /// without building ``features`` whenever the kernel applies (see
    /// ``GaussianMixture/weightedLogDensities(_:backend:)``).
    package let scoringOnly: Bool

    package init(scoringOnly: Bool = false) { self.scoringOnly = scoringOnly }

    /// Makes `matrix` `[rows × columns]`, reallocating only when the shape changes.
    @inline(__always)
    static func shape(_ matrix: inout Matrix<Scalar>, _ rows: Int, _ columns: Int) {
        if matrix.rowCount != rows || matrix.columnCount != columns {
            matrix.reshape(rowCount: rows, columnCount: columns)
        }
    }

    /// The data the current block comes from (shared storage, no copy) and the block's rows.
    private(set) var source = Matrix<Scalar>(rowCount: 0, columnCount: 0)
    private(set) var rows: Range<Int> = 0..<0

    /// The number of frames in the current block.
    package var rowCount: Int { rows.count }

    /// Makes rows `range` of `data` the current block, without copying them.
    package func select(_ data: Matrix<Scalar>, rows range: Range<Int>) {
        source = data
        rows = range
        hasFeatures = false
    }

    /// Calls `body` with a pointer to the current block's first frame (row stride D).
    @inline(__always)
    package func withBlock<R>(_ body: (UnsafePointer<Scalar>) -> R) -> R {
        source.withUnsafeElements { body($0.baseAddress! + rows.lowerBound * source.columnCount) }
    }

    /// Copies the current block into ``block`` (for the GEMM and SYRK of the tied covariance).
    func copyBlock() {
        let d = source.columnCount
        Self.shape(&block, rows.count, d)
        withBlock { first in
            block.withUnsafeMutableElements { target in target.baseAddress!.update(from: first, count: rows.count * d) }
        }
    }

    /// The first element in the current block's row `local` that is NaN, ±∞ or beyond
    /// ``InputLimits/maximumFeatureMagnitude``, as (row in the data, column, value), or nil.
    package func nonFinite(inRow local: Int) -> (Int, Int, Double)? {
        let d = source.columnCount
        return withBlock { first in
            for j in 0..<d where !FeatureValues.isUsable(Double(first[local * d + j])) {
                return (rows.lowerBound + local, j, Double(first[local * d + j]))
            }
            return nil
        }
    }

    /// For the first frame of the current block whose log-likelihood came out non-finite: its
    /// first unusable element as (row in the data, column, value), or — when every element is
    /// usable and the frame still scores ±∞ or NaN — (row, −1, the log-likelihood). Nil when
    /// every frame scored finite.
    func firstNonFiniteFrame() -> (Int, Int, Double)? {
        for local in 0..<frameLogLikelihoods.count where !frameLogLikelihoods[local].isFinite {
            return nonFinite(inRow: local) ?? (rows.lowerBound + local, -1, Double(frameLogLikelihoods[local]))
        }
        return nil
    }
}
