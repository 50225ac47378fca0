import Foundation
import HMMKitAudio
import HMMKitTestSupport
import Testing

/// Odd files that libsndfile half-recognises are reported for what they are.
@Suite struct AudioDecoderHardeningTests {
    /// Bytes starting like an MPEG frame header send libsndfile to its MPEG decoder, which gives
    /// up with libsndfile's "File does not exist or is not a regular file": the file exists and
    /// is regular, so the error is that it is not audio.
    @Test func bytesTheMPEGDecoderRejectsAreNotAudio() throws {
        let folder = try TemporaryFolder()
        for (name, bytes) in [("zeros.wav", [0xFF, 0xFB] + [UInt8](repeating: 0, count: 1000)),
                              ("pattern.wav", [0xFF, 0xFB] + (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) })] {
            let url = try folder.write(bytes, to: name)
            let path = url.path(percentEncoded: false)
            let error = #expect(throws: AudioError.self) { try AudioDecoder.read(url: url) }
            #expect(error == .notAudio(file: path, message: "no decoder could read the data"), "\(String(describing: error))")
            #expect(error?.description.contains("does not exist") == false)
            #expect(error?.description.hasPrefix(path + ": not an audio file") == true)
            #expect(throws: AudioError.notAudio(file: path, message: "no decoder could read the data")) {
                try AudioDecoder.info(url: url)
            }
        }
    }

    /// A missing file is still reported as missing (the remapping applies only after the path
    /// was found to be a regular file).
    @Test func missingFileIsStillMissing() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("absent.wav").path(percentEncoded: false)
        #expect(throws: AudioError.fileNotFound(file: path)) { try AudioDecoder.read(url: folder.file("absent.wav")) }
    }

    /// Float audio far beyond full scale is decoded as stored (the front end decides what it can
    /// compute with); NaN is still refused here, naming frame and channel.
    @Test func loudFloatAudioIsReadAsStored() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(floatWAVBytes([0.5, 1e30, -.greatestFiniteMagnitude, .nan]), to: "loud.wav")
        let path = url.path(percentEncoded: false)
        let error = #expect(throws: AudioError.self) { try AudioDecoder.read(url: url) }
        guard case let .nonFinite(file, frame, channel, value)? = error else {
            Issue.record("expected nonFinite, got \(String(describing: error))")
            return
        }
        #expect(file == path && frame == 3 && channel == 0 && value.isNaN)
        let finite = try folder.write(floatWAVBytes([0.5, 1e30, -.greatestFiniteMagnitude]), to: "finite.wav")
        let signal = try AudioDecoder.read(url: finite)
        #expect(signal.samples == [0.5, Double(Float(1e30)), -Double(Float.greatestFiniteMagnitude)])
    }
}
