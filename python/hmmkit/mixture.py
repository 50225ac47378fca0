"""scikit-learn's ``GaussianMixture`` with EM, scoring and responsibilities in HMMKit's engine.

The class subclasses ``sklearn.mixture.GaussianMixture``: parameter validation, the
initialisations (``init_params``, ``weights_init`` …), restarts (``n_init``), ``warm_start``,
``bic``/``aic``, ``sample`` and every attribute are scikit-learn's; each EM run, and
``score_samples``, ``predict_proba`` and ``predict``, run in the engine with scikit-learn's
M-step (``reg_covar``, no variance floor, every component updated) and stopping rule.
"""
import os
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture as _SKLearnGaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _native

__all__ = ["GaussianMixture"]


class GaussianMixture(_SKLearnGaussianMixture):
    """scikit-learn's Gaussian mixture (same parameters and attributes), trained by HMMKit."""

    def _engine_covariances(self):
        """The covariances the engine starts from: ``covariances_``, or those of
        ``precisions_cholesky_`` when scikit-learn initialised from ``precisions_init``."""
        if getattr(self, "covariances_", None) is not None:
            covariances = np.asarray(self.covariances_, dtype=np.float64)
        else:
            factors = np.asarray(self.precisions_cholesky_, dtype=np.float64)
            if self.covariance_type in ("diag", "spherical"):
                covariances = 1.0 / factors ** 2
            else:
                single = factors.ndim == 2
                matrices = factors[None] if single else factors
                covariances = np.array([np.linalg.inv(f @ f.T) for f in matrices])
                covariances = covariances[0] if single else covariances
        if self.covariance_type in ("full", "tied"):  # symmetric to the last bit
            covariances = (covariances + np.swapaxes(covariances, -1, -2)) / 2
        return covariances

    def _engine(self, dtype):
        k, d = self.means_.shape
        weights = np.asarray(self.weights_, dtype=np.float64)
        # scikit-learn's initial weights need not sum to 1 (random_from_data, k-means++ give
        # n_components / n_samples); responsibilities do not depend on their scale.
        weights = weights / weights.sum()
        return _native.new_handle(
            "gmm", "hmmkit_gmm_create", _native.dtype_code(dtype), k, d, _native.COVARIANCE_CODES[self.covariance_type],
            _native.pointer(_native.doubles(weights)), _native.pointer(_native.doubles(self.means_)),
            _native.pointer(_native.doubles(self._engine_covariances())))

    def _engine_em(self, X, max_iter):
        """At most ``max_iter`` EM iterations from the current parameters; returns (lower bounds, converged)."""
        handle = self._engine(X.dtype)
        bounds = np.empty(max_iter)
        done, converged = _native.ctypes.c_int64(), _native.ctypes.c_int()
        threads = int(os.environ.get("HMMKIT_NUM_THREADS", os.cpu_count() or 1))
        _native.call("hmmkit_gmm_fit", handle, _native.pointer(X), len(X), max_iter, float(self.tol),
                     float(self.reg_covar), threads, _native.pointer(bounds), len(bounds),
                     _native.ctypes.byref(done), _native.ctypes.byref(converged))
        k, d = self.means_.shape
        weights, means = np.empty(k), np.empty((k, d))
        shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[self.covariance_type]
        covariances = np.empty(shape)
        _native.call("hmmkit_gmm_get", handle, _native.pointer(weights), _native.pointer(means),
                     _native.pointer(covariances))
        covariances = covariances.astype(X.dtype)
        self._set_parameters((weights.astype(X.dtype), means.astype(X.dtype), covariances,
                              _compute_precision_cholesky(covariances, self.covariance_type)), xp=np)
        return list(bounds[:done.value]), bool(converged.value)

    def _warm_em(self, X):
        """EM continuing a previous fit: scikit-learn compares the first iteration's bound with the
        previous fit's ``lower_bound_``, so the first iteration runs alone."""
        bounds, _ = self._engine_em(X, 1)
        if abs(bounds[0] - self.lower_bound_) < self.tol or self.max_iter == 1:
            return bounds, abs(bounds[0] - self.lower_bound_) < self.tol
        more, converged = self._engine_em(X, self.max_iter - 1)
        return bounds + more, converged

    def fit(self, X, y=None):
        """Estimates the parameters by EM (``n_init`` starts, the best lower bound kept)."""
        self.fit_predict(X, y)
        return self

    def fit_predict(self, X, y=None):
        """Fits, then labels every row with its most responsible component."""
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        X = np.ascontiguousarray(X)
        if X.shape[0] < self.n_components:
            raise ValueError(f"Expected n_samples >= n_components but got n_components = {self.n_components}, "
                             f"n_samples = {X.shape[0]}")
        self._check_parameters(X, xp=np)
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        n_init = self.n_init if do_init else 1
        random_state = check_random_state(self.random_state)
        best = None
        self.converged_ = False
        for _ in range(n_init):
            if do_init:
                self._initialize_parameters(X, random_state, xp=np)
            if self.max_iter == 0:
                best = (-np.inf if do_init else self.lower_bound_, self._get_parameters(), 0, [], False)
                continue
            bounds, converged = self._engine_em(X, self.max_iter) if do_init else self._warm_em(X)
            if best is None or bounds[-1] > best[0]:
                best = (bounds[-1], self._get_parameters(), len(bounds), bounds, converged)
        lower_bound, parameters, n_iter, bounds, converged = best
        self.converged_ = converged
        if not converged and self.max_iter > 0:
            warnings.warn("Best performing initialization did not converge. Try different init parameters, or "
                          "increase max_iter, tol, or check for degenerate data.", ConvergenceWarning)
        self._set_parameters(parameters, xp=np)
        self.n_iter_ = n_iter
        self.lower_bound_ = lower_bound
        self.lower_bounds_ = bounds
        return self.predict_proba(X).argmax(axis=1)

    def _checked(self, X):
        check_is_fitted(self)
        return np.ascontiguousarray(validate_data(self, X, dtype=[np.float64, np.float32], reset=False))

    def score_samples(self, X):
        """log p(x) of every row."""
        X = self._checked(X)
        out = np.empty(len(X))
        handle = self._engine(X.dtype)  # alive until the call returns
        _native.call("hmmkit_gmm_score_samples", handle, _native.pointer(X), len(X),
                     _native.pointer(out))
        return out.astype(X.dtype, copy=False)  # scikit-learn's dtype: the data's

    def predict_proba(self, X):
        """The components' responsibilities for every row."""
        X = self._checked(X)
        out = np.empty((len(X), self.n_components), dtype=X.dtype)
        handle = self._engine(X.dtype)  # alive until the call returns
        _native.call("hmmkit_gmm_predict_proba", handle, _native.pointer(X), len(X),
                     _native.pointer(out))
        return out

    def predict(self, X):
        """The most responsible component of every row."""
        return self.predict_proba(X).argmax(axis=1)
