#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitFileSystem

/// What an audio file holds according to its header; no samples are decoded.
public struct AudioFileInfo: Sendable, Equatable {
    /// Frames (samples per channel) libsndfile reports at open (`SF_INFO.frames`). For a WAV file
    /// whose data was cut short this is the number actually present; ``AudioDecoder/read(url:scale:acceptingTruncatedData:)``
    /// is what detects the truncation.
    public let frameCount: Int
    /// Samples per second, in hertz.
    public let sampleRate: Double
    /// Channels in the file.
    public let channelCount: Int
    /// The container and encoding.
    public let format: AudioFileFormat

    /// `frameCount / sampleRate`, in seconds.
    public var duration: Double { Double(frameCount) / sampleRate }
}

/// Reads audio files of any format libsndfile reads (WAV PCM 8/16/24/32-bit and float, FLAC,
/// Ogg/Vorbis, AIFF, AU, CAF, …) into a mono ``AudioSignal`` of `Double` samples.
///
/// - Scale: integer PCM is normalised as libsndfile normalises it, so full scale is ±1.0 (a
///   16-bit sample `k` is `k / 32768`, a 24-bit one `k / 8_388_608`); pass `scale: .int16` for
///   Kaldi's and python_speech_features' int16 values (a 16-bit sample `k` is then exactly `k`).
///   Floating-point files are read as stored: values beyond ±1.0 are kept, not clipped.
/// - Channels: several channels are downmixed to one by averaging them frame by frame,
///   `(left + right) / 2` for stereo; ``AudioSignal/sourceChannelCount`` keeps the original count.
/// - Checks: a missing, unreadable, empty, non-audio, damaged or truncated file, and NaN or
///   infinite samples, each throw an ``AudioError`` that names the file.
///
/// Decoding goes through `sf_open` and `sf_readf_double` in chunks of ``chunkFrameCount`` frames,
/// with one chunk buffer per call (no per-sample allocation); a canonical 16-bit PCM WAV file (the
/// 44-byte header, nothing else) is read in one `read(2)` and converted here instead, to the same
/// samples. Calls on different files may run concurrently.
public enum AudioDecoder {
    /// Frames decoded per `sf_readf_double` call.
    public static let chunkFrameCount = 4096

    /// The version of the libsndfile in use, e.g. `"libsndfile-1.2.0"` (`sf_version_string`).
    public static var libraryVersion: String { SndfileFormats.version }

    /// The header of the audio file at `url`: frame count, rate, channels and format, without
    /// decoding samples (`sf_open` only).
    public static func info(url: URL) throws(AudioError) -> AudioFileInfo {
        let (handle, path) = try open(url)
        guard handle.sampleRate > 0 else {
            throw .malformed(file: path, message: "the header gives a sample rate of \(handle.sampleRate) Hz")
        }
        return AudioFileInfo(frameCount: handle.frameCount, sampleRate: Double(handle.sampleRate),
                             channelCount: handle.channelCount, format: SndfileFormats.describe(code: handle.formatCode))
    }

    /// Decodes the audio file at `url` into a mono signal at `scale`.
    ///
    /// - Parameters:
    ///   - url: a file URL.
    ///   - scale: `.unit` (default) for samples in ±1.0 as libsndfile gives them; `.int16` for
    ///     samples in ±32768 as Kaldi and python_speech_features use them.
    ///   - acceptingTruncatedData: when the header declares more frames than the file holds (a cut
    ///     copy), return the frames that are there instead of throwing ``AudioError/truncated(file:expectedFrames:decodedFrames:)``.
    ///     Kaldi's wave reader warns and goes on in that case; the default here is to stop, because
    ///     a truncated recording in a training list is usually a broken copy.
    /// - Returns: `[frameCount]` samples at the file's sample rate, channels averaged.
    public static func read(url: URL, scale: AudioSampleScale = .unit,
                            acceptingTruncatedData: Bool = false) throws(AudioError) -> AudioSignal {
        if url.isFileURL, let signal = CanonicalWAV.read(path: url.path(percentEncoded: false), scale: scale) {
            return signal
        }
        return try readWithSndfile(url: url, scale: scale, acceptingTruncatedData: acceptingTruncatedData)
    }

    /// ``read(url:scale:acceptingTruncatedData:)`` through libsndfile, for every file that is not
    /// a canonical 16-bit PCM WAV (``CanonicalWAV``), and every error.
    static func readWithSndfile(url: URL, scale: AudioSampleScale,
                                acceptingTruncatedData: Bool) throws(AudioError) -> AudioSignal {
        let (handle, path) = try open(url)
        let format = SndfileFormats.describe(code: handle.formatCode)
        guard handle.sampleRate > 0 else {
            throw .malformed(file: path, message: "the header gives a sample rate of \(handle.sampleRate) Hz")
        }
        let channels = handle.channelCount

        // libsndfile quietly shortens a WAV whose data chunk runs past the end of the file; its
        // header log is the only place that says so ("data : 7772 (should be 3956)").
        var expectedFrames = handle.frameCount
        if SndfileFormats.isWAV(code: handle.formatCode), let bits = format.bitsPerSample,
           let declaredBytes = declaredDataBytesBeyondFile(inHeaderLog: handle.headerLog()) {
            expectedFrames = max(expectedFrames, declaredBytes / (bits / 8 * channels))
        }

        var samples: [Double] = []
        // The header's count is a hint only (it can be wrong); cap the reservation.
        samples.reserveCapacity(min(max(handle.frameCount, 0), 1 << 24))
        var chunk = [Double](repeating: 0, count: chunkFrameCount * channels)
        let factor = scale.fullScale / Double(channels)
        var decodedFrames = 0
        var failure: AudioError?
        chunk.withUnsafeMutableBufferPointer { buffer in
            while true {
                let frames = handle.readFrames(into: buffer, frames: chunkFrameCount)
                guard frames > 0 else { return }
                // Average the channels in place: frame f's sum goes to buffer[f], which is at or
                // before the first of the channels it was read from.
                for frame in 0..<frames {
                    let base = frame * channels
                    var sum = buffer[base]
                    for channel in 1..<max(channels, 1) { sum += buffer[base + channel] }
                    guard sum.isFinite else {
                        guard let channel = (0..<channels).first(where: { !buffer[base + $0].isFinite }) else {
                            // Finite float64 samples whose sum overflows: average without overflow.
                            var mean = 0.0
                            for channel in 0..<channels { mean += buffer[base + channel] / Double(channels) }
                            buffer[frame] = mean * scale.fullScale
                            continue
                        }
                        failure = .nonFinite(file: path, frame: decodedFrames + frame, channel: channel,
                                             value: buffer[base + channel])
                        return
                    }
                    buffer[frame] = sum * factor
                }
                samples.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<frames]))
                decodedFrames += frames
            }
        }
        if let failure { throw failure }
        if decodedFrames < expectedFrames {
            // A cut FLAC or Ogg file often also leaves a decoder error ("lost sync"); the
            // truncation is the cause, so it is what gets reported (or forgiven).
            if !acceptingTruncatedData {
                throw .truncated(file: path, expectedFrames: expectedFrames, decodedFrames: decodedFrames)
            }
        } else if let message = handle.streamError {
            throw .malformed(file: path, message: message)
        }
        guard decodedFrames > 0 else { throw .empty(file: path) }
        return AudioSignal(samples: samples, sampleRate: Double(handle.sampleRate), fullScale: scale.fullScale,
                           sourceChannelCount: channels, sourceFormat: format)
    }

    /// Checks the path, then opens it with libsndfile, turning every failure into an ``AudioError``.
    private static func open(_ url: URL) throws(AudioError) -> (SndfileHandle, String) {
        guard url.isFileURL else {
            throw .unreadable(file: url.absoluteString, reason: "not a file URL; download the file first")
        }
        let path = url.path(percentEncoded: false)
        switch FileSystem.status(of: path) {
        case .missing: throw .fileNotFound(file: path)
        case .notRegularFile: throw .unreadable(file: path, reason: "not a regular file: a directory, device or pipe")
        case let .inaccessible(reason): throw .unreadable(file: path, reason: reason)
        case let .regularFile(byteCount): if byteCount == 0 { throw .empty(file: path) }
        }
        do {
            return (try SndfileHandle.openForReading(path: path), path)
        } catch {
            switch error.kind {
            case .unrecognisedFormat: throw .notAudio(file: path, message: error.message)
            case .system: throw .unreadable(file: path, reason: error.message)
            case .unsupportedEncoding: throw .unsupportedEncoding(file: path, message: error.message)
            case .malformed: throw .malformed(file: path, message: error.message)
            }
        }
    }

    /// The data-chunk size a WAV header declares, when libsndfile's header log says it is larger
    /// than what the file holds (a line `data : <declared> (should be <present>)`); `nil` otherwise,
    /// and for the streaming placeholders 0 and 0xFFFFFFFF, which mean "size unknown".
    static func declaredDataBytesBeyondFile(inHeaderLog log: String) -> Int? {
        for line in log.split(separator: "\n") {
            // Tokens: data, :, <declared>, (should, be, <present>)
            let tokens = line.split(separator: " ")
            guard tokens.count >= 6, tokens[0] == "data", tokens[1] == ":", tokens[3] == "(should", tokens[4] == "be",
                  let declared = Int(tokens[2]), let present = Int(tokens[5].prefix { $0.isNumber }) else { continue }
            if declared == 0 || declared == 0xFFFF_FFFF || declared <= present { return nil }
            return declared
        }
        return nil
    }
}
