import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

/// Gathers fMLLR statistics for one speaker against a set of diagonal-covariance GMM-HMMs (a
/// recognizer's word models): each sequence is aligned softly to the model it is said to belong to
/// (a first recognition pass's answer, or the reference label) — state posteriors by
/// forward-backward, then component posteriors within each state — and every Gaussian keeps
/// `Σγ·ξξᵀ` with `ξ = [x; 1]`. ``statistics()`` folds those into ``FMLLRStatistics`` by each
/// Gaussian's mean and variances, so the per-frame cost is one `(D+1)²` outer product per Gaussian
/// a frame touches, not one per dimension.
public struct FMLLRAccumulator: Sendable {
    /// The models sequences are aligned to.
    public let models: [GMMHMM<Double>]
    /// D.
    public let dimension: Int
    /// Posteriors below this are skipped (they change nothing measurable and cost an outer product).
    public var posteriorThreshold = 1e-5
    /// Per model, per (state · K + component): `Σγ·ξξᵀ`, row-major `(D+1) × (D+1)`, allocated on first use.
    private var scatter: [[[Double]?]]

    /// An empty accumulator for `models`.
    /// - Throws: ``AdaptationError/unsupportedCovariance(_:)`` unless every model has diagonal
    ///   covariances; ``AdaptationError/dimensionMismatch(expected:got:)`` for models of different dimensions.
    public init(models: [GMMHMM<Double>]) throws(AdaptationError) {
        guard let first = models.first else { throw .incompatibleStatistics("no models to adapt to") }
        for model in models {
            guard model.covarianceType == .diagonal else { throw .unsupportedCovariance(model.covarianceType.rawValue) }
            guard model.dimension == first.dimension else { throw .dimensionMismatch(expected: first.dimension, got: model.dimension) }
        }
        self.models = models
        dimension = first.dimension
        scatter = models.map { [[Double]?](repeating: nil, count: $0.stateCount * $0.componentsPerState) }
    }

    /// Adds `frames` (one sequence, `[T × D]`) aligned to `models[model]`, every posterior scaled by `weight`.
    /// - Parameters:
    ///   - frames: the sequence's features, `[T × D]`, D the models' dimension.
    ///   - model: the index in ``models`` of the model the sequence is aligned to (its word).
    ///   - weight: the scale of every posterior (1: the sequence counts once).
    ///   - alignmentFrames: the frames the posteriors are computed from, when they differ
    ///     from the frames the statistics are gathered on (Kaldi's practice on later passes: align
    ///     with the current transform's output, gather on the original features); same shape.
    /// - Throws: ``AdaptationError/dimensionMismatch(expected:got:)``, ``AdaptationError/nonFiniteFrame(sequence:frame:)``
    ///   (sequence 0), ``AdaptationError/model(_:)`` for an unknown model or alignment frames of
    ///   another shape, ``AdaptationError/scoring(_:)`` or ``AdaptationError/stateScoring(state:_:)``
    ///   when the model cannot align the frames (too short).
    public mutating func add(_ frames: Matrix<Double>, model: Int, weight: Double = 1,
                             alignmentFrames: Matrix<Double>? = nil) throws(AdaptationError) {
        let d = dimension, width = d + 1
        guard frames.columnCount == d else { throw .dimensionMismatch(expected: d, got: frames.columnCount) }
        guard models.indices.contains(model) else { throw .model("no model \(model) among \(models.count)") }
        let aligned = alignmentFrames ?? frames
        guard aligned.rowCount == frames.rowCount, aligned.columnCount == d else {
            throw .model("alignment frames \(aligned.rowCount) × \(aligned.columnCount) for \(frames.rowCount) × \(d) frames")
        }
        guard frames.rowCount > 0, weight > 0 else { return }
        for t in 0..<frames.rowCount { for j in 0..<d where !frames[t, j].isFinite { throw .nonFiniteFrame(sequence: 0, frame: t) } }
        let hmm = models[model], k = hmm.componentsPerState
        let states: Matrix<Double>
        do { states = try hmm.predictProbabilities(aligned, lengths: [frames.rowCount]) } catch { throw .scoring(error) }
        var xi = [Double](repeating: 1, count: width)
        for s in 0..<hmm.stateCount {
            let components: Matrix<Double>
            do { components = try hmm.mixtures[s].predictProbabilities(aligned) } catch { throw .stateScoring(state: s, error) }
            for c in 0..<k {
                let slot = s * k + c
                var sums = scatter[model][slot] ?? [Double](repeating: 0, count: width * width)
                var touched = false
                for t in 0..<frames.rowCount {
                    let gamma = weight * states[t, s] * components[t, c]
                    guard gamma > posteriorThreshold else { continue }
                    touched = true
                    for j in 0..<d { xi[j] = frames[t, j] }
                    sums.withUnsafeMutableBufferPointer { out in
                        xi.withUnsafeBufferPointer { x in
                            // Upper triangle only; mirrored in statistics().
                            for r in 0..<width {
                                let scaled = gamma * x[r], row = out.baseAddress! + r * width
                                for q in r..<width { row[q] += scaled * x[q] }
                            }
                        }
                    }
                }
                if touched { scatter[model][slot] = sums }
            }
        }
    }

    /// The fMLLR statistics of everything added.
    public func statistics() -> FMLLRStatistics {
        let d = dimension, width = d + 1
        var result = FMLLRStatistics(dimension: d)
        for (m, slots) in scatter.enumerated() {
            let hmm = models[m], k = hmm.componentsPerState
            for (slot, sums) in slots.enumerated() {
                guard var sums else { continue }
                for r in 0..<width { for q in 0..<r { sums[r * width + q] = sums[q * width + r] } }
                let mixture = hmm.mixtures[slot / k], component = slot % k
                guard case .diagonal(let variances) = mixture.covariances else { continue }
                let count = sums[width * width - 1]
                result.occupancy += count
                for i in 0..<d {
                    let precision = 1 / variances[component, i], mean = mixture.means[component, i]
                    for q in 0..<width { result.linear[i * width + q] += precision * mean * sums[d * width + q] }
                    let base = i * width * width
                    for q in 0..<(width * width) { result.quadratic[base + q] += precision * sums[q] }
                }
            }
        }
        return result
    }
}
