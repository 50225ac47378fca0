// The POSIX file calls HMMKit's modules share: checking a path before a library opens it (so
// that "missing", "a directory" and "empty" get their own clear errors), opening files for
// reading without ever blocking on a named pipe or device, and the temporary file + fsync +
// rename that makes every write atomic (audio, .npy matrices, model files, SVG plots).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

package enum FileSystem {
    /// What a path names, from `stat(2)`.
    package enum PathStatus: Equatable {
        case missing
        case regularFile(byteCount: Int)
        case notRegularFile
        case inaccessible(reason: String)
    }

    /// `stat(2)` of `path`, following symbolic links.
    package static func status(of path: String) -> PathStatus {
        var information = stat()
        guard stat(path, &information) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .missing }
            return .inaccessible(reason: describe(errno: code))
        }
        guard (information.st_mode & S_IFMT) == S_IFREG else { return .notRegularFile }
        return .regularFile(byteCount: Int(information.st_size))
    }

    /// What kind of file `mode` (`st_mode` of `stat(2)`) describes, for messages: "a named pipe",
    /// "a folder", "a socket", "a character device", "a block device", "a regular file".
    package static func kind(ofMode mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// Why a file could not be opened or read (``openForReading(_:)``, ``readFile(_:limit:)``).
    package enum ReadFailure: Error, Equatable {
        /// Nothing is at the path (`ENOENT`, `ENOTDIR`).
        case missing
        /// The path names something other than a regular file: `kind` says what
        /// (``kind(ofMode:)``: "a named pipe", "a folder", …).
        case notRegularFile(kind: String)
        /// `open`, `fstat` or `read` failed; `reason` is `strerror(3)`.
        case unreadable(reason: String)
    }

    /// Opens the regular file at `path` read-only, without ever blocking on what is not one.
    ///
    /// Opening a named pipe blocks until a writer appears, and reading a device or socket may
    /// never end, so the type is checked before `open(2)` (`stat`), then the file is opened with
    /// `O_NONBLOCK` (which makes `open` of a FIFO return at once), checked again with `fstat`
    /// (the path may have been replaced in between), and `O_NONBLOCK` is cleared for the reads.
    /// Every reader of HMMKit's own formats opens its files here.
    /// - Returns: the descriptor (the caller closes it) and the file's size in bytes.
    package static func openForReading(_ path: String) -> Result<(descriptor: Int32, byteCount: Int), ReadFailure> {
        var information = stat()
        guard stat(path, &information) == 0 else { return .failure(failure(errno: errno)) }
        guard (information.st_mode & S_IFMT) == S_IFREG else {
            return .failure(.notRegularFile(kind: kind(ofMode: information.st_mode)))
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { return .failure(failure(errno: errno)) }
        guard fstat(descriptor, &information) == 0 else {
            let code = errno
            _ = close(descriptor)
            return .failure(.unreadable(reason: describe(errno: code)))
        }
        guard (information.st_mode & S_IFMT) == S_IFREG else {
            _ = close(descriptor)
            return .failure(.notRegularFile(kind: kind(ofMode: information.st_mode)))
        }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        return .success((descriptor, Int(information.st_size)))
    }

    /// The first `limit` bytes of the regular file at `path` (all of it when `limit` is `nil`)
    /// and the file's size, opened with ``openForReading(_:)``.
    package static func readFile(_ path: String, limit: Int? = nil) -> Result<(bytes: [UInt8], fileSize: Int), ReadFailure> {
        let descriptor: Int32, fileSize: Int
        switch openForReading(path) {
        case .success(let opened): (descriptor, fileSize) = opened
        case .failure(let failure): return .failure(failure)
        }
        defer { _ = close(descriptor) }
        let wanted = min(fileSize, limit ?? fileSize)
        // A whole-file read of more than the machine's memory cannot succeed (a sparse or
        // damaged file can claim terabytes): refused instead of failing to allocate.
        if let memory = physicalMemoryBytes, wanted > memory {
            return .failure(.unreadable(reason: "\(wanted) bytes, more than this machine's memory (\(memory) bytes)"))
        }
        return readBytes(wanted, from: descriptor).map { ($0, limit == nil ? $0.count : fileSize) }
    }

    /// The whole regular file at `path` when it holds at most `largest` bytes; nil when it is
    /// larger, shrank while being read, or cannot be opened or read (no error: for a fast path
    /// whose caller then reads the file the general way, which reports what went wrong).
    package static func readWholeFile(_ path: String, ifAtMost largest: Int) -> [UInt8]? {
        guard case .success(let (descriptor, fileSize)) = openForReading(path) else { return nil }
        defer { _ = close(descriptor) }
        guard fileSize <= largest, case .success(let bytes) = readBytes(fileSize, from: descriptor),
              bytes.count == fileSize else { return nil }
        return bytes
    }

    /// Up to `wanted` bytes from `descriptor`'s current offset (fewer when the file ends first).
    private static func readBytes(_ wanted: Int, from descriptor: Int32) -> Result<[UInt8], ReadFailure> {
        var bytes = [UInt8](repeating: 0, count: wanted)
        var filled = 0
        var failure: Int32?
        bytes.withUnsafeMutableBytes { buffer in
            while filled < wanted {
                let count = read(descriptor, buffer.baseAddress! + filled, wanted - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if count == 0 { return }  // The file shrank while being read.
                filled += count
            }
        }
        if let failure { return .failure(.unreadable(reason: describe(errno: failure))) }
        if filled < wanted { bytes.removeLast(wanted - filled) }
        return .success(bytes)
    }

    /// The machine's physical memory in bytes (`sysconf`), when known.
    package static var physicalMemoryBytes: Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return nil }
        return pages.multipliedReportingOverflow(by: pageSize).overflow ? Int.max : pages * pageSize
    }

    /// The ``ReadFailure`` of a failed `stat` or `open` with `errno` `code`.
    private static func failure(errno code: Int32) -> ReadFailure {
        code == ENOENT || code == ENOTDIR ? .missing : .unreadable(reason: describe(errno: code))
    }

    /// `strerror(3)` of `code`.
    package static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// The folder part of `path` (`"."` when it has none).
    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Why a file could not be written at `file` (it is a folder; its folder is missing, is not a
    /// folder, or may not be written in), or `nil` when it can be created or replaced.
    package static func whyNotWritable(file: String) -> String? {
        if let refusal = refusalOfDestination(file) { return refusal }
        var information = stat()
        let folder = directory(of: file)
        guard stat(folder, &information) == 0 else {
            let code = errno
            return code == ENOENT ? "the folder \(folder) does not exist" : "\(folder): \(describe(errno: code))"
        }
        guard (information.st_mode & S_IFMT) == S_IFDIR else { return "\(folder) is not a folder" }
        guard access(folder, W_OK | X_OK) == 0 else { return "cannot write in \(folder): \(describe(errno: errno))" }
        return nil
    }

    /// Why an atomic write must not replace what is at `path`: a folder, or a device, named pipe or
    /// socket (renaming a file over `/dev/null` or `/dev/stdout` would replace the device itself);
    /// `nil` for a regular file or nothing.
    package static func refusalOfDestination(_ path: String) -> String? {
        var information = stat()
        guard stat(path, &information) == 0 else { return nil }
        switch information.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "it is a folder; name a file to write"
        default: return "it is \(kind(ofMode: information.st_mode)), not a regular file; name a file to write"
        }
    }

    /// Creates the folder `path` and any missing folders above it (`mkdir -p`, mode `0777` less
    /// the umask); `nil` on success or when it exists, else the reason, naming the folder at fault.
    package static func createFolders(_ path: String) -> String? {
        var information = stat()
        if stat(path, &information) == 0 {
            return (information.st_mode & S_IFMT) == S_IFDIR ? nil : "\(path) exists and is not a folder"
        }
        let parent = directory(of: path)
        if parent != path, parent != ".", parent != "/", let failure = createFolders(parent) { return failure }
        if mkdir(path, 0o777) != 0 {
            let code = errno
            if code == EEXIST, stat(path, &information) == 0, (information.st_mode & S_IFMT) == S_IFDIR { return nil }
            return "cannot create the folder \(path): \(describe(errno: code))"
        }
        return nil
    }

    /// A new, empty file next to `path`, named `.<name>.tmp-XXXXXX`, created with `mkstemp(3)`
    /// (so two writers never share one) and made readable by everyone (`0644`); returns its path and
    /// an open descriptor, or the reason it could not be made.
    ///
    /// The writer holds an exclusive `flock(2)` on the file for as long as the descriptor is open,
    /// and the kernel drops it when the writer dies: that is how ``removeStaleTemporaryFiles(in:)``,
    /// run here at the first write into each folder, tells the leftovers of a killed writer from
    /// the file of a live one. A destination that is a folder is refused before anything is made.
    package static func makeTemporaryFile(beside path: String) -> Result<(path: String, descriptor: Int32), TemporaryFileFailure> {
        let name = path.split(separator: "/").last.map(String.init) ?? "file"
        let directory = directory(of: path)
        var information = stat()
        if let refusal = refusalOfDestination(path) {
            return .failure(TemporaryFileFailure(reason: refusal, message: refusal))
        }
        removeStaleTemporaryFiles(in: directory)
        while true {
            var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else {
                let code = errno
                let reason = describe(errno: code)
                let message: String
                switch code {
                case ENOENT: message = "the folder \(directory) does not exist"
                case ENOTDIR: message = "\(directory) is not a folder"
                default: message = "cannot create a file in \(directory) (\(reason))"
                }
                return .failure(TemporaryFileFailure(reason: reason, message: message))
            }
            while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
            // A cleaner that found the file before it was locked has removed it: make another.
            if fstat(descriptor, &information) == 0, information.st_nlink == 0 {
                _ = close(descriptor)
                continue
            }
            _ = fchmod(descriptor, 0o644)
            let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return .success((temporaryPath, descriptor))
        }
    }

    /// Why ``makeTemporaryFile(beside:)`` failed: `reason` is the system's (`strerror(3)`),
    /// `message` says it for people ("the folder out does not exist").
    package struct TemporaryFileFailure: Error {
        package let reason: String
        package let message: String
    }

    /// Folders this process has already swept for stale temporary files.
    private static let sweptFolders = Mutex<Set<String>>([])

    /// Removes the temporary files (`.<name>.tmp-XXXXXX`, ``makeTemporaryFile(beside:)``) that
    /// writers which died (SIGKILL, power cut) left in `directory`: only regular files of this
    /// user that no live writer holds locked (`flock` with `LOCK_NB` succeeds), so a concurrent
    /// writer's file is never touched. Each folder is swept once per process, at its first write.
    package static func removeStaleTemporaryFiles(in directory: String) {
        guard sweptFolders.withLock({ $0.insert(directory).inserted }) else { return }
        let stale = names(in: directory, where: isTemporaryFileName)
        for name in stale { removeIfUnlocked("\(directory)/\(name)") }
    }

    /// The names in `directory` that `include` accepts (`readdir(3)`; empty when it cannot be read).
    package static func names(in directory: String, where include: (String) -> Bool) -> [String] {
        guard let folder = opendir(directory) else { return [] }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if include(name) { names.append(name) }
        }
        return names
    }

    /// Removes `path` if it is a regular file of this user that no live writer holds locked
    /// (`flock` with `LOCK_NB` succeeds, and the path still names the file that was locked).
    @discardableResult
    package static func removeIfUnlocked(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { _ = close(descriptor) }
        var opened = stat(), named = stat()
        guard fstat(descriptor, &opened) == 0, (opened.st_mode & S_IFMT) == S_IFREG, opened.st_uid == geteuid(),
              flock(descriptor, LOCK_EX | LOCK_NB) == 0,
              lstat(path, &named) == 0, named.st_dev == opened.st_dev, named.st_ino == opened.st_ino else { return false }
        return unlink(path) == 0
    }

    /// Whether `name` has the form of a temporary file name, `.<name>.tmp-XXXXXX` (six letters or digits).
    package static func isTemporaryFileName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        let marker = Array(".tmp-".utf8)
        guard bytes.count > 1 + marker.count + 6, bytes[0] == UInt8(ascii: ".") else { return false }
        let suffix = bytes[(bytes.count - 6)...]
        let isAlphanumeric = { (byte: UInt8) in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
        return suffix.allSatisfy(isAlphanumeric) && Array(bytes[(bytes.count - 6 - marker.count)..<(bytes.count - 6)]) == marker
    }

    /// `rename(2)`: atomically replaces `destination` by `source` (same file system); `nil` on success.
    package static func moveAtomically(_ source: String, to destination: String) -> String? {
        guard rename(source, destination) == 0 else { return describe(errno: errno) }
        return nil
    }

    /// `fsync(2)` then `close(2)` of `descriptor`; the reason when either fails, else `nil`.
    package static func synchronizeAndClose(_ descriptor: Int32) -> String? {
        var failure: String?
        if fsync(descriptor) != 0 { failure = describe(errno: errno) }
        if close(descriptor) != 0, failure == nil { failure = describe(errno: errno) }
        return failure
    }

    /// `close(2)`, ignoring failures (used to clean up after a failed write).
    package static func closeIgnoringErrors(_ descriptor: Int32) { _ = close(descriptor) }

    /// `unlink(2)`, ignoring failures (used to clean up after a failed write).
    package static func remove(_ path: String) { _ = unlink(path) }

    /// Writes `chunks` one after the other to `path` atomically: into a temporary file beside it
    /// (``makeTemporaryFile(beside:)``), then `fsync` (when `durable`), `rename` over `path` and
    /// `close`, and with `durable` an `fsync` of the folder so the rename survives a power cut.
    /// Readers see the old file or the new one, never part of one. Returns the reason on failure
    /// (the destination is then unchanged and the temporary file removed), `nil` on success.
    package static func writeAtomically(_ chunks: [UnsafeRawBufferPointer], to path: String, durable: Bool = true) -> String? {
        let temporary: (path: String, descriptor: Int32)
        switch makeTemporaryFile(beside: path) {
        case .success(let created): temporary = created
        case .failure(let failure): return failure.message
        }
        if let failure = writeAll(chunks, to: temporary.descriptor) {
            closeIgnoringErrors(temporary.descriptor)
            remove(temporary.path)
            return failure
        }
        return commitTemporaryFile(temporary, to: path, durable: durable)
    }

    /// `chunks` one after the other, gathered by `writev(2)` (one call for a header and its data;
    /// at most 1024 chunks a call, Linux's `IOV_MAX`) until every byte is out (retrying after
    /// `EINTR`); the reason on failure.
    package static func writeAll(_ chunks: [UnsafeRawBufferPointer], to descriptor: Int32) -> String? {
        var pending = chunks.filter { $0.count > 0 }
        while !pending.isEmpty {
            let vectors = pending.prefix(1024).map { iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count) }
            let count = vectors.withUnsafeBufferPointer { writev(descriptor, $0.baseAddress, Int32($0.count)) }
            if count < 0 {
                if errno == EINTR { continue }
                return describe(errno: errno)
            }
            // Drop what was written: whole chunks, then the front of a partly written one.
            var written = count
            while let first = pending.first, written >= first.count {
                written -= first.count
                pending.removeFirst()
            }
            if written > 0 { pending[0] = UnsafeRawBufferPointer(rebasing: pending[0][written...]) }
        }
        return nil
    }

    /// `write(2)` until every byte of `bytes` is out (retrying after `EINTR`); the reason on failure.
    package static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> String? {
        var written = 0
        while written < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                return describe(errno: errno)
            }
            written += count
        }
        return nil
    }

    /// The last steps of an atomic write: `fsync` the temporary file (when `durable`), `rename` it
    /// over `path`, `close` it, and with `durable` `fsync` the folder so the rename survives a
    /// power cut. On a failure before the rename the temporary file is removed and the reason
    /// returned; `nil` on success.
    package static func commitTemporaryFile(_ temporary: (path: String, descriptor: Int32), to path: String,
                                            durable: Bool) -> String? {
        var failure: String?
        if durable, fsync(temporary.descriptor) != 0 { failure = "fsync: \(describe(errno: errno))" }
        // Renamed while still open: the descriptor's lock keeps every sweep of stale temporary
        // files (removeStaleTemporaryFiles, in this process or another) off the file until it
        // has its final name; closed first, it would look abandoned for a moment.
        if failure == nil, let reason = moveAtomically(temporary.path, to: path) {
            failure = "cannot rename the temporary file over it: \(reason)"
        }
        if let failure {
            closeIgnoringErrors(temporary.descriptor)
            remove(temporary.path)
            return failure
        }
        if close(temporary.descriptor) != 0 {
            return "close after the rename: \(describe(errno: errno)); the new file is in place but may be incomplete"
        }
        if durable {
            // Make the rename itself durable (best effort: some file systems refuse fsync on a folder).
            let folder = open(directory(of: path), O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NONBLOCK)
            if folder >= 0 {
                _ = fsync(folder)
                _ = close(folder)
            }
        }
        return nil
    }
}
