import HMMKitNumerics

/// What to do with a transition row the user set to all zeros.
public enum EmptyRowPolicy: String, Sendable, Hashable, CaseIterable, Codable {
    /// Throw ``MarkovError/emptyTransitionRow(row:)`` (the default: a zero row is usually a bug).
    case reject
    /// Make the state absorbing: its self-loop becomes 1 (the topology must allow the self-loop).
    /// The repaired rows are listed in ``MarkovChain/absorbingRows``.
    case absorbing
}

/// How strictly ``MarkovChain`` checks its parameters.
public struct MarkovChainOptions: Sendable, Hashable {
    /// The largest |sum − 1| accepted for the start probabilities and each transition row:
    /// 1e-5 by default, hmmlearn's (`np.allclose`'s relative tolerance), loose enough for Float
    /// rows of a few hundred states. Rows within it are used as given, not renormalised.
    public var tolerance: Double = 1e-5
    /// What a transition row of zeros means (default ``EmptyRowPolicy/reject``).
    public var emptyRows: EmptyRowPolicy = .reject

    /// Options with the given tolerance (≥ 0; traps otherwise) and empty-row policy.
    public init(tolerance: Double = 1e-5, emptyRows: EmptyRowPolicy = .reject) {
        precondition(tolerance >= 0, "MarkovChainOptions.tolerance must be ≥ 0")
        self.tolerance = tolerance
        self.emptyRows = emptyRows
    }
}

/// A discrete Markov chain over S hidden states: start probabilities `π` (`[S]`), transitions
/// `A` (`[S × S]`, `A[i, j] = P(state j at t+1 | state i at t)`), a topology and the states a
/// sequence may end in — the half of an HMM that does not depend on the emissions
/// (hmmlearn's `startprob_` and `transmat_`).
///
/// A value type whose parameters are validated once, in ``init(startProbabilities:transitions:topology:end:options:)``,
/// with the derived caches the kernels use (log-probabilities, the band of nonzero entries of
/// each row and column, the minimum sequence length) built there too, so they are never stale.
/// The kernels — ``forwardBackward(_:implementation:sequence:)``, ``logLikelihood(of:implementation:sequence:)``,
/// ``viterbi(_:sequence:)`` and the batch ``statistics(of:implementation:threadCount:partition:)`` —
/// are stateless functions of the chain and a per-sequence emission log-likelihood matrix
/// `[T × S]`.
public struct MarkovChain<Scalar: MatrixScalar>: Sendable, Equatable {
    /// Number of states, S.
    public let stateCount: Int
    /// The topology the parameters were checked against.
    public let topology: MarkovTopology
    /// The allowed transitions and starts of ``topology`` for ``stateCount`` states.
    public let structure: TransitionStructure
    /// `π`, `[S]`.
    public let startProbabilities: [Scalar]
    /// `A`, `[S × S]`, rows summing to 1; forbidden entries exactly 0.
    public let transitions: Matrix<Scalar>
    /// Which states a sequence may end in, `[S]`.
    public let endStates: [Bool]
    /// Rows that were all zeros and became absorbing self-loops (``EmptyRowPolicy/absorbing``).
    public let absorbingRows: [Int]
    /// The fewest frames a sequence needs: `1 +` the fewest nonzero transitions from a state with
    /// nonzero start probability to an end state. Left-to-right with jump J, start in state 0 and
    /// end in the last state: `1 + ⌈(S − 1) / (J + 1)⌉`, i.e. `T ≥ S` for J = 0. Shorter
    /// sequences throw ``MarkovError/sequenceTooShort(sequence:frameCount:minimumFrameCount:)``.
    public let minimumFrameCount: Int

    // Derived caches (built in init, never stale).
    /// `log π`, `log A` (row-major) and `log 1[end]` (0 or −∞), in Double.
    let logStart: [Double]
    let logTransitions: [Double]
    let logEnd: [Double]
    /// `π` and `A` in Double (the scaled kernel's lattices are Double), and 1 for end states, 0 otherwise.
    let startInDouble: [Double]
    let transitionsInDouble: [Double]
    let endWeights: [Double]
    /// For each state j, the smallest range of states i holding every nonzero `A[i, j]`.
    let predecessorBands: [Range<Int>]
    /// For each state i, the smallest range of states j holding every nonzero `A[i, j]`.
    let successorBands: [Range<Int>]
    /// The first frame from which every state can be occupied at every frame (through nonzero
    /// start and transition probabilities), or nil if that never happens: 0 for an ergodic
    /// chain, S − 1 for left-to-right. From there on the scaled forward pass shifts each frame's
    /// emissions by their row maximum, computed for a whole sequence at once.
    let firstSteadyFrame: Int?

    /// A validated chain.
    /// - Parameters:
    ///   - startProbabilities: `π`, `[S]`, summing to 1.
    ///   - transitions: `A`, `[S × S]`, each row summing to 1, zero wherever `topology` forbids.
    ///   - topology: the allowed transitions and starts (default ergodic).
    ///   - end: the allowed end states (default: ``MarkovTopology/defaultEndCondition``).
    ///   - options: the sum tolerance and the policy for rows of zeros.
    /// - Throws: ``MarkovError`` naming the bad state, row or value: shapes, NaN or out-of-range
    ///   probabilities, sums not 1 (`"transition row 3 sums to 0.9700; rows must sum to 1"`),
    ///   nonzero forbidden entries, rows of zeros, or no reachable end state.
    public init(startProbabilities: [Scalar], transitions: Matrix<Scalar>, topology: MarkovTopology = .ergodic,
                end: EndCondition? = nil, options: MarkovChainOptions = MarkovChainOptions()) throws(MarkovError) {
        let n = startProbabilities.count
        guard transitions.rowCount == n && transitions.columnCount == n else {
            throw .shapeMismatch("\(n) start probabilities but a \(transitions.rowCount) × \(transitions.columnCount) "
                + "transition matrix; it must be \(n) × \(n)")
        }
        let structure = try topology.structure(stateCount: n)
        let endMask = try (end ?? topology.defaultEndCondition).mask(stateCount: n)

        var startSum = 0.0
        for (state, p) in startProbabilities.enumerated() {
            guard p >= 0 && Double(p) <= 1 + options.tolerance else {
                throw .invalidStartProbability(state: state, value: Double(p))
            }
            startSum += Double(p)
        }
        guard abs(startSum - 1) <= options.tolerance else { throw .startProbabilitiesSum(startSum) }
        try structure.checkStartProbabilities(startProbabilities)

        var repaired = transitions
        var absorbing: [Int] = []
        for i in 0..<n {
            var sum = 0.0
            for j in 0..<n {
                let p = transitions[i, j]
                guard p >= 0 && Double(p) <= 1 + options.tolerance else {
                    throw .invalidTransition(row: i, column: j, value: Double(p))
                }
                if p != 0 && !structure.allowedTransitions[i * n + j] {
                    throw .forbiddenTransition(row: i, column: j, value: Double(p))
                }
                sum += Double(p)
            }
            if sum == 0 {
                guard options.emptyRows == .absorbing else { throw .emptyTransitionRow(row: i) }
                guard structure.allowedTransitions[i * n + i] else {
                    throw .invalidTopology("transition row \(i) is all zeros and cannot become absorbing: "
                        + "the topology forbids its self-loop")
                }
                repaired[i, i] = 1
                absorbing.append(i)
                continue
            }
            guard abs(sum - 1) <= options.tolerance else { throw .transitionRowSum(row: i, sum: sum) }
        }

        let startMask = startProbabilities.map { $0 > 0 }
        guard let minimum = shortestPathFrames(stateCount: n, starts: startMask, ends: endMask, edge: { repaired[$0, $1] > 0 }) else {
            throw .unreachableEnd("no end state can be reached from a state with nonzero start probability "
                + "through nonzero transitions")
        }

        self.stateCount = n
        self.topology = topology
        self.structure = structure
        self.startProbabilities = startProbabilities
        self.transitions = repaired
        self.endStates = endMask
        self.absorbingRows = absorbing
        self.minimumFrameCount = minimum
        self.logStart = startProbabilities.map { $0 > 0 ? Double.log(Double($0)) : -.infinity }
        self.logTransitions = repaired.elements.map { $0 > 0 ? Double.log(Double($0)) : -.infinity }
        self.logEnd = endMask.map { $0 ? 0 : -.infinity }
        self.startInDouble = startProbabilities.map { Double($0) }
        self.transitionsInDouble = repaired.elements.map { Double($0) }
        self.endWeights = endMask.map { $0 ? 1 : 0 }
        var predecessors: [Range<Int>] = []
        var successors: [Range<Int>] = []
        for k in 0..<n {
            let column = (0..<n).filter { repaired[$0, k] != 0 }
            predecessors.append(column.isEmpty ? 0..<0 : column.first!..<(column.last! + 1))
            let row = (0..<n).filter { repaired[k, $0] != 0 }
            successors.append(row.isEmpty ? 0..<0 : row.first!..<(row.last! + 1))
        }
        self.predecessorBands = predecessors
        self.successorBands = successors
        self.firstSteadyFrame = steadyFrame(stateCount: n, starts: startMask) { repaired[$0, $1] > 0 }
    }

    /// A chain of `stateCount` states with uniform probabilities over what `topology` allows:
    /// each row spreads evenly over its allowed transitions, and the start over allowed starts
    /// (state 0 for left-to-right) — hmmlearn's usual left-to-right initialisation.
    /// - Throws: ``MarkovError/invalidTopology(_:)`` as ``MarkovTopology/structure(stateCount:)`` does.
    public init(uniform topology: MarkovTopology, stateCount: Int, end: EndCondition? = nil) throws(MarkovError) {
        let structure = try topology.structure(stateCount: stateCount)
        let n = stateCount
        let starts = structure.allowedStarts.filter { $0 }.count
        let start = structure.allowedStarts.map { $0 ? 1 / Scalar(starts) : 0 }
        var transitions = Matrix<Scalar>(rowCount: n, columnCount: n)
        for i in 0..<n {
            let allowed = (0..<n).filter { structure.allowedTransitions[i * n + $0] }
            for j in allowed { transitions[i, j] = 1 / Scalar(allowed.count) }
        }
        try self.init(startProbabilities: start, transitions: transitions, topology: topology, end: end)
    }

    /// Throws unless a `[frames × columns]` log-likelihood matrix fits the chain.
    func checkSequence(frames: Int, columns: Int, sequence: Int) throws(MarkovError) {
        guard columns == stateCount else { throw .stateCountMismatch(model: stateCount, data: columns, sequence: sequence) }
        guard frames >= minimumFrameCount else {
            throw .sequenceTooShort(sequence: sequence, frameCount: frames, minimumFrameCount: minimumFrameCount)
        }
    }
}

/// The first frame t at which every state can be occupied, such that every later frame can be too
/// (see ``MarkovChain/firstSteadyFrame``), or nil. Once all states are possible at t, all are at
/// t + 1 exactly when every state has a predecessor, and then forever.
func steadyFrame(stateCount n: Int, starts: [Bool], edge: (Int, Int) -> Bool) -> Int? {
    let everyStateEntered = (0..<n).allSatisfy { j in (0..<n).contains { edge($0, j) } }
    guard everyStateEntered else { return nil }
    var possible = starts
    // Left-to-right and ergodic chains get there within n − 1 frames; a chain that needs more
    // than 4n (possible in principle, up to Wielandt's (n − 1)² + 1) keeps the per-frame shift,
    // which is only slower.
    for frame in 0...(4 * n) {
        if !possible.contains(false) { return frame }
        possible = (0..<n).map { j in (0..<n).contains { possible[$0] && edge($0, j) } }
    }
    return nil
}
