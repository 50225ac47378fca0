#!/bin/bash
# Nested leave-one-speaker-out with the noisy rows, for choosing training options on the
# training speakers only (BENCHMARKS.md, "Unknown voices (issue 16): vocal-tract-length perturbation").
#
#   Tools/benchmarks/nested_loso_noise.sh NAME [train options...]
#
# For each outer speaker S, `hmmkit train --cross-validate speaker --noise white:10,babble:10`
# on the other three speakers' recordings: 3 inner folds (train on 2, test the 3rd known,
# anonymous, and anonymous in white and babble noise at 10 dB). S's recordings are never read.
# Results in WORK/NAME_S.json; Tools/benchmarks/nested_loso_noise_summary.py reads them.
# Environment: HMMKIT (default .build/release/hmmkit), WORK (default /tmp/hmmkit-nested-noise),
# DATA (default ../shared/data/fsdd/recordings).
set -euo pipefail
name=$1; shift
B=${HMMKIT:-.build/release/hmmkit}
W=${WORK:-/tmp/hmmkit-nested-noise}
D=${DATA:-../shared/data/fsdd/recordings}
mkdir -p "$W"
for s in george jackson lucas nicolas; do
  manifest=$W/train_$s.tsv
  [ -s "$manifest" ] || for f in "$D"/*.wav; do
    n=${f##*/}; IFS=_ read -r label speaker _ <<< "$n"
    [ "$speaker" != "$s" ] && printf '%s\t%s\t%s\n' "$f" "$label" "$speaker"
  done > "$manifest"
  [ -s "$W/${name}_$s.json" ] && continue
  "$B" train "$manifest" --cross-validate speaker --noise white:10,babble:10 --json "$@" > "$W/${name}_$s.json"
done
