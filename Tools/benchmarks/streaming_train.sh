#!/usr/bin/env bash
# `hmmkit train --stream` / `--mpi` on FSDD: wall time and per-iteration throughput for 1 and 2
# MPI ranks, and peak RSS on a 1× and a 4× corpus (BENCHMARKS.md, "Recognizer training from
# audio, streamed"). Usage: Tools/benchmarks/streaming_train.sh RECORDINGS WORKDIR [RUNS] [throughput|memory|all]
# Needs a release build with the MPI trait: swift build -c release --traits MPI
set -euo pipefail
recordings=$1 work=$2 runs=${3:-3} parts=${4:-all}
hmmkit=$(cd "$(dirname "$0")/../.." && pwd)/.build/release/hmmkit
mpirun=(mpirun --allow-run-as-root --bind-to none -x OPENBLAS_NUM_THREADS=1 --mca btl_vader_single_copy_mechanism none)
mkdir -p "$work"
export OPENBLAS_NUM_THREADS=1

# Mean frames/s of iterations 2… from --json progress lines, and the whole run's wall time.
summarise() {  # label, json lines file, time file
    python3 - "$@" <<'PY'
import json, sys
label, lines, timing = sys.argv[1:4]
rates = [json.loads(l)["framesPerSecond"] for l in open(lines) if '"iteration"' in l]
later = rates[1:] or rates
print(f"{label}: wall {open(timing).read().split()[0]} s, {len(rates)} iterations, "
      f"{sum(later) / len(later):,.0f} frames/s (iterations 2…), first {rates[0]:,.0f}")
PY
}

for run in $(seq "$runs"); do
    [ "$parts" = memory ] && break
    for setup in "1 1" "2 1" "1 2"; do
        set -- $setup; ranks=$1 threads=$2
        /usr/bin/time -f "%e" -o "$work/time" "${mpirun[@]}" -np "$ranks" "$hmmkit" train "$recordings" \
            --split takes:5-49/0-4 --threads "$threads" --mpi --json -o "$work/r$ranks.json" > "$work/lines"
        summarise "run $run, $ranks rank(s) × $threads thread(s)" "$work/lines" "$work/time"
    done
done

# Peak memory: the corpus as it is, and four copies under new speaker names (8,000 files).
for copies in 1 4; do
    [ "$parts" = throughput ] && break
    corpus="$work/fsdd${copies}x"
    if [ ! -d "$corpus" ]; then
        mkdir -p "$corpus"
        for copy in $(seq 0 $((copies - 1))); do
            for file in "$recordings"/*.wav; do
                IFS=_ read -r label speaker take <<< "$(basename "$file" .wav)"
                suffix=$([ "$copies" = 1 ] && echo "" || echo "$copy")
                cp "$file" "$corpus/${label}_${speaker}${suffix}_${take}.wav"
            done
        done
    fi
    for run in $(seq "$runs"); do
        /usr/bin/time -v "$hmmkit" train "$corpus" --stream --quiet -o "$work/rss.json" 2> "$work/rss" >/dev/null
        echo "$copies× ($(ls "$corpus" | wc -l) files), run $run: peak RSS $(grep 'Maximum resident' "$work/rss" | awk '{print $NF}') KB," \
             "$(grep 'Elapsed (wall' "$work/rss" | awk '{print $NF}')"
    done
done
