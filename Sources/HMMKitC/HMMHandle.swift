import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTraining

/// hmmlearn's fit options as `hmmkit_fit_options` lays them out (C struct, all fields 8 bytes).
struct FitOptions {
    var iterationCount: Int64
    var tolerance: Double
    var implementation: Int64
    /// Bit set of `HMMKIT_PARAM_*`: 1 start, 2 transitions, 4 weights, 8 means, 16 covariances.
    var parameters: Int64
    /// 0: hmmlearn GaussianHMM's M-step; 1: GMMHMM's.
    var estimator: Int64
    var threadCount: Int64
    var startPrior: Double
    var transitionPrior: Double
    var weightsPrior: Double
    var meansPrior: Double
    var meansWeight: Double
    /// NaN: hmmlearn's default for the estimator and covariance type.
    var covariancePrior: Double
    var covarianceWeight: Double
}

/// A GMM-HMM behind an opaque `hmmkit_hmm *`: the model in the caller's precision, replaced by
/// each fit; a lock keeps two threads from using one handle at once.
final class HMMHandle: @unchecked Sendable {
    let elementType: ElementType
    private let lock = NSLock()
    private var double: GMMHMM<Double>?
    private var single: GMMHMM<Float>?

    init(_ model: GMMHMM<Double>) { elementType = .float64; double = model }
    init(_ model: GMMHMM<Float>) { elementType = .float32; single = model }

    /// The model's shape: states, components per state, dimension, covariance type.
    var shape: (states: Int, components: Int, dimension: Int, type: CovarianceType) {
        lock.withLock {
            if let double { return (double.stateCount, double.componentsPerState, double.dimension, double.covarianceType) }
            let m = single!
            return (m.stateCount, m.componentsPerState, m.dimension, m.covarianceType)
        }
    }

    /// Runs `body` on the model in its precision, with the lock held; a returned model replaces it.
    func with<R>(_ body: (any HMMAccess) throws -> (R, (any HMMAccess)?)) throws -> R {
        try lock.withLock {
            if let double {
                let (result, replacement) = try body(HMMBox(model: double))
                if let replacement { self.double = (replacement as! HMMBox<Double>).model }
                return result
            }
            let (result, replacement) = try body(HMMBox(model: single!))
            if let replacement { self.single = (replacement as! HMMBox<Float>).model }
            return result
        }
    }
}

/// What the exported functions do with a model, whatever its precision.
protocol HMMAccess {
    func parameters() -> (start: [Double], transitions: [Double], weights: [Double], means: [Double], covariances: [Double])
    func fit(_ data: UnsafeRawPointer, type: ElementType, rows: Int, lengths: [Int], options: FitOptions) throws -> (HMMFitSummary, any HMMAccess)
    func logLikelihoods(_ data: UnsafeRawPointer?, type: ElementType, rows: Int, lengths: [Int], implementation: ForwardBackwardImplementation) throws -> [Double]
    func posteriors(_ data: UnsafeRawPointer?, type: ElementType, rows: Int, lengths: [Int], implementation: ForwardBackwardImplementation,
                    into output: UnsafeMutableRawPointer?) throws
    func emissionLogLikelihoods(_ data: UnsafeRawPointer?, type: ElementType, rows: Int, into output: UnsafeMutableRawPointer?) throws
    func viterbi(_ data: UnsafeRawPointer?, type: ElementType, rows: Int, lengths: [Int]) throws -> [ViterbiPath]
    /// The chain's topology and allowed end states (`[S]`).
    func chainStructure() -> (topology: MarkovTopology, endStates: [Bool])
    /// The same parameters under another topology and end condition (validated as a new chain).
    func rechained(topology: MarkovTopology, end: EndCondition) throws -> any HMMAccess
    /// Writes the model file (`HMMKit.HiddenMarkovModel`) atomically.
    func save(to url: URL) throws
}

/// What a fit reports back: the log-likelihood of every iteration and whether the tolerance was met.
struct HMMFitSummary {
    var history: [Double]
    var converged: Bool
}

/// A model of precision `S` behind ``HMMAccess``.
struct HMMBox<S: MatrixScalar>: HMMAccess {
    let model: GMMHMM<S>

    func parameters() -> (start: [Double], transitions: [Double], weights: [Double], means: [Double], covariances: [Double]) {
        let covariances = model.mixtures.flatMap { flattened($0.covariances) }
        return (model.chain.startProbabilities.map(Double.init), model.chain.transitions.elements.map(Double.init),
                model.weights.elements.map(Double.init), model.means.elements.map(Double.init), covariances)
    }

    func frames(_ data: UnsafeRawPointer?, type: ElementType, rows: Int) throws -> Matrix<S> {
        try matrix(data, type: type, rows: rows, columns: model.dimension)
    }

    func fit(_ data: UnsafeRawPointer, type: ElementType, rows: Int, lengths: [Int], options: FitOptions) throws -> (HMMFitSummary, any HMMAccess) {
        guard options.iterationCount >= 0, options.threadCount >= 1 else {
            throw CallError(.invalidArgument, "n_iter must be ≥ 0 and the thread count ≥ 1")
        }
        let update = try updateOptions(options)
        let baumWelch = BaumWelchOptions(iterationCount: Int(options.iterationCount), tolerance: options.tolerance,
                                         implementation: try implementation(Int32(options.implementation)),
                                         threadCount: Int(options.threadCount), update: update)
        let history: [Double], converged: Bool, fitted: GMMHMM<S>
        if rows <= copiedOnceValueLimit / Swift.max(model.dimension, 1) {
            // A small corpus is copied once; the in-memory trainer reads it in place every iteration.
            let fit = try model.fitted(to: frames(data, type: type, rows: rows), lengths: lengths, options: baumWelch)
            (history, converged, fitted) = (fit.history.map(\.logLikelihood), fit.stopReason == .converged, fit.model)
        } else {
            // Streamed from the caller's buffer a chunk at a time: memory beyond the caller's data
            // stays a few chunks whatever the corpus size.
            var driver: EMDriver<GMMHMM<S>> = baumWelch.driver()
            driver.options.chunking = ChunkingPolicy()
            let source = BorrowedSequences<S>(data: data, type: type, dimension: model.dimension, lengths: lengths)
            let fit = try driver.train(from: .fresh(model), source: source, progress: nil)
            (history, converged, fitted) = (fit.history.map(\.logLikelihood), fit.stopReason == .converged, fit.model)
        }
        return (HMMFitSummary(history: history, converged: converged), HMMBox(model: fitted))
    }

    /// hmmlearn's M-step with the caller's priors.
    private func updateOptions(_ options: FitOptions) throws(CallError) -> HMMUpdateOptions {
        var emissions: GaussianMixtureUpdateOptions
        switch options.estimator {
        case 0:
            emissions = .hmmlearnGaussianHMM
            var priors = GaussianHMMPriors(meansPrior: options.meansPrior, meansWeight: options.meansWeight)
            if !options.covariancePrior.isNaN { priors.covariancePrior = options.covariancePrior }
            if !options.covarianceWeight.isNaN { priors.covarianceWeight = options.covarianceWeight }
            emissions.estimator = .hmmlearnGaussianHMM(priors)
        case 1:
            emissions = .hmmlearnGMMHMM
            emissions.estimator = .hmmlearnGMMHMM(GMMHMMPriors(
                weightsPrior: options.weightsPrior, meansPrior: options.meansPrior, meansWeight: options.meansWeight,
                covariancePrior: options.covariancePrior.isNaN ? nil : options.covariancePrior,
                covarianceWeight: options.covarianceWeight.isNaN ? nil : options.covarianceWeight))
        default:
            throw CallError(.invalidArgument, "unknown estimator code \(options.estimator)")
        }
        return HMMUpdateOptions(parameters: HMMParameters(rawValue: Int(options.parameters) & HMMParameters.all.rawValue),
                                emissions: emissions, startPrior: options.startPrior, transitionPrior: options.transitionPrior)
    }

    func logLikelihoods(_ data: UnsafeRawPointer?, type: ElementType, rows: Int, lengths: [Int],
                        implementation: ForwardBackwardImplementation) throws -> [Double] {
        try model.logLikelihoods(of: frames(data, type: type, rows: rows), lengths: lengths, implementation: implementation)
    }

    func posteriors(_ data: UnsafeRawPointer?, type: ElementType, rows: Int, lengths: [Int], implementation: ForwardBackwardImplementation,
                    into output: UnsafeMutableRawPointer?) throws {
        let result = try model.predictProbabilities(frames(data, type: type, rows: rows), lengths: lengths, implementation: implementation)
        store(result.elements, into: output, type: type)
    }

    func emissionLogLikelihoods(_ data: UnsafeRawPointer?, type: ElementType, rows: Int, into output: UnsafeMutableRawPointer?) throws {
        store(try model.emissionLogLikelihoods(frames(data, type: type, rows: rows)).elements, into: output, type: type)
    }

    func viterbi(_ data: UnsafeRawPointer?, type: ElementType, rows: Int, lengths: [Int]) throws -> [ViterbiPath] {
        try model.decode(frames(data, type: type, rows: rows), lengths: lengths)
    }

    func chainStructure() -> (topology: MarkovTopology, endStates: [Bool]) {
        (model.chain.topology, model.chain.endStates)
    }

    func rechained(topology: MarkovTopology, end: EndCondition) throws -> any HMMAccess {
        let chain = try MarkovChain(startProbabilities: model.chain.startProbabilities, transitions: model.chain.transitions,
                                    topology: topology, end: end)
        return HMMBox(model: try GMMHMM(chain: chain, mixtures: model.mixtures))
    }

    func save(to url: URL) throws {
        try model.save(to: url)
    }
}

/// The most frame values (rows × dimension) a fit copies once into its own stacked matrix, read
/// in place by every iteration (64 MiB of Double): beyond it, the frames are streamed from the
/// caller's buffer (``BorrowedSequences``), so a large fit never holds a second copy of its data.
let copiedOnceValueLimit = 8 << 20

/// The caller's stacked frames as a ``SequenceSource``: each sequence copied out of the buffer
/// when the E-step asks for it, so a fit never holds a second copy of the whole corpus. The
/// buffer must stay alive and unchanged for the duration of the call (the exported function's).
struct BorrowedSequences<S: MatrixScalar>: SequenceSource, @unchecked Sendable {
    typealias Scalar = S
    let data: UnsafeRawPointer
    let type: ElementType
    let dimension: Int
    let lengths: [Int]
    let offsets: [Int]

    init(data: UnsafeRawPointer, type: ElementType, dimension: Int, lengths: [Int]) {
        self.data = data
        self.type = type
        self.dimension = dimension
        self.lengths = lengths
        var offsets: [Int] = []
        var row = 0
        for length in lengths {
            offsets.append(row)
            row += length
        }
        self.offsets = offsets
    }

    var namesSequences: Bool { false }

    func forEachSequence(in shard: SequenceShard, _ body: (SequenceRecord<S>) throws -> Void) throws {
        let width = type == .float64 ? MemoryLayout<Double>.stride : MemoryLayout<Float>.stride
        for index in lengths.indices where shard.contains(index) {
            let start = data + offsets[index] * dimension * width
            let frames: Matrix<S> = try matrix(start, type: type, rows: lengths[index], columns: dimension)
            try body(SequenceRecord(index: index, name: String(index), frames: frames))
        }
    }
}
