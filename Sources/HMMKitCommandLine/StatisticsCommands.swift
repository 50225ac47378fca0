import ArgumentParser
import Foundation
import HMMKit

/// `--shard R/N`: sequences R, R+N, R+2N, … of the data (0-based R).
struct ShardArgument: ExpressibleByArgument {
    let shard: SequenceShard

    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              let shard = try? SequenceShard(index: index, count: count) else { return nil }
        self.shard = shard
    }

    var defaultValueDescription: String { shard.description }
}

/// The M-step options of `hmmkit update`.
struct UpdateArguments: ParsableArguments {
    @Option(help: "Variance floor as a fraction of the global variance (0 = off; default: 1e-3 for an HMM, off for a GMM, as `fit`).")
    var varianceFloor: Double?
    @Option(help: "Added to every variance (scikit-learn's reg_covar).")
    var regCovar: Double = 1e-6

    func validate() throws {
        if let varianceFloor { try OptionRange.check(varianceFloor, in: OptionRange.nonNegative, "--variance-floor") }
        try OptionRange.check(regCovar, in: OptionRange.nonNegative, "--reg-covar")
    }
}

/// A model the statistics commands can work with, whatever its kind and precision.
protocol CommandLineTrainable: EMModel {
    /// The M-step options `arguments` describe, with `fit`'s defaults.
    static func updateOptions(_ arguments: UpdateArguments) -> UpdateOptions
    /// One line about an update, for people.
    static func describe(_ report: UpdateReport) -> String
}

extension HiddenMarkovModel: CommandLineTrainable where Emissions: TrainableEmissions {
    static func updateOptions(_ arguments: UpdateArguments) -> HMMUpdateOptions {
        var options = HMMUpdateOptions()
        options.emissions.regCovar = arguments.regCovar
        let floor = arguments.varianceFloor ?? GaussianMixtureUpdateOptions.defaultVarianceFloor
        options.emissions.varianceFloor = floor > 0 ? floor : nil
        return options
    }

    static func describe(_ report: HMMUpdateReport) -> String {
        var line = report.emissions.flooredVarianceCount > 0 ? "floored \(report.emissions.flooredVarianceCount) variances" : ""
        if !report.emissions.starvedComponents.isEmpty {
            line += (line.isEmpty ? "" : ", ") + "kept starved \(report.emissions.starvedComponents.map(\.description).joined(separator: ", "))"
        }
        return line
    }
}

extension GaussianMixture: CommandLineTrainable {
    static func updateOptions(_ arguments: UpdateArguments) -> GaussianMixtureUpdateOptions {
        var options = GaussianMixtureUpdateOptions()
        options.regCovar = arguments.regCovar
        options.varianceFloor = arguments.varianceFloor.flatMap { $0 > 0 ? $0 : nil }
        return options
    }

    static func describe(_ report: GaussianMixtureUpdateReport) -> String {
        var line = report.flooredVarianceCount > 0 ? "floored \(report.flooredVarianceCount) variances" : ""
        if !report.starvedComponents.isEmpty {
            line += (line.isEmpty ? "" : ", ") + "starved components \(report.starvedComponents) kept their parameters"
        }
        return line
    }
}

/// Model files of either kind and precision.
enum TrainableModelFile {
    /// The model at `path`, in `precision` (default: the file's own).
    static func load(_ path: String, precision: Precision?, backend: ComputeBackend) throws -> any CommandLineTrainable {
        let info = try ModelFileInfo.read(from: URL(fileURLWithPath: path))
        let single = (precision ?? info.precision ?? .double) == .single
        switch info.format {
        case GMMHMM<Double>.fileFormat:
            return single ? try GMMHMM<Float>(fileContents: info.bytes, path: path, backend: backend)
                : try GMMHMM<Double>(fileContents: info.bytes, path: path, backend: backend)
        case GaussianMixture<Double>.fileFormat:
            return single ? try GaussianMixture<Float>(fileContents: info.bytes, path: path, backend: backend)
                : try GaussianMixture<Double>(fileContents: info.bytes, path: path, backend: backend)
        default:
            throw TrainingError.file(path: path, problem: .content("a \(info.format) file; acc and update take an HMM (`hmmkit hmm fit`) "
                + "or a GMM (`hmmkit gmm fit`)"))
        }
    }
}

/// Runs `body`; errors other than usage errors are printed and become exit status 1.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ValidationError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch {
        throw CommandFailure.reported(error)
    }
}

struct AccCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acc",
        abstract: "Accumulate the statistics of one shard of the data under a model (an HMM or a GMM) into a file.",
        discussion: """
            One E-step, as Kaldi's gmm-acc-stats: run it once per shard (a Slurm array job, GNU parallel, a shell \
            loop), add the files with `hmmkit sum-accs`, and make the next model with `hmmkit update`. The data are \
            streamed; the file records the model's identity, so its statistics can only update that model. \
            Exit codes: 0 written, 1 unreadable model or data, 64 bad usage.
            """)

    @Argument(help: "The model file (JSON from `hmmkit hmm fit`, `hmmkit gmm fit` or `hmmkit update`).")
    var model: String
    @Argument(help: "The data: .npy files, folders of them, Kaldi .ark or .scp files.")
    var data: [String]
    @Option(help: "Only sequences R, R+N, R+2N, … of the data (0-based R), e.g. --shard $SLURM_ARRAY_TASK_ID/8.")
    var shard: ShardArgument?
    @Option(help: "Frames per chunk (as in fit --chunk-frames; the sum depends on it in its last bits).")
    var chunkFrames: Int = ChunkingPolicy().maximumFrames
    @Option(help: "Precision of the E-step: float or double (default: the model's).")
    var precision: Precision?
    @OptionGroup var engine: EngineOptions
    @Option(name: .shortAndLong, help: "The statistics file to write.")
    var output: String
    @OptionGroup var report: ReportOptions

    func validate() throws {
        try OptionRange.check(chunkFrames, in: 1...InputLimits.maximumChunkFrames, "--chunk-frames")
    }

    func run() throws {
        try reportingFailures {
            try OutputPaths.checkFiles(output)
            let loaded = try TrainableModelFile.load(model, precision: precision, backend: engine.backend)
            try accumulate(loaded)
        }
    }

    private func accumulate<Model: CommandLineTrainable>(_ loaded: Model) throws {
        let source = try FeatureFileSource<Model.Scalar>(data)
        let (statistics, summary) = try EStepPass.accumulate(
            loaded, over: source, shard: shard?.shard ?? .all, chunking: ChunkingPolicy(maximumFrames: chunkFrames),
            threadCount: engine.threads, backend: engine.backend)
        try StatisticsFile(statistics, model: loaded).write(to: URL(fileURLWithPath: output))
        if report.json {
            try Terminal.printJSON(AccumulationSummary(sequences: summary.sequenceCount, frames: summary.frameCount,
                                                       logLikelihood: statistics.logLikelihood,
                                                       shard: (shard?.shard ?? .all).description))
        } else if !report.quiet {
            let perFrame = statistics.frameCount > 0
                ? String(format: "log-likelihood per frame %.6f", statistics.logLikelihood / statistics.frameCount) : "no frames"
            Terminal.info("\(summary.sequenceCount) sequences, \(summary.frameCount) frames, \(perFrame); statistics written to \(output)")
        }
    }
}

struct SumAccsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sum-accs",
        abstract: "Add statistics files of the same model (from `hmmkit acc`) into one.",
        discussion: """
            As Kaldi's gmm-sum-accs. Files of another model or shape are refused, naming the file. \
            Exit codes: 0 written, 1 unreadable or mismatched files, 64 bad usage.
            """)

    @Argument(help: "Statistics files, added in this order.")
    var statistics: [String]
    @Option(name: .shortAndLong, help: "The summed statistics file to write.")
    var output: String
    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard !statistics.isEmpty else { throw ValidationError("give at least one statistics file") }
    }

    func run() throws {
        try reportingFailures {
            try OutputPaths.checkFiles(output)
            var total = try StatisticsFile.read(from: URL(fileURLWithPath: statistics[0]))
            for (index, path) in statistics.enumerated().dropFirst() {
                let before = index == 1 ? statistics[0] : "\(statistics[0]) and the \(index - 1) file(s) after it"
                try total.add(try StatisticsFile.read(from: URL(fileURLWithPath: path)), path: path, before: before)
            }
            try total.write(to: URL(fileURLWithPath: output))
            if report.json {
                try Terminal.printJSON(StatisticsSumSummary(files: statistics.count, shards: total.shardCount,
                                                            frames: total.frameCount, logLikelihood: total.logLikelihood))
            } else if !report.quiet {
                Terminal.info("\(statistics.count) files (\(total.shardCount) shards), "
                    + String(format: "%.0f frames; written to %@", total.frameCount, output))
            }
        }
    }
}

struct UpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Make the next model from a model and the statistics gathered with it (the M-step).",
        discussion: """
            As Kaldi's gmm-est: the statistics must come from `hmmkit acc` with this very model (its identity is \
            checked). Starved GMM components keep their parameters (fit re-seeds them from data, which update does not \
            have). Exit codes: 0 written, 1 unreadable or mismatched files, 64 bad usage.
            """)

    @Argument(help: "The model the statistics were accumulated with.")
    var model: String
    @Argument(help: "Its statistics (from `hmmkit acc` or `hmmkit sum-accs`).")
    var statistics: String
    @OptionGroup var update: UpdateArguments
    @Option(name: .shortAndLong, help: "The next model's file to write (JSON).")
    var output: String
    @OptionGroup var report: ReportOptions

    func run() throws {
        try reportingFailures {
            try OutputPaths.checkFiles(output)
            try apply(try TrainableModelFile.load(model, precision: nil, backend: .default))
        }
    }

    /// `body`'s result; a model error it throws (the statistics give an unusable model) as an
    /// error naming the statistics file.
    private func namingStatistics<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            guard error is MixtureError || error is HMMError || error is TrainingError else { throw error }
            throw TrainingError.file(path: statistics, problem: .content("the statistics give an unusable model (\(error)); "
                + "they are damaged, or were not accumulated with \(model)"))
        }
    }

    private func apply<Model: CommandLineTrainable>(_ loaded: Model) throws {
        let file = try StatisticsFile.read(from: URL(fileURLWithPath: statistics))
        let sums = try file.statistics(for: loaded, path: statistics, modelPath: model)
        guard sums.frameCount > 0 else {
            throw TrainingError.noData("\(statistics) holds no frames; accumulate statistics over data with `hmmkit acc` first")
        }
        let (next, updateReport) = try namingStatistics {
            try loaded.reestimated(from: sums, options: Model.updateOptions(update), backend: .default)
        }
        try TrainedModelFile.write(next, to: output)
        let perFrame = sums.logLikelihood / sums.frameCount
        if report.json {
            try Terminal.printJSON(UpdateSummary(frames: sums.frameCount, logLikelihood: sums.logLikelihood, shards: file.shardCount))
        } else if !report.quiet {
            let note = Model.describe(updateReport)
            Terminal.info(String(format: "%.0f frames from %d shards, log-likelihood per frame %.6f; ", sums.frameCount,
                                 file.shardCount, perFrame) + "next model written to \(output)" + (note.isEmpty ? "" : " (\(note))"))
        }
    }
}
