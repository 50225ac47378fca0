/// The container and sample encoding of an audio file, as libsndfile reports it.
///
/// Made by ``AudioDecoder`` from `SF_INFO.format` (a major format such as `SF_FORMAT_WAV` or'ed
/// with a subtype such as `SF_FORMAT_PCM_16`); the names are libsndfile's own, looked up with
/// `sf_command(SFC_GET_FORMAT_INFO)`.
public struct AudioFileFormat: Sendable, Hashable, CustomStringConvertible {
    /// libsndfile's format code: the major format (container) bitwise-or'ed with the subtype (encoding).
    public let code: Int32
    /// libsndfile's name of the container, e.g. `"WAV (Microsoft)"`, `"FLAC (Free Lossless Audio Codec)"`.
    public let containerName: String
    /// libsndfile's name of the encoding, e.g. `"Signed 16 bit PCM"`, `"32 bit float"`, `"Vorbis"`.
    public let encodingName: String
    /// Bits per stored sample for PCM and floating-point encodings (8, 16, 24, 32 or 64);
    /// `nil` for compressed encodings (Vorbis, ADPCM, …), whose samples have no fixed width.
    public let bitsPerSample: Int?
    /// True for 32- and 64-bit floating-point encodings, whose values may exceed ±1.0 and may
    /// hold NaN or infinity (``AudioDecoder`` refuses the latter).
    public let isFloatingPoint: Bool

    /// `"<container>, <encoding>"`, e.g. `"WAV (Microsoft), Signed 16 bit PCM"`.
    public var description: String { "\(containerName), \(encodingName)" }

    init(code: Int32, containerName: String, encodingName: String, bitsPerSample: Int?, isFloatingPoint: Bool) {
        self.code = code
        self.containerName = containerName
        self.encodingName = encodingName
        self.bitsPerSample = bitsPerSample
        self.isFloatingPoint = isFloatingPoint
    }
}

/// A container and sample encoding for ``AudioFileWriter`` to write.
///
/// Not every pair is valid (FLAC holds only 8-, 16- and 24-bit PCM; Ogg holds only Vorbis);
/// the writer checks the pair with libsndfile's `sf_format_check` and throws
/// ``AudioError/cannotWrite(file:reason:)`` for an invalid one. The presets are the valid pairs
/// HMMKit uses.
public struct AudioWriteFormat: Sendable, Hashable, CustomStringConvertible {
    /// The file container.
    public enum Container: String, Sendable, Hashable, CaseIterable {
        /// Microsoft WAV (RIFF), `SF_FORMAT_WAV`.
        case wav
        /// FLAC, lossless, `SF_FORMAT_FLAC`.
        case flac
        /// Ogg (for Vorbis), `SF_FORMAT_OGG`.
        case ogg
    }

    /// How each sample is stored.
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        /// 8-bit PCM (unsigned in WAV, `SF_FORMAT_PCM_U8`; signed in FLAC, `SF_FORMAT_PCM_S8`).
        case pcm8
        /// Signed 16-bit PCM, `SF_FORMAT_PCM_16`.
        case pcm16
        /// Signed 24-bit PCM, `SF_FORMAT_PCM_24`.
        case pcm24
        /// Signed 32-bit PCM, `SF_FORMAT_PCM_32`.
        case pcm32
        /// IEEE 32-bit float, `SF_FORMAT_FLOAT` (values are stored unscaled, ±1.0 at full scale).
        case float32
        /// IEEE 64-bit float, `SF_FORMAT_DOUBLE`.
        case float64
        /// Lossy Vorbis, `SF_FORMAT_VORBIS` (Ogg only).
        case vorbis

        /// Bits per stored sample, or `nil` for Vorbis.
        public var bitsPerSample: Int? {
            switch self {
            case .pcm8: return 8
            case .pcm16: return 16
            case .pcm24: return 24
            case .pcm32, .float32: return 32
            case .float64: return 64
            case .vorbis: return nil
            }
        }

        /// True for the integer PCM encodings, which the writer quantises itself (see ``AudioFileWriter``).
        public var isPCM: Bool {
            switch self {
            case .pcm8, .pcm16, .pcm24, .pcm32: return true
            case .float32, .float64, .vorbis: return false
            }
        }
    }

    /// The container.
    public var container: Container
    /// The sample encoding.
    public var encoding: Encoding

    /// A container with an encoding; validity is checked when writing.
    public init(container: Container, encoding: Encoding) {
        self.container = container
        self.encoding = encoding
    }

    /// 16-bit PCM WAV: what FSDD, TIMIT-as-WAV and most ASR corpora use.
    public static let wav16 = AudioWriteFormat(container: .wav, encoding: .pcm16)
    /// 24-bit PCM WAV.
    public static let wav24 = AudioWriteFormat(container: .wav, encoding: .pcm24)
    /// 32-bit PCM WAV.
    public static let wav32 = AudioWriteFormat(container: .wav, encoding: .pcm32)
    /// 32-bit float WAV (`WAVE_FORMAT_IEEE_FLOAT`).
    public static let wavFloat = AudioWriteFormat(container: .wav, encoding: .float32)
    /// 16-bit FLAC.
    public static let flac16 = AudioWriteFormat(container: .flac, encoding: .pcm16)
    /// 24-bit FLAC.
    public static let flac24 = AudioWriteFormat(container: .flac, encoding: .pcm24)
    /// Ogg Vorbis at libsndfile's default quality (lossy: do not use for round-trip comparisons).
    public static let oggVorbis = AudioWriteFormat(container: .ogg, encoding: .vorbis)

    /// `"wav/pcm16"` and the like.
    public var description: String { "\(container.rawValue)/\(encoding.rawValue)" }
}
