import ArgumentParser
import Foundation
import HMMKit

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Train and evaluate several recognizer configurations on one split and print one table.",
        discussion: """
            Every combination of --covariance, --states-list and --mixtures-list is trained on the train part \
            and evaluated on the test part: accuracy, mean log-likelihood per frame on train and test, parameters, \
            training and recognition time. Example: hmmkit compare recordings/ --covariance diag,full \
            --split takes:5-49/0-4. \(recognizerExitCodes)
            """)

    @OptionGroup var corpus: CorpusOptions
    @Option(help: "Train/test split: takes:A-B/C-D, speaker:NAME[,NAME], or fraction:F.")
    var split: String = "fraction:0.2"
    @Option(help: "Covariance types to compare, comma-separated.")
    var covariance: String = "diag,full"
    @Option(help: "State counts to compare, comma-separated (default: --states).")
    var statesList: String?
    @Option(help: "Mixture counts to compare, comma-separated (default: --mixtures).")
    var mixturesList: String?
    @OptionGroup var model: ModelOptions
    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 0
    @Option(help: "Write compare.svg here.")
    var plots: String?
    @OptionGroup var engine: EngineOptions
    @OptionGroup var report: ReportOptions

    /// The values of a comma-separated list option (`fallback` when it is not given).
    private func list<T>(_ text: String?, _ option: String, _ fallback: T, _ parse: (String) -> T?) throws -> [T] {
        guard let text else { return [fallback] }
        return try text.split(separator: ",").map { part in
            guard let value = parse(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("\(option): cannot read \"\(part)\"")
            }
            return value
        }
    }

    private var covarianceTypes: [CovarianceType] {
        get throws { try list(covariance, "--covariance", CovarianceType.diagonal) { CovarianceType(rawValue: $0) } }
    }
    private var stateCounts: [Int] { get throws { try list(statesList, "--states-list", model.states) { Int($0) } } }
    private var mixtureCounts: [Int] { get throws { try list(mixturesList, "--mixtures-list", model.mixtures) { Int($0) } } }

    func validate() throws {
        guard try !covarianceTypes.isEmpty else { throw ValidationError("--covariance: give at least one covariance type") }
        for states in try stateCounts { try OptionRange.check(states, in: OptionRange.states, "--states-list") }
        for mixtures in try mixtureCounts { try OptionRange.check(mixtures, in: OptionRange.components, "--mixtures-list") }
    }

    func run() throws {
        let types = try covarianceTypes
        let stateCounts = try stateCounts
        let mixtureCounts = try mixtureCounts
        let parts: CorpusSplit
        do { parts = try corpus.load().split(CorpusSplitSpecification.parse(split), seed: seed) } catch let error as ExitCode {
            throw error
        } catch {
            throw CommandFailure.reported(error)
        }
        var rows: [ComparisonSummary.Row] = []
        var names: [String] = [], accuracies: [Double] = [], trainTimes: [Double] = []
        for type in types {
            for states in stateCounts {
                for mixtures in mixtureCounts {
                    var options = model
                    options.states = states
                    options.mixtures = mixtures
                    let configuration = try options.configuration(covariance: type, seed: seed)
                    let name = "\(type.rawValue) S=\(states) M=\(mixtures)"
                    if !report.quiet { Terminal.info("training \(name) …") }
                    do {
                        let started = Date()
                        let recognizer = try Recognizer.train(parts.train.entries, configuration: configuration, threadCount: engine.threads)
                        let trainSeconds = Date().timeIntervalSince(started)
                        let recognitionStart = Date()
                        let evaluation = try recognizer.evaluate(parts.test.entries, threadCount: engine.threads)
                        let recognitionSeconds = Date().timeIntervalSince(recognitionStart)
                        let trainLogLikelihood = zip(recognizer.trainingHistory, recognizer.trainingCounts)
                            .reduce(0.0) { $0 + ($1.0.last ?? 0) * Double($1.1) } / Double(max(recognizer.trainingCounts.reduce(0, +), 1))
                        rows.append(ComparisonSummary.Row(
                            configuration: name, covariance: type.rawValue, states: states, mixtures: mixtures,
                            accuracy: evaluation.accuracy, trainLogLikelihoodPerFrame: trainLogLikelihood,
                            testLogLikelihoodPerFrame: evaluation.meanLogLikelihoodPerFrame,
                            parameters: recognizer.models.reduce(0) { $0 + $1.parameterCount },
                            trainSeconds: trainSeconds, recognitionSeconds: recognitionSeconds))
                        names.append(name)
                        accuracies.append(evaluation.accuracy)
                        trainTimes.append(trainSeconds)
                    } catch {
                        Terminal.error("\(name): \(CommandFailure.message(for: error))")
                        throw ExitCode(1)
                    }
                }
            }
        }
        if report.json {
            try Terminal.printJSON(ComparisonSummary(split: split, trainFiles: parts.train.entries.count,
                                                     testFiles: parts.test.entries.count, results: rows))
        } else {
            print(String(format: "%-22@ %9@ %13@ %13@ %11@ %10@ %10@", "configuration" as NSString, "accuracy" as NSString,
                         "train LL/fr" as NSString, "test LL/fr" as NSString, "parameters" as NSString, "train s" as NSString,
                         "recog s" as NSString))
            for row in rows {
                print(String(format: "%-22@ %8.2f%% %13.3f %13.3f %11d %10.2f %10.2f", row.configuration as NSString,
                             100 * row.accuracy, row.trainLogLikelihoodPerFrame, row.testLogLikelihoodPerFrame, row.parameters,
                             row.trainSeconds, row.recognitionSeconds))
            }
        }
        if let plots { try RecognizerPlots.writeComparison(names: names, accuracies: accuracies, trainSeconds: trainTimes, to: plots) }
    }
}
