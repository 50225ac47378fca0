// An open archive: a file descriptor with a read buffer and an absolute position, read with
// pread(2) so that a seek is only a change of position. Large reads (matrix data) bypass the
// buffer and land straight in the destination.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HMMKitFileSystem

/// Owns one read-only file descriptor (closed in `deinit`) and a buffer of `bufferSize` bytes.
final class KaldiFileHandle {
    /// The path, as errors name it.
    let path: String
    /// The file's size when it was opened, in bytes.
    let size: Int

    private let descriptor: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    /// Unread bytes are `buffer[bufferStart..<bufferEnd]`; `buffer[bufferStart]` is at `position`.
    private var bufferStart = 0
    private var bufferEnd = 0
    /// The file offset of the next byte ``readByte()`` returns.
    private(set) var position = 0

    /// Opens `path` for reading (``FileSystem/openForReading(_:)``: named pipes, sockets, devices
    /// and folders are refused without blocking).
    /// - Throws: ``KaldiArchiveError/fileNotFound(file:)``, ``KaldiArchiveError/notRegularFile(file:kind:)``
    ///   or ``KaldiArchiveError/unreadable(file:reason:)``.
    init(path: String, bufferSize: Int = 1 << 20) throws(KaldiArchiveError) {
        precondition(bufferSize >= 64, "KaldiFileHandle buffer of \(bufferSize) bytes is too small")
        let opened: (descriptor: Int32, byteCount: Int)
        switch FileSystem.openForReading(path) {
        case .success(let result): opened = result
        case .failure(.missing): throw .fileNotFound(file: path)
        case .failure(.notRegularFile(let kind)): throw .notRegularFile(file: path, kind: kind)
        case .failure(.unreadable(let reason)): throw .unreadable(file: path, reason: reason)
        }
        self.path = path
        self.descriptor = opened.descriptor
        self.size = opened.byteCount
        self.buffer = .allocate(byteCount: bufferSize, alignment: 64)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// Bytes between the position and the end of the file.
    var remaining: Int { max(size - position, 0) }

    /// Moves the position to `offset` (dropping the buffer unless `offset` lies inside it).
    func seek(to offset: Int) {
        let inBuffer = offset - position + bufferStart
        if inBuffer >= 0 && inBuffer <= bufferEnd {
            bufferStart = inBuffer
        } else {
            bufferStart = 0
            bufferEnd = 0
        }
        position = offset
    }

    /// The next byte without consuming it, or `nil` at the end of the file.
    func peekByte() throws(KaldiArchiveError) -> UInt8? {
        if bufferStart == bufferEnd, try !fill() { return nil }
        return buffer[bufferStart]
    }

    /// The next byte, or `nil` at the end of the file.
    func readByte() throws(KaldiArchiveError) -> UInt8? {
        if bufferStart == bufferEnd, try !fill() { return nil }
        let byte = buffer[bufferStart]
        bufferStart += 1
        position += 1
        return byte
    }

    /// Fills `destination` from the position on; returns how many bytes it got (fewer than
    /// `destination.count` only at the end of the file).
    func read(into destination: UnsafeMutableRawBufferPointer) throws(KaldiArchiveError) -> Int {
        var filled = 0
        while filled < destination.count {
            if bufferStart < bufferEnd {
                let count = min(bufferEnd - bufferStart, destination.count - filled)
                (destination.baseAddress! + filled).copyMemory(from: buffer.baseAddress! + bufferStart, byteCount: count)
                bufferStart += count
                position += count
                filled += count
            } else if destination.count - filled >= buffer.count {
                // A large block: read it in place, without passing through the buffer.
                let count = try readAt(position, into: UnsafeMutableRawBufferPointer(rebasing: destination[filled...]))
                if count == 0 { break }
                position += count
                filled += count
            } else if try !fill() {
                break
            }
        }
        return filled
    }

    /// Up to `count` bytes from the position on (fewer only at the end of the file).
    func readBytes(_ count: Int) throws(KaldiArchiveError) -> [UInt8] {
        var failure: KaldiArchiveError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { storage, initialized in
            do throws(KaldiArchiveError) {
                initialized = try read(into: UnsafeMutableRawBufferPointer(storage))
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Refills the buffer from the position on; false at the end of the file.
    private func fill() throws(KaldiArchiveError) -> Bool {
        bufferStart = 0
        bufferEnd = try readAt(position, into: buffer)
        return bufferEnd > 0
    }

    /// `pread(2)` until `destination` is full or the file ends; returns the bytes read.
    private func readAt(_ offset: Int, into destination: UnsafeMutableRawBufferPointer) throws(KaldiArchiveError) -> Int {
        var filled = 0
        while filled < destination.count {
            let count = pread(descriptor, destination.baseAddress! + filled, destination.count - filled, off_t(offset + filled))
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(file: path, reason: FileSystem.describe(errno: errno))
            }
            if count == 0 { break }
            filled += count
        }
        return filled
    }
}
