"""hmmlearn against hmmkit on W3 (w3_fit.py), as interleaved whole processes: one warm-up pair,
then ROUNDS pairs, each side a fresh `w3_fit.py SIDE FEATURES [OPTION…]`. Prints every pair's
`fit` CPU and wall seconds (the ten `fit` calls alone, as w3_fit.py measures them) and their
ratios (hmmlearn / hmmkit), then the medians of the ratios; checks that both sides end every
digit's fit at the same iteration count, and prints the largest relative difference of their final
log-likelihoods.

python w3_pairs.py FEATURES.npz [ROUNDS=3] [--omp1] [w3_fit.py options: --em-only, --fast-init, --scaling]
  FEATURES.npz: from `w3_fit.py --cache` (made with OMP_NUM_THREADS=1, as scikit-learn's k-means
  then computes what the engine reproduces).
  --omp1: OMP_NUM_THREADS=1 for both sides (scikit-learn's k-means and NumPy's BLAS on one
  thread: the setting under which hmmkit's initialisation equals hmmlearn's bit for bit).
  Without it both sides run with their defaults (hmmkit's E-step and k-means runs on
  HMMKIT_NUM_THREADS, default every core; scikit-learn's k-means on OpenMP's default).
Run it with the Python of a venv holding hmmlearn, with PYTHONPATH and HMMKIT_LIBRARY set for hmmkit.
"""
import os
import re
import statistics
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))


def run(side, features, options, env):
    out = subprocess.run([sys.executable, os.path.join(here, "w3_fit.py"), side, features, *options],
                         env=env, capture_output=True, text=True, check=True).stdout.splitlines()
    cpu, wall = map(float, re.match(r"fit cpu ([0-9.]+) s wall ([0-9.]+) s", out[-1]).groups())
    fits = [line.split() for line in out[:-1]]
    return cpu, wall, [(int(iterations), float(value)) for _, iterations, value in fits]


def main():
    arguments = sys.argv[1:]
    features = arguments.pop(0)
    rounds = int(arguments.pop(0)) if arguments and arguments[0].isdigit() else 3
    env = dict(os.environ)
    if "--omp1" in arguments:
        arguments.remove("--omp1")
        env["OMP_NUM_THREADS"] = "1"
    else:
        env.pop("OMP_NUM_THREADS", None)
    cpu_ratios, wall_ratios, largest = [], [], 0.0
    for round_ in range(rounds + 1):
        theirs = run("hmmlearn", features, arguments, env)
        ours = run("hmmkit", features, arguments, env)
        for (i1, v1), (i2, v2) in zip(theirs[2], ours[2]):
            if i1 != i2:
                sys.exit(f"fits differ: hmmlearn {i1} iterations ({v1!r}), hmmkit {i2} ({v2!r})")
            largest = max(largest, abs(v1 - v2) / abs(v1))
        label = "warm-up" if round_ == 0 else f"pair {round_}"
        print(f"{label}: hmmlearn cpu {theirs[0]:.2f} s wall {theirs[1]:.2f} s; hmmkit cpu {ours[0]:.3f} s "
              f"wall {ours[1]:.3f} s; ratios cpu {theirs[0] / ours[0]:.1f} wall {theirs[1] / ours[1]:.1f}", flush=True)
        if round_ > 0:
            cpu_ratios.append(theirs[0] / ours[0])
            wall_ratios.append(theirs[1] / ours[1])
    print(f"median of {rounds} pairs: cpu ratio {statistics.median(cpu_ratios):.1f} "
          f"(min {min(cpu_ratios):.1f}, max {max(cpu_ratios):.1f}), wall ratio {statistics.median(wall_ratios):.1f} "
          f"(min {min(wall_ratios):.1f}, max {max(wall_ratios):.1f}); final log-likelihoods within {largest:.1e} relative")


if __name__ == "__main__":
    main()
