import HMMKitCorpus
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
    /// Spectral subtraction in the noisy-voice models' front end (in training and recognition),
    /// in place of the recognizer's own ``/HMMKitFeatures/FeatureConfiguration/noiseSubtraction``;
    /// nil: the recognizer's. The default subtracts the mean of the quietest tenth of each
    /// recording's frames once, keeping a tenth of it as the floor (``/HMMKitFeatures/SpectralSubtraction``'s defaults).
    public var noiseSubtraction: SpectralSubtraction?

    /// The default noisy copies: white and babble noise at 5 and 15 dB.
    public static let defaultNoiseAugmentation = [NoiseCondition(.white, snr: 5), NoiseCondition(.white, snr: 15),
                                                  NoiseCondition(.babble, snr: 5), NoiseCondition(.babble, snr: 15)]
    /// The default threshold, 12 dB: below every white-noise copy at 10 dB and above all but about
    /// 5 % of clean FSDD recordings in the estimate's distribution (BENCHMARKS.md, "Noisy voices").
    public static let defaultMaximumSNR = 12.0

    /// Noisy-voice options.
    public init(noiseAugmentation: [NoiseCondition] = Self.defaultNoiseAugmentation, maximumSNR: Double = Self.defaultMaximumSNR,
                noiseSubtraction: SpectralSubtraction? = SpectralSubtraction()) {
        self.noiseAugmentation = noiseAugmentation
        self.maximumSNR = maximumSNR
        self.noiseSubtraction = noiseSubtraction
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
        problems += noiseSubtraction?.problems().map { "noisyVoice.\($0)" } ?? []
        return problems
    }
}

extension RecognizerConfiguration {
    /// This configuration for training on `entries`: without noisy-voice models when their noise
    /// needs babble and every entry is the same speaker's (babble is made of other speakers'
    /// recordings, and there are none), so that a one-speaker corpus trains as it did before the
    /// noisy-voice models existed; the recognizer file then says `noisyVoice` is absent.
    func forTraining(on entries: [CorpusEntry]) -> RecognizerConfiguration {
        guard let noisyVoice, noisyVoice.noiseAugmentation.contains(where: { $0.kind == .babble }) else { return self }
        let speakers = Set(entries.map(\.speaker))
        let babblePossible = speakers.count > 1 || (speakers.first == .some(nil) && entries.count > 1)
        if babblePossible { return self }
        var configuration = self
        configuration.noisyVoice = nil
        return configuration
    }
}
