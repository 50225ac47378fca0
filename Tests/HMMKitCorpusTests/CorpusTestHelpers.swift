import Foundation
import HMMKitCorpus
import HMMKitTestSupport
import Testing

/// A corpus built on disk for a test: tiny float WAVs (and any other files) in a temporary folder.
final class CorpusFolder {
    let folder: TemporaryFolder
    var url: URL { folder.url }
    var path: String { folder.url.path }

    init() throws { folder = try TemporaryFolder() }

    /// Writes a mono float WAV of `seconds` at 8 kHz (a quiet 440 Hz tone) at `relativePath`,
    /// creating the folders on the way; returns its URL.
    @discardableResult
    func wav(_ relativePath: String, seconds: Double = 0.05) throws -> URL {
        let count = Int((seconds * 8000).rounded())
        let samples = (0..<count).map { Float(0.1 * sin(2 * Double.pi * 440 * Double($0) / 8000)) }
        return try write(floatWAVBytes(samples), to: relativePath)
    }

    /// Writes `text` (UTF-8) at `relativePath`; returns its URL.
    @discardableResult
    func text(_ text: String, to relativePath: String) throws -> URL {
        try write(Array(text.utf8), to: relativePath)
    }

    /// Writes `bytes` at `relativePath`, creating the folders on the way.
    @discardableResult
    func write(_ bytes: [UInt8], to relativePath: String) throws -> URL {
        let target = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: target)
        return target
    }

    /// Makes an empty folder at `relativePath`.
    func makeFolder(_ relativePath: String) throws {
        try FileManager.default.createDirectory(at: url.appendingPathComponent(relativePath), withIntermediateDirectories: true)
    }

    /// Writes FSDD-style recordings `LABEL_SPEAKER_TAKE.wav` for every combination, in `subfolder`.
    func fsdd(labels: [String], speakers: [String], takes: Range<Int>, in subfolder: String = "") throws {
        for label in labels {
            for speaker in speakers {
                for take in takes {
                    try wav((subfolder.isEmpty ? "" : subfolder + "/") + "\(label)_\(speaker)_\(take).wav")
                }
            }
        }
    }
}

/// The problem kinds of a corpus error, for compact expectations.
func kinds(_ error: CorpusError) -> [CorpusProblem.Kind] { error.problems.map(\.kind) }

/// Runs `body`, which must throw a ``CorpusError``, and returns the error; `nil` when it does
/// not throw (the caller's expectation then fails), and an issue when it throws another error.
func corpusError(_ body: () throws -> Void) -> CorpusError? {
    do {
        try body()
        return nil
    } catch let error as CorpusError {
        return error
    } catch {
        Issue.record("expected a CorpusError, got \(type(of: error)): \(error)")
        return nil
    }
}

/// File names of entries.
func names(_ entries: [CorpusEntry]) -> [String] { entries.map(\.fileName) }
