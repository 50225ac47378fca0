#!/bin/bash
# "A word never heard" (issue 17): leave-one-speaker-out on FSDD with phone models, every
# recording of one digit removed from training, then all ten digits recognised. Builds the
# manifests with Tools/benchmarks/loso_unknown_voices.sh (speaker known in training), trains with
# `--labels` dropping the digit, evaluates each held-out speaker's 500 recordings with the speaker
# known, and prints per speaker the recall of the removed digit and the accuracy on the other nine.
#
#   Tools/benchmarks/loso_unheard_word.sh NAME DIGIT [train options...]
#
# Environment: as loso_unknown_voices.sh (HMMKIT, FSDD, WORK).
set -euo pipefail
name=$1; digit=$2; shift 2
labels=$(seq 0 9 | grep -vx "$digit" | paste -sd, -)
W=${WORK:-/tmp/hmmkit-loso}
"$(dirname "$0")/loso_unknown_voices.sh" "$name" known --labels "$labels" "$@" > /dev/null
python3 - "$W/$name" "$digit" "$name" <<'PY'
import json, sys
folder, digit, name = sys.argv[1:]
removed, others = [], []
for s in ["george", "jackson", "lucas", "nicolas"]:
    results = json.load(open(f"{folder}/{s}.known.json"))["results"]
    def accuracy(rows): return 100 * sum(r["reference"] == r.get("recognized") for r in rows) / len(rows)
    removed.append(accuracy([r for r in results if r["reference"] == digit]))
    others.append(accuracy([r for r in results if r["reference"] != digit]))
print(f"{name:24s} removed {digit}: " + " ".join(f"{a:5.1f}" for a in removed) + f"  mean {sum(removed) / 4:5.1f}"
      + "   other nine: " + " ".join(f"{a:5.1f}" for a in others) + f"  mean {sum(others) / 4:5.1f}")
PY
