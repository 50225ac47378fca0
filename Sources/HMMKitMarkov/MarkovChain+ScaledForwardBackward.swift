import HMMKitNumerics

// The scaled forward-backward (Rabiner 1989, §V.A), the fast path. Its lattices are Double
// whatever the scalar type, as Kaldi keeps α and β in double: a forward probability that is
// 1e-40 of the frame's mass (below Float's range) may carry the only paths to the end state.
//
// Frame t's emissions enter as b̃_t(j) = exp(log b_t(j) − m_t), where m_t is the largest
// log-likelihood among the states the forward pass can be in at t (prediction > 0; at the last
// frame, allowed end states only). So b̃ ≤ 1 where it matters, the best reachable state has
// b̃ = 1, and c_t > 0 exactly when the frame is possible: an impossible sequence is caught at the
// first frame where it becomes impossible, never as NaN. (Shifting by the plain row maximum would
// let an unreachable state with a high score push every reachable b̃ to 0.)
//
//   prediction p_t(j) = Σ_i α̂_{t−1}(i) A_ij        (p_1 = π; p_T ·= 1[end])
//   α̂_t(j) = p_t(j) b̃_t(j) / c_t,  c_t = Σ_j p_t(j) b̃_t(j)
//   log p(x) = Σ_t (m_t + log c_t)
//   β̂_T(i) = 1[end](i),  w_j = b̃_{t+1}(j) β̂_{t+1}(j) / c_{t+1},  β̂_t(i) = Σ_j A_ij w_j
//   γ_t(i) = α̂_t(i) β̂_t(i),  ξ_t(i, j) = α̂_t(i) A_ij w_j
//
// γ_t and ξ_t are then exact (they sum to 1 without further normalisation); γ_t is still
// renormalised by its sum to remove rounding. A state with α̂_t(i) = 0 gets β̂_t(i) = 0: its
// β̂ never reaches a quantity that matters (its successors are either unreachable or reached
// from states with α̂ > 0 through other entries), and this keeps β̂ bounded.
//
// Precision guard: forward probabilities below 1e-308 of a frame's mass are lost to underflow.
// When the surviving mass later collapses onto them at once, a tiny normaliser c_t shows it: a
// sequence with any c_t < 1e-100 is recomputed in log space (as is one whose β̂ overflows, or that
// leaves no allowed state at a frame). A lost path that later frames favour little by little shows
// nothing here; the checked pass (``ForwardBackwardImplementation/checkedScaled``) finds it by
// bounding the posterior of the paths through every forward value that may have underflowed.

/// The smallest per-frame normaliser the scaled path trusts (see the file comment).
let smallestTrustedScale = 1e-100

/// Steady frames whose shifts and exponentials the scaled forward pass prepares at once.
let scaledChunkFrames = 256

extension MarkovChain {
    /// Scaled forward-backward over a checked sequence; `.success(nil)` asks the caller to fall
    /// back to log space.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func scaledForwardBackward(_ input: UnsafePointer<Scalar>, frames: Int, sequence: Int, checked: Bool = false,
                               workspace: MarkovWorkspace<Scalar>,
                               posteriors gamma: UnsafeMutablePointer<Scalar>) -> Result<Double?, MarkovError> {
        let n = stateCount, count = frames
        let scaled = workspace.scaledEmissions.reserve(count * n)
        let lattice = workspace.scaledForward.reserve(count * n)
        let inverseScales = workspace.inverseScales.reserve(count)
        let rows = workspace.rows.reserve(5 * n)
        let xi = workspace.transitionCounts.reserve(n * n)
        let shifts = workspace.frameShifts.reserve(scaledChunkFrames)
        let masks: UnsafeMutablePointer<UInt64>? = checked ? workspace.checkMasks.reserve(n + count) : nil
        let frameShifts: UnsafeMutablePointer<Double>? = checked ? workspace.checkShifts.reserve(count) : nil
        let logLikelihood: Double
        switch scaledForward(input, frames: count, sequence: sequence, prediction: rows, alpha: lattice, alphaStride: n,
                             scaled: scaled, inverseScales: inverseScales, shifts: shifts, checkMasks: masks,
                             frameShifts: frameShifts) {
        case .success(let value?): logLikelihood = value
        case .success(nil): return .success(nil)
        case .failure(let error): return .failure(error)
        }

        var betaNext = rows + n, betaCurrent = rows + 2 * n
        let weights = rows + 3 * n
        // Checked pass: the true emission ratios of the events of the frame last bounded, which
        // the weights of the frame before it take in place of their scaled emissions.
        let ratios = rows + 4 * n
        endWeights.withUnsafeBufferPointer { end in
            for j in 0..<n { betaNext[j] = end[j] }
        }
        if let masks, let frameShifts {
            let last = lattice + (count - 1) * n
            var events = masks[n + count - 1]
            while events != 0 {
                let i = events.trailingZeroBitCount
                events &= events &- 1
                ratios[i] = eventRatio(input[(count - 1) * n + i], shift: frameShifts[count - 1])
                guard eventIsNegligible(alpha: last[i], beta: betaNext[i], ratio: ratios[i],
                                        inverseScale: inverseScales[count - 1]) else { return .success(nil) }
            }
        }
        guard posteriorRow(lattice + (count - 1) * n, into: gamma + (count - 1) * n) else { return .success(nil) }
        let overflowed: Bool = transitionsInDouble.withUnsafeBufferPointer { a in
            successorBands.withUnsafeBufferPointer { bands in
                var t = count - 2
                while t >= 0 {
                    let inverse = inverseScales[t + 1]
                    let emission = scaled + (t + 1) * n
                    for j in 0..<n { weights[j] = emission[j] * betaNext[j] * inverse }
                    var nextEvents = masks.map { $0[n + t + 1] } ?? 0
                    while nextEvents != 0 {
                        let j = nextEvents.trailingZeroBitCount
                        nextEvents &= nextEvents &- 1
                        weights[j] = ratios[j] * betaNext[j] * inverse
                    }
                    let alpha = lattice + t * n
                    let events = masks.map { $0[n + t] } ?? 0
                    for i in 0..<n {
                        let ai = alpha[i]
                        let event = events >> UInt64(i) & 1 != 0
                        if ai == 0 && !event {
                            betaCurrent[i] = 0
                            continue
                        }
                        let row = a.baseAddress! + i &* n, counts = xi + i &* n
                        let band = bands[i]
                        var beta = 0.0, j = band.lowerBound
                        while j < band.upperBound {
                            let term = row[j] * weights[j]
                            beta += term
                            counts[j] += ai * term
                            j &+= 1
                        }
                        betaCurrent[i] = beta
                        alpha[i] = ai * beta
                        if event, let frameShifts {
                            ratios[i] = eventRatio(input[t * n + i], shift: frameShifts[t])
                            guard eventIsNegligible(alpha: ai, beta: beta, ratio: ratios[i], inverseScale: inverseScales[t])
                            else { return true }
                        }
                    }
                    if !posteriorRow(alpha, into: gamma + t * n) { return true }
                    swap(&betaNext, &betaCurrent)
                    t -= 1
                }
                return false
            }
        }
        return .success(overflowed ? nil : logLikelihood)
    }

    /// `γ = row / Σ row` into `gamma`; false when the sum is 0 or not finite.
    @inline(__always)
    private func posteriorRow(_ row: UnsafeMutablePointer<Double>, into gamma: UnsafeMutablePointer<Scalar>) -> Bool {
        var sum = 0.0
        for i in 0..<stateCount { sum += row[i] }
        guard sum > 0 && sum.isFinite else { return false }
        let inverse = 1 / sum
        for i in 0..<stateCount { gamma[i] = Scalar(row[i] * inverse) }
        return true
    }

    /// The scaled forward pass; `.success(nil)` when a normaliser fell below
    /// ``smallestTrustedScale``. With `checkMasks` (the checked pass), the states' successor masks
    /// are written there and each frame's events (see ``ForwardBackwardImplementation/checkedScaled``)
    /// are found: with `frameShifts` (`[T]`, for the backward pass's bounds) they are kept after the
    /// masks (`checkMasks` then `[S + T]`) and each frame's shift in `frameShifts`; without it
    /// (`checkMasks` `[S]`, the forward-only score) the first event gives `.success(nil)`, as does a
    /// chain of more than 64 states. With
    /// `alphaStride == n`, α̂ is kept for every frame in `alpha` (`[T × S]`), and `scaled` /
    /// `inverseScales` receive b̃ and `1 / c_t` (`[T × S]`, `[T]`);
    /// with `alphaStride == 0` one row of `alpha` is reused, `scaled` is scratch of
    /// ``scaledChunkFrames`` rows and `inverseScales` of one value. `shifts` is scratch of
    /// ``scaledChunkFrames`` values.
    ///
    /// Frames from ``firstSteadyFrame`` to the last but one can be in any state, so their shift
    /// is the row maximum: for a chunk of such frames the shifts and the exponentials are
    /// computed before the recursion, the exponentials as one vector loop. The other frames (the
    /// first few of a left-to-right chain, the last, any after a bad value) take the per-frame
    /// shift over the states the prediction allows. `log c_t` is summed as the log of a running
    /// product (one log per ~100 frames instead of one per frame).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func scaledForward(_ input: UnsafePointer<Scalar>, frames count: Int, sequence: Int, prediction: UnsafeMutablePointer<Double>,
                       alpha: UnsafeMutablePointer<Double>, alphaStride: Int, scaled: UnsafeMutablePointer<Double>,
                       inverseScales: UnsafeMutablePointer<Double>, shifts: UnsafeMutablePointer<Double>,
                       checkMasks: UnsafeMutablePointer<UInt64>? = nil,
                       frameShifts: UnsafeMutablePointer<Double>? = nil) -> Result<Double?, MarkovError> {
        let n = stateCount
        if checkMasks != nil && n > 64 { return .success(nil) }
        if let checkMasks { writeSuccessorMasks(into: checkMasks) }
        var possible: UInt64 = 0  // the states the chain and the finite emissions allow at the previous frame
        let keep = alphaStride != 0
        var shiftSum = 0.0, scaleProduct = 1.0, logScales = 0.0
        // Steady frames: [steadyStart, steadyEnd); frames from the first bad value on are not.
        let steadyStart = firstSteadyFrame ?? count
        var steadyEnd = Swift.max(steadyStart, count - 1)
        return transitionsInDouble.withUnsafeBufferPointer { a in
            predecessorBands.withUnsafeBufferPointer { bands in
                startInDouble.withUnsafeBufferPointer { start in
                    endWeights.withUnsafeBufferPointer { end in
                        var chunkStart = 0, chunkEnd = 0
                        for t in 0..<count {
                            let frame = input + t * n
                            let steady = t >= steadyStart && t < steadyEnd
                            if steady && t >= chunkEnd {
                                chunkStart = t
                                chunkEnd = Swift.min(t + scaledChunkFrames, steadyEnd)
                                let target = keep ? scaled + chunkStart * n : scaled
                                if let bad = prepareSteadyFrames(input, frames: chunkStart..<chunkEnd, into: target, shifts: shifts) {
                                    steadyEnd = bad
                                    chunkEnd = bad
                                }
                            }
                            let emission = scaled + (keep ? t * n : (steady && t < steadyEnd ? (t - chunkStart) * n : 0))
                            if t == 0 {
                                for j in 0..<n { prediction[j] = start[j] }
                            } else {
                                let previous = alpha + (t - 1) * alphaStride
                                for j in 0..<n {
                                    let band = bands[j]
                                    var sum = 0.0, i = band.lowerBound
                                    while i < band.upperBound {
                                        sum += previous[i] * a[i &* n &+ j]
                                        i &+= 1
                                    }
                                    prediction[j] = sum
                                }
                            }
                            let shift: Double
                            if t >= steadyStart && t < steadyEnd {
                                shift = shifts[t - chunkStart]
                                guard shift > -.infinity else {
                                    return .failure(.impossibleSequence(sequence: sequence, frameCount: count, frame: t))
                                }
                            } else {
                                if let state = firstInvalidState(frame, count: n) {
                                    return .failure(.invalidLogLikelihood(sequence: sequence, frame: t, state: state, value: Double(frame[state])))
                                }
                                if t == count - 1 { for j in 0..<n { prediction[j] *= end[j] } }
                                var best = -Double.infinity
                                for j in 0..<n where prediction[j] > 0 && Double(frame[j]) > best { best = Double(frame[j]) }
                                // No state left: the sequence is impossible, or the forward values
                                // that reach the allowed states underflowed; log space tells which.
                                guard best > -.infinity else { return .success(nil) }
                                shift = best
                                // A state the prediction rules out gets 0 (its α̂ is 0 whatever its
                                // emission, and the backward pass multiplies its weight only by
                                // transitions that are 0): one exponential fewer per such state.
                                for j in 0..<n {
                                    emission[j] = prediction[j] > 0 ? FastExponential.exp(Swift.min(Double(frame[j]) - shift, 0)) : 0
                                }
                            }
                            let current = alpha + t * alphaStride
                            var total = 0.0
                            for j in 0..<n {
                                let value = prediction[j] * emission[j]
                                current[j] = value
                                total += value
                            }
                            if let masks = checkMasks {
                                let (allowed, events) = frameEvents(frame: frame, values: current, at: t, of: count,
                                                                    previouslyAllowed: possible, successors: masks)
                                possible = allowed
                                if let frameShifts {
                                    frameShifts[t] = shift
                                    masks[n + t] = events
                                } else if events != 0 {
                                    return .success(nil)
                                }
                            }
                            // An untrusted normaliser sends the whole sequence to log space.
                            guard total >= smallestTrustedScale else { return .success(nil) }
                            let inverse = 1 / total
                            for j in 0..<n { current[j] *= inverse }
                            inverseScales[keep ? t : 0] = inverse
                            shiftSum += shift
                            // total ≤ 1 and ≥ 1e-100: the product stays above 1e-250 before its log is taken.
                            scaleProduct *= total
                            if scaleProduct < 1e-150 {
                                logScales += Double.log(scaleProduct)
                                scaleProduct = 1
                            }
                        }
                        return .success(shiftSum + (logScales + Double.log(scaleProduct)))
                    }
                }
            }
        }
    }

    /// For the steady frames `frames` of `input`: each frame's row maximum into `shifts` (from
    /// index 0) and `exp(log b − maximum)` into `target` (`[frames.count × S]`), 0 where
    /// `log b = −∞`. Stops at the first frame holding NaN or +∞ and returns its index (the
    /// frames before it are prepared); nil when all are.
    private func prepareSteadyFrames(_ input: UnsafePointer<Scalar>, frames: Range<Int>, into target: UnsafeMutablePointer<Double>,
                                     shifts: UnsafeMutablePointer<Double>) -> Int? {
        let n = stateCount
        var prepared = frames.upperBound
        for t in frames {
            let frame = input + t * n
            if firstInvalidState(frame, count: n) != nil {
                prepared = t
                break
            }
            var largest = -Double.infinity
            for j in 0..<n { largest = Swift.max(largest, Double(frame[j])) }
            shifts[t - frames.lowerBound] = largest
            let row = target + (t - frames.lowerBound) * n
            // An all −∞ frame is reported by the caller; its row is only kept finite here.
            let shift = largest > -.infinity ? largest : 0
            for j in 0..<n { row[j] = Double(frame[j]) - shift }
        }
        FastExponential.exponentiateNonPositive(target, count: (prepared - frames.lowerBound) * n)
        return prepared < frames.upperBound ? prepared : nil
    }

    /// `log p(x)` by the scaled forward pass over two rows (log space when a normaliser is untrusted).
    func scaledForwardOnly(_ input: UnsafePointer<Scalar>, frames: Int, sequence: Int, checked: Bool = false,
                           workspace: MarkovWorkspace<Scalar>) -> Result<Double, MarkovError> {
        let rows = workspace.rows.reserve(4 * stateCount)
        // Prediction and α̂ in two separate rows (α̂ is read while the next prediction is built).
        let scratch = workspace.scaledEmissions.reserve(scaledChunkFrames * stateCount)
        let inverse = workspace.inverseScales.reserve(1)
        let shifts = workspace.frameShifts.reserve(scaledChunkFrames)
        switch scaledForward(input, frames: frames, sequence: sequence, prediction: rows, alpha: rows + stateCount,
                             alphaStride: 0, scaled: scratch, inverseScales: inverse, shifts: shifts,
                             checkMasks: checked ? workspace.checkMasks.reserve(stateCount) : nil) {
        case .success(let value?): return .success(value)
        case .success(nil): return logSpaceForwardOnly(input, frames: frames, sequence: sequence, workspace: workspace)
        case .failure(let error): return .failure(error)
        }
    }
}
