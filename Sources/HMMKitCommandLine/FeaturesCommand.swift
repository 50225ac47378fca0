import ArgumentParser
import Dispatch
import Foundation
import HMMKit

/// `hmmkit features`: MFCC (+ Δ + ΔΔ) features of audio files as NumPy `.npy` matrices.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute MFCC features of audio files and write one .npy matrix (frames × dims) per file.",
        discussion: """
            Audio in any format libsndfile reads is decoded, averaged to mono and resampled to \
            --sample-rate. A file shorter than one frame gives a 0-row matrix and a warning. \
            A file that cannot be read is reported and skipped; the exit code is then 1.
            Exit codes: 0 all files written, 1 some files failed, 64 bad usage.
            """)

    @OptionGroup var features: FeatureOptions

    @Option(help: "Precision of the computation and of the .npy files: float or double.")
    var precision: Precision = .single

    @OptionGroup var engine: EngineOptions

    @Option(name: .shortAndLong, help: "Output: a .npy file for one input, or a folder (created if needed) for several.")
    var output: String

    @Option(help: "Also draw the features of the first input as a heat map (SVG).")
    var plot: String?

    @OptionGroup var report: ReportOptions

    @Argument(help: "Audio files, or folders: every audio file directly inside a folder, sorted by name.")
    var inputs: [String]

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one audio file") }
        guard features.sampleRate > 0 else { throw ValidationError("--sample-rate must be positive") }
        do {
            _ = try MFCCExtractor<Double>(configuration: features.configuration())
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        switch precision {
        case .single: try run(Float.self)
        case .double: try run(Double.self)
        }
    }

    private func run<S: MatrixScalar>(_: S.Type) throws {
        let configuration = features.configuration()
        let urls = try AudioInputs.expand(inputs)
        let destinations = try OutputLayout.destinations(for: urls, output: output)
        let batch = try FeatureBatch<S>(configuration: configuration, backend: engine.backend, threadCount: engine.threads)
        let progress = report.quiet ? nil : ProgressReporter(label: "features", total: urls.count)
        let start = DispatchTime.now()
        // Each worker writes its file as soon as it is computed, so memory stays at a few matrices.
        let failures = batch.extract(urls, progress: { done, total in progress?.update(done) }) { index, result in
            switch result.result {
            case .success(let matrix):
                do {
                    try NumPyFile.write(matrix, to: destinations[index], durable: false)
                    return nil
                } catch {
                    return "\(error)"
                }
            case .failure(let error):
                return "\(error)"
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        progress?.finish()
        for warning in failures.warnings { Terminal.warn(warning) }
        for error in failures.errors { Terminal.error(error) }
        if report.json {
            try Terminal.printJSON([
                "files": urls.count, "failed": failures.errors.count, "frames": failures.frames,
                "audioSeconds": failures.audioSeconds, "wallSeconds": seconds,
                "timesRealTime": failures.audioSeconds / seconds,
            ])
        } else if !report.quiet {
            Terminal.info(String(format: "%d files, %d frames, %.1f s of audio in %.3f s (%.0f× real time)",
                                 urls.count, failures.frames, failures.audioSeconds, seconds, failures.audioSeconds / seconds))
        }
        if let plot, let first = try? NumPyFile.read(S.self, from: destinations[0]) {
            try FeaturePlot.write(first, configuration: configuration, title: urls[0].lastPathComponent,
                                  to: URL(fileURLWithPath: plot))
        }
        if !failures.errors.isEmpty { throw ExitCode(1) }
    }
}

/// Command-line audio inputs: files as given, folders expanded to the audio files inside them.
enum AudioInputs {
    /// File name extensions read as audio when a folder is given (what libsndfile decodes).
    static let extensions: Set<String> = ["wav", "wave", "flac", "ogg", "oga", "aif", "aiff", "aifc", "au", "snd", "caf", "w64", "rf64"]

    static func expand(_ inputs: [String]) throws -> [URL] {
        var urls: [URL] = []
        for input in inputs {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder), isFolder.boolValue else {
                urls.append(URL(fileURLWithPath: input))
                continue
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: input)
                .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
            guard !names.isEmpty else { throw ValidationError("\(input): no audio files (\(extensions.sorted().joined(separator: ", "))) in this folder") }
            urls += names.map { URL(fileURLWithPath: input).appendingPathComponent($0) }
        }
        return urls
    }
}

/// Where `hmmkit features` writes each input's matrix.
enum OutputLayout {
    /// One input and an output that is not an existing folder: that file. Otherwise the output is a
    /// folder (created) and each input goes to `<stem>.npy` inside it; two inputs with the same
    /// stem are refused rather than overwritten.
    static func destinations(for inputs: [URL], output: String) throws -> [URL] {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isFolder)
        if inputs.count == 1 && !(exists && isFolder.boolValue) && !output.hasSuffix("/") {
            let file = URL(fileURLWithPath: output)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            return [file]
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        var seen: [String: URL] = [:]
        return try inputs.map { input in
            let stem = input.deletingPathExtension().lastPathComponent
            if let other = seen[stem] {
                throw ValidationError("\(input.path) and \(other.path) would both be written to \(stem).npy")
            }
            seen[stem] = input
            return URL(fileURLWithPath: output).appendingPathComponent(stem + ".npy")
        }
    }
}
