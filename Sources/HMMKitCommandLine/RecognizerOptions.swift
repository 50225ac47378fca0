import ArgumentParser
import Foundation
import HMMKit
import Synchronization

/// Which recordings a command reads: the corpus and its selection.
struct CorpusOptions: ParsableArguments {
    @Argument(help: "The corpus: a folder of label_speaker_take.wav files, a folder of label sub-folders, or a manifest (.tsv/.csv: path, label[, speaker]).")
    var corpus: String
    @Option(help: "Keep only files whose name matches this glob (repeatable).")
    var include: [String] = []
    @Option(help: "Drop files whose name matches this glob (repeatable).")
    var exclude: [String] = []
    @Option(help: ArgumentHelp("""
        Where the recordings' speakers come from: from-names (label_speaker_take file names; a folder's default), \
        from-manifest (the manifest's speaker column only, an empty field an unknown speaker; a manifest's default) \
        or none (every recording its own unknown speaker: normalised, warped and adapted on its own).
        """, valueName: "mode"))
    var speakers: String?
    @Option(help: ArgumentHelp("Keep only these speakers' recordings (comma-separated; speakers as --speakers names them, or with none as the corpus does).",
                               valueName: "names"))
    var onlySpeakers: String?
    @Option(help: "Keep only these labels (comma-separated).")
    var labels: String?

    /// The `--speakers` mode; nil for the corpus's own (from-manifest for a manifest, from-names for a folder).
    var speakerMode: SpeakerMode? { speakers.flatMap(SpeakerMode.init(rawValue:)) }

    var selection: CorpusSelection {
        CorpusSelection(include: include, exclude: exclude, speakers: onlySpeakers.map(CorpusSelection.names(inList:)) ?? [],
                        labels: labels.map(CorpusSelection.names(inList:)) ?? [])
    }

    func validate() throws {
        _ = try SpeakerMode.parse(option: speakers) { "to keep only some speakers' recordings, use --only-speakers \($0)" }
        if speakerMode == .fromManifest, FileManager.default.isFolder(corpus) {
            throw ValidationError("--speakers from-manifest needs a manifest, and \(corpus) is a folder; use from-names or none")
        }
    }

    /// The corpus, or the ``CorpusError`` listing every problem.
    func read(minimumLabels: Int = 2) throws(CorpusError) -> LabelledCorpus {
        try LabelledCorpus.load(path: corpus, selection: selection,
                                options: CorpusLoadOptions(minimumLabelCount: minimumLabels, speakers: speakerMode))
    }

    /// The corpus, or exit 1 with every problem listed.
    func load(minimumLabels: Int = 2) throws -> LabelledCorpus {
        do {
            return try read(minimumLabels: minimumLabels)
        } catch {
            throw CommandFailure.reported(error)
        }
    }
}

/// The word-model options shared by `train` and `compare` (defaults: ``RecognizerConfiguration``'s).
struct ModelOptions: ParsableArguments {
    @Option(help: "States per word model.")
    var states: Int = RecognizerConfiguration().stateCount
    @Option(help: "Gaussian components per state.")
    var mixtures: Int = RecognizerConfiguration().componentsPerState
    @Option(help: "Topology: left-to-right or ergodic.")
    var topology: TopologyOption = .leftToRight
    @Option(help: "Left-to-right: the largest forward jump (0 = self-loop and next only).")
    var maxJump: Int = RecognizerConfiguration().maximumJump
    @Option(help: "Baum-Welch iterations per word.")
    var iterations: Int = RecognizerConfiguration().iterations
    @Option(help: "Initialisation: uniform (flat start) or kmeans.")
    var initialization: HMMInitialization = RecognizerConfiguration().initialization
    @Flag(inversion: .prefixedNo, help: "Grow mixtures by splitting during training.")
    var splitMixtures = RecognizerConfiguration().splitMixtures
    @Option(help: "Variance floor as a fraction of each word's global variance (0 = off).")
    var varianceFloor: Double = RecognizerConfiguration().varianceFloor ?? 0
    @Option(help: "Speed perturbation factors of the training audio, comma-separated, or none.")
    var speedPerturbation: String = RecognizerConfiguration().speedPerturbation.map { String($0) }.joined(separator: ",")
    @Option(help: "Noise augmentation of the training audio: a noisy copy of every recording per KIND:SNR (kinds white, pink, brown, babble; SNR in dB, -10…60), comma-separated, e.g. white:10,babble:10; or none. Babble is made of the training corpus's other speakers.")
    var noiseAugmentation: String = NoiseCondition.listDescription(RecognizerConfiguration().noiseAugmentation)
    @Option(help: ArgumentHelp("Vocal-tract-length perturbation of the training audio of the model sets trained without VTLN (by default the unknown-voice and noisy-voice sets): COPIES:LOWEST:HIGHEST adds COPIES copies of each recording, each through a filterbank warped by a random factor in LOWEST…HIGHEST (steps of 0.01), e.g. 2:0.9:1.1; or none.", valueName: "vtlp"))
    var vtlp: String = RecognizerConfiguration().vtlp.map(ModelOptions.vtlpDescription) ?? "none"
    @Flag(inversion: .prefixedNo, help: "VTLP: also warp each speed-perturbed and noisy copy by a random factor of its own.")
    var vtlpPerturbedCopies = RecognizerConfiguration().vtlp?.warpsPerturbedCopies ?? false
    @Option(help: "Feature preset: kaldi, librosa or psf.")
    var preset: FeatureConfiguration.Preset = .psf
    @Option(help: "Sample rate of the front end in Hz (audio at other rates is resampled).")
    var sampleRate: Double = 8000
    @Option(help: "Frames on each side of the delta regressions (default: the preset's, 2); each further order reaches as far again.")
    var deltaWindow: Int?
    @Option(help: "Frame shift in milliseconds (default: the preset's, 10); stored in the recognizer, so recognition and alignment use it too.")
    var frameShiftMs: Double?
    @Option(help: "Frame length in milliseconds (default: the preset's, 25); stored in the recognizer.")
    var frameLengthMs: Double?
    @Option(help: "Analysis window: hamming, hann, periodicHann, povey, rectangular or blackman (default: the preset's; psf: rectangular); stored in the recognizer.")
    var window: WindowFunction?
    @Option(help: "Cepstral normalisation: none, utteranceMean or utteranceMeanAndVariance.")
    var cmvn: CepstralNormalization = .utteranceMeanAndVariance
    @Option(help: "Noise subtraction: remove each file's own noise floor (the mean mel energies of this fraction of its quietest frames) before the logarithm; none = off.")
    var noiseSubtraction: String = RecognizerConfiguration().features.noiseSubtraction.map { String($0.noiseFrameFraction) } ?? "none"
    @Option(help: "Noise subtraction: how many times the noise estimate is subtracted (α).")
    var noiseOversubtraction: Double = RecognizerConfiguration().features.noiseSubtraction?.oversubtraction ?? SpectralSubtraction().oversubtraction
    @Option(help: "Noise subtraction: every mel energy keeps at least this fraction of its band's noise estimate (β).")
    var noiseSpectralFloor: Double = RecognizerConfiguration().features.noiseSubtraction?.spectralFloor ?? SpectralSubtraction().spectralFloor
    @Option(help: "Noise subtraction: no mel energy is left more than this many dB below the file's largest; none = no such floor.")
    var noiseDynamicRange: String = RecognizerConfiguration().features.noiseSubtraction?.dynamicRange.map { String($0) } ?? "none"
    @Flag(inversion: .prefixedNo, help: "Normalise means and variances per speaker when recordings name their speaker (else --cmvn per utterance).")
    var speakerCmvn = RecognizerConfiguration().speakerNormalization
    @Option(help: "CMVN prior: add the training corpus's statistics, weighing this many frames, to each recording's (and speaker's) before normalising; none = off.")
    var cmvnPrior: String = RecognizerConfiguration().normalizationPriorFrames.map { String($0) } ?? "none"
    @Option(help: "Unknown voices: also train word models on per-recording normalisation, used for speakers with fewer than this many frames and files without a speaker; none = one model set.")
    var unknownVoiceFrames: String = RecognizerConfiguration().unknownVoiceFrames.map { String($0) } ?? "none"
    @Option(help: "Noise augmentation of the unknown-voice models' training audio (as --noise-augmentation), or same: as --noise-augmentation.")
    var unknownVoiceNoiseAugmentation: String = RecognizerConfiguration().unknownVoiceNoiseAugmentation.map(NoiseCondition.listDescription) ?? "same"
    @Option(help: "Connected-word decoding (hmmkit decode): the insertion penalty stored for the recognizer's own models.")
    var insertionPenalty: Double = DecodingWeights().insertionPenalty
    @Option(help: "Connected-word decoding: the insertion penalty stored for the unknown-voice models.")
    var unknownVoiceInsertionPenalty: Double = DecodingWeights().insertionPenalty
    @Option(help: "Noisy voices: also train word models with noisy copies (as --noise-augmentation), used for files the unknown-voice models would recognize whose estimated SNR is below --noisy-voice-snr; none = no such set.")
    var noisyVoiceNoiseAugmentation: String = RecognizerConfiguration().noisyVoice.map { NoiseCondition.listDescription($0.noiseAugmentation) } ?? "none"
    @Option(help: "Noisy voices: spectral subtraction in the noisy-voice models' front end only (as --noise-subtraction, with its other parameters); none = as the other sets.")
    var noisyVoiceNoiseSubtraction: String = RecognizerConfiguration().noisyVoice?.noiseSubtraction.map { String($0.noiseFrameFraction) } ?? "none"
    @Option(help: "Noisy voices: files whose blind SNR estimate is below this many dB go to the noisy-voice models.")
    var noisyVoiceSnr: Double = RecognizerConfiguration().noisyVoice?.maximumSNR ?? NoisyVoiceOptions.defaultMaximumSNR
    @Flag(inversion: .prefixedNo, help: "Vocal-tract-length normalisation: a filterbank warp factor per speaker (per file without one), chosen by likelihood.")
    var vtln = RecognizerConfiguration().vtln != nil
    @Option(help: "VTLN candidate warp factors: FROM:TO:STEP or a comma-separated list.")
    var vtlnWarps: String = "0.8:1.2:0.02"
    @Option(help: "VTLN rounds of choosing the training speakers' warps, then training again.")
    var vtlnPasses: Int = VTLNOptions().trainingPasses
    @Option(help: "VTLN: frames a speaker (or a file without one) needs for a warp of its own; fewer keep the factor closest to 1.")
    var vtlnMinFrames: Int = RecognizerConfiguration().vtln?.minimumFrames ?? 0
    @Flag(help: "VTLN: give each speed-perturbed copy of a speaker a warp of its own (Kaldi's sp speakers).")
    var vtlnSeparateCopies = false
    @Flag(inversion: .prefixedNo, help: "Speaker adaptation when recognizing: fMLLR per speaker (per file without one) from a first pass's answers (diagonal covariances; off for the others).")
    var adaptation = RecognizerConfiguration().adaptation != nil
    @Option(help: "Speaker adaptation: rounds of align, estimate the transform, recognize again.")
    var adaptationPasses: Int = SpeakerAdaptationOptions().passes
    @Option(help: "Speaker adaptation: frames a speaker needs before a transform is estimated.")
    var adaptationMinFrames: Int = SpeakerAdaptationOptions().minimumFrames
    @Option(help: "Discriminative training: MMI iterations after maximum-likelihood training (0 = off; diagonal covariances).")
    var mmiIterations: Int = RecognizerConfiguration().discriminativeTraining?.iterations ?? 0
    @Option(help: "MMI: acoustic scale κ of the word posteriors p(x|w)^κ.")
    var mmiAcousticScale: Double = DiscriminativeTrainingOptions().acousticScale
    @Option(help: "MMI: boosting margin in nats (0 = plain MMI).")
    var mmiBoost: Double = DiscriminativeTrainingOptions().boost
    @Option(help: "MMI: the extended Baum-Welch constant E (D ≥ E × denominator occupancy).")
    var mmiE: Double = DiscriminativeTrainingOptions().extendedBaumWelch.denominatorFactor
    @Option(help: "MMI: I-smoothing towards the ML statistics, in frames (τ).")
    var mmiTau: Double = DiscriminativeTrainingOptions().extendedBaumWelch.smoothingFrames

    /// The ranges of the word-model, front-end and VTLN options (``InputLimits``).
    func validate() throws {
        try OptionRange.check(states, in: OptionRange.states, "--states")
        try OptionRange.check(mixtures, in: OptionRange.components, "--mixtures")
        try OptionRange.check(maxJump, in: OptionRange.jump, "--max-jump")
        try OptionRange.check(iterations, in: OptionRange.iterations, "--iterations")
        try OptionRange.check(varianceFloor, in: OptionRange.nonNegative, "--variance-floor")
        try OptionRange.check(vtlnPasses, in: 0...InputLimits.maximumRecognizerPasses, "--vtln-passes")
        try OptionRange.check(adaptationPasses, in: 1...InputLimits.maximumRecognizerPasses, "--adaptation-passes")
        try OptionRange.check(adaptationMinFrames, in: 0...Int.max, "--adaptation-min-frames")
        try OptionRange.check(vtlnMinFrames, in: 0...Int.max, "--vtln-min-frames")
        try OptionRange.check(mmiIterations, in: 0...InputLimits.maximumIterationCount, "--mmi-iterations")
        if mmiIterations > 0 {
            guard mmiAcousticScale > 0 && mmiAcousticScale <= 10 else {
                throw ValidationError("--mmi-acoustic-scale must lie in (0, 10] (got \(mmiAcousticScale))")
            }
            try OptionRange.check(mmiBoost, in: 0...100, "--mmi-boost")
            try OptionRange.check(mmiE, in: 1...1e6, "--mmi-e")
            try OptionRange.check(mmiTau, in: 0...1e9, "--mmi-tau")
        }
        if let deltaWindow { try OptionRange.check(deltaWindow, in: 1...InputLimits.maximumDeltaWindow, "--delta-window") }
        let longestMilliseconds = 1000 * Double(InputLimits.maximumFrameLength)
        for (value, flag) in [(frameShiftMs, "--frame-shift-ms"), (frameLengthMs, "--frame-length-ms")] {
            if let value { try OptionRange.check(value, in: 0...longestMilliseconds, flag) }
        }
        if frameShiftMs != nil || frameLengthMs != nil {
            // In range alone, a frame may still hold no sample at this rate: the front end as a whole.
            do { try frontEnd().validate() } catch {
                throw ValidationError("--frame-shift-ms / --frame-length-ms: \(error)")
            }
        }
        guard sampleRate > 0 && sampleRate <= InputLimits.maximumSampleRate else {
            throw ValidationError("--sample-rate must be positive and at most \(InputLimits.maximumSampleRate) Hz (got \(sampleRate))")
        }
        if vtln { _ = try Self.warpFactors(vtlnWarps) }
        _ = try Self.priorFrames(cmvnPrior)
        _ = try Self.unknownVoiceFrames(unknownVoiceFrames)
        _ = try Self.unknownVoiceNoise(unknownVoiceNoiseAugmentation)
        guard insertionPenalty.isFinite else { throw ValidationError("--insertion-penalty must be finite (got \(insertionPenalty))") }
        guard unknownVoiceInsertionPenalty.isFinite else {
            throw ValidationError("--unknown-voice-insertion-penalty must be finite (got \(unknownVoiceInsertionPenalty))")
        }
        _ = try Self.noiseConditions(noiseAugmentation, option: "--noise-augmentation")
        _ = try noiseSubtractionOptions()
        _ = try noisyVoiceOptions()
        _ = try vtlpOptions()
    }

    /// `COPIES:LOWEST:HIGHEST` as `--vtlp` takes it.
    static func vtlpDescription(_ options: VTLPOptions) -> String {
        "\(options.copies):\(options.lowestFactor):\(options.highestFactor)"
    }

    /// The options of `--vtlp` and `--vtlp-perturbed-copies` (nil for `none`).
    func vtlpOptions() throws -> VTLPOptions? {
        if vtlp.trimmingCharacters(in: .whitespaces).lowercased() == "none" { return nil }
        let parts = vtlp.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3, let copies = Int(parts[0]), let lowest = Double(parts[1]), let highest = Double(parts[2]) else {
            throw ValidationError("--vtlp must be COPIES:LOWEST:HIGHEST (e.g. 2:0.9:1.1) or none (got \"\(vtlp)\")")
        }
        let options = VTLPOptions(copies: copies, lowestFactor: lowest, highestFactor: highest, warpsPerturbedCopies: vtlpPerturbedCopies)
        let problems = options.problems(features: preset.configuration(sampleRate: sampleRate))
        guard problems.isEmpty else { throw ValidationError("--vtlp: " + problems.joined(separator: "; ")) }
        return options
    }

    /// The noisy-voice options of `--noisy-voice-noise-augmentation` and `--noisy-voice-snr` (nil for `none`).
    func noisyVoiceOptions() throws -> NoisyVoiceOptions? {
        let conditions = try Self.noiseConditions(noisyVoiceNoiseAugmentation, option: "--noisy-voice-noise-augmentation")
        guard !conditions.isEmpty else { return nil }
        guard NoiseCondition.snrRange.contains(noisyVoiceSnr) else {
            throw ValidationError("--noisy-voice-snr must lie in \(NoiseCondition.snrRange) dB (got \(noisyVoiceSnr))")
        }
        return NoisyVoiceOptions(noiseAugmentation: conditions, maximumSNR: noisyVoiceSnr,
                                 noiseSubtraction: try noiseSubtractionOptions(noisyVoiceNoiseSubtraction, option: "--noisy-voice-noise-subtraction"))
    }

    /// The spectral subtraction of `option` (`--noise-subtraction` unless named), whose value is
    /// `text` (default `--noise-subtraction`'s), with the shared parameters (nil for `none`).
    func noiseSubtractionOptions(_ text: String? = nil, option: String = "--noise-subtraction") throws -> SpectralSubtraction? {
        let text = text ?? noiseSubtraction
        if text.lowercased() == "none" { return nil }
        guard let fraction = Double(text) else {
            throw ValidationError("\(option) must be a fraction of frames or none (got \"\(text)\")")
        }
        var range: Double?
        if noiseDynamicRange.lowercased() != "none" {
            guard let value = Double(noiseDynamicRange) else {
                throw ValidationError("--noise-dynamic-range must be a number of dB or none (got \"\(noiseDynamicRange)\")")
            }
            range = value
        }
        let subtraction = SpectralSubtraction(noiseFrameFraction: fraction, oversubtraction: noiseOversubtraction,
                                              spectralFloor: noiseSpectralFloor, dynamicRange: range)
        let problems = subtraction.problems()
        guard problems.isEmpty else { throw ValidationError("\(option): " + problems.joined(separator: "; ")) }
        return subtraction
    }

    /// The frames of `--cmvn-prior` (nil for `none`).
    static func priorFrames(_ text: String) throws -> Int? {
        try frames(text, in: 0...InputLimits.maximumNormalizationPriorFrames, option: "--cmvn-prior")
    }

    /// The frames of an option that takes a number of frames in `range` or `none` (nil).
    static func frames(_ text: String, in range: ClosedRange<Int>, option: String) throws -> Int? {
        if text.lowercased() == "none" { return nil }
        guard let frames = Int(text) else { throw ValidationError("\(option) must be a whole number of frames or none (got \"\(text)\")") }
        try OptionRange.check(frames, in: range, option)
        return frames
    }

    /// The frames of `--unknown-voice-frames` (nil for `none`).
    static func unknownVoiceFrames(_ text: String) throws -> Int? {
        try frames(text, in: 1...InputLimits.maximumNormalizationPriorFrames, option: "--unknown-voice-frames")
    }

    /// The conditions of `--unknown-voice-noise-augmentation` (nil for `same`).
    static func unknownVoiceNoise(_ text: String) throws -> [NoiseCondition]? {
        text.trimmingCharacters(in: .whitespaces).lowercased() == "same"
            ? nil : try noiseConditions(text, option: "--unknown-voice-noise-augmentation")
    }

    /// The conditions of a noise specification given to `option`, or a usage error naming the bad token.
    static func noiseConditions(_ text: String, option: String) throws -> [NoiseCondition] {
        do { return try NoiseCondition.parseList(text) } catch { throw ValidationError("\(option): \(error)") }
    }

    /// The preset's front end at the sample rate with the normalisation, delta window, frame
    /// shift and length and window given here.
    private func frontEnd() -> FeatureConfiguration {
        var features = preset.configuration(sampleRate: sampleRate)
        features.normalization = cmvn
        if let deltaWindow { features.deltas = features.deltas.withWindow(deltaWindow) }
        if let frameShiftMs { features.frameShift = .milliseconds(frameShiftMs) }
        if let frameLengthMs { features.frameLength = .milliseconds(frameLengthMs) }
        if let window { features.window = window }
        return features
    }

    /// The configuration with these options and `covariance`.
    func configuration(covariance: CovarianceType, seed: UInt64) throws -> RecognizerConfiguration {
        var configuration = RecognizerConfiguration(sampleRate: sampleRate)
        configuration.features = frontEnd()
        configuration.features.noiseSubtraction = try noiseSubtractionOptions()
        configuration.stateCount = states
        configuration.componentsPerState = mixtures
        configuration.topology = topology.markovTopology(maximumJump: maxJump)
        configuration.iterations = iterations
        configuration.initialization = initialization
        configuration.splitMixtures = splitMixtures
        configuration.varianceFloor = varianceFloor > 0 ? varianceFloor : nil
        configuration.covarianceType = covariance
        configuration.speakerNormalization = speakerCmvn
        configuration.normalizationPriorFrames = try Self.priorFrames(cmvnPrior)
        configuration.unknownVoiceFrames = try Self.unknownVoiceFrames(unknownVoiceFrames)
        configuration.unknownVoiceNoiseAugmentation = try Self.unknownVoiceNoise(unknownVoiceNoiseAugmentation)
        configuration.decodingWeights.insertionPenalty = insertionPenalty
        configuration.unknownVoiceDecodingWeights.insertionPenalty = unknownVoiceInsertionPenalty
        configuration.noisyVoice = try noisyVoiceOptions()
        configuration.vtlp = try vtlpOptions()
        configuration.seed = seed
        if speedPerturbation.lowercased() == "none" || speedPerturbation.isEmpty {
            configuration.speedPerturbation = []
        } else {
            configuration.speedPerturbation = try speedPerturbation.split(separator: ",").map { text in
                guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--speed-perturbation: \"\(text)\" is not a number")
                }
                return value
            }
        }
        configuration.noiseAugmentation = try Self.noiseConditions(noiseAugmentation, option: "--noise-augmentation")
        configuration.vtln = vtln
            ? VTLNOptions(warpFactors: try Self.warpFactors(vtlnWarps), trainingPasses: vtlnPasses,
                          perturbedCopiesAsSpeakers: vtlnSeparateCopies,
                          minimumFrames: vtlnMinFrames > 0 ? vtlnMinFrames : nil)
            : nil
        // fMLLR's statistics weight each dimension by one variance: with other covariance
        // structures (e.g. the full half of `compare --covariance diag,full`) it is left off.
        configuration.adaptation = adaptation && covariance == .diagonal
            ? SpeakerAdaptationOptions(passes: adaptationPasses, minimumFrames: adaptationMinFrames)
            : nil
        configuration.discriminativeTraining = discriminativeTraining
        let problems = configuration.problems()
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
        return configuration
    }

    /// The MMI options, nil with `--mmi-iterations 0`.
    var discriminativeTraining: DiscriminativeTrainingOptions? {
        guard mmiIterations > 0 else { return nil }
        return DiscriminativeTrainingOptions(iterations: mmiIterations, acousticScale: mmiAcousticScale, boost: mmiBoost,
                                             extendedBaumWelch: ExtendedBaumWelchOptions(denominatorFactor: mmiE, smoothingFrames: mmiTau))
    }
}

extension ModelOptions {
    /// `FROM:TO:STEP` (inclusive) or `A,B,C`: each factor in ``InputLimits/vtlnWarpFactors``, at
    /// most ``InputLimits/maximumVTLNWarpCount`` of them.
    static func warpFactors(_ text: String) throws -> [Double] {
        let range = InputLimits.vtlnWarpFactors, most = InputLimits.maximumVTLNWarpCount
        func number(_ part: Substring) throws -> Double {
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--vtln-warps: \"\(part)\" is not a number")
            }
            guard range.contains(value) else {
                throw ValidationError("--vtln-warps: every factor must be in \(range.lowerBound)…\(range.upperBound) (got \(value))")
            }
            return value
        }
        let parts = text.split(separator: ":")
        if parts.count == 3 {
            let (from, to, step) = (try number(parts[0]), try number(parts[1]), Double(parts[2].trimmingCharacters(in: .whitespaces)))
            guard let step, step > 0, from <= to else { throw ValidationError("--vtln-warps: FROM:TO:STEP needs FROM ≤ TO and STEP > 0") }
            // Counted in Double before VTLNOptions.grid forms an Int from it.
            guard (to - from) / step < Double(most) else {
                throw ValidationError("--vtln-warps: \(text) gives more than \(most) warp factors; use a larger STEP")
            }
            return VTLNOptions.grid(from: from, through: to, step: step)
        }
        guard parts.count == 1 else { throw ValidationError("--vtln-warps: give FROM:TO:STEP or a comma-separated list") }
        let factors = try text.split(separator: ",").map(number)
        guard factors.count <= most else { throw ValidationError("--vtln-warps: \(factors.count) warp factors; give at most \(most)") }
        return factors
    }
}

extension SpeakerMode {
    /// The mode a `--speakers` value names (nil when the option is absent).
    /// - Throws: `ValidationError` (exit 64) for any other value, ending with `advice(value)`:
    ///   what to write instead of a list of speakers (which `--speakers` once took as a filter).
    static func parse(option text: String?, advice: (String) -> String) throws -> SpeakerMode? {
        guard let text else { return nil }
        if let mode = SpeakerMode(rawValue: text) { return mode }
        let modes = allCases.map(\.rawValue).joined(separator: ", ")
        throw ValidationError("--speakers takes one of \(modes) (got \"\(text)\"); \(advice(text))")
    }
}

extension FileManager {
    /// True when `path` is a folder (following links).
    func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// How recognition decides (evaluate, recognize).
struct DecisionOptions: ParsableArguments {
    @Flag(help: "Add each label's log prior (its share of the training recordings) to its score.")
    var priors = false
    @Option(help: "Reject (answer none) when the best log-likelihood per frame is below this.")
    var reject: Double?
    @Option(help: "Alternatives listed per file.")
    var nBest: Int = 3

    var options: RecognitionOptions { RecognitionOptions(usePriors: priors, rejectionThreshold: reject, nBest: nBest) }

    func validate() throws {
        if let reject { try OptionRange.check(reject, in: OptionRange.finite, "--reject") }
        try OptionRange.check(nBest, in: 1...InputLimits.maximumNBest, "--n-best")
    }
}

extension CepstralNormalization: ExpressibleByArgument {}

/// Progress lines of recognizer training on stderr.
func trainingProgress(quiet: Bool, started: Date, labels: Int) -> (@Sendable (Recognizer.Progress) -> Void)? {
    guard !quiet else { return nil }
    // Word models are trained once per round (once, or once more after each VTLN pass): the time
    // left is estimated from the current round's words.
    let roundStarted = Mutex(started)
    return { event in
        let elapsed = Date().timeIntervalSince(started)
        switch event {
        case let .features(files, copies, seconds):
            roundStarted.withLock { $0 = Date() }
            Terminal.info(String(format: "features of %d recordings (%d cop%@ each) in %.2f s", files, copies, copies == 1 ? "y" : "ies", seconds))
        case .iteration, .unusable:
            break
        case let .warps(pass, passes, factors, seconds):
            let values = factors.values.sorted()
            let summary = values.isEmpty ? "" : String(format: ", from %.2f to %.2f, median %.2f", values[0], values[values.count - 1],
                                                      values[values.count / 2])
            let named = factors.count <= 12
                ? ": " + factors.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", ") : ""
            Terminal.info(String(format: "VTLN pass %d/%d: warps of %d training speakers chosen in %.2f s%@%@", pass, passes, factors.count,
                                 seconds, summary, named))
            roundStarted.withLock { $0 = Date() }
        case .unknownVoiceModels:
            Terminal.info("the unknown-voice models (per-recording normalisation, no VTLN or adaptation):")
        case .noisyVoiceModels:
            Terminal.info("the noisy-voice models (the unknown-voice models' training with noisy copies):")
        case let .discriminative(iteration, iterations, objective, accuracy):
            Terminal.info(String(format: "MMI iteration %d/%d: objective %.4f per utterance, training accuracy %.1f %%", iteration,
                                 iterations, objective, 100 * accuracy))
        case let .trained(label, done, total, seconds):
            let remaining = Date().timeIntervalSince(roundStarted.withLock { $0 }) / Double(done) * Double(total - done)
            Terminal.info(String(format: "word %d/%d \"%@\" trained in %.2f s  (elapsed %.1f s, about %.1f s left)",
                                 done, total, label, seconds, elapsed, remaining))
        }
    }
}
