"""hmmlearn 0.3's ``GaussianHMM`` and ``GMMHMM`` on HMMKit's engine.

Same constructor arguments, attributes (``startprob_``, ``transmat_``, ``weights_``, ``means_``,
``covars_`` in hmmlearn's shapes, ``n_features``, ``monitor_``) and methods. ``fit`` runs
HMMKit's Baum-Welch with hmmlearn's M-step (``hmmlearnGaussianHMM`` / ``hmmlearnGMMHMM``);
scoring, posteriors and Viterbi run in the engine. Initialisation follows hmmlearn's scheme
(``init_params``; k-means of the frames into states, for GMMHMM then of each state's frames into
its components) with scikit-learn's ``KMeans`` called as hmmlearn calls it, scikit-learn's
algorithm and random stream computed by the engine (``_sklearn_kmeans``); ``kmeans = "hmmkit"``
uses the engine's own k-means instead (see ``_EngineHMM``).

Models read from HMMKit's model files (``hmmkit.load``) may carry ``end_states_``: the states a
sequence may end in (a left-to-right word model trained by ``hmmkit hmm fit`` ends in its last
state). Scoring, posteriors, decoding and fitting honour it, so the scores are the CLI's; None
(the default, hmmlearn's convention) lets a sequence end anywhere. ``sample`` ignores it.

Two cases take a slower path: a GaussianHMM with ``covariance_type="tied"`` (one covariance
shared by all states, which the engine's per-state mixtures do not tie) and GaussianHMM priors
given as arrays are fitted by EM in NumPy over the engine's forward-backward; GMMHMM priors that
differ between states or components raise ``NotImplementedError``.
"""
import logging
import numbers
import os
import warnings

import numpy as np
from scipy import linalg
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_array, check_is_fitted, check_random_state

from . import _native
from .base import BaseHMM, ConvergenceMonitor  # noqa: F401  (hmmlearn's names)

_log = logging.getLogger(__name__)

COVARIANCE_TYPES = frozenset(("spherical", "diag", "full", "tied"))

__all__ = ["GaussianHMM", "GMMHMM"]


def _threads():
    return int(os.environ.get("HMMKIT_NUM_THREADS", os.cpu_count() or 1))


def _scalar(value, name):
    """A prior that is one number (an array of equal entries counts); None when it is not."""
    array = np.asarray(value, dtype=float)
    if array.size == 0:
        return None
    first = array.flat[0]
    return float(first) if np.all(array == first) else None


def _check_covariance_type(covariance_type):
    if covariance_type not in COVARIANCE_TYPES:
        raise ValueError(f"covariance_type must be one of {COVARIANCE_TYPES}")


def _check_covars(covars, covariance_type, n_components):
    """hmmlearn's validation of GaussianHMM covariances in their stored (compact) shapes."""
    if covariance_type == "spherical":
        if len(covars) != n_components:
            raise ValueError("'spherical' covars have length n_components")
        if np.any(covars <= 0):
            raise ValueError("'spherical' covars must be positive")
    elif covariance_type == "tied":
        if covars.ndim != 2 or covars.shape[0] != covars.shape[1]:
            raise ValueError("'tied' covars must have shape (n_dim, n_dim)")
        if not np.allclose(covars, covars.T) or np.any(linalg.eigvalsh(covars) <= 0):
            raise ValueError("'tied' covars must be symmetric, positive-definite")
    elif covariance_type == "diag":
        if covars.ndim != 2:
            raise ValueError("'diag' covars must have shape (n_components, n_dim)")
        if np.any(covars <= 0):
            raise ValueError("'diag' covars must be positive")
    elif covariance_type == "full":
        if covars.ndim != 3 or covars.shape[1] != covars.shape[2]:
            raise ValueError("'full' covars must have shape (n_components, n_dim, n_dim)")
        for n, matrix in enumerate(covars):
            if not np.allclose(matrix, matrix.T) or np.any(linalg.eigvalsh(matrix) <= 0):
                raise ValueError("component %d of 'full' covars must be symmetric, positive-definite" % n)
    else:
        raise ValueError("covariance_type must be one of 'spherical', 'tied', 'diag', 'full'")


def _expand_covars(covars, covariance_type, n_components, n_features):
    """Compact covariances as ``[n_components, D, D]`` matrices (hmmlearn's ``covars_``)."""
    if covariance_type == "full":
        return covars
    if covariance_type == "diag":
        return np.array([np.diag(v) for v in covars])
    if covariance_type == "tied":
        return np.tile(covars, (n_components, 1, 1))
    return np.eye(n_features)[np.newaxis] * np.ravel(covars)[:, np.newaxis, np.newaxis]


def end_state_mask(end_states, n_components):
    """``end_states_`` (indices of the states a sequence may end in) as the engine's 0/1 mask."""
    indices = np.asarray(end_states, dtype=np.int64).ravel()
    if indices.size == 0 or np.any(indices < 0) or np.any(indices >= n_components):
        raise ValueError(f"end_states_ must list states in 0...{n_components - 1} (got {indices.tolist()})")
    mask = np.zeros(n_components, dtype=np.uint8)
    mask[indices] = 1
    return mask


KMEANS_IMPLEMENTATIONS = ("hmmkit", "scikit-learn")
KMEANS_RUNS = {"hmmkit": 1, "scikit-learn": 10}


def _kmeans(X, n_clusters, random_state, implementation):
    """(centres, labels) of k-means on the rows of ``X``.

    "scikit-learn": scikit-learn's ``KMeans(n_clusters, random_state=random_state, n_init=10)``
    as hmmlearn calls it, its algorithm and random stream computed by the engine
    (:func:`_sklearn_kmeans`): the same centres and labels as hmmlearn's for the same
    ``random_state``. "hmmkit": ``KMEANS_RUNS["hmmkit"]`` runs of the engine's own k-means
    (scikit-learn's k-means++ seeding and Lloyd stopping rule, its own random stream: seeded with
    ``random_state`` when that is an int, else with a number drawn from it), the lowest inertia kept.
    """
    if implementation == "scikit-learn":
        return _sklearn_kmeans(X, n_clusters, random_state, n_init=KMEANS_RUNS["scikit-learn"])[:2]
    if implementation != "hmmkit":
        raise ValueError(f"kmeans must be one of {KMEANS_IMPLEMENTATIONS} (got {implementation!r})")
    if len(X) < n_clusters:
        raise ValueError(f"n_samples={len(X)} should be >= n_clusters={n_clusters}.")
    X = np.ascontiguousarray(X, dtype=X.dtype if X.dtype == np.float32 else np.float64)
    if isinstance(random_state, (int, np.integer)) and random_state >= 0:
        seed = int(random_state)
    else:
        seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    centres = np.empty((n_clusters, X.shape[1]), dtype=X.dtype)
    labels = np.empty(len(X), dtype=np.int64)
    _native.call("hmmkit_kmeans", _native.dtype_code(X.dtype), _native.pointer(X), len(X), X.shape[1], n_clusters,
                 KMEANS_RUNS["hmmkit"],
                 seed, _native.pointer(centres), _native.pointer(labels), None)
    return centres, labels


def _sklearn_kmeans(X, n_clusters, random_state, n_init=10, max_iter=300, tol=1e-4):
    """scikit-learn's ``KMeans(n_clusters, init="k-means++", n_init=n_init, max_iter=max_iter,
    tol=tol, random_state=random_state).fit(X)`` (algorithm "lloyd"), computed by the engine:
    (``cluster_centers_``, ``labels_``, ``inertia_``, ``n_iter_``).

    The random stream is scikit-learn's: ``check_random_state(random_state)`` (an int makes a new
    ``RandomState``, None is NumPy's global one, an instance is used as it is), whose MT19937 state
    the engine draws from exactly as NumPy does and which is set back advanced, as if scikit-learn
    had drawn. ``X`` is validated and converted as scikit-learn's ``KMeans.fit`` does (float32 stays
    float32), with its errors and its warning when fewer distinct clusters than ``n_clusters`` are found.
    The ``n_init`` runs, seeded in order, run on ``HMMKIT_NUM_THREADS`` threads (default: every
    core); the result is the same for every count.
    """
    if isinstance(n_clusters, bool) or not isinstance(n_clusters, numbers.Integral) or n_clusters < 1:
        raise ValueError("The 'n_clusters' parameter of KMeans must be an int in the range [1, inf). "
                         f"Got {n_clusters!r} instead.")
    X = check_array(X, dtype=[np.float64, np.float32], order="C")
    if X.shape[0] < n_clusters:
        raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={n_clusters}.")
    generator = check_random_state(random_state)
    kind, key, position, has_gauss, cached_gaussian = generator.get_state(legacy=True)
    key = np.array(key, dtype=np.uint32)
    position = _native.ctypes.c_int64(position)
    centres = np.empty((n_clusters, X.shape[1]), dtype=X.dtype)
    labels = np.empty(len(X), dtype=np.int64)
    inertia, n_iter = _native.ctypes.c_double(), _native.ctypes.c_int64()
    _native.call("hmmkit_sklearn_kmeans", _native.dtype_code(X.dtype), _native.pointer(X), len(X), X.shape[1],
                 n_clusters, n_init, max_iter, tol, _native.pointer(key), _native.ctypes.byref(position),
                 _native.pointer(centres), _native.pointer(labels), _native.ctypes.byref(inertia),
                 _native.ctypes.byref(n_iter), _threads())
    generator.set_state((kind, key, position.value, has_gauss, cached_gaussian))
    labels = labels.astype(np.int32)
    distinct = len(np.unique(labels))
    if distinct < n_clusters:
        warnings.warn(f"Number of distinct clusters ({distinct}) found smaller than n_clusters ({n_clusters}). "
                      "Possibly due to duplicate points in X.", ConvergenceWarning, stacklevel=2)
    return centres, labels, inertia.value, n_iter.value


class _EngineHMM(BaseHMM):
    """What GaussianHMM and GMMHMM share: the engine model, its fit, scoring and decoding.

    ``kmeans`` (a class attribute; set it on the class or on a model): the k-means of the means'
    initialisation. "scikit-learn" (default): hmmlearn's own call, scikit-learn's ``KMeans``
    with its random stream, computed by the engine, so the same ``random_state`` gives the very
    centres hmmlearn starts from. "hmmkit": one run of the engine's own k-means, about 4x less
    CPU again for the whole initialisation of a GMMHMM (BENCHMARKS.md, "From Python: scikit-learn's
    k-means in the engine"), from other centres of the same quality.
    """

    _estimator = None
    kmeans = "scikit-learn"

    def _n_mix(self):
        return 1

    def _engine_parameters(self):
        """(covariance type code, weights, means, covariances) in the engine's layouts."""
        raise NotImplementedError

    def _engine(self, dtype):
        covariance, weights, means, covars = self._engine_parameters()
        handle = _native.new_handle(
            "hmm", "hmmkit_hmm_create", _native.dtype_code(dtype), self.n_components, self._n_mix(), self.n_features,
            covariance, _native.pointer(_native.doubles(self.startprob_)),
            _native.pointer(_native.doubles(self.transmat_)), _native.pointer(_native.doubles(weights)),
            _native.pointer(_native.doubles(means)), _native.pointer(_native.doubles(covars)))
        end_states = getattr(self, "end_states_", None)
        if end_states is not None:  # scores and paths only of sequences that end there
            _native.call("hmmkit_hmm_set_chain", handle, _native.TOPOLOGY_ERGODIC, 0,
                         _native.pointer(end_state_mask(end_states, self.n_components)))
        return handle

    def _prepared(self, X, lengths):
        check_is_fitted(self, "startprob_")
        self._check()
        X = self._validated(X)
        if X.shape[1] != self.n_features:
            raise ValueError(f"Unexpected number of dimensions, got {X.shape[1]} but expected {self.n_features}")
        return X, _native.lengths_array(lengths, len(X)), self._engine(X.dtype)

    def _compute_log_likelihood(self, X):
        X = np.ascontiguousarray(X, dtype=X.dtype if X.dtype == np.float32 else np.float64)
        handle = self._engine(X.dtype)
        out = np.empty((len(X), self.n_components), dtype=X.dtype)
        _native.call("hmmkit_hmm_log_frameprob", handle, _native.pointer(X), len(X), _native.pointer(out))
        return out

    def _score(self, X, lengths=None, *, compute_posteriors):
        X, lengths, handle = self._prepared(X, lengths)
        log_prob = np.empty(len(lengths))
        if compute_posteriors:
            posteriors = np.empty((len(X), self.n_components), dtype=X.dtype)
            _native.call("hmmkit_hmm_posteriors", handle, _native.pointer(X), len(X), _native.pointer(lengths),
                         len(lengths), self._implementation_code(), _native.pointer(log_prob), _native.pointer(posteriors))
        else:
            posteriors = np.empty((0, self.n_components), dtype=X.dtype)
            _native.call("hmmkit_hmm_score", handle, _native.pointer(X), len(X), _native.pointer(lengths),
                         len(lengths), self._implementation_code(), _native.pointer(log_prob))
        return float(log_prob.sum()), posteriors

    def _viterbi(self, X, lengths):
        lengths = _native.lengths_array(lengths, len(X))
        handle = self._engine(X.dtype)
        log_prob = np.empty(len(lengths))
        states = np.empty(len(X), dtype=np.int64)
        _native.call("hmmkit_hmm_viterbi", handle, _native.pointer(X), len(X), _native.pointer(lengths), len(lengths),
                     _native.pointer(log_prob), _native.pointer(states))
        return float(log_prob.sum()), states

    def _engine_priors(self):
        """The priors as scalars for the engine, or None when one of them is a genuine array."""
        raise NotImplementedError

    def _fit_em(self, X, lengths):
        priors = self._engine_priors()
        if priors is None:
            if getattr(self, "end_states_", None) is not None:
                raise ValueError("end_states_ (from an HMMKit model file) is not supported by the NumPy EM of tied "
                                 "GaussianHMMs and array priors; set it to None to fit without an end condition")
            return super()._fit_em(X, lengths)
        options = _native.FitOptions(
            n_iter=int(self.n_iter), tol=float(self.tol), implementation=self._implementation_code(),
            params=sum(bit for letter, bit in _native.PARAM_BITS.items() if letter in self.params),
            estimator=self._estimator, n_threads=_threads(), **priors)
        handle = self._engine(X.dtype)
        history = np.empty(max(int(self.n_iter), 1))
        done, converged = _native.ctypes.c_int64(), _native.ctypes.c_int()
        _native.call("hmmkit_hmm_fit", handle, _native.pointer(X), len(X), _native.pointer(lengths), len(lengths),
                     _native.ctypes.byref(options), _native.pointer(history), len(history),
                     _native.ctypes.byref(done), _native.ctypes.byref(converged))
        self._read_engine(handle)
        for log_prob in history[:done.value]:
            self.monitor_.report(float(log_prob))

    def _read_engine(self, handle):
        s, m, d = self.n_components, self._n_mix(), self.n_features
        start, trans = np.empty(s), np.empty((s, s))
        weights, means = np.empty((s, m)), np.empty((s, m, d))
        covars = np.empty(self._engine_covariance_size())
        _native.call("hmmkit_hmm_get", handle, _native.pointer(start), _native.pointer(trans),
                     _native.pointer(weights), _native.pointer(means), _native.pointer(covars))
        self.startprob_, self.transmat_ = start, trans
        self._store_emissions(weights, means, covars)

    def _engine_covariance_size(self):
        s, m, d = self.n_components, self._n_mix(), self.n_features
        return {"diag": s * m * d, "spherical": s * m, "full": s * m * d * d, "tied": s * d * d}[self.covariance_type]


class GaussianHMM(_EngineHMM):
    """hmmlearn's ``GaussianHMM``: one Gaussian per state.

    ``covars_`` reads as ``[n_components, n_features, n_features]`` whatever the type and is
    set in the type's compact shape (spherical ``[n]``, diag ``[n, D]``, full ``[n, D, D]``,
    tied ``[D, D]``), as in hmmlearn.
    """

    _estimator = _native.ESTIMATOR_GAUSSIAN_HMM

    def __init__(self, n_components=1, covariance_type="diag", min_covar=1e-3, startprob_prior=1.0,
                 transmat_prior=1.0, means_prior=0, means_weight=0, covars_prior=1e-2, covars_weight=1,
                 algorithm="viterbi", random_state=None, n_iter=10, tol=1e-2, verbose=False, params="stmc",
                 init_params="stmc", implementation="log"):
        super().__init__(n_components, startprob_prior=startprob_prior, transmat_prior=transmat_prior,
                         algorithm=algorithm, random_state=random_state, n_iter=n_iter, tol=tol, verbose=verbose,
                         params=params, init_params=init_params, implementation=implementation)
        self.covariance_type = covariance_type
        self.min_covar = min_covar
        self.means_prior = means_prior
        self.means_weight = means_weight
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight

    @property
    def covars_(self):
        return _expand_covars(self._covars_, self.covariance_type, self.n_components, self.n_features)

    @covars_.setter
    def covars_(self, covars):
        covars = np.array(covars, copy=True, dtype=float)
        if self.covariance_type == "spherical":
            covars = covars.ravel() if covars.size == self.n_components else covars
        _check_covars(covars, self.covariance_type, self.n_components)
        self._covars_ = covars

    def _get_n_fit_scalars_per_param(self):
        nc, nf = self.n_components, self.n_features
        covariance = {"spherical": nc, "diag": nc * nf, "full": nc * nf * (nf + 1) // 2,
                      "tied": nf * (nf + 1) // 2}[self.covariance_type]
        return {"s": nc - 1, "t": nc * (nc - 1), "m": nc * nf, "c": covariance}

    def _init(self, X, lengths=None):
        _check_covariance_type(self.covariance_type)
        super()._init(X, lengths)
        if self._needs_init("m", "means_"):
            self.means_ = _kmeans(X, self.n_components, self.random_state, self.kmeans)[0]
        if self._needs_init("c", "covars_"):
            cv = np.atleast_2d(np.cov(X.T)) + self.min_covar * np.eye(X.shape[1])
            nc = self.n_components
            self.covars_ = {"spherical": lambda: np.full(nc, cv.mean()), "tied": lambda: cv,
                            "diag": lambda: np.tile(np.diag(cv), (nc, 1)),
                            "full": lambda: np.tile(cv, (nc, 1, 1))}[self.covariance_type]()

    def _check(self):
        super()._check()
        self.means_ = np.asarray(self.means_)
        self.n_features = self.means_.shape[1]
        _check_covariance_type(self.covariance_type)

    def _engine_parameters(self):
        s, d = self.n_components, self.n_features
        if self.covariance_type == "tied":  # each state's copy of the shared matrix
            return _native.COVARIANCE_CODES["full"], np.ones(s), self.means_, np.tile(self._covars_, (s, 1, 1))
        covars = np.ravel(self._covars_) if self.covariance_type == "spherical" else self._covars_
        return _native.COVARIANCE_CODES[self.covariance_type], np.ones(s), np.reshape(self.means_, (s, d)), covars

    def _engine_priors(self):
        if self.covariance_type == "tied":
            return None
        values = {name: _scalar(getattr(self, attribute), name) for name, attribute in
                  [("startprob_prior", "startprob_prior"), ("transmat_prior", "transmat_prior"),
                   ("means_prior", "means_prior"), ("means_weight", "means_weight"),
                   ("covars_prior", "covars_prior"), ("covars_weight", "covars_weight")]}
        if any(value is None for value in values.values()):
            return None
        return dict(values, weights_prior=1.0)

    def _engine_covariance_size(self):
        s, d = self.n_components, self.n_features
        return {"diag": s * d, "spherical": s, "full": s * d * d, "tied": s * d * d}[self.covariance_type]

    def _store_emissions(self, weights, means, covars):
        s, d = self.n_components, self.n_features
        self.means_ = means.reshape(s, d)
        self._covars_ = {"diag": lambda: covars.reshape(s, d), "spherical": lambda: covars.copy(),
                         "full": lambda: covars.reshape(s, d, d)}[self.covariance_type]()

    def _generate_sample_from_state(self, state, random_state):
        return random_state.multivariate_normal(self.means_[state], self.covars_[state])

    # -- the NumPy EM of the tied and array-prior cases (hmmlearn's statistics and M-step) ----

    def _initialize_sufficient_statistics(self):
        stats = super()._initialize_sufficient_statistics()
        nc, nf = self.n_components, self.n_features
        stats.update(post=np.zeros(nc), obs=np.zeros((nc, nf)), obs2=np.zeros((nc, nf)),
                     outer=np.zeros((nc, nf, nf)))
        return stats

    def _accumulate_sufficient_statistics(self, stats, X, posteriors, transition_counts, lengths):
        super()._accumulate_sufficient_statistics(stats, X, posteriors, transition_counts, lengths)
        X = X.astype(np.float64)
        stats["post"] += posteriors.sum(axis=0)
        stats["obs"] += posteriors.T @ X
        stats["obs2"] += posteriors.T @ X ** 2
        if self.covariance_type in ("full", "tied"):
            stats["outer"] += np.einsum("ts,ti,tj->sij", posteriors, X, X)

    def _do_mstep(self, stats):
        super()._do_mstep(stats)
        weight, prior = self.means_weight, self.means_prior
        counts = stats["post"][:, None]
        if "m" in self.params:
            self.means_ = (weight * prior + stats["obs"]) / (weight + counts)
        if "c" not in self.params:
            return
        diff = self.means_ - prior
        if self.covariance_type in ("spherical", "diag"):
            scatter = weight * diff ** 2 + stats["obs2"] - 2 * self.means_ * stats["obs"] + self.means_ ** 2 * counts
            variances = (self.covars_prior + scatter) / np.maximum(max(self.covars_weight - 1, 0) + counts, 1e-5)
            self._covars_ = variances.mean(axis=1) if self.covariance_type == "spherical" else variances
            return
        scatter = np.empty((self.n_components, self.n_features, self.n_features))
        for c in range(self.n_components):
            cross = np.outer(stats["obs"][c], self.means_[c])
            scatter[c] = (weight * np.outer(diff[c], diff[c]) + stats["outer"][c] - cross - cross.T
                          + np.outer(self.means_[c], self.means_[c]) * stats["post"][c])
        extra = max(self.covars_weight - self.n_features, 0)
        if self.covariance_type == "tied":
            self._covars_ = (self.covars_prior + scatter.sum(axis=0)) / (extra + stats["post"].sum())
        else:
            self._covars_ = (self.covars_prior + scatter) / (extra + stats["post"][:, None, None])


class GMMHMM(_EngineHMM):
    """hmmlearn's ``GMMHMM``: a mixture of ``n_mix`` Gaussians per state.

    ``weights_`` ``[n_components, n_mix]``, ``means_`` ``[n_components, n_mix, n_features]``,
    ``covars_`` spherical ``[n, n_mix]``, diag ``[n, n_mix, D]``, full ``[n, n_mix, D, D]``,
    tied ``[n, D, D]`` (one matrix per state).
    """

    _estimator = _native.ESTIMATOR_GMM_HMM

    def __init__(self, n_components=1, n_mix=1, min_covar=1e-3, startprob_prior=1.0, transmat_prior=1.0,
                 weights_prior=1.0, means_prior=0.0, means_weight=0.0, covars_prior=None, covars_weight=None,
                 algorithm="viterbi", covariance_type="diag", random_state=None, n_iter=10, tol=1e-2,
                 verbose=False, params="stmcw", init_params="stmcw", implementation="log"):
        super().__init__(n_components, startprob_prior=startprob_prior, transmat_prior=transmat_prior,
                         algorithm=algorithm, random_state=random_state, n_iter=n_iter, tol=tol, verbose=verbose,
                         params=params, init_params=init_params, implementation=implementation)
        self.covariance_type = covariance_type
        self.min_covar = min_covar
        self.n_mix = n_mix
        self.weights_prior = weights_prior
        self.means_prior = means_prior
        self.means_weight = means_weight
        self.covars_prior = covars_prior
        self.covars_weight = covars_weight

    def _n_mix(self):
        return self.n_mix

    def _get_n_fit_scalars_per_param(self):
        nc, nf, nm = self.n_components, self.n_features, self.n_mix
        covariance = {"spherical": nc * nm, "diag": nc * nm * nf, "full": nc * nm * nf * (nf + 1) // 2,
                      "tied": nc * nf * (nf + 1) // 2}[self.covariance_type]
        return {"s": nc - 1, "t": nc * (nc - 1), "m": nc * nm * nf, "c": covariance, "w": nc * (nm - 1)}

    def _default_covar_priors(self):
        """hmmlearn's type-dependent defaults for ``covars_prior`` / ``covars_weight`` left at None."""
        nf, nm = self.n_features, self.n_mix
        prior, weight = {"full": (0.0, -(nf + 2.0)), "tied": (0.0, -(nm + nf + 1.0)), "diag": (-1.5, 0.0),
                         "spherical": (-(nm + 2.0) / 2.0, 0.0)}.get(self.covariance_type, (None, None))
        if self.covars_prior is None:
            self.covars_prior = prior
        if self.covars_weight is None:
            self.covars_weight = weight

    def _init(self, X, lengths=None):
        _check_covariance_type(self.covariance_type)
        super()._init(X, lengths=None)
        nc, nf, nm = self.n_components, self.n_features, self.n_mix
        self._default_covar_priors()
        need_weights, need_means = self._needs_init("w", "weights_"), self._needs_init("m", "means_")
        need_covars = self._needs_init("c", "covars_")
        cv = np.atleast_2d(np.cov(X.T)) + self.min_covar * np.eye(nf) if need_means or need_covars else None
        if need_weights:
            self.weights_ = np.full((nc, nm), 1 / nm)
        if need_means:  # k-means into states, then into each state's components (hmmlearn's scheme)
            labels = _kmeans(X, nc, self.random_state, self.kmeans)[1]
            centre, means = None, []
            for label in range(nc):
                members = X[labels == label]
                if len(members) >= nm:
                    means.append(_kmeans(members, nm, self.random_state, self.kmeans)[0])
                else:  # too few frames in the cluster: draw the means around the centre of all clusters
                    if centre is None:
                        centre = X.mean(axis=0)
                    means.append(np.random.multivariate_normal(centre, cov=cv, size=nm))
            self.means_ = np.stack(means)
        if need_covars:
            self.covars_ = {"tied": lambda: np.tile(cv, (nc, 1, 1)), "full": lambda: np.tile(cv, (nc, nm, 1, 1)),
                            "diag": lambda: np.tile(np.diag(cv), (nc, nm, 1)),
                            "spherical": lambda: np.full((nc, nm), cv.mean())}[self.covariance_type]()

    def _check(self):
        super()._check()
        if not hasattr(self, "n_features"):
            self.n_features = np.asarray(self.means_).shape[2]
        nc, nf, nm = self.n_components, self.n_features, self.n_mix
        _check_covariance_type(self.covariance_type)
        self._default_covar_priors()
        self.weights_ = np.array(self.weights_)
        if self.weights_.shape != (nc, nm):
            raise ValueError(f"weights_ must have shape (n_components, n_mix), actual shape: {self.weights_.shape}")
        self._check_sum_1("weights_")
        self.means_ = np.array(self.means_)
        if self.means_.shape != (nc, nm, nf):
            raise ValueError(f"means_ must have shape (n_components, n_mix, n_features), "
                             f"actual shape: {self.means_.shape}")
        self.covars_ = np.array(self.covars_)
        needed = {"spherical": (nc, nm), "tied": (nc, nf, nf), "diag": (nc, nm, nf), "full": (nc, nm, nf, nf)}
        if self.covars_.shape != needed[self.covariance_type]:
            raise ValueError(f"{self.covariance_type!r} mixture covars must have shape "
                             f"{needed[self.covariance_type]}, actual shape: {self.covars_.shape}")
        if self.covariance_type in ("spherical", "diag"):
            if np.any(self.covars_ < 0):
                raise ValueError(f"{self.covariance_type!r} mixture covars must be non-negative")
            if np.any(self.covars_ == 0):
                _log.warning("Degenerate mixture covariance")
        else:
            matrices = self.covars_.reshape(-1, nf, nf)
            for index, matrix in enumerate(matrices):
                where = f"state #{index}" if self.covariance_type == "tied" else f"state #{index // nm}, mixture #{index % nm}"
                if not np.allclose(matrix, matrix.T):
                    raise ValueError(f"Covariance of {where} is not symmetric")
                smallest = linalg.eigvalsh(matrix).min()
                if smallest < 0:
                    raise ValueError(f"Covariance of {where} is not positive definite")
                if smallest == 0:
                    _log.warning("Covariance of %s has a null eigenvalue.", where)

    def _engine_parameters(self):
        return _native.COVARIANCE_CODES[self.covariance_type], self.weights_, self.means_, self.covars_

    def _engine_priors(self):
        self._default_covar_priors()
        values = {name: _scalar(getattr(self, name), name) for name in
                  ["startprob_prior", "transmat_prior", "weights_prior", "means_prior", "means_weight",
                   "covars_prior", "covars_weight"]}
        varying = [name for name, value in values.items() if value is None]
        if varying:
            raise NotImplementedError(f"hmmkit's GMMHMM takes one value per prior; {', '.join(varying)} "
                                      "differ between states or components")
        return values

    def _store_emissions(self, weights, means, covars):
        s, m, d = self.n_components, self.n_mix, self.n_features
        self.weights_ = weights
        self.means_ = means
        shapes = {"diag": (s, m, d), "spherical": (s, m), "full": (s, m, d, d), "tied": (s, d, d)}
        self.covars_ = covars.reshape(shapes[self.covariance_type])

    def _generate_sample_from_state(self, state, random_state):
        component = random_state.choice(self.n_mix, p=self.weights_[state])
        if self.covariance_type == "tied":
            covariance = self.covars_[state]
        elif self.covariance_type == "full":
            covariance = self.covars_[state, component]
        elif self.covariance_type == "diag":
            covariance = np.diag(self.covars_[state, component])
        else:
            covariance = np.eye(self.n_features) * self.covars_[state, component]
        return random_state.multivariate_normal(self.means_[state, component], covariance)
