import Foundation
import HMMKitAudio
import HMMKitTestSupport
import Testing

/// Bad input: each case throws its own ``AudioError``, whose message names the file.
@Suite struct AudioDecoderErrorTests {
    /// Reads `url`, expects `expected`, and checks the message names the file.
    private func expectReadError(_ url: URL, _ expected: (String) -> AudioError,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        let path = url.path(percentEncoded: false)
        let error = #expect(throws: AudioError.self, sourceLocation: sourceLocation) {
            try AudioDecoder.read(url: url)
        }
        #expect(error == expected(path), sourceLocation: sourceLocation)
        #expect(error?.file == path, sourceLocation: sourceLocation)
        #expect(error?.description.hasPrefix(path + ": ") == true, sourceLocation: sourceLocation)
    }

    @Test func missingFile() throws {
        let folder = try TemporaryFolder()
        expectReadError(folder.file("nope.wav")) { .fileNotFound(file: $0) }
        expectReadError(folder.file("no-folder/nope.wav")) { .fileNotFound(file: $0) }
    }

    @Test func directory() throws {
        let folder = try TemporaryFolder()
        expectReadError(folder.url) { .unreadable(file: $0, reason: "not a regular file: a directory, device or pipe") }
    }

    @Test func nonFileURL() {
        let url = URL(string: "https://example.com/a.wav")!
        let error = #expect(throws: AudioError.self) { try AudioDecoder.read(url: url) }
        #expect(error?.file == "https://example.com/a.wav")
    }

    @Test func emptyFile() {
        expectReadError(fixture("empty.wav")) { .empty(file: $0) }
    }

    /// A valid header with a data chunk of 0 frames.
    @Test func zeroFrameWAV() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("silence.wav")
        try AudioFileWriter.write(AudioSignal(samples: [], sampleRate: 16000), to: url)
        #expect(try AudioDecoder.info(url: url).frameCount == 0)
        expectReadError(url) { .empty(file: $0) }
    }

    @Test func textFileNamedWAV() {
        expectReadError(fixture("not-audio.wav")) { .notAudio(file: $0, message: "Format not recognised.") }
    }

    /// The first 20 bytes of a WAV: libsndfile says the 'fmt ' chunk is malformed.
    @Test func truncatedHeader() {
        let url = fixture("truncated-header.wav")
        let error = #expect(throws: AudioError.self) { try AudioDecoder.read(url: url) }
        guard case let .malformed(file, message) = error else {
            Issue.record("expected .malformed, got \(String(describing: error))"); return
        }
        #expect(file == url.path(percentEncoded: false))
        #expect(message.contains("fmt"))
        #expect(error?.description.contains("damaged") == true)
    }

    /// A valid header whose data was cut in half (an interrupted copy): libsndfile shortens the
    /// frame count silently; the decoder notices from the header log and throws, or, when asked,
    /// returns the frames that are there.
    @Test func truncatedWAVData() throws {
        let folder = try TemporaryFolder()
        let whole = folder.file("whole.wav")
        let codes = (0..<1000).map { Double($0 - 500) }
        try AudioFileWriter.write(AudioSignal(samples: codes, sampleRate: 8000, fullScale: 32768), to: whole)
        let bytes = [UInt8](try Data(contentsOf: whole))
        #expect(bytes.count == 44 + 2000)
        let cut = try folder.write(Array(bytes.prefix(44 + 1000)), to: "cut.wav")
        expectReadError(cut) { .truncated(file: $0, expectedFrames: 1000, decodedFrames: 500) }
        let partial = try AudioDecoder.read(url: cut, scale: .int16, acceptingTruncatedData: true)
        #expect(partial.samples == Array(codes.prefix(500)))

        // Cut inside a sample: the odd byte is dropped.
        let odd = try folder.write(Array(bytes.prefix(44 + 1001)), to: "odd.wav")
        expectReadError(odd) { .truncated(file: $0, expectedFrames: 1000, decodedFrames: 500) }

        // Header only: 0 of 1000 frames, truncated rather than merely empty.
        let headerOnly = try folder.write(Array(bytes.prefix(44)), to: "header-only.wav")
        expectReadError(headerOnly) { .truncated(file: $0, expectedFrames: 1000, decodedFrames: 0) }
        #expect(throws: AudioError.empty(file: headerOnly.path(percentEncoded: false))) {
            try AudioDecoder.read(url: headerOnly, acceptingTruncatedData: true)
        }
    }

    /// Stereo 24-bit: the expected frame count divides the declared bytes by 3 bytes × 2 channels.
    @Test func truncatedStereo24BitWAV() throws {
        let folder = try TemporaryFolder()
        let whole = folder.file("whole.wav")
        let channel = [Double](repeating: 0.25, count: 300)
        try AudioFileWriter.write(channels: [channel, channel], sampleRate: 8000, to: whole, format: .wav24)
        let bytes = [UInt8](try Data(contentsOf: whole))
        let headerLength = bytes.count - 300 * 6
        let cut = try folder.write(Array(bytes.prefix(headerLength + 100 * 6 + 4)), to: "cut.wav")
        expectReadError(cut) { .truncated(file: $0, expectedFrames: 300, decodedFrames: 100) }
    }

    /// FLAC declares its length in STREAMINFO; a cut file decodes fewer frames.
    @Test func truncatedFLAC() throws {
        let folder = try TemporaryFolder()
        let whole = folder.file("whole.flac")
        let tone = sine(frequency: 300, sampleRate: 8000, count: 20000, amplitude: 0.5)
        try AudioFileWriter.write(AudioSignal(samples: tone, sampleRate: 8000), to: whole, format: .flac16)
        let bytes = [UInt8](try Data(contentsOf: whole))
        let cut = try folder.write(Array(bytes.prefix(bytes.count / 2)), to: "cut.flac")
        let error = #expect(throws: AudioError.self) { try AudioDecoder.read(url: cut) }
        guard case let .truncated(file, expected, decoded) = error else {
            Issue.record("expected .truncated, got \(String(describing: error))"); return
        }
        #expect(file == cut.path(percentEncoded: false))
        #expect(expected == 20000)
        #expect(decoded > 0 && decoded < 20000)
        // libsndfile's FLAC decoder also reports "lost sync" here; asked to, we keep what decoded.
        let partial = try AudioDecoder.read(url: cut, acceptingTruncatedData: true)
        #expect(partial.samples.count == decoded)
        #expect(relativeError(partial.samples, tone.prefix(decoded)) < 1e-4)  // 16-bit quantisation.
    }

    @Test func floatWAVWithNaN() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(floatWAVBytes([0.1, .nan, 0.3]), to: "nan.wav")
        let error = #expect(throws: AudioError.self) { try AudioDecoder.read(url: url) }
        guard case let .nonFinite(file, frame, channel, value) = error else {
            Issue.record("expected .nonFinite, got \(String(describing: error))"); return
        }
        #expect(file == url.path(percentEncoded: false) && frame == 1 && channel == 0 && value.isNaN)
        #expect(error?.description.contains("sample 1 of channel 0 is nan") == true)
    }

    /// Infinity in the second channel of frame 5000 (in the second decoding chunk).
    @Test func stereoFloatWAVWithInfinity() throws {
        var interleaved = [Float](repeating: 0.5, count: 2 * 6000)
        interleaved[2 * 5000 + 1] = -.infinity
        let folder = try TemporaryFolder()
        let url = try folder.write(floatWAVBytes(interleaved, channels: 2), to: "inf.wav")
        expectReadError(url) { .nonFinite(file: $0, frame: 5000, channel: 1, value: -.infinity) }
    }
}
