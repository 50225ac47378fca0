import HMMKitMixtures

/// The parameters Baum-Welch re-estimates (hmmlearn's `params="stmcw"` letters, as a set).
public struct HMMParameters: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Start probabilities (`s`).
    public static let start = HMMParameters(rawValue: 1 << 0)
    /// Transition probabilities (`t`).
    public static let transitions = HMMParameters(rawValue: 1 << 1)
    /// Mixture weights (`w`).
    public static let weights = HMMParameters(rawValue: 1 << 2)
    /// Means (`m`).
    public static let means = HMMParameters(rawValue: 1 << 3)
    /// Covariances (`c`).
    public static let covariances = HMMParameters(rawValue: 1 << 4)
    /// Everything (hmmlearn's default `"stmcw"`).
    public static let all: HMMParameters = [.start, .transitions, .weights, .means, .covariances]
    /// The emission parameters only.
    public static let emissions: HMMParameters = [.weights, .means, .covariances]

    /// The set from hmmlearn's letters (`"stmcw"`); unknown letters are ignored.
    public init(hmmlearnLetters letters: String) {
        var set: HMMParameters = []
        for letter in letters {
            switch letter {
            case "s": set.insert(.start)
            case "t": set.insert(.transitions)
            case "w": set.insert(.weights)
            case "m": set.insert(.means)
            case "c": set.insert(.covariances)
            default: break
            }
        }
        self = set
    }
}

/// Options of the Baum-Welch M-step: the chain's own update here, the emissions' by the Gaussian
/// M-step shared with ``/HMMKitMixtures/GaussianMixture`` (``/HMMKitMixtures/GaussianMixtureUpdateOptions``: estimator,
/// `regCovar`, variance floor, starvation rule).
public struct HMMUpdateOptions: Sendable, Hashable, Codable {
    /// What is re-estimated (default everything); the rest stays as it was.
    public var parameters: HMMParameters = .all
    /// Dirichlet prior on the start probabilities (`startprob_prior`, 1 = none):
    /// `π_i ∝ max(α − 1 + Σγ₁(i), 0)`.
    public var startPrior: Double = 1
    /// Dirichlet prior on each transition row (`transmat_prior`, 1 = none).
    public var transitionPrior: Double = 1
    /// The Gaussian M-step of the emissions (default HMMKit's: maximum likelihood, the 1e-3
    /// floor, components with at most one frame's worth kept as they were).
    public var emissions: GaussianMixtureUpdateOptions = .hmmkit

    /// Options with the given parts (defaults: everything re-estimated, HMMKit's Gaussian M-step, no priors).
    public init(parameters: HMMParameters = .all, emissions: GaussianMixtureUpdateOptions = .hmmkit,
                startPrior: Double = 1, transitionPrior: Double = 1) {
        self.parameters = parameters
        self.emissions = emissions
        self.startPrior = startPrior
        self.transitionPrior = transitionPrior
    }

    /// hmmlearn `GaussianHMM`'s update with its default priors and no variance floor.
    public static var hmmlearnGaussianHMM: HMMUpdateOptions { HMMUpdateOptions(emissions: .hmmlearnGaussianHMM) }

    /// hmmlearn `GMMHMM`'s update with its default priors and no variance floor.
    public static var hmmlearnGMMHMM: HMMUpdateOptions { HMMUpdateOptions(emissions: .hmmlearnGMMHMM) }
}
