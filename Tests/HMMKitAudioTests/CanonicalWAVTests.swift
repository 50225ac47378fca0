import Foundation
@testable import HMMKitAudio
import HMMKitTestSupport
import Testing

/// The canonical 16-bit PCM WAV reader against libsndfile: the files it takes give the very
/// samples, rate and format libsndfile gives; every file it does not take (any field out of the
/// canonical layout) goes to libsndfile, so the result — samples or error — is libsndfile's.
@Suite struct CanonicalWAVTests {
    /// `read` (which may take the canonical path) and `readWithSndfile` agree on `url` at both
    /// scales: the same signal, or the same error.
    private func expectSameAsSndfile(_ url: URL, sourceLocation: SourceLocation = #_sourceLocation) {
        for scale in AudioSampleScale.allCases {
            let ours = Result { () throws(AudioError) in try AudioDecoder.read(url: url, scale: scale) }
            let sndfile = Result { () throws(AudioError) in
                try AudioDecoder.readWithSndfile(url: url, scale: scale, acceptingTruncatedData: false)
            }
            switch (ours, sndfile) {
            case let (.success(a), .success(b)):
                #expect(a == b, sourceLocation: sourceLocation)
                // == on [Double] treats -0.0 and 0.0 alike: compare the bits as well.
                #expect(a.samples.map(\.bitPattern) == b.samples.map(\.bitPattern), sourceLocation: sourceLocation)
            case let (.failure(a), .failure(b)):
                #expect(a == b, sourceLocation: sourceLocation)
            default:
                Issue.record("\(url.lastPathComponent) at \(scale): \(ours) vs libsndfile's \(sndfile)", sourceLocation: sourceLocation)
            }
        }
    }

    private func layout(_ bytes: [UInt8]) -> CanonicalWAV.Layout? {
        bytes.withUnsafeBytes { CanonicalWAV.layout(of: $0) }
    }

    /// A WAV file libsndfile writes: 44-byte header, then the data.
    private func writtenWAV(channels: Int, frames: Int, in folder: TemporaryFolder) throws -> [UInt8] {
        var generator = SeededGenerator(seed: UInt64(channels * 1000 + frames))
        let data = (0..<channels).map { _ in
            (0..<frames).map { _ in Double(Int.random(in: -32768...32767, using: &generator)) }
        }
        let url = folder.file("written-\(channels)-\(frames).wav")
        try AudioFileWriter.write(channels: data, sampleRate: 16000, fullScale: 32768, to: url, format: .wav16)
        return [UInt8](try Data(contentsOf: url))
    }

    private func setWord(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + 4, with: $0) }
    }

    private func setHalf(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt16) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + 2, with: $0) }
    }

    @Test func fsddRecordingTakesTheCanonicalPathAndMatchesLibsndfile() throws {
        let url = fixture("3_jackson_0.wav")
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(layout(bytes) == CanonicalWAV.Layout(sampleRate: 8000, channelCount: 1, frameCount: 3886))
        expectSameAsSndfile(url)
    }

    /// Mono, stereo and five channels, with every extreme code: canonical, and the same samples
    /// (channel averages included) as libsndfile.
    @Test(arguments: [(1, 1), (1, 4000), (2, 3001), (5, 257)])
    func writtenFilesMatchLibsndfile(channels: Int, frames: Int) throws {
        let folder = try TemporaryFolder()
        let bytes = try writtenWAV(channels: channels, frames: frames, in: folder)
        #expect(layout(bytes) == CanonicalWAV.Layout(sampleRate: 16000, channelCount: channels, frameCount: frames))
        expectSameAsSndfile(try folder.write(bytes, to: "copy.wav"))
    }

    /// Every field out of the canonical layout sends the file to libsndfile: the canonical
    /// reader refuses it, and the result (samples or error) is libsndfile's.
    @Test func nonCanonicalFilesGoToLibsndfile() throws {
        let folder = try TemporaryFolder()
        let good = try writtenWAV(channels: 1, frames: 600, in: folder)
        var variants: [(String, [UInt8])] = []
        func variant(_ name: String, _ change: (inout [UInt8]) -> Void) {
            var bytes = good
            change(&bytes)
            variants.append((name, bytes))
        }
        variant("riff-size") { setWord(&$0, 4, UInt32($0.count)) }
        variant("not-riff") { $0[0] = UInt8(ascii: "X") }
        variant("not-wave") { $0[8] = UInt8(ascii: "X") }
        variant("fmt-size-18") { setWord(&$0, 16, 18) }
        variant("format-tag-float") { setHalf(&$0, 20, 3) }
        variant("no-channels") { setHalf(&$0, 22, 0) }
        variant("zero-rate") { setWord(&$0, 24, 0); setWord(&$0, 28, 0) }
        variant("byte-rate") { setWord(&$0, 28, 12345) }
        variant("block-align") { setHalf(&$0, 32, 4) }
        variant("bits-8") { setHalf(&$0, 34, 8) }
        variant("not-data") { $0[36] = UInt8(ascii: "X") }
        variant("data-size-beyond-file") { setWord(&$0, 40, UInt32($0.count)) }
        variant("data-size-short") { setWord(&$0, 40, UInt32($0.count - 44 - 2)) }
        variant("data-size-odd") { setWord(&$0, 40, UInt32($0.count - 44 - 1)) }
        variant("data-size-placeholder") { setWord(&$0, 40, 0xFFFF_FFFF) }
        variant("cut") { $0.removeLast(100) }
        variant("header-only") { $0.removeLast($0.count - 44) }
        variant("trailing-chunk") {
            $0 += Array("LIST".utf8) + [4, 0, 0, 0] + Array("INFO".utf8)
            setWord(&$0, 4, UInt32($0.count - 8))
        }
        for (name, bytes) in variants {
            #expect(layout(bytes) == nil, "\(name)")
            expectSameAsSndfile(try folder.write(bytes, to: "\(name).wav"))
        }
    }

    /// Files that are not canonical WAV at all: libsndfile's result and errors, unchanged.
    @Test func otherFilesGoToLibsndfile() throws {
        for name in ["empty.wav", "not-audio.wav", "truncated-header.wav"] {
            expectSameAsSndfile(fixture(name))
        }
        let folder = try TemporaryFolder()
        let flac = folder.file("tone.flac")
        try AudioFileWriter.write(AudioSignal(samples: sine(frequency: 440, sampleRate: 8000, count: 800), sampleRate: 8000),
                                  to: flac, format: .flac16)
        expectSameAsSndfile(flac)
        expectSameAsSndfile(folder.file("missing.wav"))
    }
}
