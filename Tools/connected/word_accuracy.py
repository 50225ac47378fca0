#!/usr/bin/env python3
"""HResults-style word and sentence figures of a hypothesis against a reference (Kaldi text:
id then words), by Levenshtein alignment (substitution, deletion, insertion each cost 1).
Prints H D S I N, %Corr, Acc and the sentence accuracy. A stop-gap until `hmmkit score`.

    word_accuracy.py REF HYP
"""
import sys

def load(path):
    out = {}
    for line in open(path):
        parts = line.split()
        if parts: out[parts[0]] = parts[1:]
    return out

def align(ref, hyp):
    # d[i][j] = (cost, d + i, s, d, i) for ref[:i] vs hyp[:j]: fewest edits, then among equal
    # ones the fewest deletions plus insertions (a substitution rather than a deletion and an insertion).
    n, m = len(ref), len(hyp)
    d = [[None] * (m + 1) for _ in range(n + 1)]
    d[0][0] = (0, 0, 0, 0, 0)
    for i in range(1, n + 1): d[i][0] = (i, i, 0, i, 0)
    for j in range(1, m + 1): d[0][j] = (j, j, 0, 0, j)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            c, e, s, dl, ins = d[i - 1][j - 1]
            miss = ref[i - 1] != hyp[j - 1]
            best = (c + miss, e, s + miss, dl, ins)
            c, e, s, dl, ins = d[i - 1][j]
            best = min(best, (c + 1, e + 1, s, dl + 1, ins))
            c, e, s, dl, ins = d[i][j - 1]
            best = min(best, (c + 1, e + 1, s, dl, ins + 1))
            d[i][j] = best
    return d[n][m][2:]

ref, hyp = load(sys.argv[1]), load(sys.argv[2])
S = D = I = N = sent = right = 0
for uid, words in ref.items():
    s, dl, ins = align(words, hyp.get(uid, []))
    S += s; D += dl; I += ins; N += len(words); sent += 1; right += (s + dl + ins == 0)
H = N - D - S
print(f"H={H} D={D} S={S} I={I} N={N} %Corr={100 * H / N:.2f} Acc={100 * (H - I) / N:.2f} "
      f"SENT={100 * right / sent:.2f} ({right}/{sent}) missing={sum(1 for u in ref if u not in hyp)}")
