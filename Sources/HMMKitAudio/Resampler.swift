/// Changes the sample rate of a signal with libsoxr, the SoX resampler.
///
/// The default quality is ``Quality/high`` (libsoxr's `SOXR_HQ`: 20-bit precision, linear phase,
/// flat to 91.3 % of the lower Nyquist frequency): it is the default of python-soxr and of
/// librosa (`res_type="soxr_hq"`), its error (about −120 dB) lies far below the noise of 16-bit
/// audio, and it runs at hundreds of times real time. Linear phase delays no frequency more
/// than another, and libsoxr removes the filter delay, so output sample 0 lines up with input
/// sample 0.
///
/// The output has `round(n · outputRate / inputRate)` samples for `n` input samples (halves
/// rounded up), which is what libsoxr itself produces; see ``outputLength(inputLength:inputRate:outputRate:)``.
/// Resampling to the same rate returns the input unchanged, without calling libsoxr.
///
/// Each call makes its own `soxr_t` (`soxr_create` … `soxr_process` … `soxr_delete`), so one
/// `Resampler` may be used from several threads at once.
public struct Resampler: Sendable, Hashable {
    /// libsoxr's quality recipes (`soxr_quality_spec(recipe, 0)`), all linear phase.
    public enum Quality: String, Sendable, Hashable, CaseIterable {
        /// `SOXR_QQ`: cubic interpolation; fast, audible aliasing. For previews only.
        case quick
        /// `SOXR_LQ`: 16-bit precision, wide roll-off.
        case low
        /// `SOXR_MQ`: 16-bit precision, medium roll-off.
        case medium
        /// `SOXR_HQ`: 20-bit precision; the default (see ``Resampler``).
        case high
        /// `SOXR_VHQ`: 28-bit precision; for 24-bit material.
        case veryHigh
    }

    /// The output/input rate ratios accepted: 1/256 … 256. Any real conversion (8 kHz ↔ 192 kHz
    /// is 24) fits; a ratio outside is almost surely a unit mistake (kilohertz given as hertz).
    public static let supportedRatios: ClosedRange<Double> = (1.0 / 256)...256

    /// The filter quality.
    public var quality: Quality

    /// A resampler of the given quality (default ``Quality/high``, see ``Resampler``).
    public init(quality: Quality = .high) {
        self.quality = quality
    }

    /// The version of the libsoxr in use, e.g. `"libsoxr-0.1.3"` (`soxr_version`).
    public static var libraryVersion: String { SoxrStream.version }

    /// `signal` resampled to `outputRate` hertz: `[round(n · outputRate / signal.sampleRate)]`
    /// samples, with the same full scale and source description. Returns `signal` itself when the
    /// rates are equal.
    public func resample(_ signal: AudioSignal, to outputRate: Double) throws(ResamplingError) -> AudioSignal {
        var result = signal
        result.samples = try resample(signal.samples, from: signal.sampleRate, to: outputRate)
        result.sampleRate = outputRate
        return result
    }

    /// `samples` taken at `inputRate` hertz, resampled to `outputRate` hertz with libsoxr
    /// (`soxr_create`, `soxr_process`): `[round(samples.count · outputRate / inputRate)]` samples.
    /// Returns `samples` unchanged when the rates are equal. NaN or infinite input spreads over
    /// the filter's length; ``AudioDecoder`` never produces such samples.
    ///
    /// - Throws: ``ResamplingError/invalidSampleRate(_:)`` for a rate that is not finite and
    ///   positive, ``ResamplingError/ratioOutOfRange(inputRate:outputRate:)`` outside
    ///   ``supportedRatios``, ``ResamplingError/libsoxr(message:)`` when libsoxr fails.
    public func resample(_ samples: [Double], from inputRate: Double,
                         to outputRate: Double) throws(ResamplingError) -> [Double] {
        for rate in [inputRate, outputRate] where !(rate.isFinite && rate > 0) {
            throw .invalidSampleRate(rate)
        }
        guard Self.supportedRatios.contains(outputRate / inputRate) else {
            throw .ratioOutOfRange(inputRate: inputRate, outputRate: outputRate)
        }
        if inputRate == outputRate || samples.isEmpty {
            return inputRate == outputRate ? samples : []
        }
        let length = Self.outputLength(inputLength: samples.count, inputRate: inputRate, outputRate: outputRate)
        var output: [Double]
        do {
            let stream = try SoxrStream(inputRate: inputRate, outputRate: outputRate, recipe: quality)
            output = try stream.resample(samples, expectedOutputCount: length)
        } catch {
            throw .libsoxr(message: error.message)
        }
        // libsoxr produces exactly `length` samples (checked by the tests over many lengths and
        // ratios); this only guards the documented length against a different library version.
        if output.count > length {
            output.removeLast(output.count - length)
        } else if output.count < length {
            output.append(contentsOf: repeatElement(0, count: length - output.count))
        }
        return output
    }

    /// The number of samples resampling `inputLength` samples from `inputRate` to `outputRate`
    /// gives: `inputLength · outputRate / inputRate` rounded to the nearest integer, halves up.
    public static func outputLength(inputLength: Int, inputRate: Double, outputRate: Double) -> Int {
        precondition(inputLength >= 0, "outputLength: negative input length \(inputLength)")
        return Int((Double(inputLength) * outputRate / inputRate).rounded(.toNearestOrAwayFromZero))
    }
}
