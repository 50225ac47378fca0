"""Peak memory of a GMMHMM fit on 10 million frames, against the size of the data itself.

10,000,000 x 39 frames (float64 by default, `--float32` for single precision) in 10,000 sequences
of 1,000 frames, a 5-state GMMHMM with 3 diagonal components per state started from fixed
parameters (init_params="", so no k-means over the whole corpus), n_iter=2.
Prints the process's peak resident memory (ru_maxrss, which includes the Python interpreter,
NumPy and scikit-learn) and its ratio to the data's bytes. hmmlearn would hold posteriors
[frames x states x components] per sequence and the frame log-likelihoods on top of the data.

Run: python memory.py [--float32]
"""
import resource
import sys
import time

import numpy as np

import hmmkit.hmm as hmm

N, D, S, M = 10_000_000, 39, 5, 3
dtype = np.float32 if "--float32" in sys.argv else np.float64
rng = np.random.default_rng(0)
X = np.empty((N, D), dtype=dtype)
for start in range(0, N, 1_000_000):  # filled in blocks: no float64 temporary of the whole matrix
    X[start:start + 1_000_000] = rng.standard_normal((1_000_000, D), dtype=np.float32) + (start // 1_000_000 % S)
lengths = [1000] * (N // 1000)
model = hmm.GMMHMM(n_components=S, n_mix=M, covariance_type="diag", n_iter=2, init_params="", tol=-np.inf)
model.startprob_ = np.full(S, 1 / S)
model.transmat_ = np.full((S, S), 1 / S)
model.weights_ = np.full((S, M), 1 / M)
model.means_ = rng.normal(0, 2, (S, M, D))
model.covars_ = np.ones((S, M, D))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
start = time.perf_counter()
model.fit(X, lengths)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(f"{np.dtype(dtype).name}: data {X.nbytes / 2**30:.3f} GiB; peak RSS before fit {before / 2**30:.3f} GiB, "
      f"after {peak / 2**30:.3f} GiB = {peak / X.nbytes:.3f} x the data; fit {seconds:.1f} s, "
      f"history {[round(v, 1) for v in model.monitor_.history]}")
