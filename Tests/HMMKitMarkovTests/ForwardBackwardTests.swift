@testable import HMMKitMarkov
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// One case of the random sweeps: a topology and a state count.
struct ChainCase: CustomTestStringConvertible, Sendable {
    var topology: MarkovTopology
    var stateCount: Int
    var testDescription: String {
        switch topology {
        case .ergodic: return "ergodic S=\(stateCount)"
        case .leftToRight(let jump): return "left-to-right J=\(jump) S=\(stateCount)"
        case .custom: return "custom S=\(stateCount)"
        }
    }

    static let sweep: [ChainCase] = [1, 2, 5, 17].flatMap { n in
        [ChainCase(topology: .ergodic, stateCount: n), ChainCase(topology: .leftToRight(maximumJump: 0), stateCount: n),
         ChainCase(topology: .leftToRight(maximumJump: 2), stateCount: n)]
    }
}

@Suite("Forward-backward")
struct ForwardBackwardTests {
    /// Scaled and log-space agree to 1e-12 relative in Double on random models and sequences
    /// (both compute exact recursions; only exp's last bits and summation orders differ, over
    /// at most 300 frames); posteriors sum to 1 per frame; ξ rows sum to the occupancies of
    /// frames 1…T−1; zero transitions stay exactly zero in ξ; the forward-only log-likelihood
    /// is the same.
    @Test(arguments: ChainCase.sweep)
    func scaledEqualsLogSpace(chainCase: ChainCase) throws {
        let n = chainCase.stateCount
        for (index, frames) in [n + 2, 40, 300].enumerated() {
            let chain = try MarkovTestData.chain(Double.self, stateCount: n, topology: chainCase.topology, seed: UInt64(100 * n + index))
            let logB = MarkovTestData.logLikelihoods(Double.self, frames: frames, states: n, seed: UInt64(7 + index))
            let reference = try chain.forwardBackward(logB, implementation: .logSpace)
            let scaled = try chain.forwardBackward(logB, implementation: .scaled)
            for result in [scaled, try chain.forwardBackward(logB, implementation: .checkedScaled)] {
                #expect(abs(result.logLikelihood - reference.logLikelihood) <= 1e-12 * abs(reference.logLikelihood))
                #expect(relativeError(result.posteriors, reference.posteriors) < 1e-12)
                #expect(relativeError(result.transitionCounts, reference.transitionCounts) < 1e-12)
            }
            for implementation in ForwardBackwardImplementation.allCases {
                let forwardOnly = try chain.logLikelihood(of: logB, implementation: implementation)
                #expect(abs(forwardOnly - reference.logLikelihood) <= 1e-12 * abs(reference.logLikelihood))
            }
            for result in [scaled, reference] {
                checkInvariants(result, chain: chain)
            }
        }
    }

    /// The invariants every result satisfies (1e-12 absolute in Double: sums of ≤ 300 terms ≤ 1).
    func checkInvariants<S: MatrixScalar>(_ result: ForwardBackwardResult<S>, chain: MarkovChain<S>, tolerance: Double = 1e-12) {
        let n = chain.stateCount, frames = result.posteriors.rowCount
        for sum in result.posteriors.rowSumsInDouble { #expect(abs(sum - 1) < tolerance) }
        for i in 0..<n {
            var occupancy = 0.0
            for t in 0..<(frames - 1) { occupancy += Double(result.posteriors[t, i]) }
            let row = result.transitionCounts[row: i].reduce(0, +)
            #expect(abs(row - occupancy) < tolerance * Double(frames), "ξ row \(i): \(row) vs Σγ \(occupancy)")
            for j in 0..<n where chain.transitions[i, j] == 0 { #expect(result.transitionCounts[i, j] == 0) }
        }
        for t in 0..<frames {
            for i in 0..<n where !chain.endStates[i] && t == frames - 1 { #expect(result.posteriors[t, i] == 0) }
        }
    }

    /// Float: scaled and log-space against the Double reference (1e-4 relative on the
    /// posteriors: Float's 6e-8 rounding compounds over 200 frames; the log-likelihood 1e-6).
    @Test(arguments: ChainCase.sweep)
    func floatAgreesWithDouble(chainCase: ChainCase) throws {
        let n = chainCase.stateCount
        let chain = try MarkovTestData.chain(Double.self, stateCount: n, topology: chainCase.topology, seed: UInt64(n))
        let logB = MarkovTestData.logLikelihoods(Double.self, frames: 200, states: n, seed: 3)
        let reference = try chain.forwardBackward(logB, implementation: .logSpace)
        let floatChain = try MarkovChain(startProbabilities: chain.startProbabilities.map { Float($0) },
                                         transitions: chain.transitions.converted(to: Float.self), topology: chainCase.topology)
        for implementation in ForwardBackwardImplementation.allCases {
            let result = try floatChain.forwardBackward(logB.converted(to: Float.self), implementation: implementation)
            #expect(abs(result.logLikelihood - reference.logLikelihood) < 1e-6 * abs(reference.logLikelihood))
            #expect(relativeError(result.posteriors.converted(to: Double.self), reference.posteriors) < 1e-4)
            #expect(relativeError(result.transitionCounts, reference.transitionCounts) < 1e-4)
            checkInvariants(result, chain: floatChain, tolerance: 1e-5)
        }
    }

    /// Every path of a 3-state, 5-frame model enumerated (243 paths): the forward likelihood,
    /// γ and ξ of both implementations equal the sums over paths, and Viterbi the best path
    /// (1e-12 relative in Double).
    @Test(arguments: [MarkovTopology.ergodic, .leftToRight(maximumJump: 0), .leftToRight(maximumJump: 1)])
    func bruteForceEnumeration(topology: MarkovTopology) throws {
        for seed in UInt64(0)..<4 {
            let chain = try MarkovTestData.chain(Double.self, stateCount: 3, topology: topology, seed: 40 + seed)
            let logB = MarkovTestData.logLikelihoods(Double.self, frames: 5, states: 3, seed: 50 + seed, range: -4...0)
            let truth = MarkovTestData.bruteForce(chain, logB)
            for implementation in ForwardBackwardImplementation.allCases {
                let result = try chain.forwardBackward(logB, implementation: implementation)
                #expect(abs(Double.exp(result.logLikelihood) - truth.likelihood) < 1e-12 * truth.likelihood)
                #expect(relativeError(result.posteriors.elements, truth.posteriors) < 1e-12)
                #expect(relativeError(result.transitionCounts.elements, truth.transitions) < 1e-12)
            }
            let path = try chain.viterbi(logB)
            #expect(path.states == truth.best)
            #expect(abs(Double.exp(path.logProbability) - truth.bestProbability) < 1e-12 * truth.bestProbability)
        }
    }

    /// States thousands of nats below the best (their terms in a lattice sum underflow, so the
    /// log-space pass re-sums them term by term): the log-space forward-backward equals the
    /// log-domain enumeration of every path. Three chains of 3 states and 6 frames: left-to-right
    /// with the end state 1,000 and 2,000 nats below state 0 (every path must reach it); an ergodic
    /// chain with emissions spread over 3,000 nats; left-to-right with a middle state 2,000 nats
    /// down that every path crosses once, so that at a frame the forward pass's best state and the
    /// backward pass's are 2,000 nats apart and the posterior mass sits on both (γ needs the
    /// log-space row there). 1e-12 relative for the likelihood, 1e-12 absolute for γ and ξ.
    @Test(arguments: 0..<3)
    func statesFarBelowTheBestAreSummedExactly(pattern: Int) throws {
        let topology: MarkovTopology = pattern == 1 ? .ergodic : .leftToRight(maximumJump: 0)
        for seed in UInt64(0)..<3 {
            let chain = try MarkovTestData.chain(Double.self, stateCount: 3, topology: topology, seed: 60 + seed)
            var logB = MarkovTestData.logLikelihoods(Double.self, frames: 6, states: 3, seed: 70 + seed,
                                                     range: pattern == 1 ? -3000...0 : -5...0)
            for t in 0..<6 {
                switch pattern {
                case 0:
                    logB[t, 1] -= 1000
                    logB[t, 2] -= 2000
                case 2: logB[t, 1] -= 2000
                default: break
                }
            }
            let truth = MarkovTestData.logBruteForce(chain, logB)
            for implementation in [ForwardBackwardImplementation.logSpace, .checkedScaled] {
                let result = try chain.forwardBackward(logB, implementation: implementation)
                #expect(abs(result.logLikelihood - truth.logLikelihood) <= 1e-12 * abs(truth.logLikelihood))
                #expect(zip(result.posteriors.elements, truth.posteriors).allSatisfy { abs($0 - $1) <= 1e-12 })
                #expect(zip(result.transitionCounts.elements, truth.transitions).allSatisfy { abs($0 - $1) <= 1e-12 })
                #expect(abs(try chain.logLikelihood(of: logB, implementation: implementation) - truth.logLikelihood)
                        <= 1e-12 * abs(truth.logLikelihood))
            }
        }
    }

    /// Two branches that never meet (states 0 and 1, each starting with 1/2 and only looping on
    /// itself) over 60 frames: branch 1 is `behind` nats worse at frame 0 and `gain` nats better
    /// at each frame after.
    func separateBranches(behind: Double, gain: Double) throws -> (MarkovChain<Double>, Matrix<Double>) {
        let loops = try TransitionStructure(allowedTransitions: [[true, false], [false, true]], allowedStarts: [true, true])
        let chain = try MarkovChain<Double>(startProbabilities: [0.5, 0.5], transitions: Matrix(rows: [[1, 0], [0, 1]]),
                                            topology: .custom(loops), end: .states([0, 1]))
        var logB = Matrix<Double>(rowCount: 60, columnCount: 2)
        logB[0, 1] = -behind
        for t in 1..<60 { logB[t, 0] = -gain }
        return (chain, logB)
    }

    /// A path the scaled pass loses and log space keeps: two branches that never meet (states 0
    /// and 1, each only looping on itself); at frame 0 branch 1 is 800 nats worse (its scaled
    /// emission underflows to 0), then 30 nats better at each of 59 frames, so it ends 970 nats
    /// ahead. The two paths give the likelihood in closed form. The scaled pass keeps only branch 0
    /// (checked: its last posterior of state 1 is 0); the checked pass finds the event (state 1
    /// allowed at frame 0, value below 1e-290, β̂ far above the bound) and gives the log-space
    /// results: the closed form to 1e-12, posteriors of state 1 equal to 1 to 1e-12.
    @Test func checkedScalingKeepsAPathTheScaledPassLoses() throws {
        let (chain, logB) = try separateBranches(behind: 800, gain: 30)
        let branches = [Double.log(0.5) - 30 * 59, Double.log(0.5) - 800]
        let truth = branches[1] + Double.log(onePlus: Double.exp(branches[0] - branches[1]))
        let scaled = try chain.forwardBackward(logB, implementation: .scaled)
        #expect(scaled.posteriors[59, 1] == 0)
        let checked = try chain.forwardBackward(logB, implementation: .checkedScaled)
        #expect(abs(checked.logLikelihood - truth) <= 1e-12 * abs(truth))
        #expect((0..<60).allSatisfy { abs(checked.posteriors[$0, 1] - 1) <= 1e-12 })
        #expect(checked == (try chain.forwardBackward(logB, implementation: .logSpace)))
        #expect(abs(try chain.logLikelihood(of: logB, implementation: .checkedScaled) - truth) <= 1e-12 * abs(truth))
        checkInvariants(checked, chain: chain)
    }

    /// The bound on an event's paths, where nothing overflows: branch 1 is 720 nats behind at frame 0
    /// (its scaled emission underflows to 0) and 12 nats ahead at each of the 59 frames after, so it
    /// ends 12 nats behind, with posterior e^−12 / (1 + e^−12) ≈ 6e-6 at every frame; its β̂ at
    /// frame 0 is about e^708, finite, far above the bound. The scaled pass gives it 0; the checked
    /// pass (which this bound alone sends to log space) gives the closed form to 1e-12.
    @Test func checkedScalingBoundsAnEventsPathsBelowOverflow() throws {
        let (chain, logB) = try separateBranches(behind: 720, gain: 12)
        let posterior = Double.exp(-12) / (1 + Double.exp(-12))
        #expect(try chain.forwardBackward(logB, implementation: .scaled).posteriors[30, 1] == 0)
        let checked = try chain.forwardBackward(logB, implementation: .checkedScaled)
        #expect((0..<60).allSatisfy { abs(checked.posteriors[$0, 1] - posterior) <= 1e-12 })
        let truth = Double.log(0.5) - 12 * 59 + Double.log(onePlus: Double.exp(-12))
        #expect(abs(checked.logLikelihood - truth) <= 1e-12 * abs(truth))
    }

    /// An event at the last frame whose true emission ratio is far above 1: in a 3-state
    /// left-to-right chain the prediction of state 2 at the last frame is 2.5e-201 · 1e-130, which
    /// underflows to 0, so the scaled pass leaves state 2 out of that frame's shift and gives it
    /// nothing; its emission is 700 nats above the shift and the kept mass is only about 1e-95, so
    /// state 2 truly holds nearly all of the last frame. The checked pass gives log space's results
    /// (state 2's last posterior 1 to 1e-12): the event's bound takes the emission ratio, and here
    /// the backward weight of state 2 overflows too, which also sends the sequence to log space.
    @Test func checkedScalingBoundsALastFrameEventWithItsEmissionRatio() throws {
        let chain = try MarkovChain<Double>(startProbabilities: [1, 0, 0],
                                            transitions: Matrix(rows: [[1, 1e-95, 0], [0, 1, 1e-130], [0, 0, 1]]),
                                            topology: .leftToRight(maximumJump: 0), end: .states([0, 1, 2]))
        let logB = Matrix<Double>(rows: [[0, 0, 0], [0, -243, 0], [-600, 0, 700]])
        #expect(try chain.forwardBackward(logB, implementation: .scaled).posteriors[2, 2] == 0)
        let checked = try chain.forwardBackward(logB, implementation: .checkedScaled)
        let reference = try chain.forwardBackward(logB, implementation: .logSpace)
        #expect(abs(checked.posteriors[2, 2] - 1) <= 1e-12)
        #expect(checked == reference)
    }

    /// Events whose paths cannot matter keep the scaled pass: in a 5-state left-to-right chain over
    /// 400 frames whose emissions favour the states in turn, the first state's forward value falls
    /// below 1e-290 once the others have taken over (events, counted from the checked forward
    /// pass's masks), but from there the end is out of its reach at any likelihood worth counting
    /// (β̂ / c small): the checked result is the scaled one bit for bit, and log space's to 1e-12.
    @Test func checkedScalingKeepsTheScaledPassWhenEventsCannotMatter() throws {
        let n = 5, frames = 400
        let chain = try MarkovTestData.chain(Double.self, stateCount: n, topology: .leftToRight(maximumJump: 0), seed: 21)
        var logB = MarkovTestData.logLikelihoods(Double.self, frames: frames, states: n, seed: 22, range: -3...0)
        for t in 0..<frames {
            for j in 0..<n where j != t * n / frames { logB[t, j] -= 40 }
        }
        let workspace = MarkovWorkspace<Double>()
        let rows = workspace.rows.reserve(4 * n), masks = workspace.checkMasks.reserve(n + frames)
        let forward = logB.withUnsafeElements { input in
            chain.scaledForward(input.baseAddress!, frames: frames, sequence: 0, prediction: rows,
                                alpha: workspace.scaledForward.reserve(frames * n), alphaStride: n,
                                scaled: workspace.scaledEmissions.reserve(frames * n),
                                inverseScales: workspace.inverseScales.reserve(frames),
                                shifts: workspace.frameShifts.reserve(scaledChunkFrames), checkMasks: masks,
                                frameShifts: workspace.checkShifts.reserve(frames))
        }
        #expect(try forward.get() != nil)
        let events = (0..<frames).reduce(0) { $0 + masks[n + $1].nonzeroBitCount }
        #expect(events > 100)
        let checked = try chain.forwardBackward(logB, implementation: .checkedScaled)
        #expect(checked == (try chain.forwardBackward(logB, implementation: .scaled)))
        let reference = try chain.forwardBackward(logB, implementation: .logSpace)
        #expect(abs(checked.logLikelihood - reference.logLikelihood) <= 1e-12 * abs(reference.logLikelihood))
        #expect(relativeError(checked.posteriors, reference.posteriors) < 1e-12)
        #expect(relativeError(checked.transitionCounts, reference.transitionCounts) < 1e-12)
    }

    /// The checked pass against log space where states lie hundreds of nats apart at every frame
    /// (emissions drawn from −1,500…0): log space's results to 1e-12 on every chain of the sweep,
    /// whichever pass each sequence ends up in.
    @Test(arguments: ChainCase.sweep)
    func checkedScalingEqualsLogSpaceOverWideRanges(chainCase: ChainCase) throws {
        let n = chainCase.stateCount
        for (index, frames) in [n + 2, 40, 300].enumerated() {
            let chain = try MarkovTestData.chain(Double.self, stateCount: n, topology: chainCase.topology, seed: UInt64(300 * n + index))
            let logB = MarkovTestData.logLikelihoods(Double.self, frames: frames, states: n, seed: UInt64(31 + index),
                                                     range: -1500...0)
            let reference = try chain.forwardBackward(logB, implementation: .logSpace)
            let checked = try chain.forwardBackward(logB, implementation: .checkedScaled)
            #expect(abs(checked.logLikelihood - reference.logLikelihood) <= 1e-12 * abs(reference.logLikelihood))
            #expect(zip(checked.posteriors.elements, reference.posteriors.elements).allSatisfy { abs($0 - $1) <= 1e-12 })
            #expect(zip(checked.transitionCounts.elements, reference.transitionCounts.elements)
                .allSatisfy { abs($0 - $1) <= 1e-12 * Swift.max(1, abs($1)) })
            #expect(abs(try chain.logLikelihood(of: logB, implementation: .checkedScaled) - reference.logLikelihood)
                    <= 1e-12 * abs(reference.logLikelihood))
        }
    }

    /// Custom structure and explicit end states: a 4-state chain 0 → {1, 2} → 3 with skips
    /// forbidden, ending in state 1 or 3, against enumeration.
    @Test func customStructureAndEndStates() throws {
        let structure = try TransitionStructure(allowedTransitions: [
            [true, true, true, false], [false, true, false, true], [false, false, true, true], [true, false, false, true],
        ], allowedStarts: [true, false, true, false])
        let chain = try MarkovChain<Double>(
            startProbabilities: [0.7, 0, 0.3, 0],
            transitions: Matrix(rows: [[0.2, 0.5, 0.3, 0], [0, 0.6, 0, 0.4], [0, 0, 0.9, 0.1], [0.25, 0, 0, 0.75]]),
            topology: .custom(structure), end: .states([1, 3]))
        #expect(chain.minimumFrameCount == 2)
        let logB = MarkovTestData.logLikelihoods(Double.self, frames: 6, states: 4, seed: 9, range: -3...0)
        let truth = MarkovTestData.bruteForce(chain, logB)
        for implementation in ForwardBackwardImplementation.allCases {
            let result = try chain.forwardBackward(logB, implementation: implementation)
            #expect(abs(Double.exp(result.logLikelihood) - truth.likelihood) < 1e-12 * truth.likelihood)
            #expect(relativeError(result.posteriors.elements, truth.posteriors) < 1e-12)
            #expect(relativeError(result.transitionCounts.elements, truth.transitions) < 1e-12)
        }
        #expect(try chain.viterbi(logB).states == truth.best)
    }

    /// Emissions of −∞ (zero likelihood) in some states are handled exactly, not as NaN: the
    /// scaled path shifts by the best reachable state, not the row maximum. Here the unreachable
    /// last state of a left-to-right chain has by far the best score in the early frames.
    @Test func zeroLikelihoodsAndUnreachableHighScores() throws {
        let chain = try MarkovTestData.chain(Double.self, stateCount: 5, topology: .leftToRight(maximumJump: 0), seed: 4)
        var logB = MarkovTestData.logLikelihoods(Double.self, frames: 30, states: 5, seed: 5, range: -800 ... -700)
        for t in 0..<4 { logB[t, 4] = 0 }  // 700+ nats above the reachable states: exp(−700) would underflow every one of them in Float
        for t in stride(from: 0, to: 30, by: 3) { logB[t, 2] = -.infinity }
        let scaled = try chain.forwardBackward(logB, implementation: .scaled)
        let reference = try chain.forwardBackward(logB, implementation: .logSpace)
        #expect(scaled.logLikelihood.isFinite)
        #expect(abs(scaled.logLikelihood - reference.logLikelihood) <= 1e-12 * abs(reference.logLikelihood))
        #expect(relativeError(scaled.posteriors, reference.posteriors) < 1e-12)
        for t in stride(from: 0, to: 30, by: 3) { #expect(scaled.posteriors[t, 2] == 0) }
        let floatChain = try MarkovChain(startProbabilities: chain.startProbabilities.map { Float($0) },
                                         transitions: chain.transitions.converted(to: Float.self), topology: chain.topology)
        let floatResult = try floatChain.forwardBackward(logB.converted(to: Float.self), implementation: .scaled)
        #expect(abs(floatResult.logLikelihood - reference.logLikelihood) < 1e-6 * abs(reference.logLikelihood))
    }

    /// When the end constraint removes nearly all the forward mass at once (normaliser below
    /// 1e-100: the forward pass favoured state 0 by 300 nats a frame, the sequence must end in
    /// state 2), the scaled path reruns the sequence in log space: the results are exactly the
    /// log-space ones, and finite.
    @Test func collapsingMassFallsBackToLogSpace() throws {
        let chain = try MarkovTestData.chain(Double.self, stateCount: 3, topology: .leftToRight(maximumJump: 0), seed: 8)
        var logB = Matrix<Double>(rowCount: 6, columnCount: 3, repeating: -300)
        for t in 0..<6 { logB[t, 0] = 0 }
        let scaled = try chain.forwardBackward(logB, implementation: .scaled)
        let reference = try chain.forwardBackward(logB, implementation: .logSpace)
        #expect(scaled == reference)
        #expect(scaled.logLikelihood.isFinite && scaled.logLikelihood < -590)
        #expect(try chain.logLikelihood(of: logB, implementation: .scaled) == chain.logLikelihood(of: logB, implementation: .logSpace))
        checkInvariants(scaled, chain: chain)
    }

    /// The first frame from which every state can be occupied (the scaled pass shifts such
    /// frames by their row maximum, prepared ahead): 0 ergodic, S − 1 left-to-right (fewer with
    /// jumps), nil for a cycle without self-loops (the occupied state rotates), whose scaled
    /// pass then shifts every frame on its own and still equals log space.
    @Test func steadyFrames() throws {
        #expect(try MarkovChain<Double>(uniform: .ergodic, stateCount: 4).firstSteadyFrame == 0)
        #expect(try MarkovChain<Double>(uniform: .leftToRight(maximumJump: 0), stateCount: 5).firstSteadyFrame == 4)
        #expect(try MarkovChain<Double>(uniform: .leftToRight(maximumJump: 2), stateCount: 5).firstSteadyFrame == 2)
        var rotation = Matrix<Double>(rowCount: 3, columnCount: 3)
        for i in 0..<3 { rotation[i, (i + 1) % 3] = 1 }
        let cycle = try MarkovChain(startProbabilities: [1, 0, 0], transitions: rotation,
                                    topology: .custom(try TransitionStructure(allowedTransitions: (0..<3).map { i in (0..<3).map { $0 == (i + 1) % 3 } })))
        #expect(cycle.firstSteadyFrame == nil)
        let logB = MarkovTestData.logLikelihoods(Double.self, frames: 20, states: 3, seed: 13)
        #expect(abs(try cycle.logLikelihood(of: logB) - cycle.logLikelihood(of: logB, implementation: .logSpace)) < 1e-10)
    }

    /// A 1,000,000-frame left-to-right sequence: the scaled forward pass gives a finite
    /// log-likelihood in Float and Double (no underflow: the raw forward probability is about
    /// e^(−3·10⁶)), and they agree to 1e-5 relative (Float inputs, Double accumulation of the
    /// per-frame scales). Forward-backward of Double then agrees with the forward-only value.
    @Test func millionFramesDoNotUnderflow() throws {
        let frames = 1_000_000, n = 5
        let chain = try MarkovTestData.chain(Double.self, stateCount: n, topology: .leftToRight(maximumJump: 0), seed: 11)
        let logB = MarkovTestData.logLikelihoods(Double.self, frames: frames, states: n, seed: 12, range: -6...0)
        let double = try chain.logLikelihood(of: logB)
        let floatChain = try MarkovChain(startProbabilities: chain.startProbabilities.map { Float($0) },
                                         transitions: chain.transitions.converted(to: Float.self), topology: chain.topology)
        let float = try floatChain.logLikelihood(of: logB.converted(to: Float.self))
        #expect(double.isFinite && double < -1e6)
        #expect(float.isFinite)
        #expect(abs(float - double) < 1e-5 * abs(double))
        let full = try chain.forwardBackward(logB)
        #expect(abs(full.logLikelihood - double) <= 1e-12 * abs(double))
        #expect(abs(full.posteriors[frames - 1, n - 1] - 1) < 1e-15)
    }
}
