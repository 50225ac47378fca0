import Foundation
import HMMKitAudio
import HMMKitNumerics

/// Reading audio for the front end: decode, then resample to the rate features are computed at.
public enum AudioLoader {
    /// The samples of the file at `url` for `configuration`: ±1.0 floats at its sample rate, every
    /// sample within its ``FeatureConfiguration/maximumSampleMagnitude`` when the file is resampled.
    /// - Throws: as ``load(_:sampleRate:maximumMagnitude:inputScale:)``.
    public static func load(_ url: URL, for configuration: FeatureConfiguration) throws(FeatureError) -> [Double] {
        try load(url, sampleRate: configuration.sampleRate, maximumMagnitude: configuration.maximumSampleMagnitude,
                 inputScale: configuration.inputScale)
    }

    /// The samples of the file at `url` as ±1.0 floats at `sampleRate` Hz (resampled with libsoxr's
    /// high quality when the file's rate differs; channels averaged).
    ///
    /// Before resampling, the file's samples are checked against `maximumMagnitude` (by default
    /// the loudest any configuration accepts), so that an error names the file's own sample
    /// rather than a resampled one. Without resampling the samples are returned as read: the
    /// extractor checks them (``FeatureConfiguration/checkAmplitude(of:source:)``).
    /// - Throws: ``FeatureError/audio(_:)`` naming the file, ``FeatureError/resampling(source:sampleRate:_:)``, or
    ///   ``FeatureError/sampleOutOfRange(source:index:value:inputScale:)`` for a sample beyond
    ///   `maximumMagnitude` in a file to resample (`inputScale` is only reported).
    public static func load(_ url: URL, sampleRate: Double,
                            maximumMagnitude: Double = InputLimits.maximumScaledAmplitude / InputLimits.minimumInputScale,
                            inputScale: Double = InputLimits.minimumInputScale) throws(FeatureError) -> [Double] {
        let signal: AudioSignal
        do {
            signal = try AudioDecoder.read(url: url)
        } catch {
            throw .audio(error)
        }
        guard signal.sampleRate != sampleRate else { return signal.samples }
        if let bad = ValueScan.firstBeyond(signal.samples, limit: maximumMagnitude) {
            // The decoder has already refused NaN and infinities.
            throw .sampleOutOfRange(source: url.path, index: bad, value: signal.samples[bad], inputScale: inputScale)
        }
        do {
            return try Resampler().resample(signal.samples, from: signal.sampleRate, to: sampleRate)
        } catch {
            throw .resampling(source: url.path, sampleRate: sampleRate, error)
        }
    }
}
