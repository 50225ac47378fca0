import Foundation

/// A fresh folder under the system temporary directory, removed when the value is dropped
/// (each test makes its own, so tests can run in parallel).
public final class TemporaryFolder {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("HMMKitTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The URL of `name` inside the folder.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `bytes` to `name` and returns its URL.
    public func write(_ bytes: [UInt8], to name: String) throws -> URL {
        let target = file(name)
        try Data(bytes).write(to: target)
        return target
    }

    /// The names of the files in the folder.
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

/// The bytes of a canonical 44-byte-header WAV of 32-bit IEEE float samples
/// (`WAVE_FORMAT_IEEE_FLOAT`, interleaved), built by hand so that the tests can store NaN and
/// infinity, which ``AudioFileWriter`` refuses to write.
public func floatWAVBytes(_ interleaved: [Float], channels: Int = 1, sampleRate: Int = 8000) -> [UInt8] {
    var bytes: [UInt8] = []
    func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    let dataBytes = UInt32(interleaved.count * 4)
    bytes += Array("RIFF".utf8); append32(36 + dataBytes); bytes += Array("WAVE".utf8)
    bytes += Array("fmt ".utf8); append32(16)
    append16(3)  // WAVE_FORMAT_IEEE_FLOAT
    append16(UInt16(channels)); append32(UInt32(sampleRate)); append32(UInt32(sampleRate * channels * 4))
    append16(UInt16(channels * 4)); append16(32)
    bytes += Array("data".utf8); append32(dataBytes)
    for sample in interleaved { append32(sample.bitPattern) }
    return bytes
}

