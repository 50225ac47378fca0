"""Nested leave-one-speaker-out choice (Tools/benchmarks/nested_loso.sh's results).

    python3 Tools/benchmarks/nested_loso_choose.py NAME [NAME ...]

For each outer speaker S, the run (NAME) with the highest mean inner anonymous accuracy over S's
3 inner folds (ties: known, then the earlier NAME), and that run's outer accuracies on S; then the
means and the six -> eight confusions of the chosen runs. Environment: WORK as the shell script.
"""
import json, sys, os
root = os.path.join(os.environ.get("WORK", "/tmp/hmmkit-loso"), "nested")
sp = ["george", "jackson", "lucas", "nicolas"]
cands = sys.argv[1:]
def acc(f):
    j = json.load(open(f)); return 100 * j["correct"] / j["count"]
def s68(f):
    j = json.load(open(f)); L = j["labels"]; return j["confusion"][L.index("6")][L.index("8")]
tot = {"anon": [], "known": []}; c68 = 0
for s in sp:
    scores = []
    for c in cands:
        try:
            a = sum(acc(f"{root}/{c}/inner_{s}_{t}.anon.json") for t in sp if t != s) / 3
            k = sum(acc(f"{root}/{c}/inner_{s}_{t}.known.json") for t in sp if t != s) / 3
            scores.append((a, k, -cands.index(c), c))
        except Exception: pass
    print(s, "inner:", ", ".join(f"{c} {a:.2f}/{k:.2f}" for a, k, _, c in scores))
    best = max(scores)[3]
    try:
        r = {m: acc(f"{root}/{best}/outer_{s}.{m}.json") for m in ["anon", "known"]}
        c68 += sum(s68(f"{root}/{best}/outer_{s}.{m}.json") for m in ["anon", "known"])
        print(f"  chosen {best}: outer anon {r['anon']:.1f} known {r['known']:.1f}")
        for m in r: tot[m].append(r[m])
    except Exception: print(f"  chosen {best}: outer not run yet")
if len(tot["anon"]) == 4: print(f"nested: anon mean {sum(tot['anon'])/4:.2f}, known mean {sum(tot['known'])/4:.2f}, 6->8 (anon+known) {c68}")
