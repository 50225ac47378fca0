import HMMKitMarkov
import HMMKitNumerics
import HMMKitTestSupport

/// Seeded random chains and emissions, and brute-force references, for the Markov tests.
enum MarkovTestData {
    /// A random chain of `stateCount` states over `topology`: positive probabilities on allowed
    /// entries, about a third of the optional ones set to exactly 0 (never the entry that keeps
    /// the chain connected: the next state for left-to-right, the self-loop for ergodic).
    static func chain<S: MatrixScalar>(_: S.Type, stateCount n: Int, topology: MarkovTopology, seed: UInt64) throws -> MarkovChain<S> {
        var generator = SeededGenerator(seed: seed)
        let structure = try topology.structure(stateCount: n)
        var transitions = Matrix<S>(rowCount: n, columnCount: n)
        for i in 0..<n {
            let kept = (topology == .ergodic) ? i : min(i + 1, n - 1)
            var sum: S = 0
            for j in 0..<n where structure.allowsTransition(from: i, to: j) {
                if j != kept && Double.random(in: 0..<1, using: &generator) < 0.33 { continue }
                transitions[i, j] = S.random(in: 0.05...1, using: &generator)
                sum += transitions[i, j]
            }
            for j in 0..<n { transitions[i, j] /= sum }
        }
        var start = [S](repeating: 0, count: n)
        if topology == .ergodic {
            var sum: S = 0
            for i in 0..<n where i == 0 || Double.random(in: 0..<1, using: &generator) < 0.7 {
                start[i] = S.random(in: 0.05...1, using: &generator)
                sum += start[i]
            }
            for i in 0..<n { start[i] /= sum }
        } else {
            start[0] = 1
        }
        return try MarkovChain(startProbabilities: start, transitions: transitions, topology: topology)
    }

    /// Emission log-likelihoods `[T × S]` uniform in `range`.
    static func logLikelihoods<S: MatrixScalar>(_: S.Type, frames: Int, states: Int, seed: UInt64,
                                                range: ClosedRange<S> = -12...0) -> Matrix<S> {
        var generator = SeededGenerator(seed: seed)
        return Matrix.random(rowCount: frames, columnCount: states, in: range, using: &generator)
    }

    /// Every path enumerated (S^T of them, for tiny cases): the likelihood, γ, Σξ, and the best
    /// path (lowest index path on ties, by enumeration order) with its probability; all in Double.
    static func bruteForce<S: MatrixScalar>(_ chain: MarkovChain<S>, _ logB: Matrix<S>)
        -> (likelihood: Double, posteriors: [Double], transitions: [Double], best: [Int], bestProbability: Double)
    {
        let n = chain.stateCount, count = logB.rowCount
        var total = 0.0, best: [Int] = [], bestProbability = -1.0
        var gamma = [Double](repeating: 0, count: count * n), xi = [Double](repeating: 0, count: n * n)
        var path = [Int](repeating: 0, count: count)
        var pathCount = 1
        for _ in 0..<count { pathCount *= n }
        for code in 0..<pathCount {
            var rest = code
            for t in stride(from: count - 1, through: 0, by: -1) {  // path[0] most significant: lexicographic order
                path[t] = rest % n
                rest /= n
            }
            var p = Double(chain.startProbabilities[path[0]]) * Double.exp(Double(logB[0, path[0]]))
            for t in 1..<count {
                p *= Double(chain.transitions[path[t - 1], path[t]]) * Double.exp(Double(logB[t, path[t]]))
            }
            if !chain.endStates[path[count - 1]] { p = 0 }
            total += p
            for t in 0..<count { gamma[t * n + path[t]] += p }
            for t in 1..<count { xi[path[t - 1] * n + path[t]] += p }
            if p > bestProbability {
                bestProbability = p
                best = path
            }
        }
        return (total, gamma.map { $0 / total }, xi.map { $0 / total }, best, bestProbability)
    }
}

extension MarkovTestData {
    /// ``bruteForce(_:_:)`` in the log domain: every path's log-probability, summed as
    /// `M + log Σ exp(lp − M)` with `M` the best path's, so that emissions thousands of nats apart
    /// neither underflow nor lose digits. Posteriors and expected transition counts are the
    /// paths' shares `exp(lp − log p(x))`.
    static func logBruteForce<S: MatrixScalar>(_ chain: MarkovChain<S>, _ logB: Matrix<S>)
        -> (logLikelihood: Double, posteriors: [Double], transitions: [Double])
    {
        let n = chain.stateCount, count = logB.rowCount
        var pathCount = 1
        for _ in 0..<count { pathCount *= n }
        func path(_ code: Int) -> [Int] {
            var rest = code, states = [Int](repeating: 0, count: count)
            for t in stride(from: count - 1, through: 0, by: -1) {
                states[t] = rest % n
                rest /= n
            }
            return states
        }
        func logProbability(_ states: [Int]) -> Double {
            guard chain.endStates[states[count - 1]] else { return -.infinity }
            var lp = Double.log(Double(chain.startProbabilities[states[0]])) + Double(logB[0, states[0]])
            for t in 1..<count {
                lp += Double.log(Double(chain.transitions[states[t - 1], states[t]])) + Double(logB[t, states[t]])
            }
            return lp
        }
        let scores = (0..<pathCount).map { logProbability(path($0)) }
        let best = scores.max()!
        let total = best + Double.log(scores.reduce(0.0) { $0 + Double.exp($1 - best) })
        var gamma = [Double](repeating: 0, count: count * n), xi = [Double](repeating: 0, count: n * n)
        for code in 0..<pathCount where scores[code] > -.infinity {
            let share = Double.exp(scores[code] - total), states = path(code)
            for t in 0..<count { gamma[t * n + states[t]] += share }
            for t in 1..<count { xi[states[t - 1] * n + states[t]] += share }
        }
        return (total, gamma, xi)
    }
}

extension Matrix {
    /// Row sums, in Double.
    var rowSumsInDouble: [Double] {
        (0..<rowCount).map { i in self[row: i].reduce(0.0) { $0 + Double($1) } }
    }
}
