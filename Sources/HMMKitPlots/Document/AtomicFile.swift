// The POSIX calls of the module: a temporary file beside the destination, written in full,
// flushed and renamed over it, so that readers never see half an SVG file.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum AtomicFile {
    /// Writes `bytes` to `path` through `.<name>.tmp-XXXXXX` in the same folder (`mkstemp(3)`),
    /// `fsync(2)` and `rename(2)`; returns the reason on failure (the destination is then untouched
    /// and the temporary file removed), `nil` on success.
    static func store(_ bytes: [UInt8], at path: String) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? "plot.svg"
        var template = Array("\(directory(of: path))/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return "cannot create a temporary file beside it: \(describe(errno: errno))" }
        _ = fchmod(descriptor, 0o644)
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }

        var failure = writeAll(bytes, to: descriptor)
        if failure == nil, fsync(descriptor) != 0 { failure = describe(errno: errno) }
        if close(descriptor) != 0, failure == nil { failure = describe(errno: errno) }
        if failure == nil, rename(temporaryPath, path) != 0 { failure = describe(errno: errno) }
        if failure != nil { _ = unlink(temporaryPath) }
        return failure
    }

    /// `write(2)` until every byte is written, retrying on `EINTR`.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        bytes.withUnsafeBytes { buffer -> String? in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return describe(errno: errno)
                }
                offset += written
            }
            return nil
        }
    }

    /// The folder part of `path` (`"."` when it has none).
    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `strerror(3)` of `code`.
    private static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
