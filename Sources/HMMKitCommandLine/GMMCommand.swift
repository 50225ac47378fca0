import ArgumentParser
import Foundation
import HMMKit

extension CovarianceType: ExpressibleByArgument {}

/// `hmmkit gmm`: Gaussian mixture models on feature matrices.
struct GMMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gmm", abstract: "Fit and score Gaussian mixture models on feature matrices (.npy, Kaldi .ark/.scp).",
        subcommands: [GMMFit.self, GMMScore.self])
}

/// `--init` values.
enum MixtureInitOption: String, ExpressibleByArgument, CaseIterable {
    case kmeansPlusPlus = "kmeans++"
    case random, split
}

struct GMMFit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a Gaussian mixture to feature matrices (frames × dims) by EM and save it as JSON.",
        discussion: """
            Progress (iteration, mean log-likelihood per frame, seconds) goes to stderr; with --json a \
            summary goes to stdout. Exit codes: 0 fitted, 1 the data or the fit failed, 64 bad usage.
            """)

    @Argument(help: "Training data, all stacked: .npy matrices (one frame per row), folders of them, Kaldi archives (x.ark, ark:x) or script files (x.scp, scp:x).")
    var data: [String]
    @Option(help: "Number of components K.")
    var components: Int
    @Option(help: "Covariance structure: full, diag, spherical or tied.")
    var covariance: CovarianceType = .diagonal
    @Option(help: "EM iterations at most.")
    var iterations: Int = 100
    @Option(help: "Stop when the mean log-likelihood per frame changes by less than this.")
    var tolerance: Double = 1e-3
    @Option(name: .customLong("init"),
            help: "Initialisation: kmeans++, random (frames as means, global covariance) or split (grow by splitting).")
    var initialization: MixtureInitOption = .kmeansPlusPlus
    @Option(help: "Independent restarts; the best lower bound wins.")
    var restarts: Int = 1
    @Option(help: "Added to every variance (scikit-learn's reg_covar).")
    var regCovar: Double = 1e-6
    @Option(help: "Variance floor as a fraction of the global variance (0 = off).")
    var varianceFloor: Double = 0
    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 0
    @Option(help: "Precision: float or double.")
    var precision: Precision = .double
    @OptionGroup var engine: EngineOptions
    @Option(name: .shortAndLong, help: "The model file to write (JSON).")
    var output: String
    @Option(help: "Draw the log-likelihood per iteration and the first two dimensions with 1σ/2σ ellipses (SVG).")
    var plot: String?
    @OptionGroup var report: ReportOptions
    @OptionGroup(title: "Large corpora") var streaming: StreamingOptions

    func validate() throws {
        try OptionRange.check(components, in: OptionRange.components, "--components")
        try OptionRange.check(iterations, in: OptionRange.iterations, "--iterations")
        try OptionRange.check(restarts, in: 1...InputLimits.maximumRestartCount, "--restarts")
        try OptionRange.check(tolerance, in: OptionRange.nonNegative, "--tolerance")
        try OptionRange.check(regCovar, in: OptionRange.nonNegative, "--reg-covar")
        try OptionRange.check(varianceFloor, in: OptionRange.nonNegative, "--variance-floor")
        if streaming.isStreaming, restarts > 1 || plot != nil {
            throw ValidationError("--restarts and --plot need the whole corpus in memory; drop them to stream (--stream, --mpi, --resume)")
        }
    }

    func run() throws {
        switch precision {
        case .single: try run(Float.self)
        case .double: try run(Double.self)
        }
    }

    /// The training options these arguments describe.
    var trainingOptions: GaussianMixtureTrainingOptions {
        var options = GaussianMixtureTrainingOptions(componentCount: components, covarianceType: covariance)
        options.maxIterations = iterations
        options.tolerance = tolerance
        options.restarts = restarts
        options.update.regCovar = regCovar
        options.update.varianceFloor = varianceFloor > 0 ? varianceFloor : nil
        options.backend = engine.backend
        options.threadCount = engine.threads
        return options
    }

    /// The initialisation `--init` names.
    func mixtureInitialization<S: MatrixScalar>(_: S.Type) -> MixtureInitialization<S> {
        switch initialization {
        case .kmeansPlusPlus: return .kMeansPlusPlus
        case .random: return .randomFromData
        case .split: return .split(iterationsPerSplit: 5)
        }
    }

    private func run<S: MatrixScalar>(_: S.Type) throws {
        try OutputPaths.checkFiles(output, plot)
        if streaming.isStreaming { return try runStreaming(S.self) }
        let sequences = try FeatureFiles.stackedSequences(data, as: S.self, skippingEmpty: true)
        let matrix = sequences.frames
        let options = trainingOptions
        let initialization = mixtureInitialization(S.self)
        var generator = SplitMix64(seed: seed)
        let quiet = report.quiet
        let fit: GaussianMixtureFit<S>
        do {
            fit = try GaussianMixtureTrainer<S>(options: options).fit(matrix, initialization: initialization,
                                                                       using: &generator) { step in
                guard !quiet else { return }
                var line = String(format: "iteration %3d  mean log-likelihood %.6f  %.3f s", step.iteration,
                                  step.meanLogLikelihood, step.seconds)
                if step.report.flooredVarianceCount > 0 { line += "  floored \(step.report.flooredVarianceCount)" }
                if !step.report.starvedComponents.isEmpty {
                    line += "  \(step.report.starvedPolicy == .remove ? "removed" : "re-seeded") \(step.report.starvedComponents)"
                }
                Terminal.info(line)
            }
            try fit.model.save(to: URL(fileURLWithPath: output))
        } catch {
            throw StackedDataErrors.located(error, lengths: sequences.lengths, origins: sequences.origins)
        }
        if let plot {
            do { try MixturePlot.write(fit: fit, data: matrix, to: URL(fileURLWithPath: plot)) } catch {
                throw CommandProblem("\(CommandFailure.message(for: error)) (the model was written to \(output))")
            }
        }
        let seconds = fit.history.map(\.seconds)
        if report.json {
            try Terminal.printJSON(GMMFitSummary(
                iterations: fit.iterationCount, converged: fit.converged,
                finalMeanLogLikelihood: fit.lowerBound, secondsPerIteration: seconds,
                components: fit.model.componentCount, covariance: covariance.rawValue,
                frames: matrix.rowCount, dimension: matrix.columnCount))
        } else if !report.quiet {
            Terminal.info("\(fit.converged ? "converged" : "stopped") after \(fit.iterationCount) iterations, "
                + String(format: "mean log-likelihood %.6f; model written to %@", fit.lowerBound, output))
        }
    }
}

struct GMMScore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Mean log-likelihood per frame of feature matrices under a saved mixture.",
        discussion: "Prints the score on stdout (or JSON with --json). Exit codes: 0 scored, 1 unreadable model or data.")

    @Argument(help: "The model file (JSON from `hmmkit gmm fit`).")
    var model: String
    @Argument(help: "The data, all stacked: .npy matrices, folders of them, Kaldi archives (.ark, ark:) or script files (.scp, scp:).")
    var data: [String]
    @Flag(help: "Also print per-frame log-likelihoods, as JSON.")
    var json = false

    func run() throws {
        let mixture = try GaussianMixture<Double>.load(from: URL(fileURLWithPath: model))
        let sequences = try loadSequences(data, as: Double.self)
        let matrix = sequences.frames
        let samples: [Double]
        do { samples = try mixture.scoreSamples(matrix) } catch {
            throw StackedDataErrors.located(error, lengths: sequences.lengths, origins: sequences.origins)
        }
        let mean = samples.reduce(0, +) / Double(max(samples.count, 1))
        if json {
            try Terminal.printJSON(GMMScores(frames: samples.count, meanLogLikelihood: mean, frameLogLikelihoods: samples))
        } else {
            print(String(format: "%.10g", mean))
        }
    }
}

/// The `--plot` picture of `hmmkit gmm fit`: the log-likelihood curve beside the data's first two
/// dimensions coloured by component, with each component's 1σ and 2σ ellipses.
enum MixturePlot {
    static func write<S: MatrixScalar>(fit: GaussianMixtureFit<S>, data: Matrix<S>, to url: URL) throws {
        let curve = LinePlot(series: [LineSeries(name: "mean log-likelihood", values: fit.history.map(\.meanLogLikelihood))],
                             title: "EM progress", xLabel: "Iteration", yLabel: "Mean log-likelihood per frame",
                             legend: .hidden, figure: Figure(width: 520, height: 440))
        var panels = [curve.render()]
        if data.columnCount >= 2 {
            let model = fit.model
            let shown = min(data.rowCount, 5000)  // a readable, bounded picture
            let step = max(data.rowCount / shown, 1)
            let rows = Array(stride(from: 0, to: data.rowCount, by: step))
            let subset = Matrix(rows: rows.map { Array(data[row: $0]) })
            let labels = try model.predict(subset)
            var ellipses: [CovarianceEllipse] = []
            for c in 0..<model.componentCount {
                let covariance = model.covariances.matrix(component: c, dimension: model.dimension)
                let block = [[Double(covariance[0, 0]), Double(covariance[0, 1])], [Double(covariance[1, 0]), Double(covariance[1, 1])]]
                let centre = PlotPoint(x: Double(model.means[c, 0]), y: Double(model.means[c, 1]))
                ellipses.append(CovarianceEllipse(center: centre, covariance: block, sigmaCount: 1, group: c))
                ellipses.append(CovarianceEllipse(center: centre, covariance: block, sigmaCount: 2, group: c, dashed: true))
            }
            let scatter = ScatterPlot(points: (0..<subset.rowCount).map { PlotPoint(x: Double(subset[$0, 0]), y: Double(subset[$0, 1])) },
                                      classes: labels, classNames: (0..<model.componentCount).map { "component \($0)" },
                                      ellipses: ellipses, title: "Dimensions 0 and 1 by component (1σ, 2σ)",
                                      xLabel: "x₀", yLabel: "x₁", equalAspect: false, figure: Figure(width: 620, height: 440))
            panels.append(scatter.render())
        }
        try SVGDocument.sideBySide(panels, title: "Gaussian mixture fit").write(to: url)
    }
}
