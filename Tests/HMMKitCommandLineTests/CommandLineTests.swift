import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Runs the built `hmmkit` binary (built by `swift build --build-tests` next to the test bundle)
/// and checks its exit codes, stdout and stderr.
enum HMMKitBinary {
    static var url: URL {
        var folder = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("hmmkit").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("hmmkit")
    }

    struct Outcome { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    static let fsdd = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("HMMKitFeaturesTests/Fixtures/audio")
}

@Suite("hmmkit command line", .serialized)
struct CommandLineTests {
    /// `hmmkit` runs OpenBLAS with one thread per call and, where OpenBLAS fell back to its
    /// generic Prescott kernels on a CPU it does not know, with the core type recommended for
    /// this CPU (this test process loaded OpenBLAS with the same environment, so it knows both).
    /// `--help` and `--version` print on stdout and exit 0, for the command and its subcommands
    /// (ArgumentParser parses `--help` into a help command whose run throws; that is no failure).
    @Test(arguments: [["--help"], ["gmm", "fit", "--help"], ["train", "--help"], ["help", "hmm", "fit"]])
    func helpIsPrintedNotReported(_ arguments: [String]) throws {
        let run = try HMMKitBinary.run(arguments)
        #expect(run.status == 0 && run.stdout.contains("USAGE: hmmkit") && !run.stderr.contains("CommandError"),
                "\(run.status) \(run.stdout.prefix(200)) \(run.stderr)")
        let version = try HMMKitBinary.run(["--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty)
    }

    @Test func backendsReportTheOpenBLASCoreHMMKitChose() throws {
        let run = try HMMKitBinary.run(["backends"])
        #expect(run.status == 0, "\(run.stderr)")
        let expected = BLASThreads.recommendedCoreType ?? BLASThreads.coreName
        #expect(run.stdout.contains("(core \(expected), "), "\(run.stdout)")
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
            #expect(run.stdout.contains("1 thread(s) per call"), "\(run.stdout)")
        }
        #expect(run.stdout.contains("backends agree"), "\(run.stdout)")
    }

    @Test func featuresThenGMMFitAndScore() throws {
        let folder = try TemporaryFolder()
        let features = folder.file("features")
        let run = try HMMKitBinary.run(["features", "--preset", "kaldi", "--sample-rate", "8000", "--quiet", "--json",
                                        HMMKitBinary.fsdd.path, "-o", features.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"failed\":0"))
        let files = try FileManager.default.contentsOfDirectory(atPath: features.path).filter { $0.hasSuffix(".npy") }
        #expect(files.count >= 20)
        // Stack the frames into one training matrix.
        var rows: [[Double]] = []
        for file in files.sorted() {
            let m = try NumPyFile.read(Double.self, from: features.appendingPathComponent(file), convertingPrecision: true)
            rows += (0..<m.rowCount).map { Array(m[row: $0]) }
        }
        let data = folder.file("data.npy")
        try NumPyFile.write(Matrix(rows: rows), to: data)
        let model = folder.file("model.json")
        let fit = try HMMKitBinary.run(["gmm", "fit", data.path, "--components", "4", "--covariance", "full", "--seed", "1",
                                        "--iterations", "30", "--json", "-o", model.path, "--plot", folder.file("fit.svg").path])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("\"iterations\""))
        #expect(fit.stderr.contains("iteration   1"))
        #expect(try String(contentsOf: folder.file("fit.svg"), encoding: .utf8).contains("<svg"))
        let score = try HMMKitBinary.run(["gmm", "score", model.path, data.path])
        #expect(score.status == 0)
        let value = Double(score.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(value != nil && value!.isFinite && value! < 0)
    }

    @Test func errorsAreClearAndExitNonZero() throws {
        let folder = try TemporaryFolder()
        let text = try folder.write(Array("not audio".utf8), to: "fake.wav")
        let bad = try HMMKitBinary.run(["features", "--quiet", text.path, "-o", folder.file("out.npy").path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains(text.path))
        let notModel = try folder.write(Array("{}".utf8), to: "model.json")
        let data = folder.file("data.npy")
        try NumPyFile.write(Matrix<Double>(rows: [[1, 2], [3, 4]]), to: data)
        let score = try HMMKitBinary.run(["gmm", "score", notModel.path, data.path])
        #expect(score.status == 1)
        #expect(score.stderr.contains("not an HMMKit Gaussian mixture"))
        let usage = try HMMKitBinary.run(["gmm", "fit", data.path, "--components", "0", "-o", folder.file("m.json").path])
        #expect(usage.status == 64)
        let tooFew = try HMMKitBinary.run(["gmm", "fit", data.path, "--components", "3", "-o", folder.file("m.json").path])
        #expect(tooFew.status == 1)
        #expect(tooFew.stderr.contains("not enough data"))
    }
}
