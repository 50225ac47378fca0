import HMMKitFeatures
import HMMKitNumerics

/// Vocal-tract-length perturbation of the training audio (VTLP, Jaitly & Hinton 2013), for the
/// model sets trained without VTLN (with the default configuration: the unknown-voice and
/// noisy-voice models; with VTLN the warps are the speakers' own, chosen by likelihood).
///
/// Each training recording gets ``copies`` more copies of its audio as it is, each computed
/// through the filterbank warped by its own factor drawn from ``lowestFactor``…``highestFactor``
/// in steps of ``factorStep`` (``/HMMKitFeatures/WarpPerturbation``, seeded by the
/// recognizer's ``RecognizerConfiguration/seed``); with ``warpsPerturbedCopies`` the
/// speed-perturbed and noisy copies are warped too. Three training voices thus look like many,
/// which is what a recording of a voice the recognizer never heard needs.
/// Recognition is unchanged: only training makes the copies.
public struct VTLPOptions: Codable, Sendable, Equatable {
    /// Warped copies of each training recording's audio, added to its other copies (0…``maximumCopies``).
    public var copies: Int
    /// The smallest warp factor drawn.
    public var lowestFactor: Double
    /// The largest warp factor drawn.
    public var highestFactor: Double
    /// Also warp each speed-perturbed and noisy copy by a factor of its own.
    public var warpsPerturbedCopies: Bool

    /// The spacing of the factors drawn (``/HMMKitFeatures/VTLNWarp`` factors 0.01 apart, as VTLN's
    /// finest grids): a range of 0.9…1.1 draws from 21 filterbanks, each built once.
    public static let factorStep = 0.01
    /// The most warped copies per recording.
    public static let maximumCopies = 20

    /// VTLP with `copies` warped copies over `lowestFactor`…`highestFactor`.
    public init(copies: Int = 1, lowestFactor: Double = 0.9, highestFactor: Double = 1.1, warpsPerturbedCopies: Bool = false) {
        self.copies = copies
        self.lowestFactor = lowestFactor
        self.highestFactor = highestFactor
        self.warpsPerturbedCopies = warpsPerturbedCopies
    }

    /// The factors drawn from: ``lowestFactor`` to ``highestFactor`` in steps of ``factorStep``.
    public var factors: [Double] { VTLNOptions.grid(from: lowestFactor, through: highestFactor, step: Self.factorStep) }

    /// Every problem, naming the field (empty when usable), checked against `features`' filterbank.
    public func problems(features: FeatureConfiguration) -> [String] {
        var problems: [String] = []
        if !(0...Self.maximumCopies).contains(copies) {
            problems.append("vtlp.copies must lie in 0…\(Self.maximumCopies) (got \(copies))")
        }
        let range = InputLimits.vtlnWarpFactors
        guard range.contains(lowestFactor), range.contains(highestFactor), lowestFactor <= highestFactor else {
            problems.append("vtlp: the factors must satisfy \(range.lowerBound) ≤ lowestFactor ≤ highestFactor ≤ \(range.upperBound) "
                + "(got \(lowestFactor)…\(highestFactor))")
            return problems
        }
        if copies == 0 && !warpsPerturbedCopies { problems.append("vtlp warps nothing: give copies ≥ 1 or warpsPerturbedCopies") }
        if features.vtlnWarp != nil { problems.append("give either a fixed VTLN warp in the front end or VTLP, not both") }
        for factor in [lowestFactor, highestFactor] {
            var warped = features
            warped.vtlnWarp = VTLNWarp(factor: factor)
            do { _ = try MFCCExtractor<Double>(configuration: warped) } catch {
                problems.append("vtlp factor \(factor): \(error)")
            }
        }
        return problems
    }
}
