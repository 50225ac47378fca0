"""The MFCC front end: ``mfcc`` and ``delta`` with librosa's, python_speech_features' and Kaldi's presets.

``preset="psf"`` reproduces ``python_speech_features.mfcc`` (+ ``delta`` twice), ``"librosa"``
``librosa.feature.mfcc`` (+ ``librosa.feature.delta``), ``"kaldi"`` ``compute-mfcc-feats`` +
``add-deltas``, each as HMMKit's front end defines the preset (see its DocC reference).
"""
import numpy as np

from . import _native

__all__ = ["mfcc", "delta"]


def mfcc(signal, samplerate=16000, preset="psf", numcep=13, deltas=2, dtype=np.float64):
    """MFCC features of a 1-D signal, ``[frames, numcep * (1 + deltas)]``.

    ``signal``: samples as floats in [-1, 1] (what ``soundfile.read`` and ``librosa.load`` give),
    or an int16 array (divided by 32768). Each preset scales them as its tool does (``psf`` and
    ``kaldi`` work in 16-bit integer units). ``deltas``: 0, 1 or 2.
    """
    if preset not in _native.PRESET_CODES:
        raise ValueError(f"preset must be one of {sorted(_native.PRESET_CODES)} (got {preset!r})")
    signal = np.asarray(signal)
    samples = np.ascontiguousarray(signal, dtype=np.float64)
    if signal.dtype == np.int16:
        samples = samples / 32768.0
    if samples.ndim != 1:
        raise ValueError(f"signal must be one-dimensional (got shape {samples.shape})")
    dtype = np.dtype(dtype)
    if dtype not in (np.float64, np.float32):
        raise ValueError("dtype must be float64 or float32")
    rows, columns = _native.ctypes.c_int64(), _native.ctypes.c_int64()
    arguments = (_native.PRESET_CODES[preset], float(samplerate), int(numcep), int(deltas), _native.pointer(samples),
                 len(samples), _native.dtype_code(dtype))
    try:
        _native.call("hmmkit_mfcc", *arguments, None, 0, _native.ctypes.byref(rows), _native.ctypes.byref(columns))
        return np.empty((0, columns.value), dtype=dtype)
    except _native.HMMKitError as error:
        if error.status != _native.BUFFER_TOO_SMALL:
            raise
    out = np.empty((rows.value, columns.value), dtype=dtype)
    _native.call("hmmkit_mfcc", *arguments, _native.pointer(out), rows.value, _native.ctypes.byref(rows),
                 _native.ctypes.byref(columns))
    return out


def delta(features, N=2):
    """python_speech_features' ``delta``: regression over ±N frames, edges replicated."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or N < 1:
        raise ValueError("features must be [frames, coefficients] and N >= 1")
    padded = np.pad(features, ((N, N), (0, 0)), mode="edge")
    weights = np.arange(-N, N + 1)
    frames = len(features)
    result = sum(w * padded[N + w:N + w + frames] for w in weights if w != 0)
    return result / (2 * sum(w * w for w in range(1, N + 1)))
