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
}
