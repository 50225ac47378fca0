import HMMKitFileSystem

/// The layout most speech corpora are stored in, read without libsndfile: a RIFF/WAVE file of
/// exactly a 16-byte `fmt ` chunk (integer PCM, 16 bits per sample) followed by a `data` chunk
/// that ends the file — the 44-byte header that `sox`, Python's `wave` and libsndfile itself
/// write. The whole file is read in one `read(2)` and converted as libsndfile converts it
/// (sample `k` is `k / 32768` at unit scale; channels summed in order, then scaled), so the
/// samples are bit for bit those of the libsndfile path.
///
/// Only a file canonical in every field is taken: the RIFF size, the byte rate, the block
/// alignment and the data size must all agree with each other and with the file's length, and
/// the data must hold at least one frame. Anything else — another encoding, an extra chunk,
/// a size that disagrees, a file that cannot be opened — returns nil, and ``AudioDecoder``
/// reads it through libsndfile, which reports every error, and forgives every irregularity,
/// exactly as before.
enum CanonicalWAV {
    /// Files larger than this (about two minutes of 16 kHz stereo) are left to libsndfile, which
    /// reads in chunks.
    static let largestFileSize = 1 << 23
    /// The header: `RIFF` chunk, `fmt ` chunk of 16 bytes, `data` chunk header.
    static let headerSize = 44
    /// Channel counts above this go through libsndfile.
    static let largestChannelCount = 16
    /// Sample rates above this (hertz) go through libsndfile.
    static let largestSampleRate = 768_000

    /// What a canonical header says.
    struct Layout: Equatable {
        let sampleRate: Int
        let channelCount: Int
        let frameCount: Int
    }

    /// The layout of `bytes` (a whole file) when it is canonical 16-bit PCM WAV, nil otherwise.
    static func layout(of bytes: UnsafeRawBufferPointer) -> Layout? {
        guard bytes.count > headerSize else { return nil }
        func word(_ offset: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        func half(_ offset: Int) -> Int { Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) }
        func tag(_ offset: Int, _ name: StaticString) -> Bool {
            name.withUTF8Buffer { name in (0..<4).allSatisfy { bytes[offset + $0] == name[$0] } }
        }
        let channels = half(22), sampleRate = word(24), blockAlign = half(32), dataSize = word(40)
        guard tag(0, "RIFF"), word(4) == bytes.count - 8, tag(8, "WAVE"),
              tag(12, "fmt "), word(16) == 16, half(20) == 1,  // WAVE_FORMAT_PCM
              (1...largestChannelCount).contains(channels), (1...largestSampleRate).contains(sampleRate),
              blockAlign == channels * 2, word(28) == sampleRate * blockAlign, half(34) == 16,
              tag(36, "data"), dataSize == bytes.count - headerSize, dataSize % blockAlign == 0
        else { return nil }
        return Layout(sampleRate: sampleRate, channelCount: channels, frameCount: dataSize / blockAlign)
    }

    /// The file at `path` decoded at `scale`, when it is a canonical 16-bit PCM WAV of at most
    /// ``largestFileSize`` bytes; nil otherwise (including when it cannot be opened or read).
    static func read(path: String, scale: AudioSampleScale) -> AudioSignal? {
        guard let file = FileSystem.readWholeFile(path, ifAtMost: largestFileSize) else { return nil }
        return file.withUnsafeBytes { bytes -> AudioSignal? in
            guard let layout = layout(of: bytes) else { return nil }
            let channels = layout.channelCount, frames = layout.frameCount
            // libsndfile's int16 → double: k · (1 / 32768) (SFC_SET_NORM_DOUBLE), then the decoder's
            // channel average: the channel values summed in order, times full scale / channels.
            let normalisation = 1.0 / 32768, factor = scale.fullScale / Double(channels)
            let samples = [Double](unsafeUninitializedCapacity: frames) { output, initialized in
                for frame in 0..<frames {
                    let base = headerSize + frame * channels * 2
                    var sum = Double(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: Int16.self))) * normalisation
                    for channel in 1..<channels {
                        let offset = base + channel * 2
                        sum += Double(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self))) * normalisation
                    }
                    output[frame] = sum * factor
                }
                initialized = frames
            }
            return AudioSignal(samples: samples, sampleRate: Double(layout.sampleRate), fullScale: scale.fullScale,
                               sourceChannelCount: channels, sourceFormat: SndfileFormats.wavPCM16)
        }
    }
}
