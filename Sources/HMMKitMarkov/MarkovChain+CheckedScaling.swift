import HMMKitNumerics

// The checked scaled pass (``ForwardBackwardImplementation/checkedScaled``): what the scaled pass
// adds to decide whether it lost anything that matters to underflow. The forward pass marks the
// events of each frame (``frameEvents``); the backward pass computes β̂ for them too and bounds
// the posterior of the paths through each (``eventIsNegligible(alpha:beta:ratio:inverseScale:)``); a sequence that fails goes to
// log space.

/// The checked scaled pass (``ForwardBackwardImplementation/checkedScaled``): a forward value
/// below this before normalisation may have lost paths to underflow (an event). Above it nothing
/// that matters was lost: a prediction above 0 makes the state one of those the shift is taken
/// over, so its emission ratio is at most 1 and each lost product (below 2.2e-308) is below
/// 1e-17 of the value.
let smallestCheckedValue = 1e-290
/// What one underflowed term can have lost: a product or an emission below e^−708 (3.3e-308) is
/// flushed or subnormal. At an event the paths arriving without an earlier event weigh at most
/// the kept value plus (S + 2) such terms times the state's true emission ratio
/// `r = exp(log b − shift_t)` when that exceeds 1 (a state whose prediction underflowed to 0 was
/// left out of the shift and its scaled emission set to 0).
let lostTermBound = 3.3e-308
/// The largest posterior the paths through an event may have, bounded as
/// `(α̂_t(i) + (S + 2) · 3.3e-308 · max(1, r) / c_t) · β̂_t(i)`. β̂ of every state the chain allows
/// is exact given the normalisers: the backward pass computes it for events too, with their true
/// emission ratios in place of the scaled emissions, which may have been set to 0.
let largestEventPosterior = 1e-110

extension MarkovChain {
    /// Each state's successors (nonzero transitions) as a bit mask, into `masks[0..<S]` (S ≤ 64).
    func writeSuccessorMasks(into masks: UnsafeMutablePointer<UInt64>) {
        let n = stateCount
        transitionsInDouble.withUnsafeBufferPointer { a in
            for i in 0..<n {
                var mask: UInt64 = 0
                for j in successorBands[i] where a[i * n + j] > 0 { mask |= 1 << UInt64(j) }
                masks[i] = mask
            }
        }
    }

    /// The states the chain allows at frame `t` of `count` (reached through nonzero start or
    /// transition probabilities from the states allowed at the previous frame, with a finite
    /// emission, and an end state at the last frame), and the events among them: those whose
    /// forward value before normalisation (`values`) is below ``smallestCheckedValue``.
    @inline(__always)
    func frameEvents(frame: UnsafePointer<Scalar>, values: UnsafePointer<Double>, at t: Int, of count: Int,
                     previouslyAllowed: UInt64, successors: UnsafePointer<UInt64>) -> (allowed: UInt64, events: UInt64) {
        let n = stateCount
        var reachable: UInt64 = 0
        if t == 0 {
            for j in 0..<n where startInDouble[j] > 0 { reachable |= 1 << UInt64(j) }
        } else {
            var rest = previouslyAllowed
            while rest != 0 {
                reachable |= successors[rest.trailingZeroBitCount]
                rest &= rest &- 1
            }
        }
        var allowed: UInt64 = 0, events: UInt64 = 0
        for j in 0..<n where reachable >> UInt64(j) & 1 != 0 && Double(frame[j]) > -.infinity
            && (t < count - 1 || endWeights[j] > 0) {
            allowed |= 1 << UInt64(j)
            if values[j] < smallestCheckedValue { events |= 1 << UInt64(j) }
        }
        return (allowed, events)
    }

    /// An event's true emission ratio `exp(log b − shift)` at its frame (may exceed 1, or overflow).
    @inline(__always)
    func eventRatio(_ logLikelihood: Scalar, shift: Double) -> Double { Double.exp(Double(logLikelihood) - shift) }

    /// Whether the paths through an event hold at most ``largestEventPosterior`` of the posterior,
    /// from its kept α̂ (before normalisation times `inverseScale`, `1 / c_t`), its β̂ and its true
    /// emission ratio. False for any overflow or NaN.
    @inline(__always)
    func eventIsNegligible(alpha: Double, beta: Double, ratio: Double, inverseScale: Double) -> Bool {
        let lost = Double(stateCount + 2) * lostTermBound * Swift.max(1, ratio) * inverseScale
        return (alpha + lost) * beta <= largestEventPosterior
    }
}
