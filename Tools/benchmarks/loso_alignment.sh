#!/bin/bash
# Forced-alignment accuracy (issue 17): for each FSDD speaker, phone models trained on the other
# three speakers align connected-digit utterances made from the held-out speaker's recordings
# (`hmmkit connect`, true word times known from the joining); prints per speaker the median
# word-boundary error (starts and ends) and the share within 20 and 50 ms, and the median signed
# error (aligned minus true) of the starts and of the ends.
#
#   Tools/benchmarks/loso_alignment.sh NAME [train options...]
#
# CONNECT_OPTIONS are given to `hmmkit connect`; by default "--trim-silence" (each recording cut to
# its speech before joining, so the true times are the speech's rather than the files'; set
# CONNECT_OPTIONS= to join the files whole, the reference of the first measurements); ALIGN_OPTIONS
# replace `hmmkit align`'s default here, "--speakers from-manifest" (speaker CMVN).
# TRAIN_CONNECTED=N trains on connected utterances instead (embedded training as aligners are
# trained): N per training speaker, made by `hmmkit connect` with the same CONNECT_OPTIONS from the
# three TRAINING speakers' recordings only (seed 2; the held-out speaker's test utterances use seed
# 1), transcripts "<sil> w1 … wn <sil>" (silence required at the edges, optional between words),
# with a Kaldi-format copy of Data/lexicons/digits.txt plus "<sil> sil" made in $WORK; give it no
# --lexicon. TRAIN_ISOLATED=1 adds the training speakers' isolated recordings to that corpus.
# Needs the training manifests of Tools/benchmarks/loso_unknown_voices.sh in $WORK (run it once).
# TRAIN_CONNECT_OPTIONS, when set, replace CONNECT_OPTIONS for the training utterances only (the
# held-out speaker's test utterances keep CONNECT_OPTIONS). SPEAKERS (default "george jackson lucas
# nicolas") are the folds' speakers: each is held out in turn and the others train; three speakers
# give the inner folds of Tools/benchmarks/inner_alignment.sh. MODELS=DIR keeps each fold's models
# as DIR/<training speakers>.json and reuses them when present (the inner folds train each pair once;
# use one DIR per set of training options).
# Environment: HMMKIT (default .build/release/hmmkit), FSDD, WORK (default /tmp/hmmkit-loso).
set -euo pipefail
name=$1; shift
B=${HMMKIT:-.build/release/hmmkit}
D=$(cd "${FSDD:-../shared/data/fsdd/recordings}" && pwd)
W=${WORK:-/tmp/hmmkit-loso}
mkdir -p "$W/$name"
here=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${TRAIN_CONNECTED:-}" ]; then
  # Stress digits dropped, alternates as repeated words (Kaldi lexicon.txt), plus the word <sil>.
  { grep -v '^;;;' "$here/Data/lexicons/digits.txt" | sed -E 's/\([0-9]+\)//; s/[0-9]+( |$)/\1/g' |
      awk 'NF { printf "%s", tolower($1); for (i = 2; i <= NF; i++) printf " %s", $i; print "" }'
    echo "<sil> sil"; } > "$W/$name/lexicon.txt"
  set -- --lexicon "$W/$name/lexicon.txt" --lexicon-format kaldi --label-words "$here/Data/lexicons/fsdd-label-words.txt" \
    --vocabulary 0,1,2,3,4,5,6,7,8,9 "$@"
fi
speakers=${SPEAKERS:-george jackson lucas nicolas}
if [ -n "${SPEAKERS:-}" ] && [ -z "${TRAIN_CONNECTED:-}" ]; then echo "SPEAKERS needs TRAIN_CONNECTED" >&2; exit 64; fi
for s in $speakers; do
  manifest="$W/train_${s}_known.tsv"
  others=$(echo $speakers | tr ' ' '\n' | grep -vx "$s" | paste -sd,)
  model="$W/$name/$s.json"
  if [ -n "${MODELS:-}" ]; then model="$MODELS/$others.json"; mkdir -p "$MODELS"; fi
  if [ -n "${MODELS:-}" ] && [ -s "$model" ]; then :
  else
    if [ -n "${TRAIN_CONNECTED:-}" ]; then
      rm -rf "$W/$name/training_$s"
      "$B" connect "$D" --speakers from-names --only-speakers "$others" --output "$W/$name/training_$s" \
        --per-speaker "$TRAIN_CONNECTED" --seed 2 ${TRAIN_CONNECT_OPTIONS-${CONNECT_OPTIONS---trim-silence}} > /dev/null
      manifest="$W/$name/training_$s.tsv"
      { printf 'path\ttranscript\tspeaker\n'
        tail -n +2 "$W/$name/training_$s/manifest.tsv" |
          awk -F'\t' -v d="$W/$name/training_$s" 'BEGIN { OFS = "\t" } { print d "/" $1, "<sil> " $2 " <sil>", $3 }'
        [ -z "${TRAIN_ISOLATED:-}" ] || cat "$W/train_${s}_known.tsv"; } > "$manifest"
    fi
    "$B" train "$manifest" --quiet -o "$model" "$@" > /dev/null
  fi
  rm -rf "$W/$name/connected_$s"
  "$B" connect "$D" --speakers from-names --only-speakers "$s" --output "$W/$name/connected_$s" --per-speaker 50 --seed 1 ${CONNECT_OPTIONS---trim-silence} > /dev/null
  "$B" align "$model" "$W/$name/connected_$s/manifest.tsv" ${ALIGN_OPTIONS:---speakers from-manifest} --quiet \
    --ctm "$W/$name/$s.hyp.ctm" || echo "$s: some utterances were not aligned (listed above)"
done
python3 - "$W/$name" $speakers <<'PY'
import statistics, sys
folder, speakers = sys.argv[1], sys.argv[2:]
def read(path):
    words = {}
    for line in open(path):
        if not line.strip() or line.startswith(";;"): continue
        utterance, _, start, duration, _ = line.split()[:5]
        words.setdefault(utterance, []).append((float(start), float(start) + float(duration)))
    return words
def show(who, starts, ends):
    errors = [abs(e) for e in starts + ends]
    print(f"{who:8s} boundaries {len(errors):5d}  median {1000 * statistics.median(errors):6.1f} ms  "
          f"≤20 ms {100 * sum(e <= 0.020 for e in errors) / len(errors):5.1f} %  ≤50 ms {100 * sum(e <= 0.050 for e in errors) / len(errors):5.1f} %  "
          f"signed median: starts {1000 * statistics.median(starts):+6.1f} ms, ends {1000 * statistics.median(ends):+6.1f} ms")
every = ([], [])
for s in speakers:
    truth, hyp = read(f"{folder}/connected_{s}/words.ctm"), read(f"{folder}/{s}.hyp.ctm")
    starts, ends = [], []
    for utterance, true in truth.items():
        found = hyp.get(utterance, [])
        if len(found) != len(true): print(f"{s} {utterance}: {len(found)} words aligned, {len(true)} true"); continue
        for (a, b), (c, d) in zip(true, found): starts.append(c - a); ends.append(d - b)
    every[0].extend(starts); every[1].extend(ends)
    show(s, starts, ends)
show("all", *every)
PY
