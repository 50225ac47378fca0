import ArgumentParser
import Dispatch
import Foundation
import HMMKit
import HMMKitFileSystem
import Synchronization

/// `--format` of `hmmkit features`.
enum FeatureFileFormat: String, ExpressibleByArgument, CaseIterable {
    /// One NumPy `.npy` matrix per input.
    case npy
    /// One Kaldi archive (binary) for all inputs, with its script file.
    case ark
    /// One Kaldi archive in Kaldi's text form, with its script file.
    case arkText = "ark-text"
}

/// `hmmkit features`: MFCC (+ Δ + ΔΔ) features of audio files as NumPy `.npy` matrices or one
/// Kaldi archive.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute MFCC features of audio files: one .npy matrix (frames × dims) per file, or one Kaldi archive.",
        discussion: """
            Audio in any format libsndfile reads is decoded, averaged to mono and resampled to \
            --sample-rate. A file shorter than one frame gives a 0-row matrix and a warning. \
            A file that cannot be read is reported and skipped; the exit code is then 1.
            With --format ark, -o feats.ark writes one archive (keys: the file names without \
            extension, in input order) and its index feats.scp, as Kaldi's ark,scp:feats.ark,feats.scp \
            does. The scp names the archive's generation, -o's name plus .HASH (feats.ark.3f29c0a1d5e6b7c8, \
            a second name of the same file), so that it can never point into the archive of another run.
            Exit codes: 0 all files written, 1 some files failed, 64 bad usage.
            """)

    @OptionGroup var features: FeatureOptions

    @Option(help: "Precision of the computation and of the .npy files: float or double.")
    var precision: Precision = .single

    @OptionGroup var engine: EngineOptions

    @Option(help: "Output format: npy (one .npy per input), ark (one binary Kaldi archive + .scp) or ark-text (Kaldi's text form + .scp).")
    var format: FeatureFileFormat = .npy

    @Option(name: .shortAndLong, help: "Output: for npy a .npy file for one input, or a folder (created if needed) for several; for ark the archive file.")
    var output: String

    @Option(help: "Also draw the features of the first input as a heat map (SVG).")
    var plot: String?

    @OptionGroup var report: ReportOptions

    @Argument(help: "Audio files, or folders: every audio file directly inside a folder, sorted by name.")
    var inputs: [String]

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one audio file") }
        // Option ranges first (the parser may already have run this), so that nothing below is
        // sized from an out-of-range value.
        try features.validate()
        if format != .npy {
            var isFolder: ObjCBool = false
            if output.hasSuffix("/") || (FileManager.default.fileExists(atPath: output, isDirectory: &isFolder) && isFolder.boolValue) {
                throw ValidationError("with --format \(format.rawValue), -o names the archive file (feats.ark), not a folder")
            }
        }
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
        try OutputPaths.checkFiles(plot)
        if format != .npy { try OutputPaths.checkDestinations(output, ArchiveLayout.scriptPath(for: output)) }
        let configuration = features.configuration()
        let urls = try AudioInputs.expand(inputs)
        let destinations = format == .npy ? try OutputLayout.destinations(for: urls, output: output) : []
        // Into a folder, a failed input's old .npy is removed; a single named file is left as it was.
        let intoFolder = destinations.count != 1 || destinations[0].path != URL(fileURLWithPath: output).path
        let archive = format == .npy ? nil : try OrderedArchiveSink<S>(
            keys: try ArchiveLayout.keys(for: urls), archive: output, encoding: format == .ark ? .binary : .text)
        let frontEnd = try FrontEnd(configuration: configuration, threadCount: engine.threads, backend: engine.backend)
        let progress = report.quiet ? nil : ProgressReporter(label: "features", total: urls.count)
        let done = Atomic<Int>(0)
        let normalization = CepstralGroupNormalization(fallback: configuration.normalization)
        let start = DispatchTime.now()
        // Each worker writes its file as soon as it is computed, so memory stays at a few matrices.
        let outcomes = frontEnd.features(Array(urls.indices), in: S.self, audio: { frontEnd.decode(urls[$0]) }) {
            index, recording -> FileOutcome in
            defer { progress?.update(done.wrappingAdd(1, ordering: .relaxed).newValue) }
            var recording = recording
            normalization.apply(to: &recording) { _ in nil }
            var outcome = FileOutcome(seconds: recording.seconds)
            // A file shorter than one frame gives a 0-row matrix and a warning.
            let shorterThanOneFrame = !recording.copiesShorterThanOneFrame.isEmpty
            let features = recording.copies.first?.frames
                ?? (shorterThanOneFrame ? Matrix<S>(rowCount: 0, columnCount: configuration.dimension) : nil)
            if shorterThanOneFrame { outcome.warning = "\(recording.source): shorter than one frame, no features" }
            outcome.error = switch features {
            case .some(let matrix):
                write(matrix, index: index, archive: archive, destinations: destinations, intoFolder: intoFolder)
            case .none:
                write(failure: recording.problems.map(\.description).joined(separator: "; "), index: index, archive: archive,
                      destinations: destinations, intoFolder: intoFolder)
            }
            outcome.frames = features?.rowCount ?? 0
            return outcome
        }
        let failures = FileOutcome.summary(outcomes)
        var archiveError: String?
        do {
            try archive?.finish()
        } catch {
            archiveError = "\(error)"
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        progress?.finish()
        for warning in failures.warnings { Terminal.warn(warning) }
        for error in failures.errors + (archiveError.map { [$0] } ?? []) { Terminal.error(error) }
        if report.json {
            try Terminal.printJSON(FeatureExtractionSummary(
                files: urls.count, failed: failures.errors.count, frames: failures.frames,
                audioSeconds: failures.audioSeconds, wallSeconds: seconds,
                timesRealTime: failures.audioSeconds / seconds))
        } else if !report.quiet {
            Terminal.info(String(format: "%d files, %d frames, %.1f s of audio in %.3f s (%.0f× real time)",
                                 urls.count, failures.frames, failures.audioSeconds, seconds, failures.audioSeconds / seconds))
        }
        if let plot, let first = try? firstMatrix(S.self, destinations: destinations) {
            try FeaturePlot.write(first, configuration: configuration, title: urls[0].lastPathComponent,
                                  to: URL(fileURLWithPath: plot))
        }
        if !failures.errors.isEmpty || archiveError != nil { throw ExitCode(1) }
    }

    /// Writes input `index`'s features (into the archive, or to its `.npy`); the error message, or nil.
    private func write<S: MatrixScalar>(_ matrix: Matrix<S>, index: Int, archive: OrderedArchiveSink<S>?,
                                        destinations: [URL], intoFolder: Bool) -> String? {
        if let archive { return archive.deliver(index, matrix) }
        do {
            try NumPyFile.write(matrix, to: destinations[index], durable: false)
            return nil
        } catch {
            return "\(error)" + (intoFolder ? OutputLayout.removeStale(destinations[index]) : "")
        }
    }

    /// Records that input `index` failed with `message` (the archive skips it; into a folder, its
    /// earlier `.npy` goes); the error message.
    private func write<S: MatrixScalar>(failure message: String, index: Int, archive: OrderedArchiveSink<S>?,
                                        destinations: [URL], intoFolder: Bool) -> String {
        _ = archive?.deliver(index, nil)
        return message + (archive == nil && intoFolder ? OutputLayout.removeStale(destinations[index]) : "")
    }

    /// The first input's features, read back from what was written.
    private func firstMatrix<S: MatrixScalar>(_: S.Type, destinations: [URL]) throws -> Matrix<S>? {
        if format == .npy { return try NumPyFile.read(S.self, from: destinations[0]) }
        return try KaldiArchiveReader<S>(url: URL(fileURLWithPath: output)).next()?.matrix
    }
}

/// What `hmmkit features` did with one input.
struct FileOutcome: Sendable {
    /// Seconds of audio read (0 when the file could not be read).
    var seconds: Double
    /// Frames written.
    var frames = 0
    /// Why the input failed, or nil.
    var error: String?
    /// A warning about the input (shorter than one frame), or nil.
    var warning: String?

    /// The totals of `outcomes`, errors and warnings in input order.
    static func summary(_ outcomes: [FileOutcome]) -> (frames: Int, audioSeconds: Double, errors: [String], warnings: [String]) {
        (outcomes.reduce(0) { $0 + $1.frames }, outcomes.reduce(0) { $0 + $1.seconds },
         outcomes.compactMap(\.error), outcomes.compactMap(\.warning))
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
            guard !names.isEmpty else { throw CommandProblem("\(input): no audio files (\(extensions.sorted().joined(separator: ", "))) in this folder") }
            // Each name's kind is left to the reader, which refuses what is not a regular file
            // (asking the file system here would cost a stat per file).
            let folder = URL(fileURLWithPath: input, isDirectory: true)
            urls += names.map { folder.appending(path: $0, directoryHint: .notDirectory) }
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
            try OutputPaths.makeFolder(file.deletingLastPathComponent().path)
            return [file]
        }
        try OutputPaths.makeFolder(output)
        // The writer refuses a destination that is not a regular file (a folder named x.npy).
        let folder = URL(fileURLWithPath: output, isDirectory: true)
        var seen: [String: URL] = [:]
        return try inputs.map { input in
            let stem = input.deletingPathExtension().lastPathComponent
            if let other = seen[stem] {
                throw ValidationError("\(input.path) and \(other.path) would both be written to \(stem).npy")
            }
            seen[stem] = input
            return folder.appending(path: stem + ".npy", directoryHint: .notDirectory)
        }
    }
}

extension OutputLayout {
    /// After an input failed: removes the `.npy` an earlier run wrote for it in the output folder,
    /// so that the folder never holds features of another run beside this run's (the archive
    /// formats are rewritten whole); returns the note for the message ("" when there was none).
    static func removeStale(_ destination: URL) -> String {
        let path = destination.path(percentEncoded: false)
        guard case .regularFile = FileSystem.status(of: path) else { return "" }
        FileSystem.remove(path)
        return "; its earlier output \(path) was removed"
    }
}

/// Where `hmmkit features --format ark` puts each input: one archive entry per file, keyed by
/// the file's name without its extension.
enum ArchiveLayout {
    /// The keys of `inputs`; two inputs with the same stem, or a stem that cannot be a Kaldi key
    /// (whitespace), are refused.
    static func keys(for inputs: [URL]) throws -> [String] {
        var seen: [String: URL] = [:]
        return try inputs.map { input in
            let key = input.deletingPathExtension().lastPathComponent
            guard KaldiArchiveWriter<Float>.isValidKey(key) else {
                throw ValidationError("\(input.path): the key \(key.debugDescription) has whitespace or control characters, "
                    + "which a Kaldi archive key cannot have; rename the file")
            }
            if let other = seen[key] {
                throw ValidationError("\(input.path) and \(other.path) would both get the key \(key)")
            }
            seen[key] = input
            return key
        }
    }

    /// The script file beside `archive`: `feats.ark` → `feats.scp` (other names get `.scp` appended).
    static func scriptPath(for archive: String) -> String {
        archive.lowercased().hasSuffix(".ark") ? String(archive.dropLast(4)) + ".scp" : archive + ".scp"
    }
}

/// Writes matrices that workers finish in any order to one archive, in input order: a matrix
/// that arrives early waits (in memory) until those before it are written; a failed input is
/// skipped. Thread-safe.
final class OrderedArchiveSink<S: MatrixScalar>: Sendable {
    private struct State {
        let writer: KaldiArchiveWriter<S>
        var next = 0
        /// Finished inputs not yet written (nil: failed, nothing to write).
        var waiting: [Int: Matrix<S>?] = [:]
        var failure: String?
    }

    private let keys: [String]
    private let state: Mutex<State>

    /// Starts `archive` (and its script file, ``ArchiveLayout/scriptPath(for:)``), named in the
    /// script exactly as given.
    init(keys: [String], archive: String, encoding: KaldiWriteEncoding) throws {
        try OutputPaths.makeFolder(URL(fileURLWithPath: archive).deletingLastPathComponent().path)
        let writer = try KaldiArchiveWriter<S>(archive: URL(fileURLWithPath: archive),
                                               script: URL(fileURLWithPath: ArchiveLayout.scriptPath(for: archive)),
                                               encoding: encoding, archiveNameInScript: archive, durable: false)
        self.keys = keys
        state = Mutex(State(writer: writer))
    }

    /// Hands over input `index`'s matrix (nil for a failed input); returns the error message
    /// when this call's write failed (the archive is then abandoned: ``finish()`` throws).
    func deliver(_ index: Int, _ matrix: Matrix<S>?) -> String? {
        state.withLock { state in
            state.waiting[index] = .some(matrix)
            var message: String?
            while let ready = state.waiting.removeValue(forKey: state.next) {
                defer { state.next += 1 }
                guard let matrix = ready, state.failure == nil else { continue }
                do {
                    try state.writer.write(key: keys[state.next], matrix: matrix)
                } catch {
                    state.failure = "\(error)"
                    message = state.failure
                }
            }
            return message
        }
    }

    /// Makes the archive and its script appear (after every input was delivered).
    /// - Throws: ``KaldiArchiveError/cannotWrite(file:reason:)``; nothing is left half-written.
    func finish() throws {
        try state.withLock { state in
            precondition(state.next == keys.count, "OrderedArchiveSink.finish before every input was delivered")
            try state.writer.finish()
        }
    }
}
