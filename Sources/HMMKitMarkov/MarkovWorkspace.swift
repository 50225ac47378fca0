import HMMKitNumerics

/// A growable buffer of trivial values (Float, Double, Int32) owned by a final class: the
/// pointer never leaves the kernels of this module and is freed in `deinit`.
final class ScratchBuffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private var capacity: Int

    init() {
        capacity = 0
        pointer = .allocate(capacity: 1)
    }

    deinit { pointer.deallocate() }

    /// The buffer with room for at least `count` elements (contents undefined after growing).
    @inline(__always)
    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: Swift.max(count, 1))
            capacity = count
        }
        return pointer
    }
}

/// Reusable buffers for the kernels over one sequence; one per worker thread, so that a batch
/// allocates only each sequence's posterior matrix once the largest sequence has sized them.
final class MarkovWorkspace<Scalar: MatrixScalar> {
    /// Scaled path: `exp(log b − shift_t)` `[T × S]`, α̂ `[T × S]` and `1 / c_t` `[T]`.
    let scaledEmissions = ScratchBuffer<Double>()
    let scaledForward = ScratchBuffer<Double>()
    let inverseScales = ScratchBuffer<Double>()
    /// Scaled path: the shifts of one chunk of steady frames, `[scaledChunkFrames]`.
    let frameShifts = ScratchBuffer<Double>()
    /// Scaled path: rows of S (prediction, β̂ twice, weights; the checked pass a fifth, its events' emission ratios).
    let rows = ScratchBuffer<Double>()
    /// Checked scaled path: each state's successors as a bit mask `[S]`, then each frame's
    /// events (see ``ForwardBackwardImplementation/checkedScaled``) `[T]`.
    let checkMasks = ScratchBuffer<UInt64>()
    /// Checked scaled path: each frame's shift `[T]` (an event's emission is recomputed from it).
    let checkShifts = ScratchBuffer<Double>()
    /// Log-space path and Viterbi: `log α` or δ `[T × S]`, rows of S and a band of terms.
    let logLattice = ScratchBuffer<Double>()
    let logRows = ScratchBuffer<Double>()
    /// Viterbi back-pointers `[T × S]`.
    let backPointers = ScratchBuffer<Int32>()
    /// The sequence's expected transition counts ξ summed over time, `[S × S]`.
    let transitionCounts = ScratchBuffer<Double>()

    init() {}
}
