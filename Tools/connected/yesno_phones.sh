#!/bin/bash
# yesno from transcripts (BENCHMARKS.md, "Words from phones"): phone models (Data/lexicons/yesno.txt,
# Kaldi lexicon.txt format: yes Y EH S, no N OW, and the word <sil> spelt with the models' own
# silence phone `sil`) trained on the 31 training recordings (0_*) from their transcripts alone
# (file name = 8 words, 1 = yes, 0 = no): flat start, embedded Baum-Welch with optional silence
# between the words and, as in HTK's transcripts, silence required at both ends (the training
# transcripts are "<sil> w1 … w8 <sil>"; every training recording starts with "no", whose N would
# otherwise learn the recordings' second of leading silence). Then
# every test recording (1_*) is force-aligned to its transcript, and the test recordings are
# decoded (word loop and exactly 8 words, speaker known and anonymous), the insertion penalty
# chosen on the training recordings only.
#   yesno_phones.sh HMMKIT WAVES_YESNO WORK [train options...]
set -euo pipefail
B=$1; Y=$(cd "$2" && pwd); W=$3; shift 3
L=$(cd "$(dirname "$0")/../../Data/lexicons" && pwd)/yesno.txt
mkdir -p "$W"
# Manifests (path, transcript, speaker) and Kaldi text references of both halves.
for half in 0 1; do
  printf 'path\ttranscript\tspeaker\n' > "$W/set$half.tsv"; : > "$W/set$half.ref"
  for f in "$Y"/${half}_*.wav; do
    n=$(basename "$f" .wav); words=$(echo "$n" | tr '_' ' ' | sed 's/1/yes/g; s/0/no/g')
    edges=$([ $half = 0 ] && echo "<sil> $words <sil>" || echo "$words")
    printf '%s\t%s\tyesno\n' "$f" "$edges" >> "$W/set$half.tsv"; echo "$n $words" >> "$W/set$half.ref"
  done
done
"$B" train "$W/set0.tsv" --units phone --lexicon "$L" --lexicon-format kaldi --vocabulary yes,no --no-vtln --no-adaptation \
  --quiet -o "$W/yesno.json" "$@"
if "$B" align "$W/yesno.json" "$W/set1.tsv" --speakers from-manifest --quiet --ctm "$W/test.ctm" --phone-ctm "$W/test.phones.ctm"; then
  echo "forced alignment: every test file aligned ($(cut -d' ' -f1 "$W/test.ctm" | sort -u | wc -l) files, $(wc -l < "$W/test.ctm") words)"
else
  echo "forced alignment: some test files were not aligned (listed above)"
fi
best=""; bestErrors=""
for p in 0 -25 -50 -100; do
  "$B" decode "$W/yesno.json" "$Y"/0_*.wav --loop --penalty=$p --speaker yesno --names > "$W/train.hyp"
  line=$("$B" score "$W/set0.ref" "$W/train.hyp" | grep -E "%WER")
  echo "training files, loop, penalty $p: $line"
  errors=$(echo "$line" | sed -n 's/.*\[ *\([0-9]*\) *\/.*/\1/p')
  if [ -z "$best" ] || [ "$errors" -lt "$bestErrors" ]; then best=$p; bestErrors=$errors; fi
done
echo "penalty chosen on the training files: $best"
for g in "--loop" "--words 8"; do for m in "--speaker yesno" "--speakers none"; do
  "$B" decode "$W/yesno.json" "$Y"/1_*.wav $g --penalty=$best $m --names > "$W/test.hyp" || echo "(some test files were not decoded: above)"
  echo "test files, $g $m, penalty $best:"; "$B" score "$W/set1.ref" "$W/test.hyp" --mode all | grep -E "WORD|SENT|%"
done; done
