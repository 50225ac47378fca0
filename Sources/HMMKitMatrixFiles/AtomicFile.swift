import Foundation

/// Whole-file reads and atomic writes for HMMKit's own file formats (model and statistics
/// files): a write goes to a temporary file in the destination's folder, is `fsync`ed and then
/// renamed over the destination, so readers see the old file or the new one, never half of one.
public enum AtomicFile {
    /// Writes `bytes` to `url` atomically and durably.
    /// - Throws: ``MatrixFileError/cannotWrite(file:reason:)``; the destination is then unchanged.
    public static func write(_ bytes: [UInt8], to url: URL) throws(MatrixFileError) {
        let path = url.path(percentEncoded: false)
        let outcome: Result<Void, MatrixFileError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(MatrixFileError) in try FileAccess.writeAtomically([buffer], to: path) }
        }
        try outcome.get()
    }

    /// The whole file at `url`.
    /// - Throws: ``MatrixFileError/fileNotFound(file:)`` or ``MatrixFileError/unreadable(file:reason:)``.
    public static func read(_ url: URL) throws(MatrixFileError) -> [UInt8] {
        try FileAccess.readFile(url.path(percentEncoded: false)).bytes
    }
}
