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

/// hmmlearn `GaussianHMM`'s conjugate priors, with its parameter names and defaults
/// (`means_prior`, `means_weight`, `covars_prior`, `covars_weight`):
/// `μ = (λ μ₀ + Σγx) / (λ + Σγ)`; diagonal `σ² = (c + λ(μ−μ₀)² + Σγ(x−μ)²) / max(max(w−1, 0) + Σγ, 1e-5)`;
/// full `Σ = (c + λ(μ−μ₀)(μ−μ₀)ᵀ + Σγ(x−μ)(x−μ)ᵀ) / (max(w−D, 0) + Σγ)` (c added to every entry);
/// spherical: the diagonal form averaged over dimensions.
public struct GaussianHMMPriors: Sendable, Hashable, Codable {
    /// `means_prior` μ₀ (0).
    public var meansPrior: Double = 0
    /// `means_weight` λ (0: no pull towards μ₀).
    public var meansWeight: Double = 0
    /// `covars_prior` c (0.01): hmmlearn's only guard against vanishing variances.
    public var covariancePrior: Double = 1e-2
    /// `covars_weight` w (1).
    public var covarianceWeight: Double = 1

    public init(meansPrior: Double = 0, meansWeight: Double = 0, covariancePrior: Double = 1e-2, covarianceWeight: Double = 1) {
        self.meansPrior = meansPrior
        self.meansWeight = meansWeight
        self.covariancePrior = covariancePrior
        self.covarianceWeight = covarianceWeight
    }
}

/// hmmlearn `GMMHMM`'s priors (`weights_prior`, `means_prior`, `means_weight`, `covars_prior`,
/// `covars_weight`), with its defaults; nil covariance terms take hmmlearn's type-dependent
/// defaults (diag: α = −1.5, β = 0; spherical: α = −(M+2)/2, β = 0; full: Ψ = 0, ν = −(D+2);
/// tied: Ψ = 0, ν = −(M+D+1)), which make the covariance the plain weighted average.
///
/// hmmlearn centres the covariance statistics on the means **before** the update
/// (`Σγ(x − μ_old)²`), which HMMKit reproduces exactly in this mode.
public struct GMMHMMPriors: Sendable, Hashable, Codable {
    /// `weights_prior` (Dirichlet α, 1 = none).
    public var weightsPrior: Double = 1
    /// `means_prior` μ₀ (0).
    public var meansPrior: Double = 0
    /// `means_weight` λ (0).
    public var meansWeight: Double = 0
    /// `covars_prior` (α for diag/spherical, Ψ for full/tied); nil: hmmlearn's default.
    public var covariancePrior: Double? = nil
    /// `covars_weight` (β for diag/spherical, ν for full/tied); nil: hmmlearn's default.
    public var covarianceWeight: Double? = nil

    public init(weightsPrior: Double = 1, meansPrior: Double = 0, meansWeight: Double = 0,
                covariancePrior: Double? = nil, covarianceWeight: Double? = nil) {
        self.weightsPrior = weightsPrior
        self.meansPrior = meansPrior
        self.meansWeight = meansWeight
        self.covariancePrior = covariancePrior
        self.covarianceWeight = covarianceWeight
    }
}

/// Which estimator turns emission statistics into parameters.
public enum EmissionEstimator: Sendable, Hashable, Codable {
    /// Maximum likelihood: weights `Σγ_m / Σγ`, means `Σγx / Σγ`, covariances around the new
    /// means, plus ``HMMUpdateOptions/varianceFloor`` (the HMMKit default).
    case maximumLikelihood
    /// hmmlearn `GaussianHMM`'s M-step with its priors (reproduces hmmlearn exactly).
    case hmmlearnGaussianHMM(GaussianHMMPriors)
    /// hmmlearn `GMMHMM`'s M-step with its priors (reproduces hmmlearn exactly).
    case hmmlearnGMMHMM(GMMHMMPriors)
}

/// Options of the Baum-Welch M-step.
public struct HMMUpdateOptions: Sendable, Hashable, Codable {
    /// What is re-estimated (default everything); the rest stays as it was.
    public var parameters: HMMParameters = .all
    /// Dirichlet prior on the start probabilities (`startprob_prior`, 1 = none):
    /// `π_i ∝ max(α − 1 + Σγ₁(i), 0)`.
    public var startPrior: Double = 1
    /// Dirichlet prior on each transition row (`transmat_prior`, 1 = none).
    public var transitionPrior: Double = 1
    /// The emission estimator (default maximum likelihood).
    public var estimator: EmissionEstimator = .maximumLikelihood
    /// HTK's variance floor: every variance (the diagonal of every covariance) is raised to at
    /// least this fraction of the data's global variance in that dimension (computed from the
    /// statistics, so no extra pass). Applies to every estimator and covariance type; nil turns
    /// it off. Default 1e-3 for maximum likelihood; the hmmlearn estimators set it to nil to
    /// reproduce hmmlearn.
    public var varianceFloor: Double? = 1e-3
    /// Components whose occupancy `Σγ` is at or below this keep their previous parameters (and
    /// are reported): 0 by default, so only components that received no frame at all.
    public var minimumOccupancy: Double = 0

    public init(parameters: HMMParameters = .all, estimator: EmissionEstimator = .maximumLikelihood,
                varianceFloor: Double? = 1e-3, startPrior: Double = 1, transitionPrior: Double = 1,
                minimumOccupancy: Double = 0) {
        self.parameters = parameters
        self.estimator = estimator
        self.varianceFloor = varianceFloor
        self.startPrior = startPrior
        self.transitionPrior = transitionPrior
        self.minimumOccupancy = minimumOccupancy
    }

    /// hmmlearn `GaussianHMM`'s update with its default priors and no variance floor.
    public static var hmmlearnGaussianHMM: HMMUpdateOptions {
        HMMUpdateOptions(estimator: .hmmlearnGaussianHMM(GaussianHMMPriors()), varianceFloor: nil)
    }

    /// hmmlearn `GMMHMM`'s update with its default priors and no variance floor.
    public static var hmmlearnGMMHMM: HMMUpdateOptions {
        HMMUpdateOptions(estimator: .hmmlearnGMMHMM(GMMHMMPriors()), varianceFloor: nil)
    }
}
