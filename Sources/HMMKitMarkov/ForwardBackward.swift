import HMMKitNumerics

/// Which forward-backward implementation to run, as in hmmlearn (`implementation="scaling"` or
/// `"log"`). They give the same results to rounding (checked in the tests to 1e-12 relative in
/// Double) except where ``scaled`` loses a path to underflow that later frames make likely again;
/// ``logSpace`` and ``checkedScaled`` give the log-space results however far apart the states are.
public enum ForwardBackwardImplementation: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Rabiner's scaling in the probability domain (the fast path): emissions become
    /// `exp(log b_t(j) − shift_t)` (shift: the best score among the states reachable at t), the
    /// forward variables are renormalised every frame, and the log-likelihood is
    /// `Σ_t (shift_t + log c_t)`. No underflow at any length. Lattices in Double whatever the
    /// scalar type. A sequence whose normaliser falls below 1e-100 at some frame (nearly all
    /// the forward mass removed at once, e.g. by the end state), or that leaves no allowed state
    /// at a frame, is rerun in log space. A path whose forward value underflows relative to its
    /// frame is lost, even if later frames would have made it likely (see ``checkedScaled``).
    case scaled
    /// Log-sum-exp recursions in the log domain, in Double whatever the scalar type (the reference).
    case logSpace
    /// The log-space results at the scaled pass's cost (hmmlearn's `implementation="log"` from
    /// Python): the scaled pass, kept for a sequence only when it provably lost nothing that
    /// matters to underflow, else ``logSpace``. The scaled pass can lose a path whose forward
    /// value leaves Double's range relative to its frame and that later frames would have made
    /// likely again; log space keeps it. The check: a state that the topology, start, end and
    /// finite emissions allow at frame t but whose forward value before normalisation is below
    /// 1e-290 is an event; the posterior of every path through it is bounded from its kept value,
    /// what underflow can have lost (times its true emission ratio) and its β̂, which the backward
    /// pass computes for such states too, and the sequence is kept only when that bound is at most
    /// 1e-110 for every event; the forward-only score keeps it only without any event. Chains of
    /// more than 64 states take the log-space pass. A sequence sent to log space costs both passes.
    case checkedScaled

    public var description: String { rawValue }
}

/// What forward-backward computes for one sequence of T frames over S states.
public struct ForwardBackwardResult<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `log p(x₁…x_T)` under the chain and the given emission log-likelihoods (natural log).
    public var logLikelihood: Double
    /// State posteriors `γ_t(i) = P(state i at t | x)`, `[T × S]`; each row sums to 1.
    public var posteriors: Matrix<Scalar>
    /// Expected transition counts `Σ_{t<T} ξ_t(i, j)`, `[S × S]`, in Double; row i sums to
    /// `Σ_{t<T} γ_t(i)`, and entries of zero transitions are exactly 0.
    public var transitionCounts: Matrix<Double>

    /// A result from its parts.
    public init(logLikelihood: Double, posteriors: Matrix<Scalar>, transitionCounts: Matrix<Double>) {
        self.logLikelihood = logLikelihood
        self.posteriors = posteriors
        self.transitionCounts = transitionCounts
    }
}

/// The most probable state sequence of one sequence (Viterbi).
public struct ViterbiPath: Sendable, Equatable {
    /// The best state at each frame, `[T]`.
    public var states: [Int]
    /// `log p(x, states)`, the joint log-probability of the sequence and the path (natural log).
    public var logProbability: Double

    /// A path from its states and joint log-probability.
    public init(states: [Int], logProbability: Double) {
        self.states = states
        self.logProbability = logProbability
    }
}

extension MarkovChain {
    /// Forward-backward over one sequence: the log-likelihood, the state posteriors γ and the
    /// expected transition counts ξ summed over time.
    ///
    /// Memory: the posteriors and two `[T × S]` Double buffers (scaled: α̂ and the scaled
    /// emissions) or one (log-space: log α̂); nothing is kept afterwards. Left-to-right chains only visit the band of
    /// nonzero transitions of each row, so their cost is `O(T·S·(J + 2))`, not `O(T·S²)`.
    /// - Parameters:
    ///   - logLikelihoods: emission log-likelihoods `log b_t(j)`, `[T × S]` (natural log; −∞ allowed).
    ///   - implementation: ``ForwardBackwardImplementation/scaled`` (default) or ``ForwardBackwardImplementation/logSpace``.
    ///   - sequence: the index named in errors (for callers looping over sequences).
    /// - Throws: ``MarkovError/stateCountMismatch(model:data:sequence:)``,
    ///   ``MarkovError/sequenceTooShort(sequence:frameCount:minimumFrameCount:)``,
    ///   ``MarkovError/invalidLogLikelihood(sequence:frame:state:value:)`` (NaN or +∞),
    ///   ``MarkovError/impossibleSequence(sequence:frameCount:frame:)`` (probability zero).
    public func forwardBackward(_ logLikelihoods: Matrix<Scalar>, implementation: ForwardBackwardImplementation = .scaled,
                                sequence: Int = 0) throws(MarkovError) -> ForwardBackwardResult<Scalar> {
        try checkSequence(frames: logLikelihoods.rowCount, columns: logLikelihoods.columnCount, sequence: sequence)
        let workspace = MarkovWorkspace<Scalar>()
        var posteriors = Matrix<Scalar>(rowCount: logLikelihoods.rowCount, columnCount: stateCount)
        let outcome = logLikelihoods.withUnsafeElements { input in
            posteriors.withUnsafeMutableElements { gamma in
                forwardBackward(input.baseAddress!, frames: logLikelihoods.rowCount, sequence: sequence,
                                implementation: implementation, workspace: workspace, posteriors: gamma.baseAddress!)
            }
        }
        let logLikelihood = try outcome.get()
        let counts = [Double](UnsafeBufferPointer(start: workspace.transitionCounts.pointer, count: stateCount * stateCount))
        return ForwardBackwardResult(logLikelihood: logLikelihood, posteriors: posteriors,
                                     transitionCounts: Matrix(rowCount: stateCount, columnCount: stateCount, elements: counts))
    }

    /// `log p(x₁…x_T)` by the forward pass alone, keeping two rows of S (no β, no posteriors).
    /// Same arguments and errors as ``forwardBackward(_:implementation:sequence:)``.
    public func logLikelihood(of logLikelihoods: Matrix<Scalar>, implementation: ForwardBackwardImplementation = .scaled,
                              sequence: Int = 0) throws(MarkovError) -> Double {
        try checkSequence(frames: logLikelihoods.rowCount, columns: logLikelihoods.columnCount, sequence: sequence)
        let workspace = MarkovWorkspace<Scalar>()
        return try logLikelihoods.withUnsafeElements { input in
            switch implementation {
            case .scaled, .checkedScaled:
                return scaledForwardOnly(input.baseAddress!, frames: logLikelihoods.rowCount, sequence: sequence,
                                         checked: implementation == .checkedScaled, workspace: workspace)
            case .logSpace: return logSpaceForwardOnly(input.baseAddress!, frames: logLikelihoods.rowCount, sequence: sequence, workspace: workspace)
            }
        }.get()
    }

    /// The shared entry of both implementations over a checked sequence: posteriors into
    /// `posteriors` (`[T × S]`), ξ into `workspace.transitionCounts` (`[S × S]`, zeroed here).
    /// The scaled path falls back to the log-space one for the rare sequence it cannot trust (a
    /// normaliser below 1e-100, or β̂ overflowing).
    func forwardBackward(_ input: UnsafePointer<Scalar>, frames: Int, sequence: Int, implementation: ForwardBackwardImplementation,
                         workspace: MarkovWorkspace<Scalar>, posteriors: UnsafeMutablePointer<Scalar>) -> Result<Double, MarkovError> {
        let xi = workspace.transitionCounts.reserve(stateCount * stateCount)
        xi.update(repeating: 0, count: stateCount * stateCount)
        if implementation != .logSpace {
            switch scaledForwardBackward(input, frames: frames, sequence: sequence, checked: implementation == .checkedScaled,
                                         workspace: workspace, posteriors: posteriors) {
            case .success(let value?): return .success(value)
            case .failure(let error): return .failure(error)
            case .success(nil): xi.update(repeating: 0, count: stateCount * stateCount)
            }
        }
        return logSpaceForwardBackward(input, frames: frames, sequence: sequence, workspace: workspace, posteriors: posteriors)
    }
}

/// The first state of a frame whose log-likelihood is NaN or +∞, or nil.
@inline(__always)
func firstInvalidState<Scalar: MatrixScalar>(_ frame: UnsafePointer<Scalar>, count: Int) -> Int? {
    for j in 0..<count where !(frame[j] < .infinity) { return j }
    return nil
}
