#!/bin/bash
# Nested leave-one-speaker-out for choosing training options without the held-out speaker's
# score (BENCHMARKS.md, "Unknown voices (issue 16): discriminative training").
#
#   Tools/benchmarks/nested_loso.sh NAME inner|outer [train options...]
#
# Needs the manifests of loso_unknown_voices.sh in WORK (run it once). outer: the 4 LOSO folds
# (train on 3 speakers, evaluate the 4th anonymous and known). inner: for each outer speaker S
# and each of its 3 training speakers T, train on the other 2 and evaluate T (12 folds). Results
# (evaluate --json) in WORK/nested/NAME; Tools/benchmarks/nested_loso_choose.py reads them.
# Environment: HMMKIT (default .build/release/hmmkit), WORK (default /tmp/hmmkit-loso).
set -euo pipefail
name=$1; level=$2; shift 2
B=${HMMKIT:-.build/release/hmmkit}
W=${WORK:-/tmp/hmmkit-loso}
R=$W/nested/$name
mkdir -p "$R"
speakers="george jackson lucas nicolas"
for s in $speakers; do
  if [ "$level" = outer ]; then
    "$B" train "$W/train_${s}_known.tsv" --quiet -o "$R/outer_$s.json" "$@" > /dev/null
    for c in anon known; do "$B" evaluate "$R/outer_$s.json" "$W/test_${s}_$c.tsv" --json > "$R/outer_$s.$c.json"; done
    continue
  fi
  for t in $speakers; do
    [ "$s" = "$t" ] && continue
    f=$W/nested/inner_${s}_$t
    awk -F'\t' -v t="$t" '$3 != t' "$W/train_${s}_known.tsv" > "$f.train.tsv"
    awk -F'\t' -v t="$t" '$3 == t' "$W/train_${s}_known.tsv" > "$f.known.tsv"
    # Anonymous: the links without a speaker in their names, no speaker column.
    awk -F'\t' -v t="$t" -v w="$W" '$3 == t { n = $1; sub(/.*\//, "", n); gsub(/_/, "-", n); print w "/links/x" n "\t" $2 }' \
      "$W/train_${s}_known.tsv" > "$f.anon.tsv"
    "$B" train "$f.train.tsv" --quiet -o "$R/inner_${s}_$t.json" "$@" > /dev/null
    for c in anon known; do "$B" evaluate "$R/inner_${s}_$t.json" "$f.$c.tsv" --json > "$R/inner_${s}_$t.$c.json"; done
    rm -f "$R/inner_${s}_$t.json"
  done
done
