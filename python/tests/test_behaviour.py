"""dtype and shape handling, errors on bad input, pickling and concurrent fits."""
import pickle
import threading

import joblib
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

import hmmkit.hmm as hmm
from hmmkit.mixture import GaussianMixture


def fitted_gmmhmm(X, lengths, **kwargs):
    return hmm.GMMHMM(n_components=3, n_mix=2, n_iter=5, random_state=0, **kwargs).fit(X, lengths)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_in_is_dtype_out(sequences, dtype):
    X, lengths = sequences
    X = X.astype(dtype)
    model = fitted_gmmhmm(X, lengths)
    log_prob, posteriors = model.score_samples(X, lengths)
    assert posteriors.dtype == dtype and posteriors.shape == (len(X), 3)
    assert np.allclose(posteriors.sum(axis=1), 1, atol=1e-5)
    assert isinstance(log_prob, float) and np.isfinite(log_prob)
    assert model._compute_log_likelihood(X).dtype == dtype
    states = model.predict(X, lengths)
    assert states.shape == (len(X),) and states.min() >= 0 and states.max() < 3
    mixture = GaussianMixture(2, random_state=0).fit(X)
    assert mixture.predict_proba(X).dtype == dtype and mixture.means_.dtype == dtype


def test_float32_and_float64_fits_agree(sequences):
    X, lengths = sequences
    double = fitted_gmmhmm(X, lengths)
    single = fitted_gmmhmm(X.astype(np.float32), lengths)
    assert np.max(np.abs(double.means_ - single.means_)) < 1e-3


def test_integer_lists_and_fortran_order_are_accepted(sequences):
    X, lengths = sequences
    model = fitted_gmmhmm(X, lengths)
    assert model.score(np.asfortranarray(X), lengths) == pytest.approx(model.score(X, lengths), rel=1e-12)
    assert model.score(X.tolist(), list(lengths)) == pytest.approx(model.score(X, lengths), rel=1e-12)
    assert np.isfinite(model.score(np.rint(X).astype(int)[:40]))


def test_bad_input_raises_value_error(sequences):
    X, lengths = sequences
    model = fitted_gmmhmm(X, lengths)
    with pytest.raises(ValueError, match="doesn't sum to"):
        model.score(X, [10, 20])
    with pytest.raises(ValueError, match="doesn't sum to"):
        hmm.GaussianHMM(2).fit(X, [5])
    with pytest.raises(ValueError, match="dimensions"):
        model.score(X[:, :2])
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError):
        model.score(bad, lengths)
    with pytest.raises(ValueError):
        hmm.GMMHMM(2, n_mix=2).fit(bad, lengths)
    with pytest.raises(ValueError):
        GaussianMixture(2).fit(bad)
    with pytest.raises(ValueError):
        model.score(X[0])  # one-dimensional
    with pytest.raises(ValueError, match="covariance_type"):
        hmm.GaussianHMM(2, covariance_type="bogus").fit(X)
    with pytest.raises(ValueError, match="Unknown decoder"):
        model.decode(X, lengths, algorithm="beam")
    with pytest.raises(ValueError, match="implementation"):
        hmm.GaussianHMM(2, implementation="fast").fit(X)


def test_unfitted_models_raise(sequences):
    X, lengths = sequences
    for call in (lambda: hmm.GaussianHMM(2).score(X), lambda: hmm.GMMHMM(2).predict(X),
                 lambda: hmm.GaussianHMM(2).sample(5), lambda: GaussianMixture(2).predict(X)):
        with pytest.raises(NotFittedError):
            call()


def test_parameters_the_engine_refuses_raise(sequences):
    X, lengths = sequences
    model = hmm.GaussianHMM(2, covariance_type="full", init_params="")
    model.startprob_ = np.array([0.5, 0.5])
    model.transmat_ = np.array([[0.5, 0.5], [0.5, 0.5]])
    model.means_ = np.zeros((2, 3))
    with pytest.raises(ValueError, match="positive-definite"):
        model.covars_ = np.array([np.eye(3), -np.eye(3)])
    model.covars_ = np.array([np.eye(3), np.eye(3)])
    model.transmat_ = np.array([[0.7, 0.7], [0.5, 0.5]])
    with pytest.raises(ValueError, match="sum to 1"):
        model.score(X)


def test_bad_lengths_raise(sequences):
    X, lengths = sequences
    model = fitted_gmmhmm(X, lengths)
    with pytest.raises(ValueError):
        model.score(X, [len(X) + 5, -5])
    with pytest.raises(ValueError):
        model.predict_proba(X, [])


@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_pickling_keeps_the_model(sequences, tmp_path, dump):
    X, lengths = sequences
    model = fitted_gmmhmm(X, lengths)
    mixture = GaussianMixture(3, random_state=0).fit(X)
    if dump == "pickle":
        restored, restored_mixture = pickle.loads(pickle.dumps((model, mixture)))
    else:
        joblib.dump((model, mixture), tmp_path / "models.joblib")
        restored, restored_mixture = joblib.load(tmp_path / "models.joblib")
    assert restored.score(X, lengths) == model.score(X, lengths)
    assert np.array_equal(restored_mixture.score_samples(X), mixture.score_samples(X))
    assert list(restored.monitor_.history) == list(model.monitor_.history)


def test_concurrent_fits_on_different_models_match_sequential_fits(sequences):
    X, lengths = sequences
    seeds = list(range(6))
    sequential = [fitted_gmmhmm(X, lengths, tol=-np.inf, n_iter=8) if False else
                  hmm.GMMHMM(3, n_mix=2, n_iter=8, tol=-np.inf, random_state=s).fit(X, lengths) for s in seeds]
    results, errors = [None] * len(seeds), []

    def work(index):
        try:
            results[index] = hmm.GMMHMM(3, n_mix=2, n_iter=8, tol=-np.inf, random_state=seeds[index]).fit(X, lengths)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(seeds))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for ours, reference in zip(results, sequential):
        assert np.array_equal(ours.means_, reference.means_)
        assert list(ours.monitor_.history) == list(reference.monitor_.history)


def test_monitor_and_convergence(sequences):
    X, lengths = sequences
    model = hmm.GaussianHMM(3, n_iter=100, tol=1e-3, random_state=0).fit(X, lengths)
    history = list(model.monitor_.history)
    assert model.monitor_.converged and model.monitor_.iter == len(history) < 100
    assert history[-1] - history[-2] < 1e-3
    assert all(b >= a - 1e-9 for a, b in zip(history, history[1:]))


def test_stationary_distribution_and_sampling(sequences):
    X, lengths = sequences
    model = fitted_gmmhmm(X, lengths)
    pi = model.get_stationary_distribution()
    assert np.allclose(pi @ model.transmat_, pi) and pi.sum() == pytest.approx(1)
    frames, states = model.sample(50, random_state=1)
    assert frames.shape == (50, 3) and states.shape == (50,)
