"""kaldiio reading a Kaldi archive, the peer of HMMKit's `Kaldi ark read` benchmarks (MatrixFiles).

Writes 1,000 utterances of 100 x 39 float32 (100,000 frames, 15.6 MB of data) with kaldiio's
save_ark (and its .scp) into a temporary folder, then times reading every matrix with
load_ark (front to back) and with load_scp (in file order), REPS times each (default 20), warm
page cache, as the Swift benchmark does. Prints median ms and MB/s of matrix data.

    ~/.cache/hmmkit-peers-venv/bin/python Tools/benchmarks/kaldiio_read.py
"""
import os
import statistics
import tempfile
import time

import kaldiio
import numpy as np

UTTERANCES, FRAMES, DIM = 1000, 100, 39
REPS = int(os.environ.get("REPS", "20"))


def timed(body):
    body()  # warm-up
    times = []
    for _ in range(REPS):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    rng = np.random.default_rng(0)
    data = {f"utt{i}": rng.standard_normal((FRAMES, DIM)).astype(np.float32) for i in range(UTTERANCES)}
    megabytes = UTTERANCES * FRAMES * DIM * 4 / 1e6
    with tempfile.TemporaryDirectory() as folder:
        ark, scp = os.path.join(folder, "feats.ark"), os.path.join(folder, "feats.scp")
        kaldiio.save_ark(ark, data, scp=scp)

        def read_ark():
            rows = 0
            for _, matrix in kaldiio.load_ark(ark):
                rows += matrix.shape[0]
            assert rows == UTTERANCES * FRAMES

        def read_scp():
            rows = 0
            for _, matrix in kaldiio.load_scp_sequential(scp):
                rows += matrix.shape[0]
            assert rows == UTTERANCES * FRAMES

        for name, body in (("load_ark", read_ark), ("load_scp_sequential", read_scp)):
            seconds = timed(body)
            print(f"kaldiio {kaldiio.__version__} {name}: {seconds * 1e3:.1f} ms median, {megabytes / seconds:.0f} MB/s "
                  f"({UTTERANCES} x {FRAMES}x{DIM} float32)")


if __name__ == "__main__":
    main()
