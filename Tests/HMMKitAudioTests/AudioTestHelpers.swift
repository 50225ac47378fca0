import Foundation
import HMMKitAudio

/// A fresh folder under the system temporary directory, removed when the value is dropped
/// (each test makes its own, so tests can run in parallel).
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("HMMKitAudioTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The URL of `name` inside the folder.
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `bytes` to `name` and returns its URL.
    func write(_ bytes: [UInt8], to name: String) throws -> URL {
        let target = file(name)
        try Data(bytes).write(to: target)
        return target
    }

    /// The names of the files in the folder.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

/// A committed fixture (`Tests/HMMKitAudioTests/Fixtures/<name>`), copied into the test bundle.
func fixture(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
}

/// The bytes of a canonical 44-byte-header WAV of 32-bit IEEE float samples
/// (`WAVE_FORMAT_IEEE_FLOAT`, interleaved), built by hand so that the tests can store NaN and
/// infinity, which ``AudioFileWriter`` refuses to write.
func floatWAVBytes(_ interleaved: [Float], channels: Int = 1, sampleRate: Int = 8000) -> [UInt8] {
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

/// `count` samples of `amplitude · sin(2π · frequency · t)` at `sampleRate` hertz.
func sine(frequency: Double, sampleRate: Double, count: Int, amplitude: Double = 0.5) -> [Double] {
    (0..<count).map { amplitude * sin(2 * Double.pi * frequency * Double($0) / sampleRate) }
}

/// The frequency of a sinusoid, in hertz, from the times of its upward zero crossings (linearly
/// interpolated between samples): (crossings − 1) periods between the first and the last.
func zeroCrossingFrequency(_ samples: ArraySlice<Double>, sampleRate: Double) -> Double {
    var crossingTimes: [Double] = []
    var index = samples.startIndex
    while index + 1 < samples.endIndex {
        let a = samples[index], b = samples[index + 1]
        if a < 0 && b >= 0 { crossingTimes.append(Double(index) + a / (a - b)) }
        index += 1
    }
    guard let first = crossingTimes.first, let last = crossingTimes.last, crossingTimes.count > 1 else { return 0 }
    return Double(crossingTimes.count - 1) / ((last - first) / sampleRate)
}

/// The amplitude of a sinusoid from its root-mean-square value, `√2 · rms`.
func sineAmplitude(_ samples: ArraySlice<Double>) -> Double {
    let power = samples.reduce(0) { $0 + $1 * $1 } / Double(samples.count)
    return (2 * power).squareRoot()
}

/// The middle of `samples`, without the first and last `fraction` of it (where filters ring).
func middle(_ samples: [Double], trimming fraction: Double = 0.1) -> ArraySlice<Double> {
    let trim = Int(Double(samples.count) * fraction)
    return samples[trim..<(samples.count - trim)]
}
