import HMMKitMarkov
import HMMKitNumerics
import HMMKitTestSupport
import Testing

@Suite("Viterbi")
struct ViterbiTests {
    /// With every path equally likely, ties go to the lowest state index at every frame.
    @Test(arguments: [1, 2, 5])
    func tiesGoToTheLowestState(stateCount: Int) throws {
        let chain = try MarkovChain<Double>(uniform: .ergodic, stateCount: stateCount)
        let logB = Matrix<Double>(rowCount: 7, columnCount: stateCount, repeating: -1)
        let path = try chain.viterbi(logB)
        #expect(path.states == [Int](repeating: 0, count: 7))
        // Every path: (1/S)^7 · e^(−7).
        #expect(abs(path.logProbability - (-7 - 7 * Double.log(Double(stateCount)))) < 1e-12)
    }

    /// A left-to-right path visits states in order, ends in the last state, and never jumps
    /// further than allowed; its log-probability is the sum along the path (1e-12 relative).
    @Test(arguments: [0, 1, 2])
    func leftToRightPathsAreMonotone(jump: Int) throws {
        let n = 6
        let chain = try MarkovTestData.chain(Double.self, stateCount: n, topology: .leftToRight(maximumJump: jump), seed: UInt64(jump))
        let logB = MarkovTestData.logLikelihoods(Double.self, frames: 50, states: n, seed: 21)
        let path = try chain.viterbi(logB)
        #expect(path.states.first == 0 && path.states.last == n - 1)
        var score = Double.log(chain.startProbabilities[0]) + logB[0, 0]
        for t in 1..<50 {
            let step = path.states[t] - path.states[t - 1]
            #expect(step >= 0 && step <= jump + 1)
            score += Double.log(chain.transitions[path.states[t - 1], path.states[t]]) + logB[t, path.states[t]]
        }
        #expect(abs(score - path.logProbability) < 1e-12 * abs(score))
        // The best path is no more probable than all paths together.
        let total = try chain.logLikelihood(of: logB)
        #expect(path.logProbability <= total)
        // Float lattices are Double too: same path on Float inputs here.
        let floatChain = try MarkovChain(startProbabilities: chain.startProbabilities.map { Float($0) },
                                         transitions: chain.transitions.converted(to: Float.self), topology: chain.topology)
        #expect(try floatChain.viterbi(logB.converted(to: Float.self)).states == path.states)
    }
}
