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

    def _engine(self, dtype):
        k, d = self.means_.shape
        return _native.new_handle(
            "gmm", "hmmkit_gmm_create", _native.dtype_code(dtype), k, d, _native.COVARIANCE_CODES[self.covariance_type],
            _native.pointer(_native.doubles(self.weights_)), _native.pointer(_native.doubles(self.means_)),
            _native.pointer(_native.doubles(self.covariances_)))

    def _engine_em(self, X):
        """EM from the current parameters; returns (lower bounds, converged)."""
        handle = self._engine(X.dtype)
        bounds = np.empty(self.max_iter)
        done, converged = _native.ctypes.c_int64(), _native.ctypes.c_int()
        threads = int(os.environ.get("HMMKIT_NUM_THREADS", os.cpu_count() or 1))
        _native.call("hmmkit_gmm_fit", handle.value, _native.pointer(X), len(X), self.max_iter, float(self.tol),
                     float(self.reg_covar), threads, _native.pointer(bounds), len(bounds),
                     _native.ctypes.byref(done), _native.ctypes.byref(converged))
        k, d = self.means_.shape
        weights, means = np.empty(k), np.empty((k, d))
        shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[self.covariance_type]
        covariances = np.empty(shape)
        _native.call("hmmkit_gmm_get", handle.value, _native.pointer(weights), _native.pointer(means),
                     _native.pointer(covariances))
        covariances = covariances.astype(X.dtype)
        self._set_parameters((weights.astype(X.dtype), means.astype(X.dtype), covariances,
                              _compute_precision_cholesky(covariances, self.covariance_type)))
        return list(bounds[:done.value]), bool(converged.value)

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
        self._check_parameters(X)
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        n_init = self.n_init if do_init else 1
        random_state = check_random_state(self.random_state)
        best = None
        self.converged_ = False
        for _ in range(n_init):
            if do_init:
                self._initialize_parameters(X, random_state)
            if self.max_iter == 0:
                bounds, converged = [-np.inf if do_init else self.lower_bound_], False
            else:
                bounds, converged = self._engine_em(X)
            if best is None or bounds[-1] > best[0]:
                best = (bounds[-1], self._get_parameters(), len(bounds) if self.max_iter else 0, bounds, converged)
        lower_bound, parameters, n_iter, bounds, converged = best
        self.converged_ = converged
        if not converged and self.max_iter > 0:
            warnings.warn("Best performing initialization did not converge. Try different init parameters, or "
                          "increase max_iter, tol, or check for degenerate data.", ConvergenceWarning)
        self._set_parameters(parameters)
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
        _native.call("hmmkit_gmm_score_samples", self._engine(X.dtype).value, _native.pointer(X), len(X),
                     _native.pointer(out))
        return out

    def predict_proba(self, X):
        """The components' responsibilities for every row."""
        X = self._checked(X)
        out = np.empty((len(X), self.n_components), dtype=X.dtype)
        _native.call("hmmkit_gmm_predict_proba", self._engine(X.dtype).value, _native.pointer(X), len(X),
                     _native.pointer(out))
        return out

    def predict(self, X):
        """The most responsible component of every row."""
        return self.predict_proba(X).argmax(axis=1)
