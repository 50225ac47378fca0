import Foundation
import HMMKitFileSystem
import HMMKitMatrixFiles
import HMMKitNumerics

/// One EM iteration, as recorded in the history, checkpoints and progress.
public struct IterationRecord: Sendable, Hashable, Codable {
    /// 1-based.
    public var iteration: Int
    /// `Σ log p(x)` over the whole corpus under the model this iteration started from.
    public var logLikelihood: Double
    /// Frames of the whole corpus (all processes).
    public var frameCount: Double
    /// Wall-clock seconds of the iteration (E-step, reduction, M-step, checkpoint).
    public var seconds: Double

    /// A record from its fields.
    public init(iteration: Int, logLikelihood: Double, frameCount: Double, seconds: Double) {
        self.iteration = iteration
        self.logLikelihood = logLikelihood
        self.frameCount = frameCount
        self.seconds = seconds
    }

    /// Mean log-likelihood per frame.
    public var meanLogLikelihood: Double { frameCount > 0 ? logLikelihood / frameCount : -.infinity }
}

/// Why EM stopped.
public enum StopReason: String, Sendable, Hashable, Codable {
    /// The convergence rule was met.
    case converged
    /// The iteration budget ran out.
    case iterationLimit
}

/// The state of a training run after a complete iteration: the model, the history and the
/// configuration it belongs to, written atomically after every iteration so that a killed run
/// resumes from its last complete iteration (``EMDriver``).
///
/// File layout: one line of JSON (the header below, keys sorted), a newline, then the model's
/// file byte for byte (`head -1` shows the header; `tail -n +2` is a loadable model):
/// `{"completedIterations": k, "fingerprint": {"task": …, "data": …, "options": {…}}, "format": "HMMKit.TrainingCheckpoint",
/// "history": [...], "modelByteCount": n, "modelFormat": "…", "modelIdentity": "…",
/// "stopReason": null | "converged" | "iterationLimit", "version": 2}`.
public struct TrainingCheckpoint: Sendable, Equatable {
    /// The header's `format`.
    public static let formatName = "HMMKit.TrainingCheckpoint"
    /// The version this build writes and the newest it reads.
    public static let currentVersion = 2

    /// Everything that determines the result (data, model shape, options); a run resumes only
    /// under an equal fingerprint.
    public var fingerprint: TrainingFingerprint
    /// The model file's format (`HMMKit.HiddenMarkovModel`, …).
    public var modelFormat: String
    /// Iterations complete.
    public var completedIterations: Int
    /// Their records, in order.
    public var history: [IterationRecord]
    /// Set once training has finished.
    public var stopReason: StopReason?
    /// The model after the last complete iteration, as its file's bytes.
    public var model: [UInt8]

    /// A checkpoint from its fields.
    public init(fingerprint: TrainingFingerprint, modelFormat: String, completedIterations: Int, history: [IterationRecord],
                stopReason: StopReason?, model: [UInt8]) {
        self.fingerprint = fingerprint
        self.modelFormat = modelFormat
        self.completedIterations = completedIterations
        self.history = history
        self.stopReason = stopReason
        self.model = model
    }

    private struct Header: Codable {
        var format: String
        var version: Int
        var fingerprint: TrainingFingerprint?
        var modelFormat: String?
        var modelIdentity: String?
        var modelByteCount: Int?
        var completedIterations: Int?
        var history: [IterationRecord]?
        var stopReason: StopReason?
    }

    /// The file's bytes.
    public func encoded() throws(TrainingError) -> [UInt8] {
        let header = Header(format: Self.formatName, version: Self.currentVersion, fingerprint: fingerprint,
                            modelFormat: modelFormat, modelIdentity: ModelIdentity.hash(model), modelByteCount: model.count,
                            completedIterations: completedIterations, history: history, stopReason: stopReason)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(header)) + [UInt8(ascii: "\n")] + model
        } catch {
            throw .invalidArgument("cannot encode the checkpoint: \(error)")
        }
    }

    /// A checkpoint from a file's bytes (`path` names it in errors).
    /// - Throws: ``TrainingError/file(path:problem:)`` for a foreign, newer, damaged or truncated file.
    public init(decoding bytes: [UInt8], path: String) throws(TrainingError) {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
              let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[..<newline])) else {
            throw .file(path: path, problem: "not an HMMKit training checkpoint (no JSON header line)")
        }
        guard header.format == Self.formatName else {
            throw .file(path: path, problem: "not an HMMKit training checkpoint (format \(header.format))")
        }
        guard header.version >= 1 else {
            throw .file(path: path, problem: "damaged checkpoint: version \(header.version); versions start at 1")
        }
        guard header.version <= Self.currentVersion else {
            throw .file(path: path, problem: .content("written by a newer HMMKit (checkpoint version \(header.version)); "
                + "this build reads version \(Self.currentVersion)"))
        }
        guard header.version >= Self.currentVersion else {
            throw .file(path: path, problem: .content("written by an earlier HMMKit (checkpoint version \(header.version), which "
                + "identified runs by text); it cannot be resumed by this build: delete it to start again"))
        }
        guard let fingerprint = header.fingerprint, let modelFormat = header.modelFormat,
              let identity = header.modelIdentity, let count = header.modelByteCount,
              let completed = header.completedIterations, let history = header.history else {
            throw .file(path: path, problem: "damaged checkpoint: its header lacks fields")
        }
        guard (0...InputLimits.maximumIterationCount).contains(completed) else {
            throw .file(path: path, problem: .content("damaged checkpoint: completedIterations is \(completed); it must lie in "
                + "0…\(InputLimits.maximumIterationCount)"))
        }
        guard history.count == completed else {
            throw .file(path: path, problem: .content("damaged checkpoint: completedIterations is \(completed) but the history holds "
                + "\(history.count) iterations"))
        }
        for (index, record) in history.enumerated() {
            guard record.iteration == index + 1, record.frameCount >= 0, record.seconds >= 0 else {
                throw .file(path: path, problem: .content("damaged checkpoint: history entry \(index) (iteration \(record.iteration), "
                    + "frames \(record.frameCount), seconds \(record.seconds)) is not iteration \(index + 1) with non-negative "
                    + "frames and seconds"))
            }
        }
        let model = Array(bytes[(newline + 1)...])
        guard model.count == count, ModelIdentity.hash(model) == identity else {
            throw .file(path: path, problem: .content("damaged checkpoint: the model holds \(model.count) bytes of the \(count) recorded, "
                + "or they changed; delete it to start again"))
        }
        self.init(fingerprint: fingerprint, modelFormat: modelFormat, completedIterations: completed, history: history,
                  stopReason: header.stopReason, model: model)
    }

    /// Reads the checkpoint at `url`; nil when there is no file.
    /// - Throws: ``TrainingError/file(path:problem:)`` for an unreadable or damaged one.
    public static func read(from url: URL) throws(TrainingError) -> TrainingCheckpoint? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(url) } catch { throw .file(path: url.path, problem: .access(error)) }
        return try TrainingCheckpoint(decoding: bytes, path: url.path)
    }

    /// Writes the checkpoint to `url` atomically and durably (the old file or the new one, never a mix).
    public func write(to url: URL) throws(TrainingError) {
        let bytes = try encoded()
        do { try AtomicFile.write(bytes, to: url) } catch { throw .file(path: url.path, problem: .access(error)) }
    }
}
