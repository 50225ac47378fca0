import Foundation
import HMMKitFileSystem
import HMMKitMatrixFiles
import HMMKitNumerics

/// What a model file is, from its header alone: its format (`HMMKit.HiddenMarkovModel`,
/// `HMMKit.GaussianMixture`) and the precision it was trained in.
public struct ModelFileInfo: Sendable, Hashable {
    /// The file's `format`.
    public var format: String
    /// The file's `precision` (nil when absent).
    public var precision: Precision?
    /// The file's bytes.
    public var bytes: [UInt8]

    private struct Header: Decodable {
        var format: String?
        var precision: Precision?
    }

    /// Reads the model file at `url`.
    /// - Throws: ``TrainingError/file(path:problem:)`` for a missing file or one that is not an HMMKit model.
    public static func read(from url: URL) throws(TrainingError) -> ModelFileInfo {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(url) } catch { throw .file(path: url.path, problem: .access(error)) }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes)), let format = header.format else {
            throw .file(path: url.path, problem: "not an HMMKit model file (no JSON \"format\"; truncated or another kind of file)")
        }
        return ModelFileInfo(format: format, precision: header.precision, bytes: bytes)
    }
}
