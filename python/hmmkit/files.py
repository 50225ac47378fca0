"""HMMKit's own model files from Python, shared with the ``hmmkit`` command line.

``save(model, path)`` writes a GaussianHMM or GMMHMM (hmmkit's or hmmlearn's) as an
``HMMKit.HiddenMarkovModel`` file, which ``hmmkit hmm score`` and ``hmmkit hmm decode`` read, and
a GaussianMixture (hmmkit's or scikit-learn's) as an ``HMMKit.GaussianMixture`` file, which
``hmmkit gmm score`` reads. ``load(path)`` reads either kind, as ``hmmkit hmm fit`` and
``hmmkit gmm fit`` write them, into hmmkit's classes. Both go through the engine: a file is
validated as the command line validates it (errors name the file and the field: ``OSError`` when
it cannot be read or written, ``ValueError`` when it does not hold a usable model), values are
stored exactly (save then load gives the same bits), and a file is written whole to a temporary
beside ``path`` and renamed over it, so a crash never leaves half a model.

What a file does not hold: constructor options (``n_iter``, priors, ``random_state`` …, which
``load`` leaves at their defaults) and the parameters' dtype (loaded parameters are float64).
An HMM file also holds the chain's topology and the states a sequence may end in; ``load`` keeps
them as ``topology_`` ("ergodic" or "left-to-right"), ``max_jump_`` and ``end_states_`` (None:
any state), which ``save`` writes back and scoring honours (see :mod:`hmmkit.hmm`). A custom
topology is read as "ergodic" with the same zero transitions.
"""
import os

import numpy as np
from sklearn.mixture import GaussianMixture as _SKLearnGaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky
from sklearn.utils.validation import check_is_fitted

from . import _native
from .hmm import GMMHMM, GaussianHMM, end_state_mask
from .mixture import GaussianMixture

__all__ = ["load", "save"]

_COVARIANCE_NAMES = {code: name for name, code in _native.COVARIANCE_CODES.items()}
_TOPOLOGY_NAMES = {_native.TOPOLOGY_ERGODIC: "ergodic", _native.TOPOLOGY_LEFT_TO_RIGHT: "left-to-right",
                   _native.TOPOLOGY_CUSTOM: "ergodic"}
_TOPOLOGY_CODES = {"ergodic": _native.TOPOLOGY_ERGODIC, "left-to-right": _native.TOPOLOGY_LEFT_TO_RIGHT}


def _path(path):
    return os.fsencode(os.fspath(path))


def load(path):
    """The model in the HMMKit model file at ``path``.

    An ``HMMKit.HiddenMarkovModel`` file gives a :class:`hmmkit.hmm.GaussianHMM` when its states
    hold one Gaussian each (covariance type as in the file; per-state "tied" matrices read as
    "tied" when all states share one matrix, "full" otherwise) and a :class:`hmmkit.hmm.GMMHMM`
    otherwise; an ``HMMKit.GaussianMixture`` file gives a :class:`hmmkit.mixture.GaussianMixture`.
    Raises ``OSError`` when the file cannot be read and ``ValueError`` naming the file and field
    when it is not a valid model file.
    """
    kind = _native.ctypes.c_int()
    _native.call("hmmkit_model_file_kind", _path(path), _native.ctypes.byref(kind))
    if kind.value == _native.FILE_GMM:
        return _load_mixture(path)
    return _load_hmm(path)


def _load_hmm(path):
    handle = _native.new_handle("hmm", "hmmkit_hmm_load", _path(path), _native.FLOAT64)
    s, m, d = _native.ctypes.c_int64(), _native.ctypes.c_int64(), _native.ctypes.c_int64()
    code = _native.ctypes.c_int()
    _native.call("hmmkit_hmm_shape", handle, *map(_native.ctypes.byref, (s, m, d, code)))
    s, m, d, covariance_type = s.value, m.value, d.value, _COVARIANCE_NAMES[code.value]
    per_state = {"diag": m * d, "spherical": m, "full": m * d * d, "tied": d * d}[covariance_type]
    start, trans = np.empty(s), np.empty((s, s))
    weights, means, covars = np.empty((s, m)), np.empty((s, m, d)), np.empty(s * per_state)
    _native.call("hmmkit_hmm_get", handle, *map(_native.pointer, (start, trans, weights, means, covars)))
    topology, jump, ends = _native.ctypes.c_int(), _native.ctypes.c_int64(), np.empty(s, dtype=np.uint8)
    _native.call("hmmkit_hmm_get_chain", handle, _native.ctypes.byref(topology), _native.ctypes.byref(jump),
                 _native.pointer(ends))
    if m == 1:
        matrices = covars.reshape(s, -1)
        shared = covariance_type == "tied" and np.all(matrices == matrices[0])
        if covariance_type == "tied":
            covariance_type = "tied" if shared else "full"
        model = GaussianHMM(n_components=s, covariance_type=covariance_type)
        model.n_features = d
        model.means_ = means.reshape(s, d)
        model._covars_ = {"diag": lambda: covars.reshape(s, d), "spherical": lambda: covars,
                          "full": lambda: covars.reshape(s, d, d), "tied": lambda: covars[:d * d].reshape(d, d)}[covariance_type]()
    else:
        model = GMMHMM(n_components=s, n_mix=m, covariance_type=covariance_type)
        model.n_features = d
        model._store_emissions(weights, means, covars)
    model.startprob_, model.transmat_ = start, trans
    model.topology_ = _TOPOLOGY_NAMES[topology.value]
    model.max_jump_ = int(jump.value) if topology.value == _native.TOPOLOGY_LEFT_TO_RIGHT else 0
    model.end_states_ = None if np.all(ends == 1) else np.flatnonzero(ends)
    return model


def _load_mixture(path):
    handle = _native.new_handle("gmm", "hmmkit_gmm_load", _path(path), _native.FLOAT64)
    k, d, code = _native.ctypes.c_int64(), _native.ctypes.c_int64(), _native.ctypes.c_int()
    _native.call("hmmkit_gmm_shape", handle, *map(_native.ctypes.byref, (k, d, code)))
    k, d, covariance_type = k.value, d.value, _COVARIANCE_NAMES[code.value]
    shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[covariance_type]
    weights, means, covariances = np.empty(k), np.empty((k, d)), np.empty(shape)
    _native.call("hmmkit_gmm_get", handle, *map(_native.pointer, (weights, means, covariances)))
    model = GaussianMixture(n_components=k, covariance_type=covariance_type)
    model._set_parameters((weights, means, covariances, _compute_precision_cholesky(covariances, covariance_type)),
                          xp=np)
    model.n_features_in_ = d
    return model


def save(model, path):
    """Writes ``model`` to ``path`` as an HMMKit model file, atomically.

    ``model``: a fitted (or fully set) GaussianHMM or GMMHMM of hmmkit or hmmlearn, or a
    GaussianMixture of hmmkit or scikit-learn. A GaussianHMM with ``covariance_type="tied"`` is
    written with each state holding the shared matrix. Raises ``ValueError`` for parameters that
    do not make a model (the engine's checks, naming the parameter) and ``OSError`` when the file
    cannot be written (the previous file, if any, is left as it was).
    """
    if isinstance(model, _SKLearnGaussianMixture):
        return _save_mixture(model, path)
    if not hasattr(model, "startprob_") or not hasattr(model, "transmat_"):
        raise ValueError(f"hmmkit.save writes GaussianHMM, GMMHMM and GaussianMixture models, "
                         f"not {type(model).__name__} (or the model is not fitted)")
    return _save_hmm(model, path)


def _save_hmm(model, path):
    model._check()
    s, covariance_type = model.n_components, model.covariance_type
    means = np.asarray(model.means_, dtype=np.float64)
    d = means.shape[-1]
    if hasattr(model, "n_mix"):
        m, weights, covars = model.n_mix, model.weights_, model.covars_
    else:  # GaussianHMM: its compact covariances, one Gaussian per state
        m, weights, covars = 1, np.ones(s), np.asarray(model._covars_)
        if covariance_type == "tied":
            covars = np.tile(covars, (s, 1, 1))
    handle = _native.new_handle(
        "hmm", "hmmkit_hmm_create", _native.FLOAT64, s, m, d, _native.COVARIANCE_CODES[covariance_type],
        *(_native.pointer(_native.doubles(values)) for values in (model.startprob_, model.transmat_, weights, means, covars)))
    topology = getattr(model, "topology_", "ergodic")
    if topology not in _TOPOLOGY_CODES:
        raise ValueError(f"topology_ must be 'ergodic' or 'left-to-right' (got {topology!r})")
    end_states = getattr(model, "end_states_", None)
    if topology != "ergodic" or end_states is not None:
        mask = None if end_states is None else end_state_mask(end_states, s)
        try:
            _native.call("hmmkit_hmm_set_chain", handle, _TOPOLOGY_CODES[topology], int(getattr(model, "max_jump_", 0)),
                         _native.pointer(mask))
        except _native.HMMKitError as error:
            raise ValueError(f"{error} (topology_ {topology!r}, end_states_ {end_states}; "
                             "topology_ = 'ergodic' saves the chain without its topology)") from None
    _native.call("hmmkit_hmm_save", handle, _path(path))


def _save_mixture(model, path):
    check_is_fitted(model)
    covariances = getattr(model, "covariances_", None)
    if covariances is None:  # parameters set through precisions only
        covariances = GaussianMixture._engine_covariances(model)
    k, d = np.shape(model.means_)
    handle = _native.new_handle(
        "gmm", "hmmkit_gmm_create", _native.FLOAT64, k, d, _native.COVARIANCE_CODES[model.covariance_type],
        *(_native.pointer(_native.doubles(values)) for values in (model.weights_, model.means_, covariances)))
    _native.call("hmmkit_gmm_save", handle, _path(path))
