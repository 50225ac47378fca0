"""ctypes binding of libHMMKitC (Sources/HMMKitC/include/hmmkit.h).

Every call goes through :func:`call`, which passes a message buffer and turns a non-zero
status into a Python exception. ctypes releases the GIL for the duration of each foreign call.
"""
import ctypes
import os

import numpy as np

OK, INVALID_ARGUMENT, SHAPE_MISMATCH, NUMERICAL_FAILURE, BUFFER_TOO_SMALL, FILE_ACCESS, INVALID_FILE = range(7)
FLOAT64, FLOAT32 = 0, 1
COVARIANCE_CODES = {"diag": 0, "spherical": 1, "full": 2, "tied": 3}
IMPLEMENTATION_CODES = {"scaling": 0, "log": 1}
PRESET_CODES = {"kaldi": 0, "librosa": 1, "psf": 2}
PARAM_BITS = {"s": 1, "t": 2, "w": 4, "m": 8, "c": 16}
ESTIMATOR_GAUSSIAN_HMM, ESTIMATOR_GMM_HMM = 0, 1
FILE_HMM, FILE_GMM = 1, 2
TOPOLOGY_ERGODIC, TOPOLOGY_LEFT_TO_RIGHT, TOPOLOGY_CUSTOM = 0, 1, 2


class FitOptions(ctypes.Structure):
    """``hmmkit_fit_options``."""
    _fields_ = [("n_iter", ctypes.c_int64), ("tol", ctypes.c_double), ("implementation", ctypes.c_int64),
                ("params", ctypes.c_int64), ("estimator", ctypes.c_int64), ("n_threads", ctypes.c_int64),
                ("startprob_prior", ctypes.c_double), ("transmat_prior", ctypes.c_double),
                ("weights_prior", ctypes.c_double), ("means_prior", ctypes.c_double),
                ("means_weight", ctypes.c_double), ("covars_prior", ctypes.c_double),
                ("covars_weight", ctypes.c_double)]


def _library_path():
    explicit = os.environ.get("HMMKIT_LIBRARY")
    if explicit:
        return explicit
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "libHMMKitC.so")


_P = ctypes.c_void_p
_I64 = ctypes.c_int64
_I32 = ctypes.c_int
_D = ctypes.c_double
_U64 = ctypes.c_uint64
_S = ctypes.c_char_p
_MSG = [ctypes.c_char_p, ctypes.c_size_t]

_SIGNATURES = {
    "hmmkit_hmm_create": [_I32, _I64, _I64, _I64, _I32, _P, _P, _P, _P, _P, _P],
    "hmmkit_hmm_get": [_P, _P, _P, _P, _P, _P],
    "hmmkit_hmm_fit": [_P, _P, _I64, _P, _I64, _P, _P, _I64, _P, _P],
    "hmmkit_hmm_score": [_P, _P, _I64, _P, _I64, _I32, _P],
    "hmmkit_hmm_posteriors": [_P, _P, _I64, _P, _I64, _I32, _P, _P],
    "hmmkit_hmm_log_frameprob": [_P, _P, _I64, _P],
    "hmmkit_hmm_viterbi": [_P, _P, _I64, _P, _I64, _P, _P],
    "hmmkit_chain_forward_backward": [_I64, _P, _P, _P, _I64, _P, _I64, _I32, _P, _P, _P],
    "hmmkit_chain_viterbi": [_I64, _P, _P, _P, _I64, _P, _I64, _P, _P],
    "hmmkit_gmm_create": [_I32, _I64, _I64, _I32, _P, _P, _P, _P],
    "hmmkit_gmm_get": [_P, _P, _P, _P],
    "hmmkit_gmm_fit": [_P, _P, _I64, _I64, _D, _D, _I64, _P, _I64, _P, _P],
    "hmmkit_gmm_score_samples": [_P, _P, _I64, _P],
    "hmmkit_gmm_predict_proba": [_P, _P, _I64, _P],
    "hmmkit_mfcc": [_I32, _D, _I32, _I32, _P, _I64, _I32, _P, _I64, _P, _P],
    "hmmkit_kmeans": [_I32, _P, _I64, _I64, _I64, _I64, _U64, _P, _P, _P],
    "hmmkit_sklearn_kmeans": [_I32, _P, _I64, _I64, _I64, _I64, _I64, _D, _P, _P, _P, _P, _P, _P, _I64],
    "hmmkit_model_file_kind": [_S, _P],
    "hmmkit_hmm_load": [_S, _I32, _P],
    "hmmkit_hmm_save": [_P, _S],
    "hmmkit_hmm_shape": [_P, _P, _P, _P, _P],
    "hmmkit_hmm_get_chain": [_P, _P, _P, _P],
    "hmmkit_hmm_set_chain": [_P, _I32, _I64, _P],
    "hmmkit_gmm_load": [_S, _I32, _P],
    "hmmkit_gmm_save": [_P, _S],
    "hmmkit_gmm_shape": [_P, _P, _P, _P],
}

lib = ctypes.CDLL(_library_path())
for _name, _arguments in _SIGNATURES.items():
    _function = getattr(lib, _name)
    _function.argtypes = _arguments + _MSG
    _function.restype = ctypes.c_int
lib.hmmkit_hmm_destroy.argtypes = [_P]
lib.hmmkit_hmm_destroy.restype = None
lib.hmmkit_gmm_destroy.argtypes = [_P]
lib.hmmkit_gmm_destroy.restype = None


class HMMKitError(ValueError):
    """An error reported by the HMMKit engine (a ``ValueError``, as hmmlearn raises)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def call(name, *arguments):
    """Calls ``name`` with ``arguments`` and a message buffer; raises on a non-zero status."""
    message = ctypes.create_string_buffer(1024)
    status = getattr(lib, name)(*arguments, message, len(message))
    if status == FILE_ACCESS:
        raise OSError(message.value.decode("utf-8", "replace"))
    if status != OK:
        raise HMMKitError(status, message.value.decode("utf-8", "replace"))
    return status


def pointer(array):
    """The data pointer of a C-contiguous array (None for None)."""
    return None if array is None else array.ctypes.data_as(ctypes.c_void_p)


def doubles(values, shape=None):
    """A C-contiguous float64 copy-if-needed of ``values`` (reshaped to ``shape`` if given)."""
    array = np.ascontiguousarray(values, dtype=np.float64)
    return array if shape is None else array.reshape(shape)


def dtype_code(dtype):
    return FLOAT32 if np.dtype(dtype) == np.float32 else FLOAT64


def lengths_array(lengths, n_samples):
    """hmmlearn's lengths as int64 (one sequence of all rows when None)."""
    if lengths is None:
        return np.array([n_samples], dtype=np.int64)
    values = np.asarray(lengths)
    if values.ndim == 0:
        values = values.reshape(1)
    result = np.ascontiguousarray(values, dtype=np.int64)
    if result.sum() != n_samples:
        raise ValueError(f"lengths array {list(values)} doesn't sum to {n_samples} samples")
    return result


class Handle:
    """Owns one engine model handle; releases it when collected. Passed to ctypes calls as the
    handle itself (``_as_parameter_``), so it stays alive until the call returns."""

    def __init__(self, kind, value):
        self.kind = kind
        self.value = value

    @property
    def _as_parameter_(self):
        return self.value

    def __del__(self):
        if self.value:
            destroy = lib.hmmkit_hmm_destroy if self.kind == "hmm" else lib.hmmkit_gmm_destroy
            destroy(self.value)
            self.value = None


def new_handle(kind, create, *arguments):
    """A :class:`Handle` of ``kind`` ("hmm" or "gmm") made by the function ``create``."""
    result = ctypes.c_void_p()
    call(create, *arguments, ctypes.byref(result))
    return Handle(kind, result)
