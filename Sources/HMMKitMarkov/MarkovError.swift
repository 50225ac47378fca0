import HMMKitNumerics

/// Failures of Markov chains and of their kernels caused by parameters or data, each naming the
/// bad row, state, sequence or value and saying what to do. Programmer misuse (an index out of
/// range, a zero thread count) traps instead.
public enum MarkovError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A topology or transition structure that cannot describe a chain (a negative jump, a state
    /// with no allowed transition, an end state out of range, a mask that is not square).
    case invalidTopology(String)
    /// Parameters of inconsistent shapes (start probabilities and transitions of different sizes).
    case shapeMismatch(String)
    /// A start probability that is NaN, negative or above 1.
    case invalidStartProbability(state: Int, value: Double)
    /// Start probabilities whose sum is not 1 (within ``MarkovChainOptions/tolerance``).
    case startProbabilitiesSum(Double)
    /// A nonzero start probability in a state the topology does not start in.
    case forbiddenStart(state: Int, value: Double)
    /// A transition probability that is NaN, negative or above 1.
    case invalidTransition(row: Int, column: Int, value: Double)
    /// A nonzero transition probability that the topology forbids (forbidden entries must be exactly 0).
    case forbiddenTransition(row: Int, column: Int, value: Double)
    /// A transition row whose sum is not 1 (within ``MarkovChainOptions/tolerance``).
    case transitionRowSum(row: Int, sum: Double)
    /// A transition row of zeros, refused under ``EmptyRowPolicy/reject``.
    case emptyTransitionRow(row: Int)
    /// No allowed end state can be reached from a state with nonzero start probability.
    case unreachableEnd(String)
    /// A log-likelihood matrix whose column count is not the chain's state count.
    case stateCountMismatch(model: Int, data: Int, sequence: Int)
    /// An emission log-likelihood that is NaN or +∞ (−∞, a zero likelihood, is allowed).
    case invalidLogLikelihood(sequence: Int, frame: Int, state: Int, value: Double)
    /// A sequence with fewer frames than any path from a start to an end state needs
    /// (see ``MarkovChain/minimumFrameCount``).
    case sequenceTooShort(sequence: Int, frameCount: Int, minimumFrameCount: Int)
    /// A sequence of probability zero under the model: no path has a nonzero probability up to
    /// `frame` (the first frame where every state's forward probability is 0).
    case impossibleSequence(sequence: Int, frameCount: Int, frame: Int)
    /// Sequence lengths that do not fit the stacked matrix (negative, or not summing to its rows).
    case invalidLengths(String)
    /// Statistics of another state count were given to a merge.
    case statisticsMismatch(String)

    public var description: String {
        switch self {
        case .invalidTopology(let message): return "invalid Markov topology: \(message)"
        case .shapeMismatch(let message): return "Markov chain parameters have inconsistent shapes: \(message)"
        case let .invalidStartProbability(state, value):
            return "start probability of state \(state) is \(value); probabilities must lie in [0, 1]"
        case .startProbabilitiesSum(let sum):
            return "start probabilities sum to \(fixed4(sum)); they must sum to 1"
        case let .forbiddenStart(state, value):
            return "start probability of state \(state) is \(value) but the topology does not start there; set it to 0"
        case let .invalidTransition(row, column, value):
            return "transition (\(row), \(column)) is \(value); probabilities must lie in [0, 1]"
        case let .forbiddenTransition(row, column, value):
            return "transition (\(row), \(column)) is \(value) but the topology forbids it; set it to exactly 0"
        case let .transitionRowSum(row, sum):
            return "transition row \(row) sums to \(fixed4(sum)); rows must sum to 1"
        case .emptyTransitionRow(let row):
            return "transition row \(row) is all zeros; give the state an outgoing transition, "
                + "or pass EmptyRowPolicy.absorbing to make it an absorbing self-loop"
        case .unreachableEnd(let message): return "no path reaches an end state: \(message)"
        case let .stateCountMismatch(model, data, sequence):
            return "sequence \(sequence) has \(data) log-likelihood columns but the chain has \(model) states"
        case let .invalidLogLikelihood(sequence, frame, state, value):
            return "sequence \(sequence) has log-likelihood \(value) at frame \(frame), state \(state); "
                + "emission log-likelihoods must be finite or −∞"
        case let .sequenceTooShort(sequence, frameCount, minimumFrameCount):
            return "sequence \(sequence) has \(frameCount) frames but the topology needs at least \(minimumFrameCount) "
                + "to reach an end state; drop the sequence or use a model with fewer states or longer jumps"
        case let .impossibleSequence(sequence, frameCount, frame):
            return "sequence \(sequence) (\(frameCount) frames) has probability zero under the model "
                + "(no state is possible at frame \(frame)); check its emissions and the transitions"
        case .invalidLengths(let message): return "invalid sequence lengths: \(message)"
        case .statisticsMismatch(let message): return "statistics do not match: \(message)"
        }
    }
}

/// `value` with four decimals ("0.9700"), without Foundation.
func fixed4(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    let scaled = (abs(value) * 10_000).rounded()
    guard scaled < 1e15 else { return "\(value)" }
    let units = Int(scaled)
    let fraction = String(units % 10_000)
    return (value < 0 && units != 0 ? "-" : "") + "\(units / 10_000)."
        + String(repeating: "0", count: 4 - fraction.count) + fraction
}
