"""Shared helpers of the make_*_references.py scripts: the checked .npy fixture writer (2-D
float64, C order, finite, read back and hashed for the manifest) and the relative error that
HMMKit's tests use (max |a - b| / max |b|)."""
import hashlib
import os

import numpy as np


class Writer:
    """Saves fixture arrays under `root` and remembers their shape, size and sha256."""

    def __init__(self, root):
        self.root = root
        self.files = {}

    def save(self, rel, array, dtypes=(np.float64,), finite=True):
        """np.save of a 2-D C-order array of one of `dtypes` (finite unless `finite` is False),
        read back and compared, then hashed."""
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        assert array.dtype in dtypes and array.ndim == 2 and array.flags.c_contiguous, rel
        assert not finite or np.all(np.isfinite(array)), rel
        np.save(path, array)
        back = np.load(path)
        assert back.dtype == array.dtype and back.shape == array.shape and not np.isfortran(back)
        assert np.array_equal(back, array, equal_nan=not finite), f"read-back differs: {rel}"
        self.record(rel, shape=list(array.shape))

    def record(self, rel, **extra):
        """Hashes a fixture file written by other means (an archive, a script file)."""
        path = os.path.join(self.root, rel)
        with open(path, "rb") as fh:
            sha = hashlib.sha256(fh.read()).hexdigest()
        self.files[rel] = dict(extra, bytes=os.path.getsize(path), sha256=sha)


def rel_err(a, b):
    """max |a - b| / max |b| (arrays of the same shape)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    scale = max(float(np.abs(b).max()), 1e-300)
    return float(np.abs(a - b).max() / scale)
