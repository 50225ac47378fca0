#!/bin/bash
# Forced-alignment accuracy (issue 17): for each FSDD speaker, phone models trained on the other
# three speakers align connected-digit utterances made from the held-out speaker's recordings
# (`hmmkit connect`, true word times known from the joining); prints per speaker the median
# word-boundary error (starts and ends) and the share within 20 and 50 ms.
#
#   Tools/benchmarks/loso_alignment.sh NAME [train options...]
#
# Needs the training manifests of Tools/benchmarks/loso_unknown_voices.sh in $WORK (run it once).
# Environment: HMMKIT (default .build/release/hmmkit), FSDD, WORK (default /tmp/hmmkit-loso).
set -euo pipefail
name=$1; shift
B=${HMMKIT:-.build/release/hmmkit}
D=$(cd "${FSDD:-../shared/data/fsdd/recordings}" && pwd)
W=${WORK:-/tmp/hmmkit-loso}
mkdir -p "$W/$name"
for s in george jackson lucas nicolas; do
  "$B" train "$W/train_${s}_known.tsv" --quiet -o "$W/$name/$s.json" "$@" > /dev/null
  rm -rf "$W/$name/connected_$s"
  "$B" connect "$D" --speakers from-names --only-speakers "$s" --output "$W/$name/connected_$s" --per-speaker 50 --seed 1 > /dev/null
  "$B" align "$W/$name/$s.json" "$W/$name/connected_$s/manifest.tsv" --speakers from-manifest --quiet \
    --ctm "$W/$name/$s.hyp.ctm" || echo "$s: some utterances were not aligned (listed above)"
done
python3 - "$W/$name" <<'PY'
import statistics, sys
folder = sys.argv[1]
def read(path):
    words = {}
    for line in open(path):
        if not line.strip() or line.startswith(";;"): continue
        utterance, _, start, duration, _ = line.split()[:5]
        words.setdefault(utterance, []).append((float(start), float(start) + float(duration)))
    return words
every = []
for s in ["george", "jackson", "lucas", "nicolas"]:
    truth, hyp = read(f"{folder}/connected_{s}/words.ctm"), read(f"{folder}/{s}.hyp.ctm")
    errors = []
    for utterance, true in truth.items():
        found = hyp.get(utterance, [])
        if len(found) != len(true): print(f"{s} {utterance}: {len(found)} words aligned, {len(true)} true"); continue
        for (a, b), (c, d) in zip(true, found): errors += [abs(a - c), abs(b - d)]
    every += errors
    print(f"{s:8s} boundaries {len(errors):5d}  median {1000 * statistics.median(errors):6.1f} ms  "
          f"≤20 ms {100 * sum(e <= 0.020 for e in errors) / len(errors):5.1f} %  ≤50 ms {100 * sum(e <= 0.050 for e in errors) / len(errors):5.1f} %")
print(f"{'all':8s} boundaries {len(every):5d}  median {1000 * statistics.median(every):6.1f} ms  "
      f"≤20 ms {100 * sum(e <= 0.020 for e in every) / len(every):5.1f} %  ≤50 ms {100 * sum(e <= 0.050 for e in every) / len(every):5.1f} %")
PY
