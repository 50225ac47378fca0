#!/bin/bash
# Leave-one-speaker-out connected digits (BENCHMARKS.md, "Connected words" and "Connected words:
# decoding weights per model set").
# For each held-out speaker X: an inner leave-one-speaker-out over the other three (models of
# two, decoding the third's connected utterances; X's data never seen) chooses the insertion
# penalty of each model set: the speaker models' with the speaker known, the unknown-voice
# models' anonymous. Whole-word models are then trained on the three speakers' isolated
# recordings with those penalties stored (--insertion-penalty, --unknown-voice-insertion-penalty),
# and X is measured: isolated accuracy, and X's connected utterances decoded with a word loop
# at the stored penalties, speaker known and anonymous; X's 4-digit utterances with the loop and
# with exactly 4 words; and X's utterances of `hmmkit connect`'s corpus, scored by `hmmkit score`.
#   loso.sh HMMKIT RECORDINGS WORK [SPEAKER…]
# TRAIN: the training options (default "--no-vtln --no-adaptation"; "" for the default recognizer).
# MODES: the modes measured (default "known anonymous"); a set whose mode is left out keeps penalty 0.
set -e
B=$1; R=$2; W=$3; T=$(dirname "$0"); shift 3
mkdir -p $W
all="george jackson lucas nicolas"; held=${*:-$all}; penalties="0 -25 -50 -75 -100 -150"
[ -f $W/conn/text ] || python3 $T/make_connected.py $R $W/conn --speakers ${all// /,} --count 200 --min 2 --max 7 --seed 1
[ -f $W/four/text ] || python3 $T/make_connected.py $R $W/four --speakers ${all// /,} --count 100 --min 4 --max 4 --seed 2
[ -f $W/conn3/text ] || $B connect $R --output $W/conn3 --per-speaker 200 --words 2-7 --seed 1 > /dev/null
train() { $B train $R --only-speakers $1 ${TRAIN---no-vtln --no-adaptation} "${@:3}" -o $2 > $2.log 2>&1; }
acc() { python3 $T/word_accuracy.py $1 $2; }
score() { $B score $1 $2 | sed -n 's/^WORD: .*Acc=\([0-9.]*\).*/Acc=\1/p' | tr '\n' ' '; $B score $1 $2 | sed -n 's/^SENT: %Correct=\([0-9.]*\).*/SENT=\1/p'; }
# mode → the decode flag for X's speaker: known (from the file names) or anonymous (none).
declare -A flag=([known]="--speakers from-names" [anonymous]="--speakers none")
for x in $held; do
  others=$(echo $all | tr ' ' '\n' | grep -v "^$x$" | paste -sd,)
  declare -A total=()
  for y in ${others//,/ }; do
    inner=$(echo ${others//,/ } | tr ' ' '\n' | grep -v "^$y$" | paste -sd,)
    [ -f $W/$x-$y.json ] || train $inner $W/$x-$y.json
    grep "^c_$y" $W/conn/text > $W/ref.$y
    for m in ${MODES:-known anonymous}; do
      for p in $penalties; do
        $B decode $W/$x-$y.json $W/conn/c_${y}_*.wav --loop --penalty=$p ${flag[$m]} --names > $W/hyp.inner 2>/dev/null || true
        a=$(acc $W/ref.$y $W/hyp.inner | sed 's/.*Acc=\([0-9.]*\).*/\1/')
        total[$m$p]=$(python3 -c "print(${total[$m$p]:-0} + $a)")
      done
    done
  done
  best() { [ -n "${total[${1}0]}" ] || { echo 0; return; }; for p in $penalties; do echo "${total[$1$p]} $p"; done | sort -g -r | head -1 | cut -d' ' -f2; }
  known=$(best known); anonymous=$(best anonymous)
  unset total
  train $others $W/$x.json --insertion-penalty=$known --unknown-voice-insertion-penalty=$anonymous
  grep "^c_$x" $W/conn/text > $W/ref.$x; grep "^c_$x" $W/four/text > $W/ref4.$x; grep "^$x-" $W/conn3/text > $W/ref3.$x
  for m in ${MODES:-known anonymous}; do
    iso=$($B evaluate $W/$x.json $R --only-speakers $x ${flag[$m]} --json 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print(round(100*d['correct']/d['count'],2))")
    $B decode $W/$x.json $W/conn/c_${x}_*.wav --loop ${flag[$m]} --names > $W/hyp.$x.$m
    $B decode $W/$x.json $W/four/c_${x}_*.wav --loop ${flag[$m]} --names > $W/hyp4loop.$x.$m
    $B decode $W/$x.json $W/four/c_${x}_*.wav --words 4 ${flag[$m]} --names > $W/hyp4fixed.$x.$m
    # The connect corpus names files X-NNNN: the speaker is given outright when known.
    $B decode $W/$x.json $W/conn3/wav/$x-*.wav --loop $([ $m = known ] && echo --speaker $x || echo --speakers none) --names > $W/hyp3.$x.$m
    echo "$x $m penalty=$([ $m = known ] && echo $known || echo $anonymous) isolated=$iso"
    echo "  loop 2-7:   $(acc $W/ref.$x $W/hyp.$x.$m)"
    echo "  loop 4:     $(acc $W/ref4.$x $W/hyp4loop.$x.$m)"
    echo "  exactly 4:  $(acc $W/ref4.$x $W/hyp4fixed.$x.$m)"
    echo "  connect:    $(score $W/ref3.$x $W/hyp3.$x.$m)"
  done
done
