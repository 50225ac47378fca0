// A file without a name for data a process keeps on disk only while it runs (the features a
// streamed training pass reads again): created in a folder with mkstemp(3) and unlinked at once,
// so that the kernel frees its space when the descriptor closes, however the process ends.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An unnamed file: appended to, read at any offset (by any thread), freed when released or
/// ``discard()``ed, or when the process ends, `kill -9` included.
package final class ScratchFile: @unchecked Sendable {
    // Written by one thread at a time (the caller's contract); `pread` needs no lock.
    private var descriptor: Int32
    /// Bytes written so far.
    package private(set) var byteCount = 0
    /// The folder the file was made in, for messages.
    package let folder: String

    /// A new empty file in `folder`.
    /// - Throws: the reason (`strerror(3)`, or what is wrong with the folder) when it cannot be made.
    package init(in folder: String) throws(FileSystem.TemporaryFileFailure) {
        var template = Array("\(folder)/.hmmkit-scratch-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            let code = errno, reason = FileSystem.describe(errno: code)
            let message = code == ENOENT ? "the folder \(folder) does not exist"
                : code == ENOTDIR ? "\(folder) is not a folder" : "cannot create a file in \(folder) (\(reason))"
            throw FileSystem.TemporaryFileFailure(reason: reason, message: message)
        }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.descriptor = descriptor
        self.folder = folder
    }

    deinit { discard() }

    /// Closes the file, which frees its space; reading or writing it afterwards is a programmer's error.
    package func discard() {
        if descriptor >= 0 { _ = close(descriptor) }
        descriptor = -1
    }

    /// Appends `bytes`; the reason (`strerror(3)`) when they cannot all be written.
    package func append(_ bytes: UnsafeRawBufferPointer) -> String? {
        precondition(descriptor >= 0, "ScratchFile: written after discard()")
        let descriptor = descriptor, start = byteCount
        let outcome = Self.repeatUntilDone(bytes.count) { done in
            pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(start + done))
        }
        switch outcome {
        case .success(let written) where written == bytes.count:
            byteCount += written
            return nil
        case .success: return "no space written"
        case .failure(let failure): return failure.reason
        }
    }

    /// Calls `call(done)` (a `read` or `write` of what is left after `done` bytes) until `count`
    /// bytes are done or it returns 0 (the end of the file), retrying after `EINTR`.
    private static func repeatUntilDone(_ count: Int, _ call: (Int) -> Int) -> Result<Int, Failure> {
        var done = 0
        while done < count {
            let result = call(done)
            if result < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(reason: FileSystem.describe(errno: errno)))
            }
            if result == 0 { break }
            done += result
        }
        return .success(done)
    }

    /// Why reading or writing failed (`strerror(3)`).
    package struct Failure: Error {
        package let reason: String
    }

    /// Empties the file.
    package func truncate() -> String? {
        precondition(descriptor >= 0, "ScratchFile: truncated after discard()")
        guard ftruncate(descriptor, 0) == 0 else { return FileSystem.describe(errno: errno) }
        byteCount = 0
        return nil
    }

    /// Reads `buffer.count` bytes from `offset` into `buffer`, fewer only at the end of the file;
    /// the number read, or why reading failed.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Result<Int, Failure> {
        precondition(descriptor >= 0, "ScratchFile: read after discard()")
        let descriptor = descriptor
        return Self.repeatUntilDone(buffer.count) { done in
            pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
        }
    }
}
