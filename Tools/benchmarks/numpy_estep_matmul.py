"""numpy's matmul on the GMM E-step shape, the peer of HMMKit's `E-step multiply` benchmark.

Times C = X @ M for X: 100,000 x 39 and M: 39 x 64 (float64 and float32), one BLAS thread
(threadpoolctl), C preallocated and written with `np.matmul(X, M, out=C)` as HMMKit writes into
an existing matrix. One warm-up, then REPS timed runs (default 50); prints median and min in ms
and GFLOP/s (2*N*D*K FLOPs).

Run in the peers' environment (../shared/peers/setup.sh):
    ~/.cache/hmmkit-peers-venv/bin/python Tools/benchmarks/numpy_estep_matmul.py
"""
import os
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

N, D, K = 100_000, 39, 64
REPS = int(os.environ.get("REPS", "50"))


def main():
    rng = np.random.default_rng(0)
    with threadpool_limits(limits=1):
        for dtype in (np.float64, np.float32):
            x = rng.uniform(-1, 1, (N, D)).astype(dtype)
            m = rng.uniform(-1, 1, (D, K)).astype(dtype)
            c = np.empty((N, K), dtype=dtype)
            np.matmul(x, m, out=c)
            times = []
            for _ in range(REPS):
                t = time.perf_counter()
                np.matmul(x, m, out=c)
                times.append(time.perf_counter() - t)
            median, best = statistics.median(times), min(times)
            print(f"numpy matmul {N}x{D} @ {D}x{K} {np.dtype(dtype).name}: median {median * 1e3:.2f} ms, "
                  f"min {best * 1e3:.2f} ms, {2 * N * D * K / median / 1e9:.1f} GFLOP/s (median)")


if __name__ == "__main__":
    main()
