import HMMKitTraining
import Foundation
import HMMKitMarkov
import HMMKitNumerics
import Testing

/// Sizes from files that used to overflow the chain's integer arithmetic.
@Suite("Markov topology limits")
struct TopologyLimitTests {
    /// `i + maximumJump + 1` overflowed for `Int.max`; any jump of S − 1 or more allows every
    /// forward transition.
    @Test(arguments: [3, 4, Int.max])
    func hugeJumpsAllowEveryForwardTransition(_ jump: Int) throws {
        let structure = try MarkovTopology.leftToRight(maximumJump: jump).structure(stateCount: 4)
        let full = try MarkovTopology.leftToRight(maximumJump: 2).structure(stateCount: 4)
        #expect(structure.allowedTransitions == full.allowedTransitions)
    }

    /// A trainer asked for more states or components than ``InputLimits`` allows refuses before
    /// allocating `S × S` tables (1e8 states aborted on a 1e16-entry allocation).
    @Test func trainersRefuseSizesPastTheLimits() {
        let frames = Matrix<Double>(rowCount: 4, columnCount: 1, elements: [0, 1, 2, 3])
        for (states, components) in [(100_000_000, 1), (2, Int.max)] {
            let trainer = HMMTrainer<Double>(stateCount: states, componentsPerState: components, covarianceType: .diagonal,
                                             topology: .ergodic)
            #expect(throws: HMMError.self) { _ = try trainer.fit(frames, lengths: [4]) }
        }
    }
}
