import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

/// How ``HMMTrainer`` makes the first model from data.
public enum HMMInitialization: String, Sendable, Hashable, Codable, CaseIterable {
    /// Flat start by uniform segmentation: each training sequence is cut into S equal parts, part
    /// s giving state s its frames (HTK's HInit, Kaldi's `align-equal`). The default for
    /// left-to-right models.
    case uniformSegmentation = "uniform"
    /// k-means on all frames into S clusters (hmmlearn's `init_params` k-means); for left-to-right
    /// models the clusters are ordered by their mean position in the sequences. The default for
    /// ergodic models.
    case kMeans = "kmeans"
}

/// How the M components of every state's mixture come about.
public enum MixtureGrowth: Sendable, Hashable, Codable {
    /// Each state's mixture is initialised with M components (k-means++ and a few EM iterations
    /// on the state's frames).
    case direct
    /// Each state starts with one Gaussian; every `iterationsPerSplit` Baum-Welch iterations the
    /// mixtures double (splitting the heaviest component, HTK's `HHEd MU`) until M is reached.
    case splitting(iterationsPerSplit: Int)
}

/// Trains a ``/HMMKitMarkov/GMMHMM`` (or ``/HMMKitMarkov/GaussianHMM``, M = 1) from sequences: initialisation, then
/// Baum-Welch. A configuration value; the same seed gives the same model.
///
/// ```swift
/// var trainer = HMMTrainer<Double>(stateCount: 5, componentsPerState: 3, covarianceType: .diagonal,
///                                  topology: .leftToRight(maximumJump: 0))
/// trainer.baumWelch.iterationCount = 20
/// let fit = try trainer.fit(frames, lengths: lengths)   // hmmlearn: GMMHMM(5, 3).fit(X, lengths)
/// ```
public struct HMMTrainer<Scalar: MatrixScalar>: Sendable {
    /// States, S.
    public var stateCount: Int
    /// Mixture components per state, M (1: a Gaussian HMM).
    public var componentsPerState: Int
    /// The covariance structure of every component.
    public var covarianceType: CovarianceType
    /// Allowed transitions and starts.
    public var topology: MarkovTopology
    /// Allowed end states (nil: the topology's default — the last state for left-to-right).
    public var endCondition: EndCondition? = nil
    /// How the first model is made (nil: uniform segmentation for left-to-right, k-means otherwise).
    public var initialization: HMMInitialization? = nil
    /// How mixtures reach M components.
    public var mixtureGrowth: MixtureGrowth = .direct
    /// Baum-Welch's options (iterations, tolerance, threads, update).
    public var baumWelch = BaumWelchOptions()
    /// The seed of every random choice (k-means++ seeds, fallback means).
    public var seed: UInt64 = 0
    /// The backend of the emission densities.
    public var backend: ComputeBackend = .default

    /// A trainer of `stateCount` states with `componentsPerState` components of `covarianceType`
    /// each, connected by `topology`; every other option at its default.
    public init(stateCount: Int, componentsPerState: Int = 1, covarianceType: CovarianceType = .diagonal,
                topology: MarkovTopology = .ergodic) {
        self.stateCount = stateCount
        self.componentsPerState = componentsPerState
        self.covarianceType = covarianceType
        self.topology = topology
    }

    /// The initialisation actually used.
    public var resolvedInitialization: HMMInitialization {
        if let initialization { return initialization }
        if case .leftToRight = topology { return .uniformSegmentation }
        return .kMeans
    }

    /// Initialises, then runs Baum-Welch (``HMMKitMarkov/HiddenMarkovModel/fitted(to:lengths:options:progress:)``
    /// on ``EMDriver``).
    /// - Parameters:
    ///   - frames: stacked frames `[N × D]`.
    ///   - lengths: frames per sequence, summing to N.
    ///   - progress: called after every Baum-Welch iteration.
    /// - Throws: ``/HMMKitMarkov/HMMError`` for bad options or data (non-finite frames, sequences too short for
    ///   the topology, fewer frames than parameters can be estimated from).
    public func fit(_ frames: Matrix<Scalar>, lengths: [Int],
                    progress: ((EMProgress<HMMUpdateReport>) -> Void)? = nil) throws(HMMError) -> HMMFit<MixtureEmissions<Scalar>> {
        let start = try initialModel(frames, lengths: lengths)
        var options = baumWelch
        options.mixtureSplits = try mixtureSplitSchedule()
        return try start.fitted(to: frames, lengths: lengths, options: options, progress: progress)
    }

    /// The driver that trains this trainer's models from ``initialModel(_:lengths:)``:
    /// ``baumWelch`` with the mixture-split schedule of ``mixtureGrowth``
    /// (``BaumWelchOptions/driver()``).
    /// - Throws: ``/HMMKitMarkov/HMMError/invalidArgument(_:)`` for a split interval below 1.
    public func driver() throws(HMMError) -> EMDriver<GMMHMM<Scalar>> {
        var options = baumWelch
        options.mixtureSplits = try mixtureSplitSchedule()
        return options.driver()
    }

    /// The Baum-Welch iterations (0-based) before which mixtures grow, and to how many components
    /// (``BaumWelchOptions/mixtureSplits``): empty unless ``mixtureGrowth`` is splitting.
    /// - Throws: ``/HMMKitMarkov/HMMError/invalidArgument(_:)`` for a split interval below 1.
    public func mixtureSplitSchedule() throws(HMMError) -> [Int: Int] {
        var splits = baumWelch.mixtureSplits
        if case .splitting(let every) = mixtureGrowth, componentsPerState > 1 {
            guard every >= 1 else { throw .invalidArgument("iterationsPerSplit must be ≥ 1 (got \(every))") }
            var count = 1, iteration = every
            while count < componentsPerState {
                count = min(2 * count, componentsPerState)
                splits[iteration] = count
                iteration += every
            }
        }
        return splits
    }

    /// ``fit(_:lengths:progress:)`` on separate sequences.
    public func fit(_ sequences: [Matrix<Scalar>], progress: ((EMProgress<HMMUpdateReport>) -> Void)? = nil) throws(HMMError)
        -> HMMFit<MixtureEmissions<Scalar>>
    {
        let (frames, lengths) = try stack(sequences)
        return try fit(frames, lengths: lengths, progress: progress)
    }

    /// The model Baum-Welch starts from: the chain from the topology (left-to-right: self-loop
    /// `1 − 1/d̄` for an average of d̄ frames per state, the rest shared by the allowed forward
    /// jumps; otherwise uniform over the allowed transitions and starts) and each state's mixture
    /// estimated from the frames the initialisation gives it (a state with too few frames gets
    /// the global mean and covariance, its means drawn from the data).
    /// - Throws: as ``fit(_:lengths:progress:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func initialModel(_ frames: Matrix<Scalar>, lengths: [Int]) throws(HMMError) -> GMMHMM<Scalar> {
        guard stateCount >= 1, componentsPerState >= 1 else {
            throw .invalidArgument("need at least one state and one component (got \(stateCount) and \(componentsPerState))")
        }
        let chain = try initialChain(lengths: lengths)
        _ = try SequenceLayout(lengths: lengths, rows: frames.rowCount, chain: chain)
        guard frames.columnCount >= 1 else { throw .shapeMismatch("frames have no columns") }
        if let (row, column, value) = frames.firstUnusableValue() {
            var sequence = 0, first = 0
            while first + lengths[sequence] <= row { first += lengths[sequence]; sequence += 1 }
            throw .nonFiniteData(sequence: sequence, frame: row - first, column: column, value: value)
        }
        var generator = SplitMix64(seed: seed)
        let assignments = stateAssignments(frames, lengths: lengths, using: &generator)
        let initialComponents: Int
        if case .splitting = mixtureGrowth { initialComponents = 1 } else { initialComponents = componentsPerState }
        var mixtureOptions = GaussianMixtureTrainingOptions(componentCount: initialComponents, covarianceType: covarianceType)
        mixtureOptions.maxIterations = initialComponents == 1 ? 1 : 10
        mixtureOptions.update.varianceFloor = baumWelch.update.emissions.varianceFloor
        mixtureOptions.backend = backend
        let mixtureTrainer = GaussianMixtureTrainer<Scalar>(options: mixtureOptions)
        var mixtures: [GaussianMixture<Scalar>] = []
        for state in 0..<stateCount {
            let rows = assignments.indices.filter { assignments[$0] == state }
            let minimum = max(initialComponents, 2)
            let data = rows.count >= minimum ? gather(frames, rows: rows) : frames
            do {
                if rows.count >= minimum && initialComponents == 1 {
                    // One Gaussian: the frames' mean and covariance (no k-means needed).
                    mixtures.append(try mixtureTrainer.modelFromAssignments(data, assignments: [Int](repeating: 0, count: data.rowCount)))
                } else if rows.count >= minimum {
                    mixtures.append(try mixtureTrainer.fit(data, initialization: .kMeansPlusPlus, using: &generator).model)
                } else {
                    // Too few frames: global covariance, means drawn at random from all frames.
                    mixtures.append(try mixtureTrainer.initialModel(frames, initialization: .randomFromData, using: &generator))
                }
            } catch { throw .emission(state: state, error) }
        }
        return try GMMHMM(chain: chain, mixtures: mixtures, backend: backend)
    }

    /// Throws unless the state and component counts lie within ``InputLimits`` (an `S × S`
    /// chain and `S · M` components are allocated from them).
    func checkSizes() throws(HMMError) {
        guard (1...InputLimits.maximumStateCount).contains(stateCount) else {
            throw .invalidArgument("the state count is \(stateCount); it must lie in 1…\(InputLimits.maximumStateCount)")
        }
        guard (1...InputLimits.maximumComponentCount).contains(componentsPerState) else {
            throw .invalidArgument("the components per state are \(componentsPerState); they must lie in "
                + "1…\(InputLimits.maximumComponentCount)")
        }
    }

    /// The chain Baum-Welch starts from (see ``initialModel(_:lengths:)``).
    public func initialChain(lengths: [Int]) throws(HMMError) -> MarkovChain<Scalar> {
        try checkSizes()
        let s = stateCount
        let structure: TransitionStructure
        do { structure = try topology.structure(stateCount: s) } catch { throw .markov(error) }
        let starts = (0..<s).filter { structure.allowsStart(in: $0) }
        var start = [Scalar](repeating: 0, count: s)
        for state in starts { start[state] = 1 / Scalar(starts.count) }
        var transitions = Matrix<Scalar>(rowCount: s, columnCount: s)
        let averageLength = Double(lengths.reduce(0, +)) / Double(max(lengths.count, 1))
        let framesPerState = max(averageLength / Double(s), 1)
        for i in 0..<s {
            let allowed = (0..<s).filter { structure.allowedTransitions[i * s + $0] }
            guard !allowed.isEmpty else { continue }
            if case .leftToRight = topology, allowed.contains(i), allowed.count > 1 {
                let stay = min(max(1 - 1 / framesPerState, 0.5), 0.95)
                for j in allowed { transitions[i, j] = Scalar(j == i ? stay : (1 - stay) / Double(allowed.count - 1)) }
            } else {
                for j in allowed { transitions[i, j] = 1 / Scalar(allowed.count) }
            }
        }
        do {
            return try MarkovChain(startProbabilities: start, transitions: transitions, topology: topology,
                                   end: endCondition ?? topology.defaultEndCondition,
                                   options: MarkovChainOptions(emptyRows: .absorbing))
        } catch { throw .markov(error) }
    }

    /// The state each frame initialises.
    func stateAssignments<G: RandomNumberGenerator>(_ frames: Matrix<Scalar>, lengths: [Int], using generator: inout G) -> [Int] {
        let s = stateCount
        var assignments = [Int](repeating: 0, count: frames.rowCount)
        switch resolvedInitialization {
        case .uniformSegmentation:
            var row = 0
            for length in lengths {
                for t in 0..<length { assignments[row + t] = min(t * s / max(length, 1), s - 1) }
                row += length
            }
        case .kMeans:
            let k = min(s, frames.rowCount)
            let (_, clusters) = KMeans.centres(frames, k: k, backend: backend, using: &generator)
            assignments = clusters
            if case .leftToRight = topology {
                // Order clusters by their mean relative position in the sequences.
                var position = [Double](repeating: 0, count: k), count = [Double](repeating: 0, count: k)
                var row = 0
                for length in lengths {
                    for t in 0..<length {
                        position[clusters[row + t]] += Double(t) / Double(max(length - 1, 1))
                        count[clusters[row + t]] += 1
                    }
                    row += length
                }
                let order = (0..<k).sorted { position[$0] / max(count[$0], 1) < position[$1] / max(count[$1], 1) }
                var rank = [Int](repeating: 0, count: k)
                for (index, cluster) in order.enumerated() { rank[cluster] = index }
                assignments = clusters.map { rank[$0] }
            }
        }
        return assignments
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func gather(_ frames: Matrix<Scalar>, rows: [Int]) -> Matrix<Scalar> {
        let d = frames.columnCount
        var result = Matrix<Scalar>(rowCount: rows.count, columnCount: d)
        frames.withUnsafeElements { source in
            result.withUnsafeMutableElements { target in
                for (index, row) in rows.enumerated() {
                    (target.baseAddress! + index * d).update(from: source.baseAddress! + row * d, count: d)
                }
            }
        }
        return result
    }
}
