#!/bin/bash
# Leave-one-speaker-out on FSDD with the held-out speaker known and with every recording
# anonymous, for any set of `hmmkit train` options (issue 16's measurements, BENCHMARKS.md
# "Unknown voices").
#
#   Tools/benchmarks/loso_unknown_voices.sh NAME known|anon [train options...]
#
# known: the training manifests name each recording's speaker; anon: they do not (and the files
# are reached through links whose names carry no speaker), so training sees only unknown voices.
# The held-out speaker's 500 recordings are evaluated twice: as a manifest with its speaker
# column (known) and without one (anonymous). Prints one line per case: the four speakers'
# accuracies (george, jackson, lucas, nicolas) and their mean.
# Environment: HMMKIT (default .build/release/hmmkit), FSDD (default ../shared/data/fsdd/recordings),
# WORK (default /tmp/hmmkit-loso).
set -euo pipefail
name=$1; mode=$2; shift 2
B=${HMMKIT:-.build/release/hmmkit}
D=$(cd "${FSDD:-../shared/data/fsdd/recordings}" && pwd)
W=${WORK:-/tmp/hmmkit-loso}
mkdir -p "$W/links" "$W/$name"
speakers="george jackson lucas nicolas"
for s in $speakers; do
  for f in "$D"/*.wav; do
    b=$(basename "$f"); IFS=_ read -r label speaker _ <<< "${b%.wav}"
    link="$W/links/x${b//_/-}"; [ -e "$link" ] || ln -s "$f" "$link"
    if [ "$speaker" = "$s" ]; then
      printf '%s\t%s\t%s\n' "$f" "$label" "$speaker" >&3; printf '%s\t%s\n' "$link" "$label" >&4
    else
      printf '%s\t%s\t%s\n' "$f" "$label" "$speaker" >&5; printf '%s\t%s\n' "$link" "$label" >&6
    fi
  done 3>"$W/test_${s}_known.tsv" 4>"$W/test_${s}_anon.tsv" 5>"$W/train_${s}_known.tsv" 6>"$W/train_${s}_anon.tsv"
  "$B" train "$W/train_${s}_${mode}.tsv" --quiet -o "$W/$name/$s.json" "$@" > /dev/null
  for t in anon known; do "$B" evaluate "$W/$name/$s.json" "$W/test_${s}_${t}.tsv" --json > "$W/$name/$s.$t.json"; done
done
for t in anon known; do
  python3 - "$W/$name" "$t" "$name" <<'PY'
import json, sys
folder, case, name = sys.argv[1:]
accuracies = [100 * (lambda j: j["correct"] / j["count"])(json.load(open(f"{folder}/{s}.{case}.json")))
              for s in ["george", "jackson", "lucas", "nicolas"]]
print(f"{name:24s} {case:5s} " + " ".join(f"{a:5.1f}" for a in accuracies) + f"  mean {sum(accuracies) / 4:5.1f}")
PY
done
