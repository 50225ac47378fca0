import Foundation
import HMMKitAudio
import HMMKitTestSupport
import Testing

/// Writing: the scale, clipping, refusals, and atomic replacement.
@Suite struct AudioFileWriterTests {
    /// Samples beyond full scale are clipped to the extreme codes and counted; +1.0 itself is one
    /// code beyond the largest 16-bit code (32768 > 32767), so it counts as clipped too.
    @Test func clipsAndReports() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("loud.wav")
        let report = try AudioFileWriter.write(AudioSignal(samples: [1.5, -2, 0.5, 1, -1], sampleRate: 8000), to: url)
        #expect(report.frameCount == 5 && report.channelCount == 1 && report.clippedSampleCount == 3)
        let codes = try AudioDecoder.read(url: url, scale: .int16).samples
        #expect(codes == [32767, -32768, 16384, 32767, -32768])
    }

    /// Rounding to the nearest code, not truncation.
    @Test func roundsToNearestCode() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("round.wav")
        try AudioFileWriter.write(AudioSignal(samples: [0.4, 0.6, -0.4, -0.6, 100.49, -100.51], sampleRate: 8000, fullScale: 32768),
                                  to: url)
        #expect(try AudioDecoder.read(url: url, scale: .int16).samples == [0, 1, 0, -1, 100, -101])
    }

    /// A signal read at int16 scale and written again is the same file content.
    @Test func rewritingAFileKeepsItsSamples() throws {
        let folder = try TemporaryFolder()
        let original = try AudioDecoder.read(url: fixture("3_jackson_0.wav"), scale: .int16)
        let url = folder.file("copy.wav")
        try AudioFileWriter.write(original, to: url)
        #expect(try AudioDecoder.read(url: url, scale: .int16).samples == original.samples)
        #expect(try Data(contentsOf: url) == Data(contentsOf: fixture("3_jackson_0.wav")))
    }

    @Test func refusesNonFiniteSamples() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("bad.wav")
        #expect(throws: AudioError.nonFinite(file: url.path(percentEncoded: false), frame: 2, channel: 1, value: .infinity)) {
            try AudioFileWriter.write(channels: [[0, 0, 0], [0, 0, .infinity]], sampleRate: 8000, to: url)
        }
        #expect(try folder.contents().isEmpty)
    }

    @Test func refusesFormatsLibsndfileCannotWrite() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("bad.flac")
        for format in [AudioWriteFormat(container: .flac, encoding: .float32),
                       AudioWriteFormat(container: .wav, encoding: .vorbis),
                       AudioWriteFormat(container: .ogg, encoding: .pcm16)] {
            let error = #expect(throws: AudioError.self) {
                try AudioFileWriter.write(AudioSignal(samples: [0], sampleRate: 8000), to: url, format: format)
            }
            guard case let .cannotWrite(file, reason) = error else { Issue.record("got \(String(describing: error))"); continue }
            #expect(file == url.path(percentEncoded: false) && reason.contains("sf_format_check"))
        }
        #expect(try folder.contents().isEmpty)
    }

    @Test func refusesFractionalSampleRate() throws {
        let folder = try TemporaryFolder()
        let error = #expect(throws: AudioError.self) {
            try AudioFileWriter.write(AudioSignal(samples: [0], sampleRate: 14545.45), to: folder.file("a.wav"))
        }
        #expect(error?.description.contains("whole number of hertz") == true)
    }

    /// The destination is replaced in one step; no temporary file is left behind, and a failed
    /// write (folder missing) names the file.
    @Test func writesAtomically() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("take.wav")
        try AudioFileWriter.write(AudioSignal(samples: [1, 2, 3], sampleRate: 8000, fullScale: 32768), to: url)
        try AudioFileWriter.write(AudioSignal(samples: [4, 5], sampleRate: 8000, fullScale: 32768), to: url)
        #expect(try AudioDecoder.read(url: url, scale: .int16).samples == [4, 5])
        #expect(try folder.contents() == ["take.wav"])
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o644)

        let nowhere = folder.file("missing-folder/take.wav")
        let error = #expect(throws: AudioError.self) {
            try AudioFileWriter.write(AudioSignal(samples: [1], sampleRate: 8000), to: nowhere)
        }
        guard case let .cannotWrite(file, reason) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == nowhere.path(percentEncoded: false))
        #expect(reason.contains("temporary file"))
    }
}
