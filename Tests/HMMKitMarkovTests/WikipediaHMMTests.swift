import HMMKitMarkov
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// The Wikipedia HMM ("Viterbi algorithm", Healthy/Fever) that hmmlearn's tests pin, over both
/// implementations and both precisions.
@Suite("Wikipedia HMM")
struct WikipediaHMMTests {
    // States: 0 = Healthy, 1 = Fever. Observations: 0 = normal, 1 = cold, 2 = dizzy.
    static let start = [0.6, 0.4]
    static let transitions = [[0.7, 0.3], [0.4, 0.6]]
    static let emissions = [[0.5, 0.4, 0.1], [0.1, 0.3, 0.6]]
    static let observations = [0, 1, 2]  // normal, cold, dizzy

    static func model<S: MatrixScalar>(_: S.Type) throws -> (MarkovChain<S>, Matrix<S>) {
        let chain = try MarkovChain(startProbabilities: start.map { S($0) },
                                    transitions: Matrix(rows: transitions.map { $0.map { S($0) } }))
        let logB = Matrix(rows: observations.map { o in emissions.map { S(Double.log($0[o])) } })
        return (chain, logB)
    }

    // Forward, by hand (α_t(j) = Σ_i α_{t−1}(i) a_ij · b_j(o_t)):
    //   α_1 = [0.6·0.5, 0.4·0.1]                                    = [0.30, 0.04]
    //   α_2 = [(0.30·0.7 + 0.04·0.4)·0.4, (0.30·0.3 + 0.04·0.6)·0.3] = [0.0904, 0.0342]
    //   α_3 = [(0.0904·0.7 + 0.0342·0.4)·0.1, (0.0904·0.3 + 0.0342·0.6)·0.6] = [0.007696, 0.028584]
    //   p(normal, cold, dizzy) = 0.007696 + 0.028584 = 0.03628
    // Posteriors at the last frame: γ_3 = α_3 / p = [0.007696, 0.028584] / 0.03628.
    // Tolerance: 1e-12 relative in Double (three frames of rounding), 1e-5 in Float.
    @Test(arguments: ForwardBackwardImplementation.allCases)
    func forwardProbability(implementation: ForwardBackwardImplementation) throws {
        try check(Double.self, implementation: implementation, tolerance: 1e-12)
        try check(Float.self, implementation: implementation, tolerance: 1e-5)
    }

    func check<S: MatrixScalar>(_: S.Type, implementation: ForwardBackwardImplementation, tolerance: Double) throws {
        let (chain, logB) = try Self.model(S.self)
        let result = try chain.forwardBackward(logB, implementation: implementation)
        #expect(abs(Double.exp(result.logLikelihood) - 0.03628) < tolerance * 0.03628)
        #expect(abs(try chain.logLikelihood(of: logB, implementation: implementation) - result.logLikelihood) < tolerance)
        #expect(relativeError(result.posteriors[row: 2], [0.007696 / 0.03628, 0.028584 / 0.03628]) < tolerance)
        // Σ ξ = T − 1 transitions in expectation.
        #expect(abs(result.transitionCounts.elements.reduce(0, +) - 2) < 2 * tolerance)
    }

    // Viterbi, by hand (δ_t(j) = max_i δ_{t−1}(i) a_ij · b_j(o_t)):
    //   δ_1 = [0.30, 0.04]
    //   δ_2 = [max(0.30·0.7, 0.04·0.4)·0.4, max(0.30·0.3, 0.04·0.6)·0.3] = [0.084, 0.027]   (both from Healthy)
    //   δ_3 = [max(0.084·0.7, 0.027·0.4)·0.1, max(0.084·0.3, 0.027·0.6)·0.6] = [0.00588, 0.01512] (both from Healthy)
    //   best: Fever at 0.01512, back-tracked: Healthy, Healthy, Fever.
    @Test func viterbiPath() throws {
        for precision in Precision.allCases {
            let path: ViterbiPath
            switch precision {
            case .double: path = try Self.model(Double.self).0.viterbi(Self.model(Double.self).1)
            case .single: path = try Self.model(Float.self).0.viterbi(Self.model(Float.self).1)
            }
            #expect(path.states == [0, 0, 1])
            // The lattice is Double in both precisions; Float only rounds the inputs (1e-6 relative).
            #expect(abs(Double.exp(path.logProbability) - 0.01512) < (precision == .double ? 1e-14 : 1e-7))
        }
    }
}
