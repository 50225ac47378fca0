import ArgumentParser
import HMMKit

/// The `hmmkit` command: subcommands for each job the engine does.
@main
struct HMMKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hmmkit",
        abstract: "GMM-HMM acoustic modelling on OpenBLAS, LAPACKE and FFTW.",
        version: HMMKitVersion.current,
        subcommands: [DemoCommand.self, TrainCommand.self, EvaluateCommand.self, RecognizeCommand.self, CompareCommand.self,
                      Backends.self, FeaturesCommand.self, GMMCommand.self, HMMCommand.self,
                      AccCommand.self, SumAccsCommand.self, UpdateCommand.self],
        defaultSubcommand: Backends.self)

    static func main() {
        OpenBLASEnvironment.restartIfNeeded()
        main(nil)
    }
}
