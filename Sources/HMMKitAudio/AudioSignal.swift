/// The value that digital full scale maps to in a signal's samples.
///
/// libsndfile (and so soundfile, librosa and torchaudio) normalise integer PCM to ±1.0; Kaldi's
/// `compute-mfcc-feats` and python_speech_features (through `scipy.io.wavfile`) work on the raw
/// int16 values, ±32768. The log energies and log mel energies of the two differ by a constant
/// (2·ln 32768 ≈ 20.79 in power), so pick the scale of the tool whose features you compare against.
public enum AudioSampleScale: Sendable, Hashable, CaseIterable {
    /// Full scale is ±1.0: libsndfile's normalisation, a 16-bit sample `k` reads as `k / 32768`.
    case unit
    /// Full scale is ±32768: a 16-bit sample `k` reads as exactly `k`, as Kaldi and
    /// python_speech_features see it (24-bit samples become `k / 256`).
    case int16

    /// The sample value of digital full scale: 1 for ``unit``, 32768 for ``int16``.
    @inlinable public var fullScale: Double {
        switch self {
        case .unit: return 1
        case .int16: return 32768
        }
    }
}

/// A mono audio signal: samples in time order, a sample rate, and the scale they are stored at.
///
/// ``AudioDecoder`` makes one from a file (downmixing several channels by averaging them) and
/// remembers what the file held in ``sourceChannelCount`` and ``sourceFormat``; ``Resampler``
/// changes its rate; ``AudioFileWriter`` writes it back. Samples are `Double` whatever the file
/// stored, so 16-, 24- and 32-bit PCM and float files all convert without loss.
public struct AudioSignal: Sendable, Equatable {
    /// The samples, `[frameCount]`, in units where digital full scale is ``fullScale``.
    public var samples: [Double]
    /// Samples per second, in hertz (for example 8000 for FSDD, 16000 for most ASR corpora).
    public var sampleRate: Double
    /// The sample value of digital full scale: 1 at ``AudioSampleScale/unit`` (libsndfile's
    /// normalisation), 32768 at ``AudioSampleScale/int16`` (Kaldi's); see ``rescaled(to:)``.
    public var fullScale: Double
    /// How many channels the source file had before they were averaged into this one (1 when
    /// the signal was not read from a file).
    public var sourceChannelCount: Int
    /// The container and encoding of the file this signal was read from; `nil` when made in memory.
    public var sourceFormat: AudioFileFormat?

    /// A signal over `samples` taken at `sampleRate` hertz, with digital full scale at `fullScale`.
    ///
    /// - Precondition: `sampleRate` and `fullScale` are finite and positive.
    public init(samples: [Double], sampleRate: Double, fullScale: Double = 1,
                sourceChannelCount: Int = 1, sourceFormat: AudioFileFormat? = nil) {
        precondition(sampleRate.isFinite && sampleRate > 0,
                     "AudioSignal sample rate must be finite and positive (got \(sampleRate))")
        precondition(fullScale.isFinite && fullScale > 0,
                     "AudioSignal full scale must be finite and positive (got \(fullScale))")
        precondition(sourceChannelCount >= 1,
                     "AudioSignal source channel count must be at least 1 (got \(sourceChannelCount))")
        self.samples = samples
        self.sampleRate = sampleRate
        self.fullScale = fullScale
        self.sourceChannelCount = sourceChannelCount
        self.sourceFormat = sourceFormat
    }

    /// The number of samples (frames: the signal is mono).
    @inlinable public var frameCount: Int { samples.count }

    /// The length in seconds, `frameCount / sampleRate`.
    @inlinable public var duration: Double { Double(samples.count) / sampleRate }

    /// The same signal with every sample multiplied so that digital full scale becomes `newFullScale`.
    ///
    /// `rescaled(toFullScale: 32768)` on a signal at full scale 1 gives int16-valued samples: a
    /// 16-bit file's sample `k` becomes exactly `Double(k)` (the factor is a power of two).
    public func rescaled(toFullScale newFullScale: Double) -> AudioSignal {
        precondition(newFullScale.isFinite && newFullScale > 0,
                     "Full scale must be finite and positive (got \(newFullScale))")
        var result = self
        result.fullScale = newFullScale
        if newFullScale != fullScale {
            let factor = newFullScale / fullScale
            result.samples = samples.map { $0 * factor }
        }
        return result
    }

    /// The same signal at `scale`: `.int16` for Kaldi and python_speech_features, `.unit` for
    /// librosa and libsndfile. A no-op when the signal is already at that scale.
    public func rescaled(to scale: AudioSampleScale) -> AudioSignal {
        rescaled(toFullScale: scale.fullScale)
    }
}
