import HMMKitNumerics
import HMMKitTraining
import HMMKitFeatures
import HMMKitMarkov
import HMMKitMixtures

/// Everything that defines an isolated-word recognizer besides its training data: the front end
/// and the shape and training of the word models. Stored inside every recognizer file, so
/// recognition always uses the front end the models were trained with.
///
/// The defaults were chosen by leave-one-speaker-out cross-validation on FSDD (BENCHMARKS.md):
/// python_speech_features-style MFCCs (13 + Δ + ΔΔ) with per-speaker mean and variance
/// normalisation (per utterance when a recording names no speaker), both with a prior of 60
/// frames of the training corpus's statistics, vocal-tract-length normalisation (a warp factor
/// per speaker with at least 300 frames, chosen by likelihood), fMLLR speaker adaptation when
/// recognizing a speaker's recordings, 12-state left-to-right word
/// models with one skip, 2 diagonal Gaussians per state grown by splitting, 8 iterations, a
/// variance floor of a fifth of each word's variance, and speed perturbation (0.9 / 1.0 / 1.1) of
/// the training audio; a second set of word models, trained on per-recording normalisation,
/// for speakers with fewer than 300 frames and recordings without a speaker; and a third, trained
/// the same way with noisy copies, for those recordings when their estimated SNR is below 12 dB.
public struct RecognizerConfiguration: Codable, Sendable, Equatable {
    /// The front end (sample rate, filterbank, cepstra, deltas, CMVN).
    public var features: FeatureConfiguration
    /// States per word model.
    public var stateCount: Int = 12
    /// The Markov topology of every word model:
    /// ``/HMMKitMarkov/MarkovTopology/leftToRight(maximumJump:)`` (default, with one skip) or
    /// ``/HMMKitMarkov/MarkovTopology/ergodic``. A ``/HMMKitMarkov/MarkovTopology/custom(_:)``
    /// structure has no place in the recognizer file and is refused by ``problems()``.
    public var topology: MarkovTopology = .leftToRight(maximumJump: 1)
    /// Gaussian components per state.
    public var componentsPerState: Int = 2
    /// Covariance structure of the components.
    public var covarianceType: CovarianceType = .diagonal
    /// Baum-Welch iterations per word model.
    public var iterations: Int = 8
    /// Stop a word's training early when its log-likelihood per frame rises by less than this.
    public var tolerancePerFrame: Double = 1e-4
    /// How the first model is made (flat start by default for left-to-right models).
    public var initialization: HMMInitialization = .uniformSegmentation
    /// Grow mixtures by splitting (HTK `MU`) rather than initialising all components at once.
    public var splitMixtures: Bool = true
    /// Variance floor as a fraction of each word's global variance (nil: none). 0.2 keeps every
    /// Gaussian at least a fifth as wide as the word's spread, so that the models stay tolerant of
    /// voices they were not trained on (chosen by leave-one-speaker-out on FSDD against 1e-2 and
    /// 0.5: BENCHMARKS.md, "Isolated-word recognizer").
    public var varianceFloor: Double? = 0.2
    /// Speed perturbation factors of the training audio (Kaldi's 0.9 / 1.0 / 1.1 through soxr);
    /// empty or `[1]` trains on the audio as it is.
    public var speedPerturbation: [Double] = [0.9, 1.0, 1.1]
    /// Noise augmentation of the training audio: one noisy copy of each training recording's
    /// unperturbed audio per condition, trained alongside its speed-perturbed copies, with babble
    /// made of the training corpus's recordings of other speakers (``/HMMKitFeatures/NoiseMixer``,
    /// seeded by ``seed``). Empty (the default) adds none; files written before noise augmentation
    /// existed load with none.
    public var noiseAugmentation: [NoiseCondition] = []
    /// Vocal-tract-length perturbation of the training audio of every model set trained without
    /// VTLN (``VTLPOptions``; with the default ``vtln``, the unknown-voice and noisy-voice sets);
    /// nil: none. Files written before it existed load with nil.
    public var vtlp: VTLPOptions? = nil
    /// The seed of every random choice.
    public var seed: UInt64 = 0
    /// Normalise cepstral means and variances per **speaker** (Kaldi's `apply-cmvn --utt2spk`)
    /// instead of per utterance, whenever the recordings name their speaker; recordings without a
    /// speaker fall back to the front end's ``/HMMKitFeatures/FeatureConfiguration/normalization``.
    public var speakerNormalization: Bool = true
    /// Normalise with a prior: every recording's (and speaker's) cepstral statistics are added to
    /// the training corpus's, counted as this many frames, before its mean and variance are taken
    /// (``/HMMKitFeatures/CepstralPrior``), in training and in recognition alike. A single
    /// recording of an unknown voice is then normalised partly as the corpus was, keeping what
    /// distinguishes its word, while a speaker's many recordings are normalised by their own
    /// statistics. nil turns it off (plain per-utterance or per-speaker CMVN); files written
    /// before the prior existed load with nil.
    /// The default, 60 frames, was chosen by leave-one-speaker-out cross-validation on FSDD with
    /// every held-out recording anonymous (30, 40, 60, 80, 100, 200 frames: BENCHMARKS.md,
    /// "Unknown voices").
    public var normalizationPriorFrames: Int? = 60
    /// Vocal-tract-length normalisation: a filterbank warp factor per speaker (per recording when
    /// no speaker is known), chosen by likelihood (``VTLNOptions``); nil turns it off. Files
    /// written before VTLN existed load with nil.
    public var vtln: VTLNOptions? = VTLNOptions(minimumFrames: VTLNOptions.defaultMinimumFrames)
    /// Unsupervised speaker adaptation of recognition (fMLLR per speaker, ``SpeakerAdaptationOptions``);
    /// nil turns it off. Files written before adaptation existed load with nil.
    public var adaptation: SpeakerAdaptationOptions? = SpeakerAdaptationOptions()
    /// Unknown voices get models of their own: when the configuration normalises or adapts per
    /// speaker (``speakerNormalization``, ``vtln`` or ``adaptation``), a second set of word models
    /// is trained on per-recording normalisation (``unknownVoiceConfiguration``), and a speaker
    /// whose recordings hold fewer frames than this — every recording without a speaker — is
    /// recognized with that set, whose training matches what one recording can be normalised
    /// with. nil trains one set (files written before unknown-voice models existed load with nil).
    /// The default, 300 frames (3 s of speech, VTLN's own minimum), was chosen by
    /// leave-one-speaker-out cross-validation on FSDD (BENCHMARKS.md, "Unknown voices").
    public var unknownVoiceFrames: Int? = 300
    /// The noise augmentation of the unknown-voice models' training audio (in place of
    /// ``noiseAugmentation``, which the speaker models keep); nil: the same as ``noiseAugmentation``.
    public var unknownVoiceNoiseAugmentation: [NoiseCondition]? = nil
    /// Connected-word decoding's insertion penalty and grammar scale for this recognizer's own
    /// models (``DecodingWeights``; penalty 0 and scale 1 by default). Not used in training.
    public var decodingWeights = DecodingWeights()
    /// The same for the unknown-voice models (``unknownVoiceConfiguration`` takes them as its
    /// ``decodingWeights``); penalty 0 and scale 1 by default.
    public var unknownVoiceDecodingWeights = DecodingWeights()
    /// Discriminative (MMI) training of the word models after ML training (diagonal covariances
    /// only); nil (the default) trains by maximum likelihood alone. Files written before it
    /// existed load with nil.
    public var discriminativeTraining: DiscriminativeTrainingOptions?
    /// Noisy voices: a third model set, trained with noise augmentation, for recordings the
    /// unknown-voice models would recognize whose estimated SNR is low (``NoisyVoiceOptions``);
    /// nil trains none. Without unknown-voice models (``unknownVoiceConfiguration`` nil) there is
    /// none either. Files written before it existed load with nil. On by default (white and babble
    /// noise at 5 and 15 dB, 12 dB threshold): chosen by leave-one-speaker-out cross-validation on
    /// FSDD (BENCHMARKS.md, "Noisy voices").
    public var noisyVoice: NoisyVoiceOptions? = NoisyVoiceOptions()

    /// The default configuration at `sampleRate` Hz.
    public init(sampleRate: Double = 8000) {
        var features = FeatureConfiguration.psf(sampleRate: sampleRate)
        features.normalization = .utteranceMeanAndVariance
        self.features = features
    }

    /// Checks the values; returns every problem at once, empty when usable.
    public func problems() -> [String] {
        var problems = features.problems().map { "front end: \($0)" }
        if stateCount < 1 { problems.append("states must be at least 1 (got \(stateCount))") }
        if componentsPerState < 1 { problems.append("mixtures must be at least 1 (got \(componentsPerState))") }
        if iterations < 1 { problems.append("iterations must be at least 1 (got \(iterations))") }
        switch topology {
        case .ergodic: break
        case .leftToRight(let jump): if jump < 0 { problems.append("the maximum jump must be ≥ 0 (got \(jump))") }
        case .custom: problems.append("topology must be left-to-right or ergodic (got a custom structure)")
        }
        if let floor = varianceFloor, !(floor >= 0) { problems.append("the variance floor must be ≥ 0") }
        if let frames = normalizationPriorFrames, !(0...InputLimits.maximumNormalizationPriorFrames).contains(frames) {
            problems.append("the normalisation prior must weigh 0…\(InputLimits.maximumNormalizationPriorFrames) frames (got \(frames))")
        }
        for factor in speedPerturbation where !(factor >= 0.5 && factor <= 2) {
            problems.append("speed perturbation factors must lie in 0.5…2 (got \(factor))")
        }
        for condition in noiseAugmentation + (unknownVoiceNoiseAugmentation ?? []) where !NoiseCondition.snrRange.contains(condition.snr) {
            problems.append("noise augmentation \(condition): the SNR must lie in \(NoiseCondition.snrRange) dB")
        }
        if let frames = unknownVoiceFrames, !(1...InputLimits.maximumNormalizationPriorFrames).contains(frames) {
            problems.append("the unknown-voice threshold (unknownVoiceFrames) must be 1…\(InputLimits.maximumNormalizationPriorFrames) frames (got \(frames))")
        }
        problems += decodingWeights.problems() + unknownVoiceDecodingWeights.problems(name: "unknown-voice decoding")
        if let noisyVoice { problems += noisyVoice.problems() }
        if let vtln { problems += vtln.problems(features: features) }
        if let vtlp { problems += vtlp.problems(features: features) }
        if let adaptation { problems += adaptation.problems() }
        if let discriminativeTraining {
            problems += discriminativeTraining.problems()
            if covarianceType != .diagonal {
                problems.append("discriminative training needs diagonal covariances (got \(covarianceType.rawValue))")
            }
        }
        if adaptation != nil && covarianceType != .diagonal {
            problems.append("speaker adaptation (fMLLR) needs diagonal covariances (got \(covarianceType.rawValue))")
        }
        return problems
    }

    /// Whether recognition normalises, warps or adapts per speaker.
    public var isSpeakerDependent: Bool { speakerNormalization || vtln != nil || adaptation != nil }

    /// The configuration of the unknown-voice models (``unknownVoiceFrames``): this one with
    /// per-recording normalisation and neither VTLN nor adaptation; nil when there are none
    /// (``unknownVoiceFrames`` is nil, or the configuration already treats every recording alone).
    public var unknownVoiceConfiguration: RecognizerConfiguration? {
        guard unknownVoiceFrames != nil, isSpeakerDependent else { return nil }
        var single = self
        single.speakerNormalization = false
        single.vtln = nil
        single.adaptation = nil
        single.unknownVoiceFrames = nil
        single.noiseAugmentation = unknownVoiceNoiseAugmentation ?? noiseAugmentation
        single.unknownVoiceNoiseAugmentation = nil
        single.decodingWeights = unknownVoiceDecodingWeights
        single.unknownVoiceDecodingWeights = DecodingWeights()
        single.noisyVoice = nil
        return single
    }

    /// The configuration of the noisy-voice models (``noisyVoice``): the unknown-voice
    /// configuration with ``NoisyVoiceOptions/noiseAugmentation`` (and its
    /// ``NoisyVoiceOptions/noiseSubtraction``, when set); nil when there are none.
    public var noisyVoiceConfiguration: RecognizerConfiguration? {
        guard let noisyVoice, var single = unknownVoiceConfiguration else { return nil }
        single.noiseAugmentation = noisyVoice.noiseAugmentation
        if let subtraction = noisyVoice.noiseSubtraction { single.features.noiseSubtraction = subtraction }
        return single
    }
}

// The file form keeps the two fields recognizer files have always had, `"topology"`
// (`"left-to-right"` or `"ergodic"`) and `"maximumJump"`, so that every file loads and a file
// written now equals one written before the topology was an enum. An ergodic model ignores the
// jump; it is written as the default, 1.
extension RecognizerConfiguration {
    private enum CodingKeys: String, CodingKey {
        case features, stateCount, topology, maximumJump, componentsPerState, covarianceType, iterations, tolerancePerFrame,
             initialization, splitMixtures, varianceFloor, speedPerturbation, noiseAugmentation, vtlp, seed, speakerNormalization, vtln,
             adaptation, normalizationPriorFrames, unknownVoiceFrames, unknownVoiceNoiseAugmentation, discriminativeTraining,
             decodingWeights, unknownVoiceDecodingWeights, noisyVoice
    }

    /// The names of the topologies in a recognizer file and in messages.
    private static let leftToRightName = "left-to-right", ergodicName = "ergodic"
    /// The jump written for an ergodic model (the default left-to-right one).
    private static let ergodicFileJump = 1

    /// `"left-to-right"`, `"ergodic"` or `"custom"`: the topology as recognizer files and messages name it.
    public var topologyName: String {
        switch topology {
        case .ergodic: return Self.ergodicName
        case .leftToRight: return Self.leftToRightName
        case .custom: return "custom"
        }
    }

    /// The left-to-right topology's largest forward jump; for an ergodic model, which ignores
    /// it, the default 1 (as recognizer files store it).
    public var maximumJump: Int {
        if case .leftToRight(let jump) = topology { return jump }
        return Self.ergodicFileJump
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        features = try container.decode(FeatureConfiguration.self, forKey: .features)
        stateCount = try container.decode(Int.self, forKey: .stateCount)
        let name = try container.decode(String.self, forKey: .topology)
        let jump = try container.decode(Int.self, forKey: .maximumJump)
        switch name {
        case Self.leftToRightName: topology = .leftToRight(maximumJump: jump)
        case Self.ergodicName: topology = .ergodic
        default:
            throw DecodingError.dataCorruptedError(forKey: .topology, in: container,
                                                   debugDescription: "topology is \"\(name)\"; it must be \"left-to-right\" or \"ergodic\"")
        }
        componentsPerState = try container.decode(Int.self, forKey: .componentsPerState)
        covarianceType = try container.decode(CovarianceType.self, forKey: .covarianceType)
        iterations = try container.decode(Int.self, forKey: .iterations)
        tolerancePerFrame = try container.decode(Double.self, forKey: .tolerancePerFrame)
        initialization = try container.decode(HMMInitialization.self, forKey: .initialization)
        splitMixtures = try container.decode(Bool.self, forKey: .splitMixtures)
        varianceFloor = try container.decodeIfPresent(Double.self, forKey: .varianceFloor)
        speedPerturbation = try container.decode([Double].self, forKey: .speedPerturbation)
        noiseAugmentation = try container.decodeIfPresent([NoiseCondition].self, forKey: .noiseAugmentation) ?? []
        vtlp = try container.decodeIfPresent(VTLPOptions.self, forKey: .vtlp)
        seed = try container.decode(UInt64.self, forKey: .seed)
        speakerNormalization = try container.decode(Bool.self, forKey: .speakerNormalization)
        normalizationPriorFrames = try container.decodeIfPresent(Int.self, forKey: .normalizationPriorFrames)
        vtln = try container.decodeIfPresent(VTLNOptions.self, forKey: .vtln)
        adaptation = try container.decodeIfPresent(SpeakerAdaptationOptions.self, forKey: .adaptation)
        unknownVoiceFrames = try container.decodeIfPresent(Int.self, forKey: .unknownVoiceFrames)
        unknownVoiceNoiseAugmentation = try container.decodeIfPresent([NoiseCondition].self, forKey: .unknownVoiceNoiseAugmentation)
        discriminativeTraining = try container.decodeIfPresent(DiscriminativeTrainingOptions.self, forKey: .discriminativeTraining)
        decodingWeights = try container.decodeIfPresent(DecodingWeights.self, forKey: .decodingWeights) ?? DecodingWeights()
        unknownVoiceDecodingWeights = try container.decodeIfPresent(DecodingWeights.self, forKey: .unknownVoiceDecodingWeights)
            ?? DecodingWeights()
        noisyVoice = try container.decodeIfPresent(NoisyVoiceOptions.self, forKey: .noisyVoice)
    }

    /// - Throws: `EncodingError.invalidValue` for a ``/HMMKitMarkov/MarkovTopology/custom(_:)`` topology.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if case .custom = topology {
            throw EncodingError.invalidValue(topology, EncodingError.Context(
                codingPath: container.codingPath + [CodingKeys.topology],
                debugDescription: "a recognizer stores a left-to-right or ergodic topology, not a custom structure"))
        }
        try container.encode(features, forKey: .features)
        try container.encode(stateCount, forKey: .stateCount)
        try container.encode(topologyName, forKey: .topology)
        try container.encode(maximumJump, forKey: .maximumJump)
        try container.encode(componentsPerState, forKey: .componentsPerState)
        try container.encode(covarianceType, forKey: .covarianceType)
        try container.encode(iterations, forKey: .iterations)
        try container.encode(tolerancePerFrame, forKey: .tolerancePerFrame)
        try container.encode(initialization, forKey: .initialization)
        try container.encode(splitMixtures, forKey: .splitMixtures)
        try container.encodeIfPresent(varianceFloor, forKey: .varianceFloor)
        try container.encode(speedPerturbation, forKey: .speedPerturbation)
        // Absent when empty, so that a recognizer without augmentation writes the bytes it always has.
        if !noiseAugmentation.isEmpty { try container.encode(noiseAugmentation, forKey: .noiseAugmentation) }
        try container.encodeIfPresent(vtlp, forKey: .vtlp)
        try container.encode(seed, forKey: .seed)
        try container.encode(speakerNormalization, forKey: .speakerNormalization)
        try container.encodeIfPresent(normalizationPriorFrames, forKey: .normalizationPriorFrames)
        try container.encodeIfPresent(vtln, forKey: .vtln)
        try container.encodeIfPresent(adaptation, forKey: .adaptation)
        try container.encodeIfPresent(unknownVoiceFrames, forKey: .unknownVoiceFrames)
        try container.encodeIfPresent(unknownVoiceNoiseAugmentation, forKey: .unknownVoiceNoiseAugmentation)
        try container.encodeIfPresent(discriminativeTraining, forKey: .discriminativeTraining)
        // Absent at their defaults, so that a recognizer whose weights were never chosen writes
        // the bytes it always has (and files written before them load with the defaults).
        if decodingWeights != DecodingWeights() { try container.encode(decodingWeights, forKey: .decodingWeights) }
        if unknownVoiceDecodingWeights != DecodingWeights() {
            try container.encode(unknownVoiceDecodingWeights, forKey: .unknownVoiceDecodingWeights)
        }
        try container.encodeIfPresent(noisyVoice, forKey: .noisyVoice)
    }
}
