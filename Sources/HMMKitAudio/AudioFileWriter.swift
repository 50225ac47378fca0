#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitFileSystem

/// What ``AudioFileWriter`` wrote.
public struct AudioWriteReport: Sendable, Equatable {
    /// Frames written (samples per channel).
    public let frameCount: Int
    /// Channels written.
    public let channelCount: Int
    /// Samples beyond full scale that were clipped to the largest PCM code (PCM encodings only;
    /// float encodings store such values as they are).
    public let clippedSampleCount: Int
}

/// Writes audio files with libsndfile (WAV, FLAC, Ogg/Vorbis), atomically.
///
/// - Scale: samples are divided by the signal's ``AudioSignal/fullScale``, so a signal read at
///   either ``AudioSampleScale`` is written back at the right level.
/// - Exactness: for PCM encodings the writer quantises itself (round to nearest, clip to the
///   code range) and hands libsndfile integers (`sf_writef_int`), so reading a 16-bit file and
///   writing it again reproduces every sample exactly. (libsndfile's own double-to-16-bit path
///   multiplies by 32767 while its reader divides by 32768, so it would not.)
///   Float encodings go through `sf_writef_double` unchanged; Vorbis is lossy.
/// - Atomicity: the file is written to a temporary file in the destination's folder
///   (`.<name>.tmp-XXXXXX`, `mkstemp`), flushed (`fsync`) and renamed over the destination, so
///   readers never see a half-written file and a failure leaves the destination untouched.
public enum AudioFileWriter {
    /// Frames handed to libsndfile per write call.
    static let chunkFrameCount = 4096

    /// Writes the mono `signal` to `url` in `format` (default 16-bit PCM WAV).
    ///
    /// - Throws: ``AudioError/nonFinite(file:frame:channel:value:)`` for a NaN or infinite sample;
    ///   ``AudioError/cannotWrite(file:reason:)`` for a sample rate that is not a whole number of
    ///   hertz, a format libsndfile cannot write (`sf_format_check`), or a file-system failure.
    @discardableResult
    public static func write(_ signal: AudioSignal, to url: URL,
                             format: AudioWriteFormat = .wav16) throws(AudioError) -> AudioWriteReport {
        try write(channels: [signal.samples], sampleRate: signal.sampleRate, fullScale: signal.fullScale,
                  to: url, format: format)
    }

    /// Writes `channels` (each `[frameCount]`, all the same length) as one interleaved file of
    /// `channels.count` channels at `sampleRate` hertz, with digital full scale at `fullScale`.
    ///
    /// - Precondition: at least one channel, all of the same length; `fullScale` finite and positive.
    @discardableResult
    public static func write(channels: [[Double]], sampleRate: Double, fullScale: Double = 1, to url: URL,
                             format: AudioWriteFormat = .wav16) throws(AudioError) -> AudioWriteReport {
        precondition(!channels.isEmpty, "AudioFileWriter.write needs at least one channel")
        let frameCount = channels[0].count
        for (index, channel) in channels.enumerated() where channel.count != frameCount {
            preconditionFailure("AudioFileWriter.write: channel \(index) has \(channel.count) samples, channel 0 has \(frameCount)")
        }
        precondition(fullScale.isFinite && fullScale > 0, "AudioFileWriter.write: full scale must be finite and positive")
        guard url.isFileURL else {
            throw .cannotWrite(file: url.absoluteString, reason: "not a file URL")
        }
        let path = url.path(percentEncoded: false)
        guard sampleRate.isFinite, sampleRate >= 1, sampleRate <= Double(Int32.max), sampleRate.rounded() == sampleRate else {
            throw .cannotWrite(file: path, reason: "sample rate \(sampleRate) Hz is not a positive whole number of hertz, "
                               + "which WAV and FLAC headers require; resample to a whole rate first")
        }
        let rate = Int(sampleRate)
        let code = SndfileFormats.code(for: format)
        guard SndfileFormats.canWrite(code: code, sampleRate: rate, channelCount: channels.count) else {
            throw .cannotWrite(file: path, reason: "libsndfile cannot write \(format) with \(channels.count) channel(s) at \(rate) Hz "
                               + "(sf_format_check); FLAC holds 8/16/24-bit PCM only, Ogg holds Vorbis only")
        }
        for (index, channel) in channels.enumerated() {
            if let frame = channel.firstIndex(where: { !$0.isFinite }) {
                throw .nonFinite(file: path, frame: frame, channel: index, value: channel[frame])
            }
        }

        let temporary: (path: String, descriptor: Int32)
        switch FileSystem.makeTemporaryFile(beside: path) {
        case let .success(made): temporary = made
        case let .failure(failure):
            throw .cannotWrite(file: path, reason: "cannot create a temporary file in \(FileSystem.directory(of: path)): \(failure.reason)")
        }
        func fail(_ reason: String, descriptorOpen: Bool = true) -> AudioError {
            if descriptorOpen { FileSystem.closeIgnoringErrors(temporary.descriptor) }
            FileSystem.remove(temporary.path)
            return .cannotWrite(file: path, reason: reason)
        }

        let handle: SndfileHandle
        do {
            handle = try SndfileHandle.openForWriting(fileDescriptor: temporary.descriptor, sampleRate: rate,
                                                      channelCount: channels.count, formatCode: code)
        } catch {
            throw fail("libsndfile: \(error.message)")
        }
        let clipped = format.encoding.isPCM
            ? writePCM(channels, fullScale: fullScale, bits: format.encoding.bitsPerSample!, to: handle)
            : writeFloatingPoint(channels, fullScale: fullScale, to: handle)
        if let message = handle.streamError {
            _ = handle.close()
            throw fail("libsndfile: \(message)")
        }
        guard let clippedCount = clipped else {
            _ = handle.close()
            throw fail("libsndfile wrote fewer frames than asked; is the disk full?")
        }
        if let message = handle.close() { throw fail("libsndfile could not finish the file: \(message)") }
        if let reason = FileSystem.synchronizeAndClose(temporary.descriptor) { throw fail(reason, descriptorOpen: false) }
        if let reason = FileSystem.moveAtomically(temporary.path, to: path) {
            throw fail("cannot rename the temporary file over it: \(reason)", descriptorOpen: false)
        }
        return AudioWriteReport(frameCount: frameCount, channelCount: channels.count, clippedSampleCount: clippedCount)
    }

    /// Quantises to `bits`-bit codes (round to nearest, clip to `-2^(bits-1) … 2^(bits-1) - 1`),
    /// left-justifies them in 32-bit integers and writes them with `sf_writef_int`. Returns the
    /// number of clipped samples, or `nil` when libsndfile wrote fewer frames than given.
    private static func writePCM(_ channels: [[Double]], fullScale: Double, bits: Int, to handle: SndfileHandle) -> Int? {
        let channelCount = channels.count
        let frameCount = channels[0].count
        let codeScale = Double(1 << (bits - 1)) / fullScale
        let largest = Double((1 << (bits - 1)) - 1)
        let smallest = -Double(1 << (bits - 1))
        let shift = Int32(32 - bits)
        var clipped = 0
        var buffer = [Int32](repeating: 0, count: chunkFrameCount * channelCount)
        for start in stride(from: 0, to: frameCount, by: chunkFrameCount) {
            let frames = min(chunkFrameCount, frameCount - start)
            for channel in 0..<channelCount {
                channels[channel].withUnsafeBufferPointer { source in
                    for frame in 0..<frames {
                        var code = (source[start + frame] * codeScale).rounded()
                        if code > largest { code = largest; clipped += 1 } else if code < smallest { code = smallest; clipped += 1 }
                        buffer[frame * channelCount + channel] = Int32(code) << shift
                    }
                }
            }
            let written = buffer.withUnsafeBufferPointer { handle.writeFrames($0, frames: frames) }
            if written != frames { return nil }
        }
        return clipped
    }

    /// Writes the samples divided by `fullScale` with `sf_writef_double` (float and Vorbis
    /// encodings). Returns 0 (nothing is clipped), or `nil` when libsndfile wrote fewer frames.
    private static func writeFloatingPoint(_ channels: [[Double]], fullScale: Double, to handle: SndfileHandle) -> Int? {
        let channelCount = channels.count
        let frameCount = channels[0].count
        let factor = 1 / fullScale
        var buffer = [Double](repeating: 0, count: chunkFrameCount * channelCount)
        for start in stride(from: 0, to: frameCount, by: chunkFrameCount) {
            let frames = min(chunkFrameCount, frameCount - start)
            for channel in 0..<channelCount {
                channels[channel].withUnsafeBufferPointer { source in
                    for frame in 0..<frames { buffer[frame * channelCount + channel] = source[start + frame] * factor }
                }
            }
            let written = buffer.withUnsafeBufferPointer { handle.writeFrames($0, frames: frames) }
            if written != frames { return nil }
        }
        return 0
    }
}
