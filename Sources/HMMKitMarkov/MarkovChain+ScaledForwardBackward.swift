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
// That matters only if the surviving mass later collapses onto them, which shows as a tiny
// normaliser c_t; a sequence with any c_t < 1e-100 is therefore recomputed in log space (as is
// one whose β̂ overflows).

/// The smallest per-frame normaliser the scaled path trusts (see the file comment).
let smallestTrustedScale = 1e-100

extension MarkovChain {
    /// Scaled forward-backward over a checked sequence; `.success(nil)` asks the caller to fall
    /// back to log space.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func scaledForwardBackward(_ input: UnsafePointer<Scalar>, frames: Int, sequence: Int, workspace: MarkovWorkspace<Scalar>,
                               posteriors gamma: UnsafeMutablePointer<Scalar>) -> Result<Double?, MarkovError> {
        let n = stateCount, count = frames
        let scaled = workspace.scaledEmissions.reserve(count * n)
        let lattice = workspace.scaledForward.reserve(count * n)
        let inverseScales = workspace.inverseScales.reserve(count)
        let rows = workspace.rows.reserve(4 * n)
        let xi = workspace.transitionCounts.reserve(n * n)
        let logLikelihood: Double
        switch scaledForward(input, frames: count, sequence: sequence, prediction: rows, alpha: lattice, alphaStride: n,
                             scaled: scaled, inverseScales: inverseScales) {
        case .success(let value?): logLikelihood = value
        case .success(nil): return .success(nil)
        case .failure(let error): return .failure(error)
        }

        var betaNext = rows + n, betaCurrent = rows + 2 * n
        let weights = rows + 3 * n
        endWeights.withUnsafeBufferPointer { end in
            for j in 0..<n { betaNext[j] = end[j] }
        }
        guard posteriorRow(lattice + (count - 1) * n, into: gamma + (count - 1) * n) else { return .success(nil) }
        let overflowed: Bool = transitionsInDouble.withUnsafeBufferPointer { a in
            successorBands.withUnsafeBufferPointer { bands in
                var t = count - 2
                while t >= 0 {
                    let inverse = inverseScales[t + 1]
                    let emission = scaled + (t + 1) * n
                    for j in 0..<n { weights[j] = emission[j] * betaNext[j] * inverse }
                    let alpha = lattice + t * n
                    for i in 0..<n {
                        let ai = alpha[i]
                        if ai == 0 {
                            betaCurrent[i] = 0
                            continue
                        }
                        let row = a.baseAddress! + i * n, counts = xi + i * n
                        var beta = 0.0
                        for j in bands[i] {
                            let term = row[j] * weights[j]
                            beta += term
                            counts[j] += ai * term
                        }
                        betaCurrent[i] = beta
                        alpha[i] = ai * beta
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
    /// ``smallestTrustedScale``. With `alphaStride == n`, α̂ is kept for every frame in `alpha`
    /// (`[T × S]`), and `scaled` / `inverseScales` receive b̃ and `1 / c_t`; with `alphaStride == 0`
    /// one row of `alpha` is reused and `scaled` / `inverseScales` are only scratch of one row.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func scaledForward(_ input: UnsafePointer<Scalar>, frames count: Int, sequence: Int, prediction: UnsafeMutablePointer<Double>,
                       alpha: UnsafeMutablePointer<Double>, alphaStride: Int, scaled: UnsafeMutablePointer<Double>,
                       inverseScales: UnsafeMutablePointer<Double>) -> Result<Double?, MarkovError> {
        let n = stateCount
        let keep = alphaStride != 0
        var logLikelihood = 0.0
        return transitionsInDouble.withUnsafeBufferPointer { a in
            predecessorBands.withUnsafeBufferPointer { bands in
                startInDouble.withUnsafeBufferPointer { start in
                    endWeights.withUnsafeBufferPointer { end in
                        var trusted = true
                        for t in 0..<count {
                            let frame = input + t * n
                            if let state = firstInvalidState(frame, count: n) {
                                return .failure(.invalidLogLikelihood(sequence: sequence, frame: t, state: state, value: Double(frame[state])))
                            }
                            if t == 0 {
                                for j in 0..<n { prediction[j] = start[j] }
                            } else {
                                let previous = alpha + (t - 1) * alphaStride
                                for j in 0..<n {
                                    var sum = 0.0
                                    for i in bands[j] { sum += previous[i] * a[i * n + j] }
                                    prediction[j] = sum
                                }
                            }
                            if t == count - 1 { for j in 0..<n { prediction[j] *= end[j] } }
                            var shift = -Double.infinity
                            for j in 0..<n where prediction[j] > 0 && Double(frame[j]) > shift { shift = Double(frame[j]) }
                            guard shift > -.infinity else {
                                return .failure(.impossibleSequence(sequence: sequence, frameCount: count, frame: t))
                            }
                            let emission = scaled + (keep ? t * n : 0)
                            let current = alpha + t * alphaStride
                            var total = 0.0
                            for j in 0..<n {
                                let e = FastExponential.exp(Swift.min(Double(frame[j]) - shift, 0))
                                emission[j] = e
                                let value = prediction[j] * e
                                current[j] = value
                                total += value
                            }
                            if total < smallestTrustedScale { trusted = false }
                            let inverse = 1 / total
                            for j in 0..<n { current[j] *= inverse }
                            inverseScales[keep ? t : 0] = inverse
                            logLikelihood += shift + Double.log(total)
                        }
                        return .success(trusted ? logLikelihood : nil)
                    }
                }
            }
        }
    }

    /// `log p(x)` by the scaled forward pass over two rows (log space when a normaliser is untrusted).
    func scaledForwardOnly(_ input: UnsafePointer<Scalar>, frames: Int, sequence: Int,
                           workspace: MarkovWorkspace<Scalar>) -> Result<Double, MarkovError> {
        let rows = workspace.rows.reserve(4 * stateCount)
        // Prediction and α̂ in two separate rows (α̂ is read while the next prediction is built).
        let scratch = workspace.scaledEmissions.reserve(stateCount)
        let inverse = workspace.inverseScales.reserve(1)
        switch scaledForward(input, frames: frames, sequence: sequence, prediction: rows, alpha: rows + stateCount,
                             alphaStride: 0, scaled: scratch, inverseScales: inverse) {
        case .success(let value?): return .success(value)
        case .success(nil): return logSpaceForwardOnly(input, frames: frames, sequence: sequence, workspace: workspace)
        case .failure(let error): return .failure(error)
        }
    }
}
