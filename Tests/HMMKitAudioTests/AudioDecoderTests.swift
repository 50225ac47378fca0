import Foundation
import HMMKitAudio
import HMMKitTestSupport
import Testing

/// Reading files: exact round trips through every PCM width, float, FLAC, Vorbis, downmixing,
/// the two sample scales, and a real recording checked against Python's `wave` module.
@Suite struct AudioDecoderTests {
    /// Every 16-bit code, written as int16-valued samples and read back: exact at both scales.
    @Test func sixteenBitWAVRoundTripIsExact() throws {
        let folder = try TemporaryFolder()
        let codes = (Int(Int16.min)...Int(Int16.max)).map(Double.init)
        let url = folder.file("all-codes.wav")
        try AudioFileWriter.write(AudioSignal(samples: codes, sampleRate: 16000, fullScale: 32768), to: url, format: .wav16)

        let atInt16 = try AudioDecoder.read(url: url, scale: .int16)
        #expect(atInt16.samples == codes)  // exact: k / 32768 · 32768 == k in binary floating point
        #expect(atInt16.fullScale == 32768)
        #expect(atInt16.sampleRate == 16000)
        #expect(atInt16.sourceChannelCount == 1)
        #expect(atInt16.sourceFormat?.bitsPerSample == 16)
        #expect(atInt16.sourceFormat?.containerName.contains("WAV") == true)

        let atUnit = try AudioDecoder.read(url: url)
        #expect(atUnit.samples == codes.map { $0 / 32768 })
        #expect(atUnit.samples.first == -1)
        #expect(atUnit.rescaled(to: .int16) == atInt16)
        #expect(atInt16.rescaled(to: .unit) == atUnit)
    }

    /// Random codes (and both extremes) of each PCM width and container read back exactly.
    @Test(arguments: [
        (AudioWriteFormat(container: .wav, encoding: .pcm8), 8),
        (AudioWriteFormat.wav16, 16), (AudioWriteFormat.wav24, 24), (AudioWriteFormat.wav32, 32),
        (AudioWriteFormat(container: .flac, encoding: .pcm8), 8),
        (AudioWriteFormat.flac16, 16), (AudioWriteFormat.flac24, 24),
    ])
    func pcmRoundTripIsExact(format: AudioWriteFormat, bits: Int) throws {
        var generator = SeededGenerator(seed: UInt64(bits) &* 7919 &+ UInt64(format.container.rawValue.count))
        let half = 1 << (bits - 1)
        var codes = (0..<5000).map { _ in Int.random(in: -half..<half, using: &generator) }
        codes += [-half, half - 1, 0, -1, 1]
        let samples = codes.map { Double($0) / Double(half) }  // Exactly representable: powers of two.
        let folder = try TemporaryFolder()
        let url = folder.file("codes.\(format.container == .flac ? "flac" : "wav")")
        let report = try AudioFileWriter.write(AudioSignal(samples: samples, sampleRate: 8000), to: url, format: format)
        #expect(report.frameCount == samples.count && report.clippedSampleCount == 0)

        let signal = try AudioDecoder.read(url: url)
        #expect(signal.samples == samples)
        #expect(signal.sourceFormat?.bitsPerSample == bits)
        #expect(signal.sourceFormat?.isFloatingPoint == false)
        let info = try AudioDecoder.info(url: url)
        #expect(info.frameCount == samples.count && info.channelCount == 1 && info.sampleRate == 8000)
        #expect(info.format.containerName.contains(format.container == .flac ? "FLAC" : "WAV"))
    }

    /// 32-bit float WAV keeps every Float value, including ones beyond ±1.0 (not clipped).
    @Test func floatWAVRoundTripIsExact() throws {
        var generator = SeededGenerator(seed: 32)
        let samples = (0..<3000).map { _ in Double(Float(Double.random(in: -1.5...1.5, using: &generator))) }
        let folder = try TemporaryFolder()
        let url = folder.file("float.wav")
        try AudioFileWriter.write(AudioSignal(samples: samples, sampleRate: 22050), to: url, format: .wavFloat)
        let signal = try AudioDecoder.read(url: url)
        #expect(signal.samples == samples)
        #expect(signal.sampleRate == 22050)
        #expect(signal.sourceFormat?.isFloatingPoint == true)
        #expect(signal.sourceFormat?.bitsPerSample == 32)
        // At int16 scale the float values are multiplied by 32768 (exact: a power of two).
        #expect(try AudioDecoder.read(url: url, scale: .int16).samples == samples.map { $0 * 32768 })
    }

    /// A hand-built float WAV (not written by libsndfile) reads as stored.
    @Test func handBuiltFloatWAVReads() throws {
        let folder = try TemporaryFolder()
        let values: [Float] = [0, 0.25, -0.5, 1, -1, 2.5, 1e-30]
        let url = try folder.write(floatWAVBytes(values, sampleRate: 16000), to: "hand.wav")
        let signal = try AudioDecoder.read(url: url)
        #expect(signal.samples == values.map(Double.init))
        #expect(signal.sampleRate == 16000)
    }

    /// Ogg/Vorbis is lossy: a 440 Hz tone comes back with the same length and within 2 % RMS.
    @Test func oggVorbisReadsBack() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("tone.ogg")
        let tone = sine(frequency: 440, sampleRate: 16000, count: 16000, amplitude: 0.5)
        try AudioFileWriter.write(AudioSignal(samples: tone, sampleRate: 16000), to: url, format: .oggVorbis)
        let signal = try AudioDecoder.read(url: url)
        #expect(signal.samples.count == tone.count)
        #expect(signal.sourceFormat?.encodingName == "Vorbis")
        #expect(signal.sourceFormat?.bitsPerSample == nil)
        // Vorbis at its default quality keeps a pure tone to well under 1 % RMS; 2 % leaves margin.
        let error = zip(signal.samples, tone).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let power = tone.reduce(0) { $0 + $1 * $1 }
        #expect((error / power).squareRoot() < 0.02)
    }

    /// Stereo is averaged frame by frame; exact for 16-bit codes, since (a + b) / 2 is exact.
    @Test func stereoIsDownmixedByAveraging() throws {
        var generator = SeededGenerator(seed: 2)
        let left = (0..<4000).map { _ in Double(Int.random(in: -32768...32767, using: &generator)) }
        let right = (0..<4000).map { _ in Double(Int.random(in: -32768...32767, using: &generator)) }
        let folder = try TemporaryFolder()
        let url = folder.file("stereo.wav")
        try AudioFileWriter.write(channels: [left, right], sampleRate: 8000, fullScale: 32768, to: url)
        #expect(try AudioDecoder.info(url: url).channelCount == 2)
        let signal = try AudioDecoder.read(url: url, scale: .int16)
        #expect(signal.sourceChannelCount == 2)
        #expect(signal.samples == zip(left, right).map { ($0 + $1) / 2 })
    }

    /// Three channels: the mean of the three, to rounding (one division by 3).
    @Test func threeChannelsAreAveraged() throws {
        let a: [Double] = [0.5, -0.25, 0.125, 0], b: [Double] = [0.5, 0.25, -0.5, 1], c: [Double] = [-1, 0.75, 0, 0.5]
        let folder = try TemporaryFolder()
        let url = folder.file("three.wav")
        try AudioFileWriter.write(channels: [a, b, c], sampleRate: 8000, to: url, format: .wavFloat)
        let signal = try AudioDecoder.read(url: url)
        let expected = (0..<4).map { (a[$0] + b[$0] + c[$0]) / 3 }
        #expect(signal.sourceChannelCount == 3)
        #expect(relativeError(signal.samples, expected) < 1e-15)
    }

    /// A file of one sample is valid: it reads as one sample.
    @Test func oneSampleFileReads() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("one.wav")
        try AudioFileWriter.write(AudioSignal(samples: [1234], sampleRate: 8000, fullScale: 32768), to: url)
        let signal = try AudioDecoder.read(url: url, scale: .int16)
        #expect(signal.samples == [1234])
        #expect(signal.duration == 1.0 / 8000)
    }

    /// Longer than one decoding chunk, with a length that is not a multiple of it.
    @Test func readsAcrossChunks() throws {
        let count = AudioDecoder.chunkFrameCount * 3 + 17
        let codes = (0..<count).map { Double(($0 * 37) % 65536 - 32768) }
        let folder = try TemporaryFolder()
        let url = folder.file("long.flac")
        try AudioFileWriter.write(channels: [codes, codes.reversed()], sampleRate: 16000, fullScale: 32768, to: url,
                                  format: .flac16)
        let signal = try AudioDecoder.read(url: url, scale: .int16)
        #expect(signal.samples == zip(codes, codes.reversed()).map { ($0 + $1) / 2 })
    }

    /// A real FSDD recording (committed fixture) against Python's `wave` module: 3886 int16
    /// samples at 8 kHz whose first values, sum, sum of squares and extremes are these.
    @Test func fsddRecordingMatchesPythonWave() throws {
        let signal = try AudioDecoder.read(url: fixture("3_jackson_0.wav"), scale: .int16)
        #expect(signal.sampleRate == 8000)
        #expect(signal.samples.count == 3886)
        #expect(Array(signal.samples.prefix(8)) == [-383, -245, 426, 294, 516, 216, 256, 427])
        #expect(Array(signal.samples.suffix(4)) == [343, 345, 335, 365])
        #expect(signal.samples.reduce(0, +) == 2581)
        #expect(signal.samples.reduce(0) { $0 + $1 * $1 } == 20_882_912_729)
        #expect(signal.samples.min() == -9636 && signal.samples.firstIndex(of: -9636) == 1618)
        #expect(signal.samples.max() == 7830 && signal.samples.firstIndex(of: 7830) == 1854)
        #expect(signal.sourceFormat?.description == "WAV (Microsoft), Signed 16 bit PCM")
    }

    /// A WAV whose data size field holds the streaming placeholder 0xFFFFFFFF is not truncated:
    /// libsndfile reads what is there, and so do we.
    @Test func streamingPlaceholderSizeIsNotTruncation() throws {
        let folder = try TemporaryFolder()
        let written = folder.file("written.wav")
        try AudioFileWriter.write(AudioSignal(samples: [1, 2, 3, 4, 5], sampleRate: 8000, fullScale: 32768), to: written)
        var bytes = [UInt8](try Data(contentsOf: written))
        #expect(bytes.count == 44 + 10 && Array(bytes[36..<40]) == Array("data".utf8))
        bytes.replaceSubrange(40..<44, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let url = try folder.write(bytes, to: "streamed.wav")
        #expect(try AudioDecoder.read(url: url, scale: .int16).samples == [1, 2, 3, 4, 5])
    }

    @Test func libraryVersionsAreReported() {
        #expect(AudioDecoder.libraryVersion.hasPrefix("libsndfile-"))
        #expect(Resampler.libraryVersion.hasPrefix("libsoxr-"))
    }
}
