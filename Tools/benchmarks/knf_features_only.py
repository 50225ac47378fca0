"""kaldi-native-fbank's feature-only time on FSDD, the peer figure that `hmmkit features` end to
end is compared with (BENCHMARKS.md, issue 15 "features end to end").

Runs exactly ../shared/peers/w1_features.py's kaldi-native-fbank path (its `load_all` and
`feat_knf`: Kaldi's default MFCC at 8 kHz, dither 0, 13 cepstra + add-deltas = 39 dims), with
loading excluded from the timing, one untimed warm-up call, then PASSES timed passes over every
file. Prints one line per pass (wall seconds, and the process's CPU seconds over the pass) and
the medians:

  knf features-only pass 1: 0.912 s wall, 0.905 s cpu (2000 files)
  knf features-only median 0.912 s wall, 0.905 s cpu over 1 passes

  $PEERS_VENV/bin/python Tools/benchmarks/knf_features_only.py [PASSES 1]

Run it alternately with the `hmmkit features` command in the same session (one process each,
interleaved) and compare medians: the machine drifts too much for figures from separate runs.
Data: $FSDD_DIR (default ../shared/data/fsdd/recordings); one BLAS/OpenMP thread is forced.
"""
import os
import statistics
import sys
import time

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
here = os.path.dirname(os.path.abspath(__file__))
peers = os.path.abspath(os.path.join(here, "..", "..", "..", "shared", "peers"))
os.environ.setdefault("FSDD_DIR", os.path.join(peers, "..", "data", "fsdd", "recordings"))
sys.path.insert(0, peers)
import glob  # noqa: E402

import w1_features  # noqa: E402


def main():
    passes = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    files = sorted(glob.glob(os.path.join(w1_features.DATA, "*.wav")))
    assert files, f"no WAV files in {w1_features.DATA}"
    signals = w1_features.load_all(files)
    w1_features.feat_knf(signals[0])
    walls, cpus = [], []
    for index in range(passes):
        start, start_cpu = time.perf_counter(), time.process_time()
        outputs = [w1_features.feat_knf(signal) for signal in signals]
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
        print(f"knf features-only pass {index + 1}: {walls[-1]:.3f} s wall, {cpus[-1]:.3f} s cpu "
              f"({len(outputs)} files)", flush=True)
    print(f"knf features-only median {statistics.median(walls):.3f} s wall, {statistics.median(cpus):.3f} s cpu "
          f"over {passes} passes", flush=True)


if __name__ == "__main__":
    main()
