// Shared by every fuzz target (compiled into each target's binary by Fuzz/build).
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HMMKitNumerics

/// Where a target writes its input when the code under test reads files: a private folder in
/// /dev/shm (memory, so a run is not disk-bound) or the temporary folder, made once per process.
enum Scratch {
    static let folder: String = {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
        var template = Array("\(base)/hmmkit-fuzz-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("Fuzz: cannot make a scratch folder in \(base)") }
        let path = String(cString: made)
        // Removed at exit; a crash leaves it in /dev/shm (hmmkit-fuzz-*), which is small.
        atexit { _ = try? FileManager.default.removeItem(atPath: Scratch.folder) }
        return path
    }()

    /// Writes `bytes` to `name` in the scratch folder (replacing it) and returns its URL.
    static func write(_ bytes: UnsafeRawBufferPointer, named name: String) -> URL {
        let path = "\(folder)/\(name)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { fatalError("Fuzz: cannot write \(path)") }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            guard written > 0 else { fatalError("Fuzz: cannot write \(path)") }
            offset += written
        }
        close(fd)
        return URL(fileURLWithPath: path)
    }

    static func write(_ bytes: [UInt8], named name: String) -> URL {
        bytes.withUnsafeBytes { write($0, named: name) }
    }
}

/// The folder of fixed inputs some targets need beside the fuzzed one (Fuzz/data): from
/// HMMKIT_FUZZ_DATA, else found from this source file's place in the repository.
enum FuzzData {
    static let folder: String = {
        if let given = ProcessInfo.processInfo.environment["HMMKIT_FUZZ_DATA"] { return given }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data").path
    }()

    static func bytes(_ name: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: "\(folder)/\(name)") else {
            fatalError("Fuzz: \(folder)/\(name) is missing (run Fuzz/make-seeds, or set HMMKIT_FUZZ_DATA)")
        }
        return Array(data)
    }
}

/// A few frames of dimension `dimension` for a model's first use: zeros, ones and a ramp.
/// Bounded, so a model announcing a huge dimension costs the harness nothing the model itself
/// did not already cost.
func probeFrames<Scalar: MatrixScalar>(_: Scalar.Type, dimension: Int, count: Int = 3) -> Matrix<Scalar>? {
    guard dimension >= 1, dimension <= 4096 else { return nil }
    var elements: [Scalar] = []
    elements.reserveCapacity(count * dimension)
    for row in 0..<count {
        for column in 0..<dimension { elements.append(Scalar(Double(row) * 0.5 - Double(column % 3) * 0.25)) }
    }
    return Matrix(rowCount: count, columnCount: dimension, elements: elements)
}

/// The fuzzed bytes as an array.
@inline(__always)
func inputBytes(_ data: UnsafeRawPointer, _ size: Int) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: data, count: size))
}

@_silgen_name("__lsan_disable") private func lsanDisable()
@_silgen_name("__lsan_enable") private func lsanEnable()

/// libFuzzer calls this once before the first input: the target's fixed inputs (models, files)
/// are made here, with LeakSanitizer told to ignore what they allocate. They live for the whole
/// run, and LeakSanitizer cannot follow pointers that Swift stores with tag bits in enum
/// payloads, so it would report them as leaks at the first input that allocates more than it
/// frees. Leaks during an input are still reported.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>>>) -> CInt {
    lsanDisable()
    _ = Scratch.folder
    FuzzTarget.prepare()
    lsanEnable()
    return 0
}
