import ArgumentParser
import Foundation
import HMMKit

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train digit models on the bundled FSDD recordings, evaluate them, and write the recognizer and plots.",
        discussion: """
            Uses Data/fsdd-demo (400 recordings of 4 speakers, CC BY-SA 4.0; found from the working directory, \
            the executable's location, or $HMMKIT_DEMO_DATA): takes 5–9 train, takes 0–4 test, the default \
            recognizer configuration. \(recognizerExitCodes)
            """)

    @Option(name: .shortAndLong, help: "Folder for the recognizer and the plots.")
    var output: String = "demo-output"
    @OptionGroup var engine: EngineOptions
    @Flag(help: "No progress on stderr.")
    var quiet = false

    func run() throws {
        guard let folder = DemoCorpus.locate(executablePath: CommandLine.arguments[0],
                                             currentDirectory: FileManager.default.currentDirectoryPath,
                                             environment: ProcessInfo.processInfo.environment) else {
            Terminal.error("cannot find the demo recordings (\(DemoCorpus.relativePath)); run from the HMMKit folder or set \(DemoCorpus.environmentVariable)")
            throw ExitCode(1)
        }
        do {
            let corpus = try LabelledCorpus.load(path: folder)
            let parts = try corpus.split(DemoCorpus.split)
            let started = Date()
            let recognizer = try Recognizer.train(parts.train.entries, configuration: RecognizerConfiguration(),
                                                  threadCount: engine.threads,
                                                  progress: trainingProgress(quiet: quiet, started: started, labels: corpus.labels.count))
            let trainSeconds = Date().timeIntervalSince(started)
            try OutputPaths.makeFolder(output)
            let file = URL(fileURLWithPath: output).appendingPathComponent("digits.json")
            try recognizer.save(to: file)
            let evaluation = try recognizer.evaluate(parts.test.entries, threadCount: engine.threads)
            print(evaluation.hresultsReport(title: "HMMKit demo: FSDD digits, takes 0-4"))
            print(String(format: "accuracy %.2f%% on %d test recordings; trained %d word models on %d recordings in %.2f s",
                         100 * evaluation.accuracy, evaluation.count, recognizer.labels.count, parts.train.entries.count, trainSeconds))
            try RecognizerPlots.write(recognizer: recognizer, evaluation: evaluation, to: output)
            print("wrote \(file.path), \(output)/training.svg and \(output)/confusion.svg")
            print("next: hmmkit recognize \(file.path) \(parts.test.entries[0].path)")
        } catch let error as ExitCode {
            throw error
        } catch {
            throw CommandFailure.reported(error)
        }
    }
}
