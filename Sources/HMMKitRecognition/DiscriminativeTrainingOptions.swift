import HMMKitMixtures
import HMMKitNumerics

/// Discriminative training of the word models after maximum-likelihood training: a few
/// iterations of MMI (``/HMMKitTraining/DiscriminativeWordSet``), every word the competitor of
/// every other, aimed at the confusions between words (six → eight).
public struct DiscriminativeTrainingOptions: Codable, Sendable, Equatable {
    /// MMI iterations after ML training (each one an E-step over the training data with every word
    /// model and one extended Baum-Welch update).
    public var iterations: Int = 2
    /// κ: word posteriors `P(w | x) ∝ p(x | w)^κ` (``/HMMKitTraining/MMIEStepOptions/acousticScale``).
    public var acousticScale: Double = 0.1
    /// b: boosted MMI's margin in nats (0: plain MMI).
    public var boost: Double = 0
    /// E and τ of the extended Baum-Welch update.
    public var extendedBaumWelch = ExtendedBaumWelchOptions()

    /// Options with the given values (defaults: 2 iterations, κ 0.1, no boosting, E 2, τ 100).
    public init(iterations: Int = 2, acousticScale: Double = 0.1, boost: Double = 0,
                extendedBaumWelch: ExtendedBaumWelchOptions = ExtendedBaumWelchOptions()) {
        self.iterations = iterations
        self.acousticScale = acousticScale
        self.boost = boost
        self.extendedBaumWelch = extendedBaumWelch
    }

    /// Every problem with the values, empty when usable.
    public func problems() -> [String] {
        var problems: [String] = []
        if !(1...InputLimits.maximumIterationCount).contains(iterations) {
            problems.append("MMI iterations must lie in 1…\(InputLimits.maximumIterationCount) (got \(iterations))")
        }
        if !(acousticScale > 0 && acousticScale <= 10) { problems.append("the MMI acoustic scale must lie in (0, 10] (got \(acousticScale))") }
        if !(boost >= 0 && boost <= 100) { problems.append("the MMI boost must lie in 0…100 nats (got \(boost))") }
        return problems + extendedBaumWelch.problems()
    }
}
