#!/bin/bash
# Inner folds of "a word never heard" (issue 17), for choosing options without looking at a
# held-out speaker: for each FSDD speaker O (an outer fold's held-out speaker), each of the other
# three is held out in turn, phone models are trained on the remaining two with every recording of
# DIGIT removed, and the held-out speaker's 500 recordings are recognised among all ten digits,
# speaker known. Prints per outer fold the removed digit's recall and the other nine's accuracy,
# both pooled over its three inner speakers, then the means over the four outer folds.
#
#   Tools/benchmarks/inner_unheard_word.sh NAME DIGIT [train options...]
#
# Environment: HMMKIT (default .build/release/hmmkit), FSDD (default ../shared/data/fsdd/recordings),
# WORK (default /tmp/hmmkit-inner-unheard).
set -euo pipefail
name=$1; digit=$2; shift 2
B=${HMMKIT:-.build/release/hmmkit}
D=$(cd "${FSDD:-../shared/data/fsdd/recordings}" && pwd)
W=${WORK:-/tmp/hmmkit-inner-unheard}/$name-$digit
mkdir -p "$W"
labels=$(seq 0 9 | grep -vx "$digit" | paste -sd, -)
all="george jackson lucas nicolas"
for outer in $all; do
  for test in $all; do
    [ "$test" = "$outer" ] && continue
    train=$(echo $all | tr ' ' '\n' | grep -vx "$outer" | grep -vx "$test" | paste -sd' ')
    : > "$W/train-$outer-$test.tsv"; : > "$W/test-$outer-$test.tsv"
    for f in "$D"/*.wav; do
      b=$(basename "$f"); IFS=_ read -r label speaker _ <<< "${b%.wav}"
      if [ "$speaker" = "$test" ]; then printf '%s\t%s\t%s\n' "$f" "$label" "$speaker" >> "$W/test-$outer-$test.tsv"
      else case " $train " in *" $speaker "*) printf '%s\t%s\t%s\n' "$f" "$label" "$speaker" >> "$W/train-$outer-$test.tsv";; esac; fi
    done
    "$B" train "$W/train-$outer-$test.tsv" --quiet --labels "$labels" -o "$W/$outer-$test.json" "$@" > /dev/null
    "$B" evaluate "$W/$outer-$test.json" "$W/test-$outer-$test.tsv" --json > "$W/$outer-$test.eval.json"
  done
done
python3 - "$W" "$digit" "$name" <<'PY'
import json, sys
folder, digit, name = sys.argv[1:]
speakers = ["george", "jackson", "lucas", "nicolas"]
removed, others = [], []
for outer in speakers:
    rows = [r for test in speakers if test != outer for r in json.load(open(f"{folder}/{outer}-{test}.eval.json"))["results"]]
    hit = lambda rs: 100 * sum(r["reference"] == r.get("recognized") for r in rs) / len(rs)
    removed.append(hit([r for r in rows if r["reference"] == digit]))
    others.append(hit([r for r in rows if r["reference"] != digit]))
    print(f"{name:24s} without {outer:8s} removed {digit}: {removed[-1]:5.1f}   other nine: {others[-1]:5.1f}")
print(f"{name:24s} mean over outer folds   removed {digit}: {sum(removed) / 4:5.1f}   other nine: {sum(others) / 4:5.1f}")
PY
