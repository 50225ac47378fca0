#!/usr/bin/env bash
# Large-corpus training (issue 7): peak memory of streaming training on a corpus 1×, 4× and 16×
# the size, Baum-Welch throughput per core, and MPI scaling. Figures in BENCHMARKS.md.
#
#   Tools/benchmarks/streaming.sh [FSDD_RECORDINGS_FOLDER] [WORK_FOLDER]
#
# Needs about 2.2 GB in WORK_FOLDER (default /tmp/hmmkit-streaming), python3, /usr/bin/time and,
# for the MPI part, OpenMPI (libopenmpi-dev, openmpi-bin). Builds hmmkit in release twice: without
# and with the MPI trait (the latter in .build-mpi).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
recordings=${1:-$root/../shared/data/fsdd/recordings}
work=${2:-/tmp/hmmkit-streaming}
mkdir -p "$work"
cd "$root"
swift build -c release --product hmmkit >/dev/null
plain=$root/.build/release/hmmkit
mpi=""
if pkg-config --exists ompi-c 2>/dev/null && command -v mpirun >/dev/null; then
    swift build -c release --product hmmkit --traits MPI --scratch-path .build-mpi >/dev/null
    mpi=$root/.build-mpi/release/hmmkit
fi
cd "$work"
export OPENBLAS_NUM_THREADS=1
model=(--states 5 --mixtures 3 --covariance diag --tolerance=-1)

echo "== features: FSDD with the psf preset, one Kaldi archive"
"$plain" features --preset psf --sample-rate 8000 "$recordings" --format ark -o fsdd.ark --quiet
for copies in 7 28 112; do
    [ -f "big$copies.ark" ] || python3 "$root/Tools/benchmarks/replicate_ark.py" fsdd.scp "$copies" "big$copies.ark"
done

echo "== peak memory (/usr/bin/time -v): hmm fit --stream, 2 iterations; hmmkit acc, one pass"
for copies in 7 28 112; do
    /usr/bin/time -v "$plain" hmm fit "big$copies.ark" "${model[@]}" --iterations 2 --stream -o "fit$copies.json" 2> time.log
    fit=$(grep "Maximum resident" time.log | grep -o "[0-9]*$")
    frames=$(grep -o "iteration   2/2  [0-9]* frames" time.log | grep -o "[0-9]* frames")
    /usr/bin/time -v "$plain" acc fit7.json "big$copies.ark" --quiet -o pass.acc 2> time.log
    pass=$(grep "Maximum resident" time.log | grep -o "[0-9]*$")
    echo "corpus ${copies}x FSDD ($frames): fit peak RSS $fit kB, acc peak RSS $pass kB"
done

# Frames per second of iterations 2-4 (the first includes start-up), three runs each.
rates() { grep -o "[0-9]* frames/s" | tail -n +2 | grep -o "^[0-9]*" | tr '\n' ' '; }
echo "== Baum-Welch throughput, 5 states x 3 diagonal components, 39 dims, frames/s per iteration"
for precision in double float; do
    for threads in 1 2; do
        for run in 1 2 3; do
            echo "in memory, $precision, $threads thread(s): $("$plain" hmm fit big7.ark "${model[@]}" --iterations 4 --threads "$threads" --precision "$precision" -o x.json 2>&1 | rates)"
            echo "streaming, $precision, $threads thread(s): $("$plain" hmm fit big28.ark "${model[@]}" --iterations 4 --threads "$threads" --precision "$precision" --stream -o x.json 2>&1 | rates)"
        done
    done
done

if [ -n "$mpi" ]; then
    echo "== MPI: mpirun -np 1 and -np 2, one E-step thread per rank, big28.ark"
    launch=(mpirun --allow-run-as-root --bind-to core -x OPENBLAS_NUM_THREADS=1 --mca btl_vader_single_copy_mechanism none)
    for precision in double float; do
        for run in 1 2 3; do
            for ranks in 1 2; do
                echo "mpi $precision, $ranks rank(s): $("${launch[@]}" -np "$ranks" "$mpi" hmm fit big28.ark "${model[@]}" --iterations 4 --threads 1 --precision "$precision" --mpi -o "mpi-$precision-$ranks.json" 2>&1 | rates)"
            done
        done
    done
    python3 - <<'PY'
import json
def flat(x):
    if isinstance(x, list):
        for y in x: yield from flat(y)
    elif isinstance(x, dict):
        for k in sorted(x): yield from flat(x[k])
    elif isinstance(x, (int, float)) and not isinstance(x, bool): yield float(x)
for precision in ["double", "float"]:
    a = list(flat(json.load(open(f"mpi-{precision}-1.json"))))
    b = list(flat(json.load(open(f"mpi-{precision}-2.json"))))
    scale = max(abs(v) for v in a)
    print(f"1 rank vs 2 ranks ({precision}): max |difference| / max |value| = {max(abs(x - y) for x, y in zip(a, b)) / scale:.2e}")
PY
fi
