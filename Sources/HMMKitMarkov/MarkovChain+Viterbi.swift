import HMMKitNumerics

extension MarkovChain {
    /// The most probable state path (Viterbi, in log space, Double lattice whatever the scalar):
    /// `δ_1(j) = log π_j + log b_1(j)`, `δ_t(j) = max_i (δ_{t−1}(i) + log A_ij) + log b_t(j)`, the
    /// end mask added at T, then back-tracking. Ties go to the lowest state index, both among
    /// predecessors and for the final state, so the path is deterministic.
    ///
    /// Memory: `[T × S]` 32-bit back-pointers and two rows of S.
    /// - Parameters:
    ///   - logLikelihoods: emission log-likelihoods `log b_t(j)`, `[T × S]` (natural log; −∞ allowed).
    ///   - sequence: the index named in errors.
    /// - Throws: the errors of ``forwardBackward(_:implementation:sequence:)``.
    public func viterbi(_ logLikelihoods: Matrix<Scalar>, sequence: Int = 0) throws(MarkovError) -> ViterbiPath {
        try checkSequence(frames: logLikelihoods.rowCount, columns: logLikelihoods.columnCount, sequence: sequence)
        let workspace = MarkovWorkspace<Scalar>()
        return try logLikelihoods.withUnsafeElements { input in
            viterbi(input.baseAddress!, frames: logLikelihoods.rowCount, sequence: sequence, workspace: workspace)
        }.get()
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func viterbi(_ input: UnsafePointer<Scalar>, frames count: Int, sequence: Int,
                 workspace: MarkovWorkspace<Scalar>) -> Result<ViterbiPath, MarkovError> {
        let n = stateCount
        let back = workspace.backPointers.reserve(count * n)
        let rows = workspace.logRows.reserve(2 * n)
        var previous = rows, current = rows + n
        let outcome: Result<Void, MarkovError> = logTransitions.withUnsafeBufferPointer { logA in
            predecessorBands.withUnsafeBufferPointer { bands in
                logStart.withUnsafeBufferPointer { start in
                    logEnd.withUnsafeBufferPointer { end in
                        for t in 0..<count {
                            let frame = input + t * n
                            if let state = firstInvalidState(frame, count: n) {
                                return .failure(.invalidLogLikelihood(sequence: sequence, frame: t, state: state, value: Double(frame[state])))
                            }
                            var frameBest = -Double.infinity
                            for j in 0..<n {
                                var best: Double, argument: Int
                                if t == 0 {
                                    best = start[j]
                                    argument = 0
                                } else {
                                    let band = bands[j]
                                    best = -.infinity
                                    argument = band.isEmpty ? 0 : band.lowerBound
                                    for i in band {
                                        let value = previous[i] + logA[i * n + j]
                                        if value > best {  // strict: the lowest index wins ties
                                            best = value
                                            argument = i
                                        }
                                    }
                                }
                                var score = best + Double(frame[j])
                                if t == count - 1 { score += end[j] }
                                current[j] = score
                                back[t * n + j] = Int32(truncatingIfNeeded: argument)
                                frameBest = Swift.max(frameBest, score)
                            }
                            guard frameBest > -.infinity else {
                                return .failure(.impossibleSequence(sequence: sequence, frameCount: count, frame: t))
                            }
                            swap(&previous, &current)
                        }
                        return .success(())
                    }
                }
            }
        }
        if case .failure(let error) = outcome { return .failure(error) }
        var last = 0
        for j in 1..<max(n, 1) where previous[j] > previous[last] { last = j }
        let logProbability = previous[last]
        var states = [Int](repeating: 0, count: count)
        states[count - 1] = last
        var t = count - 1
        while t > 0 {
            states[t - 1] = Int(back[t * n + states[t]])
            t -= 1
        }
        return .success(ViterbiPath(states: states, logProbability: logProbability))
    }
}
