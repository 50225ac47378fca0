#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization

/// Messages for people on stderr; stdout is kept for data.
enum Terminal {
    static func info(_ message: String) { write(message) }
    static func warn(_ message: String) { write("warning: \(message)") }
    static func error(_ message: String) { write("error: \(message)") }

    static func write(_ line: String) {
        writeToStandardError(line + "\n")
    }

    /// `text` on stderr with `write(2)`, ignoring failures: a closed or full stderr must not stop
    /// (or crash) a command whose results go elsewhere.
    static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = systemWrite(STDERR_FILENO, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return }
                written += count
            }
        }
    }

    /// Opens `/dev/null` on each of the standard descriptors 0, 1, 2 that is closed (`2>&-`), so
    /// that no file the command opens gets one of their numbers and receives its messages.
    static func reserveStandardDescriptors() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) == -1 {
            _ = open("/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY)
        }
    }
}

/// `write(2)` (named apart from ``Terminal/write(_:)``).
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// A one-line progress display on stderr for long work: done/total, rate and time left,
/// redrawn at most five times a second. Safe to update from several threads.
final class ProgressReporter: Sendable {
    private let label: String
    private let total: Int
    private let start = DispatchTime.now().uptimeNanoseconds
    private let lastDraw = Mutex<UInt64>(0)

    init(label: String, total: Int) {
        self.label = label
        self.total = total
    }

    func update(_ done: Int) {
        let now = DispatchTime.now().uptimeNanoseconds
        let shouldDraw = lastDraw.withLock { last -> Bool in
            guard now - last > 200_000_000 || done == total else { return false }
            last = now
            return true
        }
        guard shouldDraw else { return }
        let elapsed = Double(now - start) / 1e9
        let rate = Double(done) / max(elapsed, 1e-9)
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let line = String(format: "\r%@: %d/%d (%.0f/s, %.1f s elapsed, %.1f s left)  ",
                          label, done, total, rate, elapsed, remaining)
        Terminal.writeToStandardError(line)
    }

    func finish() { Terminal.writeToStandardError("\n") }
}
