import HMMKitFeatures

/// Noisy voices: a third word-model set for recordings of unknown voices that sound noisy.
///
/// With unknown-voice models (``RecognizerConfiguration/unknownVoiceConfiguration``), the
/// recognizer also trains a set with that configuration and ``noiseAugmentation`` (noisy copies
/// of every training recording beside its speed copies). A recording the unknown-voice models
/// would recognize goes to this set instead when its blind SNR estimate
/// (``/HMMKitFeatures/SignalToNoiseEstimate``) is below ``maximumSNR``: noise-trained models
/// for noisy audio, clean-trained ones for clean audio.
public struct NoisyVoiceOptions: Codable, Sendable, Equatable {
    /// The noisy copies the noisy-voice models are trained on (babble from the training corpus's
    /// other speakers).
    public var noiseAugmentation: [NoiseCondition]
    /// Recordings whose estimated SNR is below this many dB go to the noisy-voice models.
    public var maximumSNR: Double

    /// The default noisy copies: white and babble noise at 5 and 15 dB.
    public static let defaultNoiseAugmentation = [NoiseCondition(.white, snr: 5), NoiseCondition(.white, snr: 15),
                                                  NoiseCondition(.babble, snr: 5), NoiseCondition(.babble, snr: 15)]
    /// The default threshold, 12 dB.
    public static let defaultMaximumSNR = 12.0

    /// Noisy-voice options.
    public init(noiseAugmentation: [NoiseCondition] = Self.defaultNoiseAugmentation, maximumSNR: Double = Self.defaultMaximumSNR) {
        self.noiseAugmentation = noiseAugmentation
        self.maximumSNR = maximumSNR
    }

    /// Every problem, naming the field (empty when usable).
    public func problems() -> [String] {
        var problems: [String] = []
        if noiseAugmentation.isEmpty { problems.append("noisyVoice.noiseAugmentation must name at least one noise condition") }
        for condition in noiseAugmentation where !NoiseCondition.snrRange.contains(condition.snr) {
            problems.append("noisyVoice.noiseAugmentation \(condition): the SNR must lie in \(NoiseCondition.snrRange) dB")
        }
        if !NoiseCondition.snrRange.contains(maximumSNR) {
            problems.append("noisyVoice.maximumSNR must lie in \(NoiseCondition.snrRange) dB (got \(maximumSNR))")
        }
        return problems
    }
}
