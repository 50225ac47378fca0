import HMMKitNumerics

// The log-space forward-backward (hmmlearn's `implementation="log"`), the reference. Every
// lattice value is a Double whatever the scalar type, and each frame's row is shifted by its
// maximum (the shifts summed apart, in Double): a raw log α of a long sequence reaches −10⁶,
// where even Double's spacing is 1e-10 and exp(log α + log β − log p) would lose the posteriors'
// last digits to cancellation. With the shifts, every exponent is of the size of one frame.
//
//   a_1(j) = log π_j + log b_1(j)
//   a_t(j) = logΣexp_i (â_{t−1}(i) + log A_ij) + log b_t(j)        (+ log 1[end] at T)
//   â_t = a_t − max_j a_t(j),  log p(x) = Σ_t max_j a_t(j) + logΣexp_j â_T(j)
//   b_T(i) = log 1[end](i),  u_j = log b_{t+1}(j) + b̂_{t+1}(j),  b_t(i) = logΣexp_j (log A_ij + u_j),  b̂_t = b_t − max b_t
//   Z_t = logΣexp_i (â_t(i) + b_t(i)),  γ_t(i) = exp(â_t(i) + b_t(i) − Z_t),  ξ_t(i, j) = exp(â_t(i) + log A_ij + u_j − Z_t)
//
// (Σ_ij ξ_t(i, j) = Σ_i α_t(i) β_t(i) = p(x) for every t, so Z_t normalises both.)
//
// Each sum takes one exponential per state and frame rather than one per term: with the row's
// shift (â_{t−1}'s maximum is 0 already; for β, U = max_j u_j), logΣexp_i (â(i) + log A_ij) =
// log Σ_i e^{â(i)} A_ij, and b_t(i) = U + log s_i with s_i = Σ_j A_ij e^{u_j − U}. Exponentials
// below e^−708 are dropped (HMMKitNumerics' `exponentiateNonPositive`, a vector loop over the
// row); a sum s < 1e-290 is therefore redone term by term (HMMKitNumerics' `logSumExp`, shifted by
// its own largest term), so a dropped term is never more than 1e-17 of the sum it belongs to and
// every lattice value is the log-space value to rounding, however far a state lies below the
// row's best. γ and ξ then need neither exponential nor logarithm: with the forward pass's
// e^{â_t(i)} kept, P = Σ_i e^{â_t(i)} s_i, γ_t(i) = e^{â_t(i)} s_i / P and
// ξ_t(i, j) = e^{â_t(i)} A_ij e^{u_j − U} / P (P ≥ 1e-290, since the row's best state has
// e^{â_t(i)} = 1). A frame with a row summed term by term takes γ from the log-space formula
// above and ξ = γ_t(i) A_ij e^{u_j − U} / s_i, term by term for a row redone so.

/// The smallest row sum the one-exponential-per-state path trusts (see the file comment).
private let smallestFastLatticeSum = 1e-290

extension MarkovChain {
    /// Log-space forward-backward over a checked sequence (posteriors into `gamma`, ξ added into
    /// `workspace.transitionCounts`, which the caller zeroed).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func logSpaceForwardBackward(_ input: UnsafePointer<Scalar>, frames count: Int, sequence: Int, workspace: MarkovWorkspace<Scalar>,
                                 posteriors gamma: UnsafeMutablePointer<Scalar>) -> Result<Double, MarkovError> {
        let n = stateCount
        let lattice = workspace.logLattice.reserve(2 * count * n)
        let exponentials = lattice + count * n  // e^{â_t(i)}
        let rows = workspace.logRows.reserve(8 * n)
        let xi = workspace.transitionCounts.reserve(n * n)
        let logLikelihood: Double
        switch logSpaceForward(input, frames: count, sequence: sequence, lattice: lattice, stride: n, terms: rows,
                               exponentials: exponentials) {
        case .success(let value): logLikelihood = value
        case .failure(let error): return .failure(error)
        }
        var betaNext = rows + 2 * n, betaCurrent = rows + 3 * n
        let shifted = rows + 4 * n      // u_j = log b_{t+1}(j) + b̂_{t+1}(j)
        let scaledNext = rows + 5 * n   // e^{u_j − U}
        let sums = rows + 6 * n         // s_i
        let posterior = rows + 7 * n    // γ_t in Double
        logEnd.withUnsafeBufferPointer { end in
            for j in 0..<n { betaNext[j] = end[j] }
        }
        posteriorRow(lattice + (count - 1) * n, beta: betaNext, terms: posterior, into: gamma + (count - 1) * n)
        logTransitions.withUnsafeBufferPointer { logA in
            transitionsInDouble.withUnsafeBufferPointer { a in
                successorBands.withUnsafeBufferPointer { bands in
                    var t = count - 2
                    while t >= 0 {
                        let frame = input + (t + 1) * n
                        var top = -Double.infinity
                        for j in 0..<n {
                            shifted[j] = Double(frame[j]) + betaNext[j]
                            top = Swift.max(top, shifted[j])
                        }
                        for j in 0..<n { scaledNext[j] = shifted[j] - top }
                        FastExponential.exponentiateNonPositive(scaledNext, count: n)
                        for i in 0..<n {
                            var sum = 0.0
                            for j in bands[i] { sum += a[i &* n &+ j] * scaledNext[j] }
                            sums[i] = sum
                            if sum >= smallestFastLatticeSum {
                                betaCurrent[i] = top + Double.log(sum)
                            } else {
                                var k = 0
                                for j in bands[i] {
                                    rows[k] = logA[i &* n &+ j] + shifted[j]
                                    k += 1
                                }
                                betaCurrent[i] = logSumExp(UnsafeBufferPointer(start: rows, count: k))
                            }
                        }
                        let alpha = lattice + t * n
                        if !fastPosteriors(exponentials + t * n, sums: sums, scaledNext: scaledNext, transitions: a.baseAddress!,
                                           bands: bands, xi: xi, into: gamma + t * n) {
                            let normaliser = posteriorRow(alpha, beta: betaCurrent, terms: posterior, into: gamma + t * n)
                            for i in 0..<n where alpha[i] > -.infinity {
                                if sums[i] >= smallestFastLatticeSum {
                                    let weight = posterior[i] / sums[i]
                                    guard weight > 0 else { continue }
                                    for j in bands[i] { xi[i &* n &+ j] += weight * a[i &* n &+ j] * scaledNext[j] }
                                } else {
                                    let base = alpha[i] - normaliser
                                    for j in bands[i] { xi[i &* n &+ j] += FastExponential.exp(base + logA[i &* n &+ j] + shifted[j]) }
                                }
                            }
                        }
                        var largest = -Double.infinity
                        for i in 0..<n { largest = Swift.max(largest, betaCurrent[i]) }
                        if largest > -.infinity { for i in 0..<n { betaCurrent[i] -= largest } }
                        swap(&betaNext, &betaCurrent)
                        t -= 1
                    }
                }
            }
        }
        return .success(logLikelihood)
    }

    /// γ_t and ξ_t without an exponential or a logarithm, when every β_t(i) came from its sum s_i:
    /// γ_t(i) = e^{â_t(i)} s_i / P with P = Σ_i e^{â_t(i)} s_i, ξ_t(i, j) = e^{â_t(i)} A_ij e^{u_j − U} / P.
    /// False (nothing written) when a row was summed term by term; the caller then takes the
    /// log-space row. Otherwise P ≥ 1e-290: the forward pass's best state has e^{â_t(i)} = e⁰ = 1
    /// and its s_i ≥ 1e-290, while every s_i ≤ Σ_j A_ij = 1, so a dropped e^{â_t(i)} < e^−708
    /// takes less than 1e-17 of P.
    @inline(__always)
    private func fastPosteriors(_ exponentials: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>,
                                scaledNext: UnsafeMutablePointer<Double>, transitions a: UnsafePointer<Double>,
                                bands: UnsafeBufferPointer<Range<Int>>, xi: UnsafeMutablePointer<Double>,
                                into gamma: UnsafeMutablePointer<Scalar>) -> Bool {
        let n = stateCount
        var total = 0.0
        for i in 0..<n {
            guard sums[i] >= smallestFastLatticeSum else { return false }
            total += exponentials[i] * sums[i]
        }
        let inverse = 1 / total
        for i in 0..<n {
            gamma[i] = Scalar(exponentials[i] * sums[i] * inverse)
            let weight = exponentials[i] * inverse
            guard weight > 0 else { continue }
            for j in bands[i] { xi[i &* n &+ j] += weight * a[i &* n &+ j] * scaledNext[j] }
        }
        return true
    }

    /// `γ(i) = exp(â(i) + b(i) − Z)` with `Z = logΣexp_i (â(i) + b(i))`, renormalised to sum to 1;
    /// returns Z; `terms` (S values) is left holding the posteriors in Double.
    @inline(__always)
    @discardableResult
    private func posteriorRow(_ alpha: UnsafeMutablePointer<Double>, beta: UnsafeMutablePointer<Double>,
                              terms: UnsafeMutablePointer<Double>, into gamma: UnsafeMutablePointer<Scalar>) -> Double {
        let n = stateCount
        var largest = -Double.infinity
        for i in 0..<n {
            terms[i] = alpha[i] + beta[i]
            largest = Swift.max(largest, terms[i])
        }
        guard largest > -.infinity else {
            for i in 0..<n {
                terms[i] = 0
                gamma[i] = 0
            }
            return largest
        }
        for i in 0..<n { terms[i] -= largest }
        FastExponential.exponentiateNonPositive(terms, count: n)
        var sum = 0.0
        for i in 0..<n { sum += terms[i] }
        // sum ≥ 1 (the largest term contributes e⁰).
        let inverse = 1 / sum
        for i in 0..<n {
            terms[i] *= inverse
            gamma[i] = Scalar(terms[i])
        }
        return largest + Double.log(sum)
    }

    /// The log-space forward pass: the shifted rows `â` into `lattice` (`[T × S]` with
    /// `stride == n`, or two alternating rows with `stride == 0`, which then needs `2n` Doubles);
    /// `terms` is scratch of 2S. With `exponentials` (`[T × S]`), `e^{â_t(i)}` of every frame but
    /// the last is left there. Returns `log p(x)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func logSpaceForward(_ input: UnsafePointer<Scalar>, frames count: Int, sequence: Int, lattice: UnsafeMutablePointer<Double>,
                         stride: Int, terms: UnsafeMutablePointer<Double>,
                         exponentials: UnsafeMutablePointer<Double>? = nil) -> Result<Double, MarkovError> {
        let n = stateCount
        return logTransitions.withUnsafeBufferPointer { logA in
          transitionsInDouble.withUnsafeBufferPointer { a in
            predecessorBands.withUnsafeBufferPointer { bands in
                logStart.withUnsafeBufferPointer { start in
                    logEnd.withUnsafeBufferPointer { end in
                        var current = lattice
                        var offset = 0.0
                        for t in 0..<count {
                            let frame = input + t * n
                            if let state = firstInvalidState(frame, count: n) {
                                return .failure(.invalidLogLikelihood(sequence: sequence, frame: t, state: state, value: Double(frame[state])))
                            }
                            // With stride 0 the two rows alternate: the previous one is read while the next is written.
                            let previous = current
                            current = stride == 0 ? lattice + (t % 2) * n : lattice + t * n
                            // e^{â_{t−1}(i)}: kept for frame t − 1 when `exponentials` is given.
                            let scaledPrevious = exponentials.map { $0 + Swift.max(t - 1, 0) * n } ?? terms + n
                            if t > 0 {
                                for i in 0..<n { scaledPrevious[i] = previous[i] }
                                FastExponential.exponentiateNonPositive(scaledPrevious, count: n)
                            }
                            var best = -Double.infinity
                            for j in 0..<n {
                                var value: Double
                                if t == 0 {
                                    value = start[j]
                                } else {
                                    var sum = 0.0
                                    for i in bands[j] { sum += scaledPrevious[i] * a[i &* n &+ j] }
                                    if sum >= smallestFastLatticeSum {
                                        value = Double.log(sum)
                                    } else {
                                        var k = 0
                                        for i in bands[j] {
                                            terms[k] = previous[i] + logA[i &* n &+ j]
                                            k += 1
                                        }
                                        value = logSumExp(UnsafeBufferPointer(start: terms, count: k))
                                    }
                                }
                                value += Double(frame[j])
                                if t == count - 1 { value += end[j] }
                                current[j] = value
                                best = Swift.max(best, value)
                            }
                            guard best > -.infinity else {
                                return .failure(.impossibleSequence(sequence: sequence, frameCount: count, frame: t))
                            }
                            for j in 0..<n { current[j] -= best }
                            offset += best
                        }
                        return .success(offset + logSumExp(UnsafeBufferPointer(start: current, count: n)))
                    }
                }
            }
          }
        }
    }

    /// `log p(x)` by the log-space forward pass over two rows.
    func logSpaceForwardOnly(_ input: UnsafePointer<Scalar>, frames: Int, sequence: Int,
                             workspace: MarkovWorkspace<Scalar>) -> Result<Double, MarkovError> {
        let rows = workspace.logRows.reserve(4 * stateCount)
        return logSpaceForward(input, frames: frames, sequence: sequence, lattice: rows, stride: 0, terms: rows + 2 * stateCount)
    }
}
