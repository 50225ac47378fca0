import HMMKitMarkov
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Bad parameters and bad data throw typed errors that name the row, state, sequence or value.
@Suite("Markov errors")
struct MarkovErrorTests {
    static func leftToRight(_ n: Int, jump: Int = 0) throws -> MarkovChain<Double> {
        try MarkovChain(uniform: .leftToRight(maximumJump: jump), stateCount: n)
    }

    /// The minimum length rule: 1 + ⌈(S − 1)/(J + 1)⌉ for left-to-right ending in the last state.
    @Test func minimumFrameCounts() throws {
        for n in [1, 2, 3, 5, 8] {
            for jump in 0..<4 {
                let expected = 1 + (n - 1 + jump) / (jump + 1)
                #expect(try Self.leftToRight(n, jump: jump).minimumFrameCount == expected)
                #expect(try TransitionStructure(allowedTransitions: [[true]]).minimumFrameCount(endMask: [true]) == 1)
            }
        }
        #expect(try MarkovChain<Double>(uniform: .ergodic, stateCount: 4).minimumFrameCount == 1)
    }

    @Test func sequenceTooShort() throws {
        let chain = try Self.leftToRight(5)
        let logB = Matrix<Double>(rowCount: 4, columnCount: 5)
        for implementation in ForwardBackwardImplementation.allCases {
            #expect(throws: MarkovError.sequenceTooShort(sequence: 3, frameCount: 4, minimumFrameCount: 5)) {
                try chain.forwardBackward(logB, implementation: implementation, sequence: 3)
            }
        }
        #expect(throws: MarkovError.sequenceTooShort(sequence: 0, frameCount: 4, minimumFrameCount: 5)) { try chain.viterbi(logB) }
        #expect(throws: MarkovError.sequenceTooShort(sequence: 0, frameCount: 0, minimumFrameCount: 1)) {
            try MarkovChain<Double>(uniform: .ergodic, stateCount: 2).logLikelihood(of: Matrix(rowCount: 0, columnCount: 2))
        }
        // Jump 1 needs ⌈4/2⌉ + 1 = 3 frames: 3 are enough.
        #expect(try Self.leftToRight(5, jump: 1).logLikelihood(of: Matrix(rowCount: 3, columnCount: 5)).isFinite)
        let message = MarkovError.sequenceTooShort(sequence: 3, frameCount: 4, minimumFrameCount: 5).description
        #expect(message.contains("sequence 3 has 4 frames") && message.contains("at least 5"))
    }

    /// A sequence whose only path needs a state of zero emission likelihood: every kernel and
    /// the batch report the sequence, its length and the first impossible frame — never NaN.
    @Test func impossibleSequence() throws {
        let chain = try Self.leftToRight(3)
        var logB = Matrix<Double>(rowCount: 3, columnCount: 3, repeating: -1)
        logB[1, 1] = -.infinity  // the only path to the end is 0, 1, 2; state 0 still lives at frame 1, no state at frame 2
        let expected = MarkovError.impossibleSequence(sequence: 2, frameCount: 3, frame: 2)
        for implementation in ForwardBackwardImplementation.allCases {
            #expect(throws: expected) { try chain.forwardBackward(logB, implementation: implementation, sequence: 2) }
            #expect(throws: expected) { try chain.logLikelihood(of: logB, implementation: implementation, sequence: 2) }
            let batch = SequenceBatch([Matrix(rowCount: 5, columnCount: 3, repeating: -1),
                                       Matrix(rowCount: 4, columnCount: 3, repeating: -2), logB])
            for threads in [1, 2] {
                #expect(throws: expected) { try chain.statistics(of: batch, implementation: implementation, threadCount: threads) }
            }
        }
        #expect(throws: expected) { try chain.viterbi(logB, sequence: 2) }
        // Ergodic: a frame where every state has zero likelihood.
        let ergodic = try MarkovChain<Float>(uniform: .ergodic, stateCount: 2)
        var flat = Matrix<Float>(rowCount: 4, columnCount: 2)
        flat[2, 0] = -.infinity
        flat[2, 1] = -.infinity
        #expect(throws: MarkovError.impossibleSequence(sequence: 0, frameCount: 4, frame: 2)) { try ergodic.forwardBackward(flat) }
    }

    /// NaN and +∞ emission log-likelihoods are refused, naming sequence, frame and state.
    @Test(arguments: [Double.nan, .infinity])
    func invalidLogLikelihood(value: Double) throws {
        let chain = try MarkovChain<Double>(uniform: .ergodic, stateCount: 3)
        var logB = Matrix<Double>(rowCount: 6, columnCount: 3, repeating: -1)
        logB[4, 2] = value
        func check(_ body: () throws(MarkovError) -> Void) {
            do {
                try body()
                Issue.record("no error for \(value)")
            } catch {
                guard case let .invalidLogLikelihood(sequence, frame, state, found) = error else {
                    Issue.record("wrong error \(error)")
                    return
                }
                #expect(sequence == 1 && frame == 4 && state == 2 && (found.isNaN == value.isNaN) && (value.isNaN || found == value))
            }
        }
        for implementation in ForwardBackwardImplementation.allCases {
            check { () throws(MarkovError) in _ = try chain.forwardBackward(logB, implementation: implementation, sequence: 1) }
            check { () throws(MarkovError) in _ = try chain.logLikelihood(of: logB, implementation: implementation, sequence: 1) }
        }
        check { () throws(MarkovError) in _ = try chain.viterbi(logB, sequence: 1) }
    }

    /// Errors come in frame order: an impossible frame before a NaN is reported as impossible,
    /// also when both fall among the frames the scaled pass prepares ahead (ergodic: all of them).
    @Test func firstProblemInFrameOrderWins() throws {
        let chain = try MarkovChain<Double>(uniform: .ergodic, stateCount: 2)
        var logB = Matrix<Double>(rowCount: 8, columnCount: 2, repeating: -1)
        logB[1, 0] = -.infinity
        logB[1, 1] = -.infinity
        logB[3, 1] = .nan
        for implementation in ForwardBackwardImplementation.allCases {
            #expect(throws: MarkovError.impossibleSequence(sequence: 0, frameCount: 8, frame: 1)) {
                try chain.logLikelihood(of: logB, implementation: implementation)
            }
            #expect(throws: MarkovError.impossibleSequence(sequence: 0, frameCount: 8, frame: 1)) {
                try chain.forwardBackward(logB, implementation: implementation)
            }
        }
    }

    @Test func transitionRowsMustSumToOne() throws {
        var transitions = Matrix<Double>.identity(5)
        transitions[3, 3] = 0.97
        #expect(throws: MarkovError.transitionRowSum(row: 3, sum: 0.97)) {
            try MarkovChain(startProbabilities: [1, 0, 0, 0, 0], transitions: transitions)
        }
        #expect(MarkovError.transitionRowSum(row: 3, sum: 0.97).description == "transition row 3 sums to 0.9700; rows must sum to 1")
        #expect(MarkovError.startProbabilitiesSum(1.25).description == "start probabilities sum to 1.2500; they must sum to 1")
        // Within the tolerance: accepted as given.
        transitions[3, 3] = 1 - 1e-7
        #expect(try MarkovChain(startProbabilities: [1, 0, 0, 0, 0], transitions: transitions).transitions[3, 3] == 1 - 1e-7)
    }

    @Test func invalidProbabilities() throws {
        var transitions = Matrix<Double>.identity(3)
        transitions[1, 1] = .nan
        do {
            _ = try MarkovChain(startProbabilities: [1, 0, 0], transitions: transitions)
            Issue.record("NaN accepted")
        } catch {
            guard case let .invalidTransition(row, column, value) = error else { Issue.record("\(error)"); return }
            #expect(row == 1 && column == 1 && value.isNaN)
        }
        transitions[1, 1] = 1.5
        transitions[1, 0] = -0.5
        #expect(throws: MarkovError.invalidTransition(row: 1, column: 0, value: -0.5)) {
            try MarkovChain(startProbabilities: [1, 0, 0], transitions: transitions)
        }
        #expect(throws: MarkovError.invalidStartProbability(state: 2, value: -0.1)) {
            try MarkovChain(startProbabilities: [0.6, 0.5, -0.1], transitions: .identity(3))
        }
        #expect(throws: MarkovError.startProbabilitiesSum(0.9)) {
            try MarkovChain(startProbabilities: [0.6, 0.2, 0.1], transitions: .identity(3))
        }
        #expect(throws: MarkovError.shapeMismatch("2 start probabilities but a 3 × 3 transition matrix; it must be 2 × 2")) {
            try MarkovChain(startProbabilities: [0.5, 0.5], transitions: .identity(3))
        }
    }

    /// Left-to-right: backward transitions, over-long jumps and starts after state 0 must be exactly 0.
    @Test func forbiddenEntries() throws {
        let topology = MarkovTopology.leftToRight(maximumJump: 0)
        var transitions = Matrix<Double>(rows: [[0.5, 0.5, 0], [0, 0.5, 0.5], [0, 0, 1]])
        transitions[0, 2] = 1e-30
        transitions[0, 1] = 0.5 - 1e-30
        #expect(throws: MarkovError.forbiddenTransition(row: 0, column: 2, value: 1e-30)) {
            try MarkovChain(startProbabilities: [1, 0, 0], transitions: transitions, topology: topology)
        }
        transitions = Matrix(rows: [[0.5, 0.5, 0], [0.1, 0.4, 0.5], [0, 0, 1]])
        #expect(throws: MarkovError.forbiddenTransition(row: 1, column: 0, value: 0.1)) {
            try MarkovChain(startProbabilities: [1, 0, 0], transitions: transitions, topology: topology)
        }
        #expect(throws: MarkovError.forbiddenStart(state: 1, value: 0.5)) {
            try MarkovChain(startProbabilities: [0.5, 0.5, 0], transitions: Matrix(rows: [[0.5, 0.5, 0], [0, 0.5, 0.5], [0, 0, 1]]),
                            topology: topology)
        }
        #expect(throws: MarkovError.invalidTopology("left-to-right maximumJump must be ≥ 0 (0 = self-loop and next state; got -1)")) {
            try MarkovTopology.leftToRight(maximumJump: -1).structure(stateCount: 3)
        }
        let structure = try MarkovTopology.leftToRight(maximumJump: 1).structure(stateCount: 4)
        #expect(structure.allowsTransition(from: 0, to: 2) && !structure.allowsTransition(from: 0, to: 3))
        #expect(!structure.allowsTransition(from: 2, to: 1) && structure.allowsStart(in: 0) && !structure.allowsStart(in: 1))
    }

    /// A row of zeros is an error by default, an absorbing self-loop on request.
    @Test func emptyRows() throws {
        let transitions = Matrix<Double>(rows: [[0.5, 0.5, 0], [0, 0, 0], [0.3, 0.3, 0.4]])
        #expect(throws: MarkovError.emptyTransitionRow(row: 1)) {
            try MarkovChain(startProbabilities: [1, 0, 0], transitions: transitions)
        }
        #expect(MarkovError.emptyTransitionRow(row: 1).description.contains("EmptyRowPolicy.absorbing"))
        let chain = try MarkovChain(startProbabilities: [1, 0, 0], transitions: transitions,
                                    options: MarkovChainOptions(emptyRows: .absorbing))
        #expect(chain.absorbingRows == [1])
        #expect(chain.transitions[row: 1].elementsEqual([0, 1, 0]))
        // The absorbing state keeps its mass: from state 1 the posterior stays there.
        let logB = Matrix<Double>(rowCount: 6, columnCount: 3, repeating: -1)
        let result = try chain.forwardBackward(logB)
        #expect(result.transitionCounts[1, 0] == 0 && result.transitionCounts[1, 2] == 0)
    }

    /// End states that no path can reach from a start are refused when the chain is built.
    @Test func unreachableEnd() throws {
        let transitions = Matrix<Double>(rows: [[0.5, 0.5, 0], [0.5, 0.5, 0], [0, 0, 1]])
        #expect(throws: MarkovError.self) {
            try MarkovChain(startProbabilities: [1, 0, 0], transitions: transitions, end: .states([2]))
        }
        #expect(throws: MarkovError.invalidTopology("end state 3 is out of range for 3 states")) {
            try MarkovChain(startProbabilities: [1, 0, 0], transitions: transitions, end: .states([3]))
        }
        #expect(throws: MarkovError.invalidTopology("state 1 has no allowed transition; allow at least its self-loop")) {
            try TransitionStructure(allowedTransitions: [[true, true], [false, false]])
        }
    }

    @Test func shapesOfData() throws {
        let chain = try MarkovChain<Double>(uniform: .ergodic, stateCount: 3)
        #expect(throws: MarkovError.stateCountMismatch(model: 3, data: 4, sequence: 0)) {
            try chain.forwardBackward(Matrix(rowCount: 5, columnCount: 4))
        }
        #expect(throws: MarkovError.invalidLengths("lengths sum to 9 but the stacked matrix has 10 rows")) {
            try SequenceBatch(stacked: Matrix<Double>(rowCount: 10, columnCount: 3), lengths: [4, 5])
        }
        #expect(throws: MarkovError.invalidLengths("length 1 is -1; lengths must be ≥ 0")) {
            try SequenceBatch(stacked: Matrix<Double>(rowCount: 10, columnCount: 3), lengths: [11, -1])
        }
        let batch = SequenceBatch([Matrix<Double>(rowCount: 5, columnCount: 3), Matrix(rowCount: 5, columnCount: 2)])
        #expect(throws: MarkovError.stateCountMismatch(model: 3, data: 2, sequence: 1)) { try chain.statistics(of: batch) }
    }
}
