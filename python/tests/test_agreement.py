"""hmmkit's fits agree with hmmlearn's and scikit-learn's from the same initial parameters.

hmmlearn and HMMKit share no code: the reference is hmmlearn 0.3.3's own NumPy/Cython EM.
Tolerances: 1e-8 relative on parameters after 5 EM iterations and on scores (HMMKit's Swift
test suite measures ≤ 2e-12 against hmmlearn fixtures; 1e-8 leaves room for BLAS summation
order on other machines).
"""
import numpy as np
import pytest

import hmmkit.hmm
import hmmkit.mixture

hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")
sklearn_mixture = pytest.importorskip("sklearn.mixture")

COVARIANCE_TYPES = ["diag", "spherical", "full", "tied"]


def relative(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


def initialised(cls, X, lengths, **kwargs):
    """A model of hmmlearn's class initialised by hmmlearn's own _init (fixed seed)."""
    model = cls(random_state=3, **kwargs)
    np.random.seed(5)
    model._init(X, lengths)
    model._check()
    return model


def copy_parameters(source, target, names):
    for name in names:
        setattr(target, name, np.array(getattr(source, name), copy=True))
    target.n_features = source.n_features


@pytest.mark.parametrize("implementation", ["log", "scaling"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_gaussian_hmm_fit_matches_hmmlearn(sequences, covariance_type, implementation):
    X, lengths = sequences
    options = dict(n_components=3, covariance_type=covariance_type, n_iter=5, tol=-np.inf, init_params="",
                   implementation=implementation)
    reference = initialised(hmmlearn_hmm.GaussianHMM, X, lengths, **dict(options, init_params="stmc"))
    ours = hmmkit.hmm.GaussianHMM(**options)
    theirs = hmmlearn_hmm.GaussianHMM(**options)
    for model in (ours, theirs):
        copy_parameters(reference, model, ["startprob_", "transmat_", "means_"])
        model.covars_ = reference._covars_
    ours.fit(X, lengths)
    theirs.fit(X, lengths)
    assert relative(ours.monitor_.history, theirs.monitor_.history) < 1e-8
    for name in ["startprob_", "transmat_", "means_"]:
        assert relative(getattr(ours, name), getattr(theirs, name)) < 1e-8, name
    # hmmlearn keeps fitted spherical variances tiled to [n, D] (its covars_ then reads as
    # [n·D, D, D]); the variances themselves are the comparison.
    theirs_covars = theirs._covars_[:, 0] if covariance_type == "spherical" else theirs._covars_
    assert relative(ours._covars_, theirs_covars) < 1e-8
    assert relative(ours.score(X, lengths), theirs.score(X, lengths)) < 1e-8
    ours_log_prob, ours_posteriors = ours.score_samples(X, lengths)
    theirs_log_prob, theirs_posteriors = theirs.score_samples(X, lengths)
    assert np.max(np.abs(ours_posteriors - theirs_posteriors)) < 1e-8
    ours_viterbi, ours_path = ours.decode(X, lengths)
    theirs_viterbi, theirs_path = theirs.decode(X, lengths)
    assert relative(ours_viterbi, theirs_viterbi) < 1e-8
    assert np.array_equal(ours_path, theirs_path)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_gmmhmm_fit_matches_hmmlearn(sequences, covariance_type):
    X, lengths = sequences
    options = dict(n_components=3, n_mix=2, covariance_type=covariance_type, n_iter=5, tol=-np.inf, init_params="")
    reference = initialised(hmmlearn_hmm.GMMHMM, X, lengths, **dict(options, init_params="stmcw"))
    ours, theirs = hmmkit.hmm.GMMHMM(**options), hmmlearn_hmm.GMMHMM(**options)
    for model in (ours, theirs):
        copy_parameters(reference, model, ["startprob_", "transmat_", "weights_", "means_", "covars_"])
    ours.fit(X, lengths)
    theirs.fit(X, lengths)
    assert relative(ours.monitor_.history, theirs.monitor_.history) < 1e-8
    for name in ["startprob_", "transmat_", "weights_", "means_", "covars_"]:
        assert relative(getattr(ours, name), getattr(theirs, name)) < 1e-8, name
    assert relative(ours.score(X, lengths), theirs.score(X, lengths)) < 1e-8
    assert np.array_equal(ours.predict(X, lengths), theirs.predict(X, lengths))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_gaussian_mixture_matches_scikit_learn(sequences, covariance_type):
    X, _ = sequences
    start = sklearn_mixture.GaussianMixture(4, covariance_type=covariance_type, max_iter=1, random_state=0).fit(X)
    options = dict(n_components=4, covariance_type=covariance_type, max_iter=10, tol=0, weights_init=start.weights_,
                   means_init=start.means_, precisions_init=start.precisions_)
    ours = hmmkit.mixture.GaussianMixture(**options).fit(X)
    theirs = sklearn_mixture.GaussianMixture(**options).fit(X)
    assert ours.n_iter_ == theirs.n_iter_
    assert relative(ours.lower_bounds_, theirs.lower_bounds_) < 1e-8
    for name in ["weights_", "means_", "covariances_", "precisions_cholesky_"]:
        assert relative(getattr(ours, name), getattr(theirs, name)) < 1e-8, name
    assert relative(ours.score_samples(X), theirs.score_samples(X)) < 1e-8
    assert np.max(np.abs(ours.predict_proba(X) - theirs.predict_proba(X))) < 1e-8
