import ArgumentParser
import HMMKit

/// The `hmmkit` command: subcommands for each job the engine does.
@main
struct HMMKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hmmkit",
        abstract: "GMM-HMM acoustic modelling on OpenBLAS, LAPACKE and FFTW.",
        version: HMMKitVersion.current,
        subcommands: [DemoCommand.self, TrainCommand.self, EvaluateCommand.self, RecognizeCommand.self, DecodeCommand.self, CompareCommand.self,
                      Backends.self, FeaturesCommand.self, GMMCommand.self, HMMCommand.self,
                      AccCommand.self, SumAccsCommand.self, UpdateCommand.self, ConnectCommand.self, ScoreCommand.self, AlignCommand.self],
        defaultSubcommand: Backends.self)

    /// Parses the arguments and runs the command; usage errors exit 64 with the usage, every other
    /// error one message and exit 1 (``CommandFailure``).
    static func main() {
        Terminal.reserveStandardDescriptors()
        OpenBLASEnvironment.restartIfNeeded()
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(nil)
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch {
            CommandFailure.exit(with: error)
        }
    }
}
