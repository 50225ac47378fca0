import HMMKitNumerics

/// Which transitions and starts a chain of ``stateCount`` states allows: a boolean mask
/// `[S × S]` (row-major, `i → j` at `i·S + j`) and a start mask `[S]`. Forbidden entries of a
/// ``MarkovChain`` must be exactly zero, and EM keeps them so (their expected counts are 0).
public struct TransitionStructure: Sendable, Hashable {
    /// Number of states, S.
    public let stateCount: Int
    /// Allowed transitions, `[S × S]` row-major.
    public let allowedTransitions: [Bool]
    /// Allowed start states, `[S]`.
    public let allowedStarts: [Bool]

    /// A structure from a square mask of rows (`allowed[i][j]`: may `j` follow `i`) and an
    /// optional start mask (default: every state).
    /// - Throws: ``MarkovError/invalidTopology(_:)`` for a mask that is not square, a state with
    ///   no allowed transition (allow at least its self-loop), or no allowed start.
    public init(allowedTransitions rows: [[Bool]], allowedStarts: [Bool]? = nil) throws(MarkovError) {
        let n = rows.count
        guard n >= 1 else { throw .invalidTopology("the transition mask has no states") }
        for (index, row) in rows.enumerated() where row.count != n {
            throw .invalidTopology("transition mask row \(index) has \(row.count) entries; the mask must be \(n) × \(n)")
        }
        for (index, row) in rows.enumerated() where !row.contains(true) {
            throw .invalidTopology("state \(index) has no allowed transition; allow at least its self-loop")
        }
        let starts = allowedStarts ?? [Bool](repeating: true, count: n)
        guard starts.count == n else {
            throw .invalidTopology("the start mask has \(starts.count) entries for \(n) states")
        }
        guard starts.contains(true) else { throw .invalidTopology("no state is allowed to start") }
        self.init(validated: n, allowedTransitions: rows.flatMap { $0 }, allowedStarts: starts)
    }

    init(validated stateCount: Int, allowedTransitions: [Bool], allowedStarts: [Bool]) {
        self.stateCount = stateCount
        self.allowedTransitions = allowedTransitions
        self.allowedStarts = allowedStarts
    }

    /// Whether `to` may follow `from`.
    @inlinable
    public func allowsTransition(from: Int, to: Int) -> Bool {
        precondition(from >= 0 && from < stateCount && to >= 0 && to < stateCount,
                     "transition (\(from), \(to)) out of range for \(stateCount) states")
        return allowedTransitions[from * stateCount + to]
    }

    /// Whether a sequence may start in `state`.
    @inlinable
    public func allowsStart(in state: Int) -> Bool { allowedStarts[state] }

    /// Checks that every start probability the structure forbids is exactly zero.
    /// - Throws: ``MarkovError/forbiddenStart(state:value:)`` naming the first offender.
    public func checkStartProbabilities<S: MatrixScalar>(_ start: [S]) throws(MarkovError) {
        precondition(start.count == stateCount, "checkStartProbabilities: \(start.count) values for \(stateCount) states")
        for state in 0..<stateCount where !allowedStarts[state] && start[state] != 0 {
            throw .forbiddenStart(state: state, value: Double(start[state]))
        }
    }

    /// Checks that every transition the structure forbids is exactly zero in `transitions` (`[S × S]`).
    /// - Throws: ``MarkovError/forbiddenTransition(row:column:value:)`` naming the first offender, row by row.
    public func checkTransitions<S: MatrixScalar>(_ transitions: Matrix<S>) throws(MarkovError) {
        precondition(transitions.rowCount == stateCount && transitions.columnCount == stateCount,
                     "checkTransitions: \(transitions.rowCount) × \(transitions.columnCount) for \(stateCount) states")
        for i in 0..<stateCount {
            for j in 0..<stateCount where !allowedTransitions[i * stateCount + j] && transitions[i, j] != 0 {
                throw .forbiddenTransition(row: i, column: j, value: Double(transitions[i, j]))
            }
        }
    }

    /// The fewest frames of a sequence that starts in an allowed start state and ends in a
    /// state of `endMask` (`[S]`) over allowed transitions: `1 +` the shortest path length, or
    /// nil when no end state is reachable. Left-to-right with jump J from state 0 to the last
    /// state: `1 + ⌈(S − 1) / (J + 1)⌉` (S frames for J = 0).
    public func minimumFrameCount(endMask: [Bool]) -> Int? {
        shortestPathFrames(stateCount: stateCount, starts: allowedStarts, ends: endMask) { allowedTransitions[$0 * stateCount + $1] }
    }
}

/// Breadth-first search from the start states: `1 +` the fewest transitions to an end state, or nil.
func shortestPathFrames(stateCount n: Int, starts: [Bool], ends: [Bool], edge: (Int, Int) -> Bool) -> Int? {
    var distance = [Int](repeating: -1, count: n)
    var queue: [Int] = []
    for state in 0..<n where starts[state] {
        distance[state] = 0
        queue.append(state)
    }
    var head = 0
    while head < queue.count {
        let i = queue[head]
        head += 1
        if ends[i] { return distance[i] + 1 }  // BFS order: the first end state popped is the nearest
        for j in 0..<n where distance[j] < 0 && edge(i, j) {
            distance[j] = distance[i] + 1
            queue.append(j)
        }
    }
    return nil
}
