/// Failures reading or writing an audio file: each names the file and says what to do.
///
/// Error policy (as in swift-system): failures that come from the outside world (a missing or
/// damaged file, samples that are not numbers) throw one of these; a programmer's misuse (a
/// negative sample rate, channels of different lengths) traps with a precondition message.
public enum AudioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing exists at the path.
    case fileNotFound(file: String)
    /// The path exists but cannot be read: a directory, no permission, an I/O error.
    case unreadable(file: String, reason: String)
    /// libsndfile does not recognise the file as audio (`SF_ERR_UNRECOGNISED_FORMAT`): a text or
    /// other non-audio file, or a container libsndfile was built without. `message` is `sf_strerror`'s.
    case notAudio(file: String, message: String)
    /// The container is known but its sample encoding is not (`SF_ERR_UNSUPPORTED_ENCODING`).
    case unsupportedEncoding(file: String, message: String)
    /// libsndfile found the header or the encoded stream damaged (a header cut short, a broken
    /// chunk, a decoder error); `message` is `sf_strerror`'s.
    case malformed(file: String, message: String)
    /// The header promises more audio than the file holds: the file was cut short (an interrupted
    /// copy or download). `expectedFrames` is what the header declares, `decodedFrames` what was there.
    case truncated(file: String, expectedFrames: Int, decodedFrames: Int)
    /// The file holds no audio: it is 0 bytes long or its audio data has 0 frames.
    case empty(file: String)
    /// A sample is NaN or infinite (possible only in floating-point files, or in a signal given to
    /// the writer). `frame` and `channel` count from 0.
    case nonFinite(file: String, frame: Int, channel: Int, value: Double)
    /// Writing failed: the format pair is invalid, the folder is not writable, the disk is full.
    case cannotWrite(file: String, reason: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case let .fileNotFound(file), let .unreadable(file, _), let .notAudio(file, _),
             let .unsupportedEncoding(file, _), let .malformed(file, _), let .truncated(file, _, _),
             let .empty(file), let .nonFinite(file, _, _, _), let .cannotWrite(file, _):
            return file
        }
    }

    /// `"<file>: <what is wrong>; <what to do>"`.
    public var description: String {
        switch self {
        case let .fileNotFound(file):
            return "\(file): no such file; check the path (relative paths are taken from the current directory)"
        case let .unreadable(file, reason):
            return "\(file): cannot be read (\(reason)); check that it is a regular file you may read"
        case let .notAudio(file, message):
            return "\(file): not an audio file libsndfile can read (libsndfile: \(message)); "
                + "check that it is really WAV, FLAC, Ogg/Vorbis, AIFF… and not text or an HTML error page"
        case let .unsupportedEncoding(file, message):
            return "\(file): the sample encoding is not supported (libsndfile: \(message)); "
                + "convert it, e.g. `sox \(file) -b 16 -e signed-integer out.wav`"
        case let .malformed(file, message):
            return "\(file): the audio file is damaged (libsndfile: \(message)); "
                + "re-copy or re-download it, or drop it from the data list"
        case let .truncated(file, expected, decoded):
            return "\(file): truncated, the header declares \(expected) frames but only \(decoded) are present; "
                + "re-copy or re-download it, or read it with acceptingTruncatedData: true to use the \(decoded) frames"
        case let .empty(file):
            return "\(file): contains no audio (0 bytes, or 0 frames of audio data); re-record it or drop it from the data list"
        case let .nonFinite(file, frame, channel, value):
            return "\(file): sample \(frame) of channel \(channel) is \(value), not a finite number; "
                + "repair the file (NaN and infinity are possible only in floating-point audio)"
        case let .cannotWrite(file, reason):
            return "\(file): cannot write (\(reason))"
        }
    }
}

/// Failures of ``Resampler``: the requested rates make no sense, or libsoxr refused them.
public enum ResamplingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A sample rate is zero, negative, NaN or infinite.
    case invalidSampleRate(Double)
    /// The output/input rate ratio lies outside ``Resampler/supportedRatios``: almost surely a unit
    /// mistake (kilohertz for hertz).
    case ratioOutOfRange(inputRate: Double, outputRate: Double)
    /// libsoxr reported an error (its message, from `soxr_create` or `soxr_process`).
    case libsoxr(message: String)

    /// What is wrong with the rates, and what to do.
    public var description: String {
        switch self {
        case let .invalidSampleRate(rate):
            return "resampling: sample rate \(rate) Hz is not a finite positive number; give rates in hertz, e.g. 16000"
        case let .ratioOutOfRange(input, output):
            return "resampling from \(input) Hz to \(output) Hz: the ratio \(output / input) is outside "
                + "\(Resampler.supportedRatios); check that both rates are in hertz (16000, not 16)"
        case let .libsoxr(message):
            return "resampling: libsoxr failed (\(message))"
        }
    }
}
