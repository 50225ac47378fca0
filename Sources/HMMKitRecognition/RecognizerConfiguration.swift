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
/// normalisation (per utterance when a recording names no speaker), vocal-tract-length
/// normalisation (a warp factor per speaker chosen by likelihood), fMLLR speaker adaptation when
/// recognizing a speaker's recordings, 12-state left-to-right word
/// models with one skip, 2 diagonal Gaussians per state grown by splitting, 8 iterations, a
/// variance floor of a fifth of each word's variance, and speed perturbation (0.9 / 1.0 / 1.1) of
/// the training audio.
public struct RecognizerConfiguration: Codable, Sendable, Equatable {
    /// The front end (sample rate, filterbank, cepstra, deltas, CMVN).
    public var features: FeatureConfiguration
    /// States per word model.
    public var stateCount: Int = 12
    /// `"left-to-right"` (default) or `"ergodic"`.
    public var topology: String = "left-to-right"
    /// Left-to-right: the largest forward jump (0 = self-loop and next state only).
    public var maximumJump: Int = 1
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
    /// voices they were not trained on (leave-one-speaker-out on FSDD: 1e-2 → 0.2 raised the mean
    /// from 85.7 % to 86.2 % without VTLN and from 86.1 % to 87.3 % with it; 0.5 was too wide).
    public var varianceFloor: Double? = 0.2
    /// Speed perturbation factors of the training audio (Kaldi's 0.9 / 1.0 / 1.1 through soxr);
    /// empty or `[1]` trains on the audio as it is.
    public var speedPerturbation: [Double] = [0.9, 1.0, 1.1]
    /// The seed of every random choice.
    public var seed: UInt64 = 0
    /// Normalise cepstral means and variances per **speaker** (Kaldi's `apply-cmvn --utt2spk`)
    /// instead of per utterance, whenever the recordings name their speaker; recordings without a
    /// speaker fall back to the front end's ``FeatureConfiguration/normalization``.
    public var speakerNormalization: Bool = true
    /// Vocal-tract-length normalisation: a filterbank warp factor per speaker (per recording when
    /// no speaker is known), chosen by likelihood (``VTLNOptions``); nil turns it off. Files
    /// written before VTLN existed load with nil.
    public var vtln: VTLNOptions? = VTLNOptions()
    /// Unsupervised speaker adaptation of recognition (fMLLR per speaker, ``SpeakerAdaptationOptions``);
    /// nil turns it off. Files written before adaptation existed load with nil.
    public var adaptation: SpeakerAdaptationOptions? = SpeakerAdaptationOptions()

    /// The default configuration at `sampleRate` Hz.
    public init(sampleRate: Double = 8000) {
        var features = FeatureConfiguration.psf(sampleRate: sampleRate)
        features.normalization = .utteranceMeanAndVariance
        self.features = features
    }

    /// The Markov topology of every word model.
    public var markovTopology: MarkovTopology {
        topology == "ergodic" ? .ergodic : .leftToRight(maximumJump: maximumJump)
    }

    /// Checks the values; returns every problem at once, empty when usable.
    public func problems() -> [String] {
        var problems = features.problems().map { "front end: \($0)" }
        if stateCount < 1 { problems.append("states must be at least 1 (got \(stateCount))") }
        if componentsPerState < 1 { problems.append("mixtures must be at least 1 (got \(componentsPerState))") }
        if iterations < 1 { problems.append("iterations must be at least 1 (got \(iterations))") }
        if maximumJump < 0 { problems.append("the maximum jump must be ≥ 0 (got \(maximumJump))") }
        if topology != "left-to-right" && topology != "ergodic" {
            problems.append("topology must be left-to-right or ergodic (got \(topology))")
        }
        if let floor = varianceFloor, !(floor >= 0) { problems.append("the variance floor must be ≥ 0") }
        for factor in speedPerturbation where !(factor >= 0.5 && factor <= 2) {
            problems.append("speed perturbation factors must lie in 0.5…2 (got \(factor))")
        }
        if let vtln { problems += vtln.problems(features: features) }
        if let adaptation { problems += adaptation.problems() }
        if adaptation != nil && covarianceType != .diagonal {
            problems.append("speaker adaptation (fMLLR) needs diagonal covariances (got \(covarianceType.rawValue))")
        }
        return problems
    }
}
