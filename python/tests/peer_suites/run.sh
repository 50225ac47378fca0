#!/usr/bin/env bash
# Runs hmmlearn 0.3.3's and scikit-learn's own test files, from the installed packages, against
# hmmkit's classes (hmmkit_substitute.py), and prints pass / fail / skip per file.
# Exit status: 1 when fewer than 90 % of the test cases that ran pass (individual failures, each
# explained in python/PEER-TESTS.md, do not fail the run).
#   PYTHON=path/to/venv/python  use that environment (hmmkit installed); otherwise a venv is made
#                               in .build-python/peer-venv and ./python installed into it
#   OUT=dir                     where the JUnit XML files go (default .build-python/peer-results)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
if [ -z "${PYTHON:-}" ]; then
    venv="$root/.build-python/peer-venv"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    PYTHON="$venv/bin/python"
    "$PYTHON" -m pip install -q "$root/python[test]"
fi
PYTHON="$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON")"  # absolute (the tests run elsewhere), venv kept
"$PYTHON" -m pip install -q hmmlearn==0.3.3 scikit-learn==1.9.1 pytest
out=${OUT:-$root/.build-python/peer-results}
rm -rf "$out"  # no stale results: a file that did not run is missing, and summarize.py fails
mkdir -p "$out"
site=$("$PYTHON" -c "import hmmlearn, os; print(os.path.dirname(os.path.dirname(hmmlearn.__file__)))")
files=(hmmlearn/tests/test_gaussian_hmm.py hmmlearn/tests/test_gmm_hmm_new.py
       hmmlearn/tests/test_gmm_hmm_multisequence.py hmmlearn/tests/test_base.py
       sklearn/mixture/tests/test_gaussian_mixture.py)
for file in "${files[@]}"; do
    name=$(basename "$file" .py)
    echo "== $file"
    # A failing test is reported, not fatal; the pass-rate check below decides.
    # One OpenMP/BLAS thread for scikit-learn's k-means and NumPy: on a busy machine their spinning
    # threads made k-means 100x slower. HMMKit's own threads are unaffected.
    (cd "$site" && OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 SKLEARN_RUN_FLOAT32_TESTS=1 HMMLEARN_SEED=${HMMLEARN_SEED:-42} PYTHONPATH="$here" "$PYTHON" -m pytest -p hmmkit_substitute \
        -p no:cacheprovider --rootdir "$site" -q -rfE --junitxml "$out/$name.xml" "$file" | tail -n 25) || true
done
results=()
for file in "${files[@]}"; do results+=("$out/$(basename "$file" .py).xml"); done
"$PYTHON" "$here/summarize.py" 0.90 "${results[@]}"
