#!/bin/bash
# Inner folds of the forced-alignment benchmark (issue 17), for choosing training or alignment
# options without looking at a held-out speaker: for each FSDD speaker O (the outer fold's held-out
# speaker), Tools/benchmarks/loso_alignment.sh runs on the other three speakers only — each of them
# held out in turn, phone models trained on the remaining two — and the line "all" of its table is
# printed as O's inner score. An option is adopted for outer fold O only if it helps O's inner score.
#
#   TRAIN_CONNECTED=N Tools/benchmarks/inner_alignment.sh NAME [train options...]
#
# Environment as for loso_alignment.sh (TRAIN_CONNECTED is required: N connected utterances per
# training speaker); the runs go to $WORK/NAME-without-O, and the six pairs' models, each trained once,
# to $WORK/NAME-models.
set -euo pipefail
name=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
all="george jackson lucas nicolas"
for outer in $all; do
  inner=$(echo $all | tr ' ' '\n' | grep -vx "$outer" | paste -sd' ')
  MODELS=${MODELS:-${WORK:-/tmp/hmmkit-loso}/$name-models} SPEAKERS=$inner "$here/loso_alignment.sh" "$name-without-$outer" "$@" > "${WORK:-/tmp/hmmkit-loso}/$name-without-$outer.txt"
  sed -n "/^all /{s//without $outer: /p;d}; / boundaries /!p" "${WORK:-/tmp/hmmkit-loso}/$name-without-$outer.txt"
done
