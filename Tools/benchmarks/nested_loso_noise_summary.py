"""Means over the 12 inner folds of Tools/benchmarks/nested_loso_noise.sh's runs.

    python3 Tools/benchmarks/nested_loso_noise_summary.py NAME [NAME ...]

For each run NAME: the mean accuracy (%) over every inner fold of the outer speakers all NAMEs
have results for, with the speaker known, anonymous, and anonymous in white and babble noise at
10 dB; the lowest anonymous fold; and each fold's anonymous accuracy (outer speaker by outer
speaker, inner speakers in order). Environment: WORK as the shell script.
"""
import json, os, sys

work = os.environ.get("WORK", "/tmp/hmmkit-nested-noise")
names = sys.argv[1:]


def load(name, speaker):
    try:
        with open(os.path.join(work, f"{name}_{speaker}.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


outer = [s for s in ["george", "jackson", "lucas", "nicolas"] if all(load(n, s) for n in names)]
print("outer speakers:", " ".join(outer))
for name in names:
    rows = {"known": [], "anonymous": [], "white": [], "babble": []}
    for s in outer:
        run = load(name, s)
        rows["known"] += run["accuracies"].values()
        rows["anonymous"] += run["anonymousAccuracies"].values()
        for noise in run["noise"]:
            rows[noise["condition"].split(":")[0]] += noise["accuracies"].values()
    means = " ".join(f"{k} {100 * sum(v) / max(len(v), 1):.2f}" for k, v in rows.items())
    folds = " ".join(f"{100 * x:.1f}" for x in rows["anonymous"])
    print(f"{name}: {means}; lowest anonymous {100 * min(rows['anonymous'] or [0]):.1f}; folds {folds}")
