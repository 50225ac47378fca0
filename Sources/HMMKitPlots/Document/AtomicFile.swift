// Atomic SVG writes, through HMMKitFileSystem: a temporary file beside the destination, written
// in full, flushed and renamed over it, so that readers never see half an SVG file.
import HMMKitFileSystem

enum AtomicFile {
    /// Writes `bytes` to `path` atomically (``FileSystem/writeAtomically(_:to:durable:)``); returns
    /// the reason on failure (the destination is then untouched), `nil` on success.
    static func store(_ bytes: [UInt8], at path: String) -> String? {
        bytes.withUnsafeBytes { FileSystem.writeAtomically([$0], to: path) }
    }
}
