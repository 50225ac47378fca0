import HMMKitTraining
import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Training, invariants and persistence of ``GMMHMM`` on the real FSDD MFCC frames of the
/// hmmlearn fixtures (20 sequences, 904 frames of 39 dimensions).
@Suite("GMM-HMM training and invariants")
struct HiddenMarkovModelTests {
    static func trainer(_ type: CovarianceType, mixtures: Int = 2, topology: MarkovTopology = .leftToRight(maximumJump: 0),
                        iterations: Int = 6) -> HMMTrainer<Double> {
        var trainer = HMMTrainer<Double>(stateCount: 4, componentsPerState: mixtures, covarianceType: type, topology: topology)
        trainer.baumWelch.iterationCount = iterations
        trainer.baumWelch.tolerance = -.infinity
        trainer.seed = 7
        return trainer
    }

    /// Every covariance type trains from a flat start: the log-likelihood never decreases (up to
    /// 1e-9 relative rounding), parameters stay finite, forbidden transitions stay exactly zero
    /// and rows sum to one.
    @Test(arguments: CovarianceType.allCases, [MarkovTopology.leftToRight(maximumJump: 1), .ergodic])
    func trainingIsMonotoneAndKeepsStructure(type: CovarianceType, topology: MarkovTopology) throws {
        let (frames, lengths) = try HMMLearnFixtures.data()
        let fit = try Self.trainer(type, topology: topology).fit(frames, lengths: lengths)
        let history = fit.logLikelihoodHistory
        #expect(history.count == 6)
        for k in 1..<history.count {
            #expect(history[k] >= history[k - 1] - 1e-9 * abs(history[k - 1]), "\(type) \(topology): \(history)")
        }
        let model = fit.model
        let finite = model.means.elements.allSatisfy { $0.isFinite }
            && HMMLearnFixtures.flatten(model.covariances).allSatisfy { $0.isFinite }
        #expect(finite)
        let structure = try topology.structure(stateCount: 4)
        for i in 0..<4 {
            var sum = 0.0
            for j in 0..<4 {
                if !structure.allowsTransition(from: i, to: j) { #expect(model.chain.transitions[i, j] == 0) }
                sum += model.chain.transitions[i, j]
            }
            #expect(abs(sum - 1) < 1e-12)
        }
        // Scoring after training agrees between the two forward implementations.
        let scaled = try model.logLikelihoods(of: frames, lengths: lengths, implementation: .scaled)
        let logSpace = try model.logLikelihoods(of: frames, lengths: lengths, implementation: .logSpace)
        #expect(relativeError(scaled, logSpace) < 1e-12)
    }

    /// Zeros the user puts in the transition matrix stay exactly zero through training.
    @Test func userZerosStayZero() throws {
        let (frames, lengths) = try HMMLearnFixtures.data()
        var trainer = Self.trainer(.diagonal, mixtures: 1, topology: .ergodic, iterations: 1)
        let initial = try trainer.initialModel(frames, lengths: lengths)
        var transitions = Matrix<Double>(rows: [[0.5, 0.5, 0, 0], [0, 0.5, 0.5, 0], [0.25, 0, 0.5, 0.25], [0.5, 0, 0, 0.5]])
        let chain = try MarkovChain<Double>(startProbabilities: [1, 0, 0, 0], transitions: transitions)
        let model = try GMMHMM(chain: chain, mixtures: initial.mixtures)
        trainer.baumWelch.iterationCount = 5
        let fitted = try model.fitted(to: frames, lengths: lengths, options: trainer.baumWelch).model
        transitions = fitted.chain.transitions
        for (i, j) in [(0, 2), (0, 3), (1, 0), (1, 3), (2, 1), (3, 1), (3, 2)] { #expect(transitions[i, j] == 0) }
        #expect(fitted.chain.startProbabilities[1...].allSatisfy { $0 == 0 })
    }

    /// Statistics of two halves of the data sum to those of the whole (to rounding), threads give
    /// bitwise the same statistics, and scaled and log-space forward-backward agree.
    @Test(arguments: [CovarianceType.diagonal, .full])
    func statisticsAreAdditiveAndThreadIndependent(type: CovarianceType) throws {
        let (frames, lengths) = try HMMLearnFixtures.data()
        let model = try Self.trainer(type, iterations: 2).fit(frames, lengths: lengths).model
        let whole = try model.statistics(of: frames, lengths: lengths)
        let split = 9, rows = lengths[..<split].reduce(0, +)
        let first = try model.statistics(of: frames.rows(0..<rows), lengths: Array(lengths[..<split]))
        let second = try model.statistics(of: frames.rows(rows..<frames.rowCount), lengths: Array(lengths[split...]))
        #expect(relativeError((first + second).values, whole.values) < 1e-12)
        let partition = WorkPartition(chunkCount: 7, framesPerBlock: 100)
        let serial = try model.statistics(of: frames, lengths: lengths, threadCount: 1, partition: partition)
        let threaded = try model.statistics(of: frames, lengths: lengths, threadCount: 3, partition: partition)
        #expect(serial == threaded)
        let logSpace = try model.statistics(of: frames, lengths: lengths, implementation: .logSpace)
        #expect(relativeError(logSpace.values, whole.values) < 1e-10)
        // Separate sequences give the same statistics as the stacked form.
        var offset = 0
        let sequences = lengths.map { length -> Matrix<Double> in
            defer { offset += length }
            return frames.rows(offset..<(offset + length))
        }
        #expect(try model.statistics(of: sequences) == whole)
    }

    /// A 1,000,000-frame sequence (the real frames repeated) scores without underflow: finite,
    /// far below the smallest Double's logarithm (−745), and equal in both implementations.
    @Test func millionFrameSequenceScores() throws {
        let (frames, lengths) = try HMMLearnFixtures.data()
        var trainer = Self.trainer(.diagonal, mixtures: 1, topology: .ergodic, iterations: 2)
        trainer.stateCount = 3
        let model = try trainer.fit(frames, lengths: lengths).model
        let count = 1_000_000, d = frames.columnCount
        var elements: [Double] = []
        elements.reserveCapacity(count * d + frames.elements.count)
        while elements.count < count * d { elements.append(contentsOf: frames.elements) }
        elements.removeLast(elements.count - count * d)
        let long = Matrix(rowCount: count, columnCount: d, elements: elements)
        let scaled = try model.score(long, implementation: .scaled)
        let logSpace = try model.score(long, implementation: .logSpace)
        #expect(scaled.isFinite && scaled < -1e6)
        #expect(relativeError([scaled], [logSpace]) < 1e-10)
    }

    /// Mixture splitting grows every state to M components during training.
    @Test func mixtureSplittingGrowsTheMixtures() throws {
        let (frames, lengths) = try HMMLearnFixtures.data()
        var trainer = Self.trainer(.diagonal, mixtures: 4, iterations: 6)
        trainer.mixtureGrowth = .splitting(iterationsPerSplit: 2)
        let fit = try trainer.fit(frames, lengths: lengths)
        #expect(fit.model.componentsPerState == 4)
        #expect(fit.model.weights.elements.allSatisfy { $0 > 0 && $0.isFinite })
    }

    /// Save and load give the same model (identical scores), in the other precision too.
    @Test func persistenceRoundTrips() throws {
        let folder = try TemporaryFolder()
        let (frames, lengths) = try HMMLearnFixtures.data()
        for type in CovarianceType.allCases {
            let model = try Self.trainer(type, topology: .leftToRight(maximumJump: 1), iterations: 2).fit(frames, lengths: lengths).model
            let url = folder.file("\(type).json")
            try model.save(to: url)
            let loaded = try GMMHMM<Double>.load(from: url)
            #expect(try loaded.logLikelihoods(of: frames, lengths: lengths) == model.logLikelihoods(of: frames, lengths: lengths))
            #expect(loaded.chain.topology == model.chain.topology)
            let single = try GMMHMM<Float>.load(from: url)
            #expect(single.componentsPerState == 2)
        }
    }
}

/// Bad input to GMM-HMMs: each gives a typed error or a documented recovery, never NaN parameters.
@Suite("GMM-HMM robustness")
struct HiddenMarkovModelRobustnessTests {
    static func model(topology: MarkovTopology = .leftToRight(maximumJump: 0)) throws -> GMMHMM<Double> {
        let (frames, lengths) = try HMMLearnFixtures.data()
        var trainer = HMMTrainer<Double>(stateCount: 5, componentsPerState: 1, covarianceType: .diagonal, topology: topology)
        trainer.baumWelch.iterationCount = 2
        return try trainer.fit(frames, lengths: lengths).model
    }

    /// A sequence shorter than a left-to-right model can traverse names the sequence and the minimum.
    @Test func shortSequence() throws {
        let model = try Self.model()
        let (frames, _) = try HMMLearnFixtures.data()
        #expect(throws: HMMError.markov(.sequenceTooShort(sequence: 1, frameCount: 3, minimumFrameCount: 5))) {
            try model.score(frames.rows(0..<13), lengths: [10, 3])
        }
        // Asked to, scoring gives the short sequence −∞ and the other its own score.
        let lenient = try model.logLikelihoods(of: frames.rows(0..<13), lengths: [10, 3], unscorableAsNegativeInfinity: true)
        #expect(lenient[1] == -.infinity)
        #expect(lenient[0] == (try model.score(frames.rows(0..<10))))
        var trainer = HMMTrainer<Double>(stateCount: 5, topology: .leftToRight(maximumJump: 0))
        trainer.baumWelch.iterationCount = 1
        #expect(throws: HMMError.markov(.sequenceTooShort(sequence: 0, frameCount: 4, minimumFrameCount: 5))) {
            try trainer.fit(frames.rows(0..<14), lengths: [4, 10])
        }
    }

    /// A NaN frame is reported with its sequence, frame and column, by scoring and by training.
    @Test func nanFrame() throws {
        let model = try Self.model()
        var (frames, lengths) = try HMMLearnFixtures.data()
        let row = lengths[0] + 7
        frames[row, 4] = .nan
        #expect(throws: HMMError.self) { try model.score(frames, lengths: lengths) }
        do {
            _ = try model.statistics(of: frames, lengths: lengths, threadCount: 2)
            Issue.record("NaN accepted")
        } catch {
            guard case let .nonFiniteData(sequence, frame, column, value) = error else { Issue.record("\(error)"); return }
            #expect(sequence == 1 && frame == 7 && column == 4 && value.isNaN)
        }
        var trainer = HMMTrainer<Double>(stateCount: 3)
        trainer.baumWelch.iterationCount = 1
        #expect(throws: HMMError.self) { try trainer.fit(frames, lengths: lengths) }
    }

    /// A state that receives no frames keeps its parameters (reported as starved), so nothing
    /// becomes NaN; hmmlearn's estimators would divide by zero here.
    @Test func starvedState() throws {
        let trained = try Self.model(topology: .ergodic)
        // State 4 made unreachable: no start, no transition into it.
        var transitions = trained.chain.transitions
        for i in 0..<5 {
            transitions[i, 4] = 0
            let sum = (0..<5).reduce(0.0) { $0 + transitions[i, $1] }
            for j in 0..<5 { transitions[i, j] /= sum }
        }
        var start = trained.chain.startProbabilities
        start[4] = 0
        start = start.map { $0 / start.reduce(0, +) }
        let chain = try MarkovChain(startProbabilities: start, transitions: transitions)
        let model = try GMMHMM(chain: chain, mixtures: trained.mixtures)
        let (frames, lengths) = try HMMLearnFixtures.data()
        for options in [HMMUpdateOptions(), .hmmlearnGaussianHMM, .hmmlearnGMMHMM] {
            let (updated, report) = try model.updated(with: model.statistics(of: frames, lengths: lengths), options: options)
            #expect(report.emissions.starvedComponents.map(\.state) == [4])
            #expect(updated.mixtures[4].means == model.mixtures[4].means)
            let finite = updated.means.elements.allSatisfy { $0.isFinite }
                && HMMLearnFixtures.flatten(updated.covariances).allSatisfy { $0.isFinite }
            #expect(finite)
        }
    }

    /// A transition row the user sets to all zeros is refused by default, or made absorbing.
    @Test func zeroTransitionRow() throws {
        let transitions = Matrix<Double>(rows: [[0.5, 0.5], [0, 0]])
        #expect(throws: MarkovError.emptyTransitionRow(row: 1)) {
            try MarkovChain<Double>(startProbabilities: [1, 0], transitions: transitions)
        }
        let chain = try MarkovChain<Double>(startProbabilities: [1, 0], transitions: transitions,
                                            options: MarkovChainOptions(emptyRows: .absorbing))
        #expect(chain.transitions[1, 1] == 1 && chain.absorbingRows == [1])
    }

    /// Mismatched dimensions and mixtures of different shapes are refused with a message.
    @Test func mismatchedDimensions() throws {
        let model = try Self.model()
        #expect(throws: HMMError.self) { try model.score(Matrix(rowCount: 10, columnCount: 13), lengths: [10]) }
        let a = try GaussianMixture<Double>(weights: [1], means: Matrix(rows: [[0, 0]]), covariances: .diagonal(Matrix(rows: [[1, 1]])))
        let b = try GaussianMixture<Double>(weights: [1], means: Matrix(rows: [[0, 0, 0]]),
                                            covariances: .diagonal(Matrix(rows: [[1, 1, 1]])))
        let chain = try MarkovChain<Double>(startProbabilities: [0.5, 0.5], transitions: Matrix(rows: [[0.5, 0.5], [0.5, 0.5]]))
        #expect(throws: HMMError.self) { try GMMHMM(chain: chain, mixtures: [a, b]) }
        #expect(throws: HMMError.self) { try GMMHMM(chain: chain, mixtures: [a]) }
    }

    /// Unreadable, foreign and newer model files give file errors.
    @Test func badModelFiles() throws {
        let folder = try TemporaryFolder()
        let missing = folder.file("missing.json")
        #expect(throws: HMMError.self) { try GMMHMM<Double>.load(from: missing) }
        let foreign = try folder.write(Array(#"{"format": "HMMKit.GaussianMixture", "version": 1}"#.utf8), to: "gmm.json")
        #expect(throws: HMMError.self) { try GMMHMM<Double>.load(from: foreign) }
        let newer = try folder.write(Array(#"{"format": "HMMKit.HiddenMarkovModel", "version": 99}"#.utf8), to: "new.json")
        do { _ = try GMMHMM<Double>.load(from: newer); Issue.record("newer file accepted") } catch {
            #expect("\(error)".contains("newer"))
        }
        let truncated = try folder.write(Array(#"{"format": "HMMKit.HiddenMarkovModel", "vers"#.utf8), to: "cut.json")
        #expect(throws: HMMError.self) { try GMMHMM<Double>.load(from: truncated) }
    }
}
