// Every call into libsndfile lives in this file. A `SndfileHandle` owns one `SNDFILE*` and closes
// it in `deinit`; the rest of the module sees Swift types only (frame counts as `Int`, format
// codes as `Int32`, messages as `String`).
import CSndfile
import Synchronization

/// libsndfile reports why `sf_open` failed through process-wide state (`sf_error(NULL)`,
/// `sf_strerror(NULL)`), which another thread's failing open can overwrite; opening and reading
/// that state back happen under this lock. Reads and writes on an open handle need no lock.
private let sndfileOpenLock = Mutex<Void>(())

/// Why `sf_open` / `sf_open_fd` failed: libsndfile's error number and message.
struct SndfileOpenFailure: Error {
    /// What kind of failure, from libsndfile's public error numbers (`SF_ERR_*`).
    enum Kind { case unrecognisedFormat, system, unsupportedEncoding, malformed }
    let kind: Kind
    /// `sf_strerror(NULL)` right after the failed open.
    let message: String
}

/// libsndfile's internal error number `SFE_BAD_FILE` (not in its public header).
private let sndfileBadFile = 7

/// An open libsndfile stream (`SNDFILE*`), closed with `sf_close` in `deinit` (or by ``close()``).
final class SndfileHandle {
    private var pointer: OpaquePointer?
    /// Frames in the file as libsndfile computed them at open (`SF_INFO.frames`); for WAV it is
    /// corrected to the bytes actually present, for FLAC it is the header's count.
    let frameCount: Int
    /// `SF_INFO.samplerate`, in hertz.
    let sampleRate: Int
    /// `SF_INFO.channels`.
    let channelCount: Int
    /// `SF_INFO.format`: major format | subtype.
    let formatCode: Int32

    private init(pointer: OpaquePointer, info: SF_INFO) {
        self.pointer = pointer
        self.frameCount = Int(info.frames)
        self.sampleRate = Int(info.samplerate)
        self.channelCount = Int(info.channels)
        self.formatCode = info.format
    }

    deinit {
        if let pointer { sf_close(pointer) }
    }

    /// Opens `path` for reading (`sf_open(path, SFM_READ, …)`), with samples read as doubles
    /// normalised to ±1.0 for integer encodings (`SFC_SET_NORM_DOUBLE`, libsndfile's default).
    static func openForReading(path: String) throws(SndfileOpenFailure) -> SndfileHandle {
        var info = SF_INFO()
        let opened = try sndfileOpenLock.withLock { _ -> Result<OpaquePointer, SndfileOpenFailure> in
            guard let opened = sf_open(path, Int32(SFM_READ), &info) else { return .failure(lastOpenFailure()) }
            return .success(opened)
        }.get()
        sf_command(opened, Int32(SFC_SET_NORM_DOUBLE), nil, Int32(SF_TRUE))
        return SndfileHandle(pointer: opened, info: info)
    }

    /// Opens the already open file descriptor `fileDescriptor` for writing
    /// (`sf_open_fd(fd, SFM_WRITE, …, close_desc: false)`): the caller keeps and closes the descriptor.
    static func openForWriting(fileDescriptor: Int32, sampleRate: Int, channelCount: Int,
                               formatCode: Int32) throws(SndfileOpenFailure) -> SndfileHandle {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channelCount)
        info.format = formatCode
        let opened = try sndfileOpenLock.withLock { _ -> Result<OpaquePointer, SndfileOpenFailure> in
            guard let opened = sf_open_fd(fileDescriptor, Int32(SFM_WRITE), &info, Int32(SF_FALSE)) else {
                return .failure(lastOpenFailure())
            }
            return .success(opened)
        }.get()
        return SndfileHandle(pointer: opened, info: info)
    }

    /// The failure of the open that just failed; call only while holding `sndfileOpenLock`.
    private static func lastOpenFailure() -> SndfileOpenFailure {
        let code = sf_error(nil)
        var message = String(cString: sf_strerror(nil))
        let kind: SndfileOpenFailure.Kind
        switch Int(code) {
        case Int(SF_ERR_UNRECOGNISED_FORMAT): kind = .unrecognisedFormat
        case sndfileBadFile:
            // "File does not exist or is not a regular file": callers open only regular files
            // that exist, so here a decoder (MPEG, for bytes that merely look like a frame
            // header) gave up on the data.
            kind = .unrecognisedFormat
            message = "no decoder could read the data"
        case Int(SF_ERR_SYSTEM): kind = .system
        case Int(SF_ERR_UNSUPPORTED_ENCODING): kind = .unsupportedEncoding
        default: kind = .malformed  // SF_ERR_MALFORMED_FILE and libsndfile's many internal codes.
        }
        return SndfileOpenFailure(kind: kind, message: message)
    }

    /// Reads up to `frames` interleaved frames into `buffer` (`sf_readf_double`); returns how
    /// many were read, 0 at the end of the data.
    func readFrames(into buffer: UnsafeMutableBufferPointer<Double>, frames: Int) -> Int {
        precondition(frames * channelCount <= buffer.count, "readFrames: buffer too small")
        return Int(sf_readf_double(pointer, buffer.baseAddress, sf_count_t(frames)))
    }

    /// Writes `frames` interleaved frames of left-justified 32-bit integers (`sf_writef_int`):
    /// libsndfile keeps the top 16 bits for 16-bit PCM, the top 24 for 24-bit and so on.
    func writeFrames(_ buffer: UnsafeBufferPointer<Int32>, frames: Int) -> Int {
        precondition(frames * channelCount <= buffer.count, "writeFrames: buffer too small")
        return Int(sf_writef_int(pointer, buffer.baseAddress, sf_count_t(frames)))
    }

    /// Writes `frames` interleaved frames of doubles (`sf_writef_double`): unscaled for float
    /// encodings, through the encoder for Vorbis.
    func writeFrames(_ buffer: UnsafeBufferPointer<Double>, frames: Int) -> Int {
        precondition(frames * channelCount <= buffer.count, "writeFrames: buffer too small")
        return Int(sf_writef_double(pointer, buffer.baseAddress, sf_count_t(frames)))
    }

    /// libsndfile's error message for this stream (`sf_strerror`), or `nil` when `sf_error` is 0.
    var streamError: String? {
        guard sf_error(pointer) != 0 else { return nil }
        return String(cString: sf_strerror(pointer))
    }

    /// libsndfile's parse log of the header (`SFC_GET_LOG_INFO`): one `key : value` per line,
    /// with `(should be N)` after values that disagree with the file.
    func headerLog() -> String {
        var buffer = [CChar](repeating: 0, count: 16_384)
        let length = buffer.withUnsafeMutableBufferPointer { raw in
            Int(sf_command(pointer, Int32(SFC_GET_LOG_INFO), raw.baseAddress, Int32(raw.count - 1)))
        }
        let bytes = buffer.prefix(max(0, min(length, buffer.count - 1))).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Closes the stream now (`sf_close`, which finishes a written file's header); returns
    /// libsndfile's message when closing failed.
    func close() -> String? {
        guard let open = pointer else { return nil }
        pointer = nil
        let code = sf_close(open)
        return code == 0 ? nil : String(cString: sf_error_number(code))
    }
}

/// libsndfile's names and sizes of formats (`SFC_GET_FORMAT_INFO`, `sf_format_check`).
enum SndfileFormats {
    /// The description of the format code `code` (`SF_INFO.format`).
    static func describe(code: Int32) -> AudioFileFormat {
        let major = code & Int32(SF_FORMAT_TYPEMASK)
        let subtype = code & Int32(SF_FORMAT_SUBMASK)
        let bits: Int?
        var isFloat = false
        switch Int(subtype) {
        case Int(SF_FORMAT_PCM_S8), Int(SF_FORMAT_PCM_U8): bits = 8
        case Int(SF_FORMAT_PCM_16): bits = 16
        case Int(SF_FORMAT_PCM_24): bits = 24
        case Int(SF_FORMAT_PCM_32): bits = 32
        case Int(SF_FORMAT_FLOAT): bits = 32; isFloat = true
        case Int(SF_FORMAT_DOUBLE): bits = 64; isFloat = true
        case Int(SF_FORMAT_ULAW), Int(SF_FORMAT_ALAW): bits = 8
        default: bits = nil
        }
        return AudioFileFormat(code: code,
                               containerName: name(of: major) ?? "container 0x\(String(major, radix: 16))",
                               encodingName: name(of: subtype) ?? "encoding 0x\(String(subtype, radix: 16))",
                               bitsPerSample: bits, isFloatingPoint: isFloat)
    }

    /// The format of a 16-bit PCM WAV file (`SF_FORMAT_WAV | SF_FORMAT_PCM_16`), as libsndfile
    /// reports it for one it opened.
    static let wavPCM16 = describe(code: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16))

    /// True when `code` names a WAV-family container (`SF_FORMAT_WAV`, `WAVEX`, `RF64`), whose
    /// header log reports a data chunk longer than the file.
    static func isWAV(code: Int32) -> Bool {
        let major = Int(code & Int32(SF_FORMAT_TYPEMASK))
        return major == Int(SF_FORMAT_WAV) || major == Int(SF_FORMAT_WAVEX) || major == Int(SF_FORMAT_RF64)
    }

    /// libsndfile's code for a container and encoding pair.
    static func code(for format: AudioWriteFormat) -> Int32 {
        let major: Int
        switch format.container {
        case .wav: major = Int(SF_FORMAT_WAV)
        case .flac: major = Int(SF_FORMAT_FLAC)
        case .ogg: major = Int(SF_FORMAT_OGG)
        }
        let subtype: Int
        switch format.encoding {
        case .pcm8: subtype = format.container == .wav ? Int(SF_FORMAT_PCM_U8) : Int(SF_FORMAT_PCM_S8)
        case .pcm16: subtype = Int(SF_FORMAT_PCM_16)
        case .pcm24: subtype = Int(SF_FORMAT_PCM_24)
        case .pcm32: subtype = Int(SF_FORMAT_PCM_32)
        case .float32: subtype = Int(SF_FORMAT_FLOAT)
        case .float64: subtype = Int(SF_FORMAT_DOUBLE)
        case .vorbis: subtype = Int(SF_FORMAT_VORBIS)
        }
        return Int32(major | subtype)
    }

    /// `sf_format_check`: whether libsndfile can write this format, rate and channel count.
    static func canWrite(code: Int32, sampleRate: Int, channelCount: Int) -> Bool {
        var info = SF_INFO()
        info.format = code
        info.samplerate = Int32(clamping: sampleRate)
        info.channels = Int32(clamping: channelCount)
        return sf_format_check(&info) != 0
    }

    /// The version string of the loaded library, e.g. `"libsndfile-1.2.0"` (`sf_version_string`).
    static var version: String { String(cString: sf_version_string()) }

    private static func name(of part: Int32) -> String? {
        var info = SF_FORMAT_INFO()
        info.format = part
        guard sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &info, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0,
              let name = info.name else { return nil }
        return String(cString: name)
    }
}
