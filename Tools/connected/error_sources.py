#!/usr/bin/env python3
"""Where connected-word errors come from: each reference word of make_connected.py's utterances
traced back to the isolated recording it was cut from (by replaying the script's seeded choices),
aligned against the connected hypothesis (HResults-style Levenshtein), and set beside the
isolated recognizer's answer for that recording (`hmmkit evaluate --json`).

    error_sources.py RECORDINGS CONN_TEXT HYP ISOLATED_JSON SPEAKER [--seed 1 --count 200 --min 2 --max 7 --speakers …]

The options must be those make_connected.py was run with (its pause noise draws are replayed too).
"""
import argparse, collections, json, os, random, wave

def picks(recordings, speakers, count, lo, hi, seed):
    rng = random.Random(seed)
    names = sorted(os.listdir(recordings))
    out = {}
    for speaker in speakers:
        mine = [n for n in names if n.endswith(".wav") and n.split("_")[1] == speaker]
        for k in range(count):
            n = rng.randint(lo, hi)
            chosen = [rng.choice(mine) for _ in range(n)]
            with wave.open(os.path.join(recordings, chosen[0])) as w: rate = w.getframerate()
            def pause():
                ms = rng.uniform(50, 400)
                for _ in range(int(rate * ms / 1000)): rng.gauss(0, 8.0)
            for i, _ in enumerate(chosen):
                if i == 0: pause()
                pause()
            out[f"c_{speaker}_{k:03d}"] = chosen
    return out

def align(ref, hyp):
    n, m = len(ref), len(hyp)
    d = [[None] * (m + 1) for _ in range(n + 1)]
    d[0][0] = (0, 0, None)
    for i in range(1, n + 1): d[i][0] = (i, i, "D")
    for j in range(1, m + 1): d[0][j] = (j, j, "I")
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            miss = ref[i - 1] != hyp[j - 1]
            d[i][j] = min((d[i - 1][j - 1][0] + miss, d[i - 1][j - 1][1], "S" if miss else "C"),
                          (d[i - 1][j][0] + 1, d[i - 1][j][1] + 1, "D"), (d[i][j - 1][0] + 1, d[i][j - 1][1] + 1, "I"))
    ops, i, j = [], n, m
    while i > 0 or j > 0:
        op = d[i][j][2]
        if op in "CS": ops.append((op, i - 1, hyp[j - 1])); i -= 1; j -= 1
        elif op == "D": ops.append(("D", i - 1, None)); i -= 1
        else: ops.append(("I", None, hyp[j - 1])); j -= 1
    return ops[::-1]

p = argparse.ArgumentParser()
for a in ["recordings", "text", "hyp", "isolated", "speaker"]: p.add_argument(a)
p.add_argument("--seed", type=int, default=1); p.add_argument("--count", type=int, default=200)
p.add_argument("--min", type=int, default=2); p.add_argument("--max", type=int, default=7)
p.add_argument("--speakers", default="george,jackson,lucas,nicolas")
a = p.parse_args()
source = picks(a.recordings, a.speakers.split(","), a.count, a.min, a.max, a.seed)
ref = {l.split()[0]: l.split()[1:] for l in open(a.text) if l.startswith(f"c_{a.speaker}_")}
hyp = {l.split()[0]: l.split()[1:] for l in open(a.hyp) if l.split()}
iso = {os.path.basename(r["file"]): r["recognized"] for r in json.load(open(a.isolated))["results"]}
table = collections.Counter(); ins = collections.Counter(); dels = collections.Counter(); subs = collections.Counter()
position = collections.Counter()
for uid, words in ref.items():
    files = source[uid]
    assert [f.split("_")[0] for f in files] == words, uid
    for op, i, h in align(words, hyp.get(uid, [])):
        if op == "I": ins[h] += 1; continue
        right = iso[files[i]] == words[i]
        table[(op, right)] += 1
        where = "first" if i == 0 else "last" if i == len(words) - 1 else "middle"
        position[(op, where)] += 1
        if op == "D": dels[words[i]] += 1
        if op == "S": subs[(words[i], h)] += 1
N = sum(table.values())
print(f"{a.speaker}: N={N}  isolated right: C={table[('C', True)]} S={table[('S', True)]} D={table[('D', True)]}"
      f"  isolated wrong: C={table[('C', False)]} S={table[('S', False)]} D={table[('D', False)]}  I={sum(ins.values())}")
iso_acc = sum(v for (op, r), v in table.items() if r) / N
conn_acc = (table[('C', True)] + table[('C', False)] - sum(ins.values())) / N
print(f"  isolated acc on these words {100*iso_acc:.1f}  connected Acc {100*conn_acc:.1f}")
print("  by position:", {f"{op}-{w}": v for (op, w), v in sorted(position.items()) if op != "C"},
      "words per position:", {w: sum(v for (op, ww), v in position.items() if ww == w) for w in ["first", "middle", "last"]})
print("  deleted:", dict(dels.most_common(6)), " inserted:", dict(ins.most_common(6)))
print("  substitutions:", ", ".join(f"{r}->{h} {v}" for (r, h), v in subs.most_common(8)))
