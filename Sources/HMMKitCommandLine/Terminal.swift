import Dispatch
import Foundation
import Synchronization

/// Messages for people on stderr; stdout is kept for data.
enum Terminal {
    static func info(_ message: String) { write(message) }
    static func warn(_ message: String) { write("warning: \(message)") }
    static func error(_ message: String) { write("error: \(message)") }

    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
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
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() { FileHandle.standardError.write(Data("\n".utf8)) }
}
