/// How an update treats a starved component (see ``GaussianMixtureUpdateOptions/minimumOccupancy``).
public enum StarvedComponentPolicy: String, Codable, Sendable, Hashable, CaseIterable {
    /// Keep its previous parameters and report it; a trainer that has the frames then re-seeds it
    /// from the worst-explained ones (`GaussianMixtureTrainer`), HMM emissions keep it as it was.
    case reseed
    /// Drop it; the remaining weights are renormalised (Gaussian mixtures only: every HMM state
    /// keeps its M components).
    case remove
    /// Update it like any other, with scikit-learn's `nₖ = Σγ + 10ε`, which gives a component
    /// without frames mean 0 and variance `regCovar` (scikit-learn's behaviour).
    case keep
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

    /// Priors with hmmlearn's parameters (defaults: hmmlearn's).
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

    /// Priors with hmmlearn's parameters (defaults: hmmlearn's).
    public init(weightsPrior: Double = 1, meansPrior: Double = 0, meansWeight: Double = 0,
                covariancePrior: Double? = nil, covarianceWeight: Double? = nil) {
        self.weightsPrior = weightsPrior
        self.meansPrior = meansPrior
        self.meansWeight = meansWeight
        self.covariancePrior = covariancePrior
        self.covarianceWeight = covarianceWeight
    }
}

/// The formulas that turn sufficient statistics into weights, means and covariances.
public enum GaussianEstimator: Sendable, Hashable, Codable {
    /// Maximum likelihood: weights `Σγₖ / Σγ`, means `Σγx / Σγₖ`, covariances around the new
    /// means (scikit-learn's `GaussianMixture` and HMMKit's default).
    case maximumLikelihood
    /// hmmlearn `GaussianHMM`'s M-step with its priors.
    case hmmlearnGaussianHMM(GaussianHMMPriors)
    /// hmmlearn `GMMHMM`'s M-step with its priors (covariances centred on the previous means).
    case hmmlearnGMMHMM(GMMHMMPriors)
}

/// Options of the one Gaussian M-step (``GaussianMixtureUpdate``), shared by Gaussian mixtures and
/// HMM emissions: the estimator, then `regCovar`, then the variance floor, with starved components
/// handled by one rule.
///
/// **Starvation rule**: a component is starved when its occupancy `Σₙ γₙₖ` is **at or below**
/// ``minimumOccupancy`` (`≤`, not `<`). With `≤` the threshold names the largest occupancy that
/// cannot be estimated from: 0 means "no frame at all" (the update would divide 0 by 0) and is the
/// safe value for every estimator, and the default 1 means "at most one frame's worth", which
/// cannot define a variance (one frame has no spread, so the component would collapse onto it).
///
/// **Floor rule**: after `regCovar`, every variance (the diagonal of every covariance; a spherical
/// variance against the floors' mean) is raised to at least ``varianceFloor`` times the global
/// variance of the data the statistics summarise in that dimension (all components, for an HMM all
/// states), as HTK's `HCompV -f` and Kaldi's `--min-variance` do.
///
/// Presets: ``hmmkit`` (the default), ``scikitLearn``, ``hmmlearnGaussianHMM``, ``hmmlearnGMMHMM``.
public struct GaussianMixtureUpdateOptions: Sendable, Hashable, Codable {
    /// HMMKit's default variance floor: a thousandth of the data's variance, Kaldi's
    /// `--min-variance`-style guard that is rarely reached by well-fed components.
    public static let defaultVarianceFloor = 1e-3

    /// The formulas (default maximum likelihood).
    public var estimator: GaussianEstimator = .maximumLikelihood
    /// Added to every variance (the diagonal of every covariance), as scikit-learn's `reg_covar`
    /// (default 1e-6, scikit-learn's): keeps a constant dimension finite, where the relative
    /// floor is zero.
    public var regCovar: Double = 1e-6
    /// The variance floor as a fraction of the global variance per dimension; nil turns it off.
    public var varianceFloor: Double? = GaussianMixtureUpdateOptions.defaultVarianceFloor
    /// Components with `Σₙ γₙₖ ≤` this are starved (default 1: at most one frame's worth).
    public var minimumOccupancy: Double = 1
    /// What happens to starved components (default: keep their parameters; re-seed when possible).
    public var starvedComponents: StarvedComponentPolicy = .reseed

    /// Options with the given estimator, regularisation, floor and starvation rule (defaults: ``hmmkit``).
    public init(estimator: GaussianEstimator = .maximumLikelihood, regCovar: Double = 1e-6,
                varianceFloor: Double? = GaussianMixtureUpdateOptions.defaultVarianceFloor,
                minimumOccupancy: Double = 1, starvedComponents: StarvedComponentPolicy = .reseed) {
        self.estimator = estimator
        self.regCovar = regCovar
        self.varianceFloor = varianceFloor
        self.minimumOccupancy = minimumOccupancy
        self.starvedComponents = starvedComponents
    }

    /// HMMKit's default: maximum likelihood, `regCovar` 1e-6, the 1e-3 floor, components with at
    /// most one frame's worth kept (and re-seeded by `GaussianMixtureTrainer`).
    public static var hmmkit: GaussianMixtureUpdateOptions { GaussianMixtureUpdateOptions() }

    /// scikit-learn's `GaussianMixture` M-step exactly: `reg_covar` only, no floor, every
    /// component updated (`nₖ = Σγ + 10ε`).
    public static var scikitLearn: GaussianMixtureUpdateOptions {
        GaussianMixtureUpdateOptions(regCovar: 1e-6, varianceFloor: nil, minimumOccupancy: 0, starvedComponents: .keep)
    }

    /// hmmlearn `GaussianHMM`'s M-step with its default priors, no `regCovar` and no floor;
    /// components without any frame keep their parameters (hmmlearn would divide by zero).
    public static var hmmlearnGaussianHMM: GaussianMixtureUpdateOptions {
        GaussianMixtureUpdateOptions(estimator: .hmmlearnGaussianHMM(GaussianHMMPriors()), regCovar: 0, varianceFloor: nil,
                                     minimumOccupancy: 0)
    }

    /// hmmlearn `GMMHMM`'s M-step with its default priors, no `regCovar` and no floor;
    /// components without any frame keep their parameters.
    public static var hmmlearnGMMHMM: GaussianMixtureUpdateOptions {
        GaussianMixtureUpdateOptions(estimator: .hmmlearnGMMHMM(GMMHMMPriors()), regCovar: 0, varianceFloor: nil,
                                     minimumOccupancy: 0)
    }
}
