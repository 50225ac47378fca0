#!/bin/bash
# Leave-one-speaker-out connected digits (BENCHMARKS.md, "Connected words").
# For each held-out speaker X: whole-word models trained on the other three speakers' isolated
# recordings; the insertion penalty chosen by an inner leave-one-speaker-out over those three
# (models of two, decoding the third's connected utterances; X's data never seen); then X's
# isolated accuracy and X's connected utterances decoded with a word loop, speaker known and
# anonymous, and X's 4-digit utterances with the loop and with exactly 4 words.
#   loso.sh HMMKIT RECORDINGS WORK
# TRAIN: the training options (default "--no-vtln --no-adaptation"; "" for the default recognizer).
set -e
B=$1; R=$2; W=$3; T=$(dirname "$0")
mkdir -p $W
python3 $T/make_connected.py $R $W/conn --speakers george,jackson,lucas,nicolas --count 200 --min 2 --max 7 --seed 1
python3 $T/make_connected.py $R $W/four --speakers george,jackson,lucas,nicolas --count 100 --min 4 --max 4 --seed 2
all="george jackson lucas nicolas"; penalties="0 -25 -50 -75 -100 -150"
train() { $B train $R --only-speakers $1 ${TRAIN---no-vtln --no-adaptation} -o $2 > $2.log 2>&1; }
acc() { python3 $T/word_accuracy.py $1 $2; }
for x in $all; do
  others=$(echo $all | tr ' ' '\n' | grep -v "^$x$" | paste -sd,)
  train $others $W/$x.json
  declare -A total=()
  for y in ${others//,/ }; do
    inner=$(echo ${others//,/ } | tr ' ' '\n' | grep -v "^$y$" | paste -sd,)
    train $inner $W/$x-$y.json
    grep "^c_$y" $W/conn/text > $W/ref.$y
    for p in $penalties; do
      $B decode $W/$x-$y.json $W/conn/c_${y}_*.wav --loop --penalty=$p --speakers from-names --names > $W/hyp 2>/dev/null || true
      a=$(acc $W/ref.$y $W/hyp | sed 's/.*Acc=\([0-9.]*\).*/\1/')
      total[$p]=$(python3 -c "print(${total[$p]:-0} + $a)")
    done
  done
  best=$(for p in $penalties; do echo "${total[$p]} $p"; done | sort -g -r | head -1 | cut -d' ' -f2)
  unset total
  grep "^c_$x" $W/conn/text > $W/ref.$x; grep "^c_$x" $W/four/text > $W/ref4.$x
  for m in from-names none; do
    iso=$($B evaluate $W/$x.json $R --only-speakers $x --speakers $m --json 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print(round(100*d['correct']/d['count'],2))")
    $B decode $W/$x.json $W/conn/c_${x}_*.wav --loop --penalty=$best --speakers $m --names > $W/hyp.$x.$m
    $B decode $W/$x.json $W/four/c_${x}_*.wav --loop --penalty=$best --speakers $m --names > $W/hyp4loop.$x.$m
    $B decode $W/$x.json $W/four/c_${x}_*.wav --words 4 --penalty=$best --speakers $m --names > $W/hyp4fixed.$x.$m
    echo "$x $m penalty=$best isolated=$iso"
    echo "  loop 2-7:   $(acc $W/ref.$x $W/hyp.$x.$m)"
    echo "  loop 4:     $(acc $W/ref4.$x $W/hyp4loop.$x.$m)"
    echo "  exactly 4:  $(acc $W/ref4.$x $W/hyp4fixed.$x.$m)"
  done
done
