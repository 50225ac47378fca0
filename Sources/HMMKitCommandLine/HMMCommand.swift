import ArgumentParser
import Foundation
import HMMKit

/// `hmmkit hmm`: hidden Markov models with Gaussian-mixture emissions on feature sequences.
struct HMMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hmm", abstract: "Train, score and decode GMM-HMMs on .npy feature sequences (one file = one sequence).",
        subcommands: [HMMFitCommand.self, HMMScoreCommand.self, HMMDecodeCommand.self])
}

/// `--topology` values.
enum TopologyOption: String, ExpressibleByArgument, CaseIterable {
    case ergodic
    case leftToRight = "left-to-right"

    /// The topology this option and `--max-jump` name (an ergodic chain has no jump).
    func markovTopology(maximumJump: Int) -> MarkovTopology {
        self == .ergodic ? .ergodic : .leftToRight(maximumJump: maximumJump)
    }
}

extension HMMInitialization: ExpressibleByArgument {}

/// The sequences of the inputs (``FeatureFiles``: .npy files, folders, Kaldi archives and
/// script files), stacked: the frames, the lengths and where each sequence comes from.
func loadSequences<S: MatrixScalar>(_ inputs: [String], as _: S.Type) throws -> StackedSequences<S> {
    try FeatureFiles.stackedSequences(inputs, as: S.self)
}

struct HMMFitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Train a GMM-HMM by Baum-Welch on .npy sequences and save it as JSON.",
        discussion: """
            Each .npy file (frames × dims) is one training sequence; folders give all their .npy files. \
            Progress per iteration (log-likelihood per frame, frames per second) goes to stderr; with --json \
            a summary goes to stdout. Exit codes: 0 trained, 1 the data or the training failed, 64 bad usage.
            """)

    @Argument(help: "Training sequences: .npy files (one sequence each), folders of them, Kaldi .ark or .scp files (each matrix one sequence).")
    var data: [String]
    @Option(help: "Number of states S.")
    var states: Int
    @Option(help: "Gaussian components per state M (1 = a Gaussian HMM).")
    var mixtures: Int = 1
    @Option(help: "Covariance structure: full, diag, spherical or tied (one per state).")
    var covariance: CovarianceType = .diagonal
    @Option(help: "Topology: ergodic or left-to-right.")
    var topology: TopologyOption = .leftToRight
    @Option(help: "Left-to-right: the largest forward jump (0 = self-loop and next state only).")
    var maxJump: Int = 0
    @Option(help: "Initialisation: uniform (flat start by uniform segmentation) or kmeans (default: uniform for left-to-right, kmeans for ergodic).")
    var initialization: HMMInitialization?
    @Option(help: "Grow mixtures by splitting every N iterations (0 = initialise all M components at once).")
    var splitEvery: Int = 0
    @Option(help: "Baum-Welch iterations at most.")
    var iterations: Int = 20
    @Option(help: "Stop when the total log-likelihood rises by less than this.")
    var tolerance: Double = 1e-2
    @Option(help: "Variance floor as a fraction of the global variance (0 = off).")
    var varianceFloor: Double = GaussianMixtureUpdateOptions.defaultVarianceFloor
    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 0
    @Option(help: "Precision: float or double.")
    var precision: Precision = .double
    @OptionGroup var engine: EngineOptions
    @Option(name: .shortAndLong, help: "The model file to write (JSON).")
    var output: String
    @OptionGroup var report: ReportOptions
    @OptionGroup(title: "Large corpora") var streaming: StreamingOptions

    func validate() throws {
        try OptionRange.check(states, in: OptionRange.states, "--states")
        try OptionRange.check(mixtures, in: OptionRange.components, "--mixtures")
        try OptionRange.check(iterations, in: OptionRange.iterations, "--iterations")
        try OptionRange.check(maxJump, in: OptionRange.jump, "--max-jump")
        try OptionRange.check(splitEvery, in: 0...InputLimits.maximumIterationCount, "--split-every")
        try OptionRange.check(tolerance, in: OptionRange.finite, "--tolerance")  // negative: never stop early
        try OptionRange.check(varianceFloor, in: OptionRange.nonNegative, "--variance-floor")
    }

    func run() throws {
        switch precision {
        case .single: try run(Float.self)
        case .double: try run(Double.self)
        }
    }

    /// The trainer these options describe.
    func makeTrainer<S: MatrixScalar>(_: S.Type) -> HMMTrainer<S> {
        var trainer = HMMTrainer<S>(stateCount: states, componentsPerState: mixtures, covarianceType: covariance,
                                    topology: topology.markovTopology(maximumJump: maxJump))
        trainer.initialization = initialization
        if splitEvery > 0 { trainer.mixtureGrowth = .splitting(iterationsPerSplit: splitEvery) }
        trainer.baumWelch.iterationCount = iterations
        trainer.baumWelch.tolerance = tolerance
        trainer.baumWelch.threadCount = engine.threads
        trainer.baumWelch.update.emissions.varianceFloor = varianceFloor > 0 ? varianceFloor : nil
        trainer.backend = engine.backend
        trainer.seed = seed
        return trainer
    }

    private func run<S: MatrixScalar>(_: S.Type) throws {
        try OutputPaths.checkFiles(output)
        if streaming.isStreaming { return try runStreaming(S.self) }
        let sequences = try loadSequences(data, as: S.self)
        let (frames, lengths) = (sequences.frames, sequences.lengths)
        let trainer = makeTrainer(S.self)
        let quiet = report.quiet
        let started = Date()
        let fit: HMMFit<MixtureEmissions<S>>
        do {
            fit = try trainer.fit(frames, lengths: lengths) { step in
                guard !quiet else { return }
                let elapsed = Date().timeIntervalSince(started)
                let remaining = elapsed / Double(step.iteration) * Double(step.iterationCount - step.iteration)
                var line = String(format: "iteration %3d/%d  log-likelihood per frame %.6f  %.0f frames/s  elapsed %.1f s  at most %.1f s left",
                                  step.iteration, step.iterationCount, step.meanLogLikelihood,
                                  step.record.frameCount / max(step.seconds, 1e-9), elapsed, remaining)
                if step.report.emissions.flooredVarianceCount > 0 { line += "  floored \(step.report.emissions.flooredVarianceCount)" }
                if !step.report.emissions.starvedComponents.isEmpty {
                    line += "  kept starved \(step.report.emissions.starvedComponents.map(\.description).joined(separator: ", "))"
                }
                Terminal.info(line)
            }
            try fit.model.save(to: URL(fileURLWithPath: output))
        } catch {
            throw StackedDataErrors.located(error, origins: sequences.origins)
        }
        let frameCount = Double(frames.rowCount)
        if report.json {
            try Terminal.printJSON(HMMFitSummary(
                iterations: fit.history.count, converged: fit.converged,
                logLikelihoodHistory: fit.logLikelihoodHistory,
                finalLogLikelihoodPerFrame: (fit.logLikelihoodHistory.last ?? -.infinity) / frameCount,
                states: states, mixtures: mixtures, covariance: covariance.rawValue,
                sequences: lengths.count, frames: frames.rowCount, parameters: fit.model.parameterCount,
                seconds: Date().timeIntervalSince(started)))
        } else if !quiet {
            Terminal.info("\(fit.converged ? "converged" : "stopped at the iteration limit") after \(fit.history.count) "
                + String(format: "iterations, log-likelihood per frame %.6f; model written to %@",
                         (fit.logLikelihoodHistory.last ?? -.infinity) / frameCount, output))
        }
    }
}

/// The arguments `hmm score` and `hmm decode` share: a saved model and the sequences to run it on.
struct SavedModelInputs: ParsableArguments {
    @Argument(help: "The model file (JSON from `hmmkit hmm fit`).")
    var model: String
    @Argument(help: "Sequences: .npy files, folders of them, Kaldi .ark or .scp files.")
    var data: [String]
    @OptionGroup var engine: EngineOptions
    @Flag(help: "Print JSON on stdout.")
    var json = false

    /// Loads the model and the sequences and runs `body`; model, data and engine errors propagate
    /// typed (``CommandFailure``: one message, exit 1).
    func run(_ body: (GMMHMM<Double>, Matrix<Double>, [Int], [String]) throws -> Void) throws {
        let hmm = try GMMHMM<Double>.load(from: URL(fileURLWithPath: model), backend: engine.backend)
        let sequences = try loadSequences(data, as: Double.self)
        do { try body(hmm, sequences.frames, sequences.lengths, sequences.names) } catch let error as HMMError {
            throw StackedDataErrors.located(error, origins: sequences.origins)
        }
    }
}

struct HMMScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Log-likelihood of each sequence under a saved HMM.",
        discussion: "Prints `log-likelihood  frames  file` per sequence (or JSON with --json). Exit codes: 0 scored, 1 unreadable model or data.")

    @OptionGroup var inputs: SavedModelInputs

    func run() throws {
        try inputs.run { hmm, frames, lengths, paths in
            let scores = try hmm.logLikelihoods(of: frames, lengths: lengths, threadCount: inputs.engine.threads)
            if inputs.json {
                try Terminal.printJSON(HMMScores(files: paths, frames: lengths, logLikelihoods: scores, total: scores.reduce(0, +)))
            } else {
                for (index, path) in paths.enumerated() { print(String(format: "%.10g\t%d\t%@", scores[index], lengths[index], path)) }
            }
        }
    }
}

struct HMMDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Most probable state path (Viterbi) of each sequence under a saved HMM.",
        discussion: "Prints `file  log-probability  s0 s1 …` per sequence (or JSON with --json). Exit codes: 0 decoded, 1 unreadable model or data.")

    @OptionGroup var inputs: SavedModelInputs

    func run() throws {
        try inputs.run { hmm, frames, lengths, paths in
            let decoded = try hmm.decode(frames, lengths: lengths, threadCount: inputs.engine.threads)
            if inputs.json {
                try Terminal.printJSON(HMMDecodings(files: paths, logProbabilities: decoded.map(\.logProbability),
                                                    paths: decoded.map(\.states)))
            } else {
                for (index, path) in paths.enumerated() {
                    print("\(path)\t\(String(format: "%.10g", decoded[index].logProbability))\t"
                        + decoded[index].states.map(String.init).joined(separator: " "))
                }
            }
        }
    }
}
