#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import HMMKitMatrixFiles
import HMMKitFileSystem
import HMMKitNumerics
import Testing

/// The readers never block on a named pipe; archive and script are published as one unit; the
/// temporary files of dead writers are removed, those of live writers kept.
@Suite struct FileHardeningTests {
    /// Runs `body` and fails (instead of hanging) when it has not returned within 10 s: a
    /// watchdog then opens the pipe for writing once, which lets a reader blocked in `open` go on.
    private func returnsPromptly(_ pipe: String, _ body: () -> Void) {
        let finished = DispatchSemaphore(value: 0), fired = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            guard finished.wait(timeout: .now() + 10) == .timedOut else { return }
            fired.signal()
            let writer = open(pipe, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
        }
        body()
        finished.signal()
        if fired.wait(timeout: .now()) == .success { Issue.record("reading \(pipe) blocked until a writer came") }
    }

    @Test func everyReaderRefusesANamedPipe() throws {
        let folder = try TemporaryFolder()
        for name in ["p.npy", "p.ark", "p.scp", "p.json"] {
            let path = folder.file(name).path
            #expect(mkfifo(path, 0o644) == 0)
        }
        let npy = folder.file("p.npy"), ark = folder.file("p.ark"), scp = folder.file("p.scp"), json = folder.file("p.json")
        returnsPromptly(npy.path) {
            #expect(throws: MatrixFileError.notRegularFile(file: npy.path, kind: "a named pipe")) { try NumPyFile.read(Float.self, from: npy) }
            #expect(throws: MatrixFileError.notRegularFile(file: npy.path, kind: "a named pipe")) { try NumPyFile.header(of: npy) }
        }
        returnsPromptly(ark.path) {
            #expect(throws: KaldiArchiveError.notRegularFile(file: ark.path, kind: "a named pipe")) {
                try KaldiArchiveReader<Float>(url: ark)
            }
        }
        returnsPromptly(scp.path) {
            #expect(throws: KaldiArchiveError.notRegularFile(file: scp.path, kind: "a named pipe")) { try KaldiScript.read(from: scp) }
        }
        returnsPromptly(json.path) {
            #expect(throws: FileAccessError.notRegularFile(file: json.path, kind: "a named pipe")) { try AtomicFile.read(json) }
        }
        #expect(MatrixFileError.notRegularFile(file: "p.npy", kind: "a named pipe").description
                .hasPrefix("p.npy: a named pipe, not a regular file"))
        // A script entry whose archive is a pipe.
        try Data("k \(ark.path):0\n".utf8).write(to: folder.file("s.scp"))
        let reader = try KaldiScriptReader<Float>(url: folder.file("s.scp"))
        returnsPromptly(ark.path) {
            #expect(throws: KaldiArchiveError.scriptArchive(script: folder.file("s.scp").path, line: 1, key: "k",
                                                            error: .notRegularFile(file: ark.path, kind: "a named pipe"))) {
                try reader.matrix(at: 0)
            }
        }
        // Devices are refused too.
        #expect(FileSystem.openForReading("/dev/null").failureKind == "a character device")
    }

    @Test func stalTemporaryFilesOfDeadWritersAreRemoved() throws {
        let folder = try TemporaryFolder()
        // Left by a writer that died (nobody holds its lock), and one a live writer holds.
        _ = FileManager.default.createFile(atPath: folder.file(".a.npy.tmp-Q1w2E3").path, contents: Data([1]))
        let live = folder.file(".b.npy.tmp-R4t5Y6").path
        let descriptor = open(live, O_CREAT | O_RDWR, 0o644)
        #expect(descriptor >= 0 && flock(descriptor, LOCK_EX) == 0)
        defer { close(descriptor) }
        // Names that only look alike are not touched.
        for name in [".c.npy.tmp-short", "c.npy.tmp-Q1w2E3", ".c.npy.tmp-Q1w2E!"] {
            _ = FileManager.default.createFile(atPath: folder.file(name).path, contents: Data([2]))
        }
        try NumPyFile.write(Matrix<Float>.identity(2), to: folder.file("x.npy"))
        #expect(try folder.contents() == [".b.npy.tmp-R4t5Y6", ".c.npy.tmp-Q1w2E!", ".c.npy.tmp-short", "c.npy.tmp-Q1w2E3", "x.npy"])
    }

    /// A (sparse) file larger than the machine's memory is refused, not allocated.
    @Test func filesLargerThanMemoryAreRefused() throws {
        let folder = try TemporaryFolder()
        let memory = try #require(FileSystem.physicalMemoryBytes)
        let huge = folder.file("huge.npy")
        var header = NumPyFile.encode(Matrix<Float>(rowCount: 1, columnCount: 1, repeating: 0))
        header.removeLast(4)
        try Data(header).write(to: huge)
        try #require(truncate(huge.path, off_t(memory + (1 << 30))) == 0)
        let error = #expect(throws: MatrixFileError.self) { try NumPyFile.read(Float.self, from: huge) }
        guard case let .unreadable(file, reason) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == huge.path && reason.contains("more than this machine's memory"), "\(reason)")
    }

    @Test func temporaryFileNames() {
        #expect(FileSystem.isTemporaryFileName(".feats.ark.tmp-aB3dE9"))
        #expect(!FileSystem.isTemporaryFileName("feats.ark.tmp-aB3dE9"))
        #expect(!FileSystem.isTemporaryFileName(".feats.ark.tmp-aB3dE"))
        #expect(!FileSystem.isTemporaryFileName(".feats.ark.tmp_aB3dE9"))
        #expect(!FileSystem.isTemporaryFileName(".tmp-aB3dE9"))
    }

    /// The same matrices give the same generation name (reproducible output); other matrices
    /// another; a failed script write leaves the old pair as it was.
    @Test func generationsAreContentNamedAndPublishedTogether() throws {
        let folder = try TemporaryFolder()
        let archive = folder.file("f.ark"), script = folder.file("f.scp")
        let first = [("a", Matrix<Float>.identity(3)), ("b", Matrix<Float>(rowCount: 2, columnCount: 3, repeating: 7))]
        try KaldiArchive.write(first, to: archive, script: script, durable: false)
        let name = try generationFile(of: archive, script: script)
        try KaldiArchive.write(first, to: archive, script: script, durable: false)
        #expect(try generationFile(of: archive, script: script) == name)
        #expect(try folder.contents() == ["f.ark", name, "f.scp"])

        // The script cannot be written (its name is a folder): nothing changes.
        let blocked = folder.file("blocked.scp")
        try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: true)
        let error = kaldiError {
            try KaldiArchive.write([("c", Matrix<Float>.identity(2))], to: archive, script: blocked, durable: false)
        }
        #expect(error?.file == blocked.path)
        #expect(try folder.contents() == ["blocked.scp", "f.ark", name, "f.scp"])
        #expect(try KaldiArchive.read(Float.self, from: archive).map(\.key) == ["a", "b"])

        // A generation a killed run linked but never published (nobody holds it), and one a live
        // writer is still publishing (it holds the lock of its temporary file, the same file).
        let orphan = folder.file("f.ark.0123456789abcdef"), busy = folder.file("f.ark.fedcba9876543210")
        _ = FileManager.default.createFile(atPath: orphan.path, contents: Data([1]))
        let descriptor = open(busy.path, O_CREAT | O_RDWR, 0o644)
        #expect(descriptor >= 0 && flock(descriptor, LOCK_EX) == 0)
        defer { close(descriptor) }
        try KaldiArchive.write([("c", Matrix<Float>.identity(2))], to: archive, script: script, durable: false)
        #expect(!FileManager.default.fileExists(atPath: orphan.path))
        #expect(FileManager.default.fileExists(atPath: busy.path))
        FileSystem.remove(busy.path)
        let next = try generationFile(of: archive, script: script)
        #expect(try next != name && folder.contents() == ["blocked.scp", "f.ark", next, "f.scp"])
        #expect(try KaldiScriptReader<Float>(url: script).matrix(forKey: "c") == Matrix<Float>.identity(2))
    }
}

extension Result where Failure == FileSystem.ReadFailure {
    /// The kind a ``FileSystem/ReadFailure/notRegularFile(kind:)`` names, if that is the failure.
    var failureKind: String? {
        if case .failure(.notRegularFile(let kind)) = self { return kind }
        return nil
    }
}
