/// The shape of a Markov chain's transitions, independent of its probabilities and of the number
/// of states: resolved for a given state count by ``structure(stateCount:)``.
///
/// | topology | allowed transitions `i → j` | starts | default end |
/// |---|---|---|---|
/// | ``ergodic`` | every pair | every state | ``EndCondition/anyState`` |
/// | ``leftToRight(maximumJump:)`` | `i ≤ j ≤ i + maximumJump + 1` | state 0 | ``EndCondition/lastState`` |
/// | ``custom(_:)`` | the structure's mask | the structure's starts | ``EndCondition/anyState`` |
public enum MarkovTopology: Sendable, Hashable {
    /// Every state may follow every state (hmmlearn's default).
    case ergodic
    /// Bakis left-to-right: a self-loop and forward jumps of at most `maximumJump + 1` states;
    /// `maximumJump = 0` allows only the self-loop and the next state (HTK/Kaldi's 3-state
    /// phone models), 1 also skips one state. Starts in state 0.
    case leftToRight(maximumJump: Int)
    /// Any mask of allowed transitions and starts, for `structure.stateCount` states.
    case custom(TransitionStructure)

    /// The allowed transitions and starts for `stateCount` states.
    /// - Throws: ``MarkovError/invalidTopology(_:)`` for a negative jump, no states, or a custom
    ///   structure of another state count.
    public func structure(stateCount: Int) throws(MarkovError) -> TransitionStructure {
        guard stateCount >= 1 else { throw .invalidTopology("a chain needs at least one state (got \(stateCount))") }
        switch self {
        case .ergodic:
            return TransitionStructure(validated: stateCount,
                                       allowedTransitions: [Bool](repeating: true, count: stateCount * stateCount),
                                       allowedStarts: [Bool](repeating: true, count: stateCount))
        case .leftToRight(let jump):
            guard jump >= 0 else {
                throw .invalidTopology("left-to-right maximumJump must be ≥ 0 (0 = self-loop and next state; got \(jump))")
            }
            var allowed = [Bool](repeating: false, count: stateCount * stateCount)
            for i in 0..<stateCount {
                // Jumps past the last state are cut there first, so `i + jump + 1` cannot overflow.
                let last = i + min(jump, stateCount - 1 - i) + 1
                for j in i...min(stateCount - 1, last) { allowed[i * stateCount + j] = true }
            }
            var starts = [Bool](repeating: false, count: stateCount)
            starts[0] = true
            return TransitionStructure(validated: stateCount, allowedTransitions: allowed, allowedStarts: starts)
        case .custom(let structure):
            guard structure.stateCount == stateCount else {
                throw .invalidTopology("the custom structure has \(structure.stateCount) states, the chain \(stateCount)")
            }
            return structure
        }
    }

    /// The end condition a chain of this topology gets when none is given: the last state for
    /// left-to-right (a word or phone model must be traversed to its end), any state otherwise.
    public var defaultEndCondition: EndCondition {
        if case .leftToRight = self { return .lastState }
        return .anyState
    }
}

/// Which states a sequence may end in. The backward pass starts from `β_T(i) = 1` for allowed
/// end states and 0 for the others, so the likelihood sums only paths that end there.
public enum EndCondition: Sendable, Hashable {
    /// Any state (hmmlearn's convention).
    case anyState
    /// Only the last state, `S − 1` (HTK's exit state, left-to-right word and phone models).
    case lastState
    /// Only the listed states.
    case states([Int])

    /// The mask `[S]` of allowed end states.
    /// - Throws: ``MarkovError/invalidTopology(_:)`` for a state out of range or an empty list.
    public func mask(stateCount: Int) throws(MarkovError) -> [Bool] {
        switch self {
        case .anyState: return [Bool](repeating: true, count: stateCount)
        case .lastState:
            var mask = [Bool](repeating: false, count: stateCount)
            if stateCount > 0 { mask[stateCount - 1] = true }
            return mask
        case .states(let states):
            guard !states.isEmpty else { throw .invalidTopology("the list of end states is empty") }
            var mask = [Bool](repeating: false, count: stateCount)
            for state in states {
                guard state >= 0 && state < stateCount else {
                    throw .invalidTopology("end state \(state) is out of range for \(stateCount) states")
                }
                mask[state] = true
            }
            return mask
        }
    }
}
