#!/bin/bash
# yesno (BENCHMARKS.md, "Connected words"): whole-word models of "yes" and "no" trained on the
# words cut by energy from the training recordings (0_*; split_yesno.py), the insertion penalty
# chosen on the training recordings, then the test recordings (1_*) decoded.
#   yesno.sh HMMKIT WAVES_YESNO WORK
set -e
B=$1; Y=$2; W=$3; T=$(dirname "$0")
mkdir -p $W
python3 $T/split_yesno.py $Y $W/split
$B train $W/split -o $W/yesno.json --no-vtln --no-adaptation 2> $W/train.log
ref() { for f in $Y/$1_*.wav; do n=$(basename $f .wav); echo "$n $(echo $n | tr '_' ' ' | sed 's/1/yes/g; s/0/no/g')"; done; }
ref 0 > $W/train.ref; ref 1 > $W/test.ref
for p in 0 -25 -50 -100 -150; do
  $B decode $W/yesno.json $Y/0_*.wav --loop --penalty=$p --speaker yesno --names > $W/train.hyp
  echo "training files, penalty $p: $(python3 $T/word_accuracy.py $W/train.ref $W/train.hyp)"
done
best=${PENALTY:--150}
for g in "--loop" "--words 8"; do for m in "--speaker yesno" "--speakers none"; do
  $B decode $W/yesno.json $Y/1_*.wav $g --penalty=$best $m --names > $W/test.hyp
  echo "test files, $g $m, penalty $best: $(python3 $T/word_accuracy.py $W/test.ref $W/test.hyp)"
done; done
