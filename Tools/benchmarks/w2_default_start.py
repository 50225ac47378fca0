"""Issue 15: where EM ends from each tool's **default start** on ../shared/peers/w2_gmm.py's data
(100,000 × 39, 64 diagonal components, 20 EM iterations, tol 0), several seeds.

scikit-learn: GaussianMixture(64, 'diag', max_iter=20, tol=0, random_state=seed), its default
init_params='kmeans' (KMeans n_init=1, max_iter=300, tol=1e-4, k-means++ with 2 + log k candidates).
HMMKit: `hmmkit gmm fit X.npy --components 64 --iterations 20 --tolerance 0 --seed seed --threads 1`
(its defaults: k-means++ then k-means, reg_covar 1e-6, no floor). Both report the lower bound of the
last iteration (mean log-likelihood per frame of the 20th E-step, scikit-learn's lower_bound_).
Times: whole fit (process for HMMKit, fit() for scikit-learn, one BLAS thread each) and, to price the
start, the fit with one EM iteration; the two tools alternate seed by seed.

  python3 Tools/benchmarks/w2_default_start.py [hmmkit binary …]   (default .build/release/hmmkit)
Needs the peers' venv (../shared/peers/setup.sh; PEERS_VENV, default ~/.cache/hmmkit-peers-venv):
run it with that venv's python.
"""
import json, os, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
sys.path.insert(0, os.path.abspath(os.path.join(root, "..", "shared", "peers")))
import numpy as np  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402
from w2_gmm import make_data  # noqa: E402

binaries = sys.argv[1:] or [os.path.join(root, ".build", "release", "hmmkit")]
seeds = [int(s) for s in os.environ.get("SEEDS", "0,1,2,3,4").split(",")]
X = make_data()[0]
work = tempfile.mkdtemp(prefix="w2-default-start-")
data = os.path.join(work, "X.npy")
np.save(data, X)


def sklearn_fit(seed, iterations):
    model = GaussianMixture(n_components=64, covariance_type="diag", max_iter=iterations, tol=0, random_state=seed)
    start = time.perf_counter()
    model.fit(X)
    return model.lower_bound_, time.perf_counter() - start


def hmmkit_fit(binary, seed, iterations):
    command = [binary, "gmm", "fit", data, "--components", "64", "--covariance", "diag", "--iterations", str(iterations),
               "--tolerance", "0", "--seed", str(seed), "--threads", "1", "--json", "--quiet",
               "-o", os.path.join(work, "model.json")]
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out)["finalMeanLogLikelihood"], time.perf_counter() - start


rows = []
with threadpool_limits(limits=1):
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    for seed in seeds:
        row = {"seed": seed}
        row["sklearn"], row["sklearn_s"] = sklearn_fit(seed, 20)
        row["sklearn_1_s"] = sklearn_fit(seed, 1)[1]
        for index, binary in enumerate(binaries):
            row[f"hmmkit{index}"], row[f"hmmkit{index}_s"] = hmmkit_fit(binary, seed, 20)
            row[f"hmmkit{index}_1_s"] = hmmkit_fit(binary, seed, 1)[1]
        rows.append(row)
        print(json.dumps(row), flush=True)

names = ["sklearn"] + [f"hmmkit{i}" for i in range(len(binaries))]
print("\n| seed | " + " | ".join(names) + " |")
print("|---" * (len(names) + 1) + "|")
for row in rows:
    print(f"| {row['seed']} | " + " | ".join(f"{row[n]:.4f}" for n in names) + " |")
print("| mean | " + " | ".join(f"{np.mean([r[n] for r in rows]):.4f}" for n in names) + " |")
print("\nseconds, median over seeds: fit with 20 iterations / with 1 iteration")
for n in names:
    print(f"  {n}: {np.median([r[n + '_s'] for r in rows]):.2f} / {np.median([r[n + '_1_s'] for r in rows]):.2f}")
for i, b in enumerate(binaries):
    print(f"  hmmkit{i} = {b}")
