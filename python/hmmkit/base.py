"""hmmlearn 0.3's ``base`` module on HMMKit: ``ConvergenceMonitor`` and ``BaseHMM``.

``BaseHMM`` runs forward-backward and Viterbi in HMMKit's engine on the emission
log-likelihoods of ``_compute_log_likelihood`` (subclasses define it, as in hmmlearn), and
EM over hmmlearn's hooks (``_initialize_sufficient_statistics``,
``_accumulate_sufficient_statistics``, ``_do_mstep``). ``hmmkit.hmm``'s GaussianHMM and GMMHMM
override the whole fit with the engine's Baum-Welch.
"""
import logging
import string
import sys
from collections import deque

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_array, check_is_fitted, check_random_state

from . import _native

_log = logging.getLogger(__name__)

DECODER_ALGORITHMS = frozenset(("viterbi", "map"))


class ConvergenceMonitor:
    """hmmlearn's convergence monitor: the log-likelihood history and the stopping rule.

    ``converged`` is true once ``n_iter`` iterations ran or the last gain is below ``tol``.
    ``history`` keeps every reported value (hmmlearn keeps them too, in a deque).
    """

    _template = "{iter:>10d} {log_prob:>16.8f} {delta:>+16.8f}"

    def __init__(self, tol, n_iter, verbose):
        self.tol = tol
        self.n_iter = n_iter
        self.verbose = verbose
        self.history = deque()
        self.iter = 0

    def __repr__(self):
        fields = sorted(dict(vars(self), history=list(self.history)).items())
        body = "".join(f"    {key}={value},\n" for key, value in fields)
        return f"{type(self).__name__}(\n{body})"

    def _reset(self):
        self.iter = 0
        self.history.clear()

    def report(self, log_prob):
        """Records one iteration's log-likelihood (printing it to stderr when verbose)."""
        if self.verbose:
            delta = log_prob - self.history[-1] if self.history else np.nan
            print(self._template.format(iter=self.iter + 1, log_prob=log_prob, delta=delta), file=sys.stderr)
        slack = np.finfo(float).eps ** 0.5
        if self.history and log_prob - self.history[-1] < -slack:
            _log.warning("Model is not converging.  Current: %s is not greater than %s. Delta is %s",
                         log_prob, self.history[-1], log_prob - self.history[-1])
        self.history.append(log_prob)
        self.iter += 1

    @property
    def converged(self):
        return self.iter == self.n_iter or (len(self.history) >= 2 and self.history[-1] - self.history[-2] < self.tol)


def _split(X, lengths):
    """The rows of ``X`` cut by ``lengths`` (hmmlearn's check and message)."""
    if lengths is None:
        return [X]
    bounds = np.cumsum(lengths)
    if bounds[-1] != len(X):
        raise ValueError(f"lengths array {lengths} doesn't sum to {len(X)} samples")
    return np.split(X, bounds)[:-1]


class BaseHMM(BaseEstimator):
    """hmmlearn's ``BaseHMM``: parameters, checks, scoring, decoding, sampling and EM.

    Subclasses provide ``_compute_log_likelihood(X)`` (``[n_samples, n_components]``) and, to
    be trained, ``_get_n_fit_scalars_per_param``, the sufficient statistics and ``_do_mstep``.

    ``implementation``: "log" (default) gives log space's results: the engine runs its scaled
    forward-backward for a sequence only when it can show that nothing that matters was lost to
    underflow, else the log-space pass (``ForwardBackwardImplementation.checkedScaled``);
    "scaling" is the scaled pass, which reruns a sequence in log space only when a frame's
    normaliser collapses.
    """

    def __init__(self, n_components=1, startprob_prior=1.0, transmat_prior=1.0, algorithm="viterbi",
                 random_state=None, n_iter=10, tol=1e-2, verbose=False, params=string.ascii_letters,
                 init_params=string.ascii_letters, implementation="log"):
        self.n_components = n_components
        self.params = params
        self.init_params = init_params
        self.algorithm = algorithm
        self.n_iter = n_iter
        self.tol = tol
        self.verbose = verbose
        self.implementation = implementation
        self.random_state = random_state
        self.startprob_prior = startprob_prior
        self.transmat_prior = transmat_prior
        self.monitor_ = ConvergenceMonitor(self.tol, self.n_iter, self.verbose)

    # -- checks -----------------------------------------------------------------------------

    def _implementation_code(self):
        if self.implementation not in _native.IMPLEMENTATION_CODES:
            raise ValueError(f"implementation must be 'scaling' or 'log' (got {self.implementation!r})")
        return _native.IMPLEMENTATION_CODES[self.implementation]

    def _check_sum_1(self, name):
        sums = getattr(self, name).sum(axis=-1)
        if not np.allclose(sums, 1):
            if sums.ndim == 0:
                raise ValueError(f"{name} must sum to 1 (got {sums:.4f})")
            if sums.ndim == 1:
                raise ValueError(f"{name} rows must sum to 1 (got row sums of {sums})")
            raise ValueError("Expected 1D or 2D array")

    def _check(self):
        self.startprob_ = np.asarray(self.startprob_)
        if len(self.startprob_) != self.n_components:
            raise ValueError("startprob_ must have length n_components")
        self._check_sum_1("startprob_")
        self.transmat_ = np.asarray(self.transmat_)
        if self.transmat_.shape != (self.n_components, self.n_components):
            raise ValueError("transmat_ must have shape (n_components, n_components)")
        self._check_sum_1("transmat_")

    def _check_and_set_n_features(self, X):
        n_features = X.shape[1]
        if hasattr(self, "n_features"):
            if self.n_features != n_features:
                raise ValueError(f"Unexpected number of dimensions, got {n_features} but expected {self.n_features}")
        else:
            self.n_features = n_features

    def _needs_init(self, code, name):
        if code in self.init_params:
            if hasattr(self, name):
                _log.warning("Even though the %r attribute is set, it will be overwritten during initialization "
                             "because 'init_params' contains %r", name, code)
            return True
        return not hasattr(self, name)

    def _validated(self, X):
        """``X`` as a finite 2-D float array (float32 kept, everything else float64)."""
        X = check_array(X, dtype=[np.float64, np.float32])
        return np.ascontiguousarray(X)

    # -- initialisation ---------------------------------------------------------------------

    def _init(self, X, lengths=None):
        self._check_and_set_n_features(X)
        uniform = np.full(self.n_components, 1.0 / self.n_components)
        random_state = check_random_state(self.random_state)
        if self._needs_init("s", "startprob_"):
            self.startprob_ = random_state.dirichlet(uniform)
        if self._needs_init("t", "transmat_"):
            self.transmat_ = random_state.dirichlet(uniform, size=self.n_components)
        per_param = self._get_n_fit_scalars_per_param()
        if per_param is not None:
            n_fit_scalars = sum(per_param[p] for p in self.params if p in per_param)
            if X.size < n_fit_scalars:
                _log.warning("Fitting a model with %d free scalar parameters with only %d data points will result "
                             "in a degenerate solution.", n_fit_scalars, X.size)

    def _get_n_fit_scalars_per_param(self):
        raise NotImplementedError("Must be overridden in subclass")

    # -- scoring and decoding ---------------------------------------------------------------

    def _forward_backward(self, X, lengths, posteriors=True):
        """Engine forward-backward on ``_compute_log_likelihood``: per-sequence log-probabilities,
        posteriors ``[n, S]`` (or None) and the expected transition counts ``[S, S]``."""
        lengths = _native.lengths_array(lengths, len(X))
        log_frameprob = _native.doubles(self._compute_log_likelihood(X))
        s = self.n_components
        log_prob = np.empty(len(lengths))
        gamma = np.empty((len(X), s)) if posteriors else None
        counts = np.empty((s, s))
        _native.call("hmmkit_chain_forward_backward", s, _native.pointer(_native.doubles(self.startprob_)),
                     _native.pointer(_native.doubles(self.transmat_)), _native.pointer(log_frameprob), len(X),
                     _native.pointer(lengths), len(lengths), self._implementation_code(), _native.pointer(log_prob),
                     _native.pointer(gamma), _native.pointer(counts))
        return log_prob, gamma, counts

    def _score(self, X, lengths=None, *, compute_posteriors):
        check_is_fitted(self, "startprob_")
        self._check()
        X = self._validated(X)
        log_prob, gamma, _ = self._forward_backward(X, lengths, posteriors=compute_posteriors)
        if gamma is None:
            gamma = np.empty((0, self.n_components))
        return float(log_prob.sum()), gamma

    def score_samples(self, X, lengths=None):
        """Log-likelihood of ``X`` and the state posteriors of every frame."""
        return self._score(X, lengths, compute_posteriors=True)

    def score(self, X, lengths=None):
        """Log-likelihood of ``X`` (the sum over its sequences)."""
        return self._score(X, lengths, compute_posteriors=False)[0]

    def _viterbi(self, X, lengths):
        lengths = _native.lengths_array(lengths, len(X))
        log_frameprob = _native.doubles(self._compute_log_likelihood(X))
        log_prob = np.empty(len(lengths))
        states = np.empty(len(X), dtype=np.int64)
        _native.call("hmmkit_chain_viterbi", self.n_components, _native.pointer(_native.doubles(self.startprob_)),
                     _native.pointer(_native.doubles(self.transmat_)), _native.pointer(log_frameprob), len(X),
                     _native.pointer(lengths), len(lengths), _native.pointer(log_prob), _native.pointer(states))
        return float(log_prob.sum()), states

    def decode(self, X, lengths=None, algorithm=None):
        """The most likely state sequence: Viterbi (joint log-probability) or MAP (per frame)."""
        check_is_fitted(self, "startprob_")
        self._check()
        algorithm = algorithm or self.algorithm
        if algorithm not in DECODER_ALGORITHMS:
            raise ValueError(f"Unknown decoder {algorithm!r}")
        X = self._validated(X)
        if algorithm == "viterbi":
            return self._viterbi(X, lengths)
        log_prob, states = 0.0, []
        for part in _split(X, lengths):
            _, gamma = self.score_samples(part)
            log_prob += np.max(gamma, axis=1).sum()
            states.append(np.argmax(gamma, axis=1))
        return log_prob, np.concatenate(states)

    def predict(self, X, lengths=None):
        return self.decode(X, lengths)[1]

    def predict_proba(self, X, lengths=None):
        return self.score_samples(X, lengths)[1]

    def sample(self, n_samples=1, random_state=None, currstate=None):
        """``n_samples`` frames and their states, drawn as hmmlearn draws them."""
        check_is_fitted(self, "startprob_")
        self._check()
        random_state = check_random_state(self.random_state if random_state is None else random_state)
        transmat_cdf = np.cumsum(self.transmat_, axis=1)
        if currstate is None:
            currstate = (np.cumsum(self.startprob_) > random_state.rand()).argmax()
        states = [currstate]
        frames = [self._generate_sample_from_state(currstate, random_state=random_state)]
        for _ in range(n_samples - 1):
            currstate = (transmat_cdf[currstate] > random_state.rand()).argmax()
            states.append(currstate)
            frames.append(self._generate_sample_from_state(currstate, random_state=random_state))
        return np.atleast_2d(frames), np.array(states, dtype=int)

    def _generate_sample_from_state(self, state, random_state):
        return ()

    def get_stationary_distribution(self):
        """The eigenvector of ``transmat_.T`` for eigenvalue 1, normalised to sum to 1."""
        check_is_fitted(self, "transmat_")
        values, vectors = linalg.eig(self.transmat_.T)
        vector = np.real_if_close(vectors[:, np.argmax(values)])
        return vector / vector.sum()

    def aic(self, X, lengths=None):
        n_params = sum(self._get_n_fit_scalars_per_param().values())
        return -2 * self.score(X, lengths=lengths) + 2 * n_params

    def bic(self, X, lengths=None):
        n_params = sum(self._get_n_fit_scalars_per_param().values())
        return -2 * self.score(X, lengths=lengths) + n_params * np.log(len(X))

    # -- EM over hmmlearn's hooks ------------------------------------------------------------

    def _initialize_sufficient_statistics(self):
        return {"nobs": 0, "start": np.zeros(self.n_components),
                "trans": np.zeros((self.n_components, self.n_components))}

    def _accumulate_sufficient_statistics(self, stats, X, posteriors, transition_counts, lengths):
        stats["nobs"] += len(lengths)
        if "s" in self.params:
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            stats["start"] += posteriors[starts].sum(axis=0)
        if "t" in self.params:
            stats["trans"] += transition_counts

    def _do_mstep(self, stats):
        if "s" in self.params:
            start = np.maximum(self.startprob_prior - 1 + stats["start"], 0)
            start = np.where(self.startprob_ == 0, 0, start)
            self.startprob_ = start / start.sum()
        if "t" in self.params:
            trans = np.maximum(self.transmat_prior - 1 + stats["trans"], 0)
            trans = np.where(self.transmat_ == 0, 0, trans)
            sums = trans.sum(axis=1, keepdims=True)
            self.transmat_ = np.divide(trans, sums, out=np.zeros_like(trans), where=sums != 0)

    def fit(self, X, lengths=None):
        """EM in Python over the engine's forward-backward (subclasses override it with the engine's)."""
        X = self._validated(X)
        if lengths is None:
            lengths = np.asarray([X.shape[0]])
        lengths = _native.lengths_array(lengths, len(X))
        self._init(X, lengths)
        self._check()
        self.monitor_._reset()
        self._fit_em(X, lengths)
        return self

    def _fit_em(self, X, lengths):
        """hmmlearn's EM loop: engine forward-backward, statistics and M-step in NumPy."""
        for _ in range(self.n_iter):
            log_prob, gamma, counts = self._forward_backward(X, lengths)
            stats = self._initialize_sufficient_statistics()
            self._accumulate_sufficient_statistics(stats, X, gamma, counts, lengths)
            self._do_mstep(stats)
            self.monitor_.report(float(log_prob.sum()))
            if self.monitor_.converged:
                break
