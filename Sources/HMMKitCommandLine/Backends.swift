import ArgumentParser
import Foundation
import HMMKit

/// `hmmkit backends`: what the engine finds on this machine, with a quick self-check that the
/// two backends agree.
struct Backends: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the numerical backends and the C libraries behind them, and check they agree.")

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    func run() throws {
        let report = try BackendReport.make()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}
