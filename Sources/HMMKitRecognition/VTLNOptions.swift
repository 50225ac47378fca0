import HMMKitFeatures
import HMMKitNumerics

/// Vocal-tract-length normalisation in the recognizer: one filterbank warp factor (``/HMMKitFeatures/VTLNWarp``)
/// per speaker, chosen by likelihood over a grid of candidates.
///
/// - Training: the word models are first trained on unwarped features; then, for every training
///   speaker, the candidate that gives that speaker's recordings the highest total log-likelihood
///   under the models of their **own labels** is chosen, and the models are trained again on the
///   warped features. ``trainingPasses`` rounds of choose-and-retrain. A speaker's speed-perturbed
///   copies share the speaker's factor (unless ``perturbedCopiesAsSpeakers``), so the
///   perturbation keeps widening the models around the normalised speaker.
/// - Recognition: the labels are unknown, so an unseen speaker's factor maximises the sum, over
///   that speaker's recordings, of the **best** word's log-likelihood; a recording with no
///   speaker gets a factor of its own the same way.
///
/// Features are normalised (CMVN) after warping, per warped speaker, so the likelihoods of
/// different factors compare features of the same scale.
public struct VTLNOptions: Codable, Sendable, Equatable {
    /// The candidate warp factors, tried in turn (0.80 … 1.20 in steps of 0.02 by default: Kaldi's
    /// usual range of adult warps).
    public var warpFactors: [Double]
    /// The lower inflection point of the warp, in Hz (Kaldi's `--vtln-low`: 100).
    public var lowCutoff: Double
    /// The upper inflection point, in Hz; negative is an offset from Nyquist (Kaldi's `--vtln-high`: −500).
    public var highCutoff: Double
    /// Rounds of "choose the training speakers' factors, then retrain" (1: on FSDD a second round,
    /// against models already normalised, lowered leave-one-speaker-out accuracy by 0.3–0.6 points).
    public var trainingPasses: Int
    /// Give each speed-perturbed copy of a speaker a factor of its own, as Kaldi recipes make each
    /// copy a speaker (`sp0.9-george`). Off by default: the factors then undo the perturbation
    /// (a 0.9 copy gets about 1/0.9), the models narrow, and leave-one-speaker-out accuracy on
    /// FSDD fell from 85.9 % to 84.2 % (BENCHMARKS.md).
    public var perturbedCopiesAsSpeakers: Bool
    /// The fewest frames a group (a speaker, or a recording without one) needs for a factor of
    /// its own; a group with fewer keeps the candidate closest to 1. A warp chosen from one short
    /// recording follows its words more than its speaker's vocal tract; nil (files written before
    /// this option) is 0, a factor for every group.
    public var minimumFrames: Int?
    /// The recognizer's default ``minimumFrames``: 300 frames, 3 s of speech, several words
    /// of a speaker. On FSDD no single recording reaches it, and 150, 300 and 1,000 gave the
    /// same leave-one-speaker-out accuracy (BENCHMARKS.md, "Unknown voices").
    public static let defaultMinimumFrames = 300

    /// VTLN over `warpFactors` with Kaldi's cut-offs.
    public init(warpFactors: [Double] = VTLNOptions.grid(from: 0.80, through: 1.20, step: 0.02), lowCutoff: Double = VTLNWarp.kaldiLowCutoff,
                highCutoff: Double = VTLNWarp.kaldiHighCutoff, trainingPasses: Int = 1, perturbedCopiesAsSpeakers: Bool = false,
                minimumFrames: Int? = nil) {
        self.warpFactors = warpFactors
        self.lowCutoff = lowCutoff
        self.highCutoff = highCutoff
        self.trainingPasses = trainingPasses
        self.perturbedCopiesAsSpeakers = perturbedCopiesAsSpeakers
        self.minimumFrames = minimumFrames
    }

    /// Evenly spaced factors `from`, `from + step`, … up to `through` (inclusive, to within a
    /// thousandth of a step), each rounded to 1e-9 so that 1.0 is exactly 1.
    public static func grid(from: Double, through: Double, step: Double) -> [Double] {
        guard step > 0, from <= through else { return [from] }
        precondition(from.isFinite && through.isFinite && (through - from) / step < Double(InputLimits.maximumVTLNWarpCount),
                     "VTLNOptions.grid: more than InputLimits.maximumVTLNWarpCount factors")
        let count = Int(((through - from) / step + 1e-3).rounded(.down)) + 1
        return (0..<count).map { ((from + Double($0) * step) * 1e9).rounded() / 1e9 }
    }

    /// The warp of the front end for `factor`.
    func warp(_ factor: Double) -> VTLNWarp { VTLNWarp(factor: factor, lowCutoff: lowCutoff, highCutoff: highCutoff) }

    /// Every problem with the values (empty when usable), checked against `features`' filterbank.
    func problems(features: FeatureConfiguration) -> [String] {
        var problems: [String] = []
        if warpFactors.isEmpty { problems.append("VTLN needs at least one candidate warp factor") }
        if trainingPasses < 0 { problems.append("VTLN training passes must be ≥ 0 (got \(trainingPasses))") }
        if let minimumFrames, minimumFrames < 0 { problems.append("VTLN's minimum frames must be ≥ 0 (got \(minimumFrames))") }
        if features.vtlnWarp != nil { problems.append("give either a fixed VTLN warp in the front end or VTLN options, not both") }
        for factor in warpFactors {
            var warped = features
            warped.vtlnWarp = warp(factor)
            do { _ = try MFCCExtractor<Double>(configuration: warped) } catch {
                problems.append("VTLN warp factor \(factor): \(error)")
            }
        }
        return problems
    }
}
