"""hmmlearn (../shared/peers/w3_hmm.py) and HMMKit (Benchmarks' peer-comparison w3) on the same
workload, run alternately: each round runs hmmlearn once per model type, then HMMKit right after,
so both see the same machine state (on a shared VM the CPU speed drifts by ±30 % over minutes).
Prints per round and model the times and the ratios, then the medians over the rounds.

  python3 Tools/benchmarks/w3_interleaved.py [rounds 3]
  python3 Tools/benchmarks/w3_interleaved.py [rounds 3] cli
      issue 6: `hmmkit train` from the 1,800 WAV files to a saved recognizer of w3's GMMHMM size
      (whole process, features included, .build/release/hmmkit) against hmmlearn's GMMHMM
      training alone (its feature extraction excluded).
Needs the peers' venv (../shared/peers/setup.sh; PEERS_VENV, default ~/.cache/hmmkit-peers-venv)
and `swift build -c release --product peer-comparison` in Benchmarks/. Both sides one BLAS thread;
HMMKit with 2 threads (two word models at once, largest first, each E-step
on both threads when a core is free).
"""
import os, re, statistics, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
peers = os.path.abspath(os.path.join(root, "..", "shared", "peers"))
venv = os.environ.get("PEERS_VENV", os.path.expanduser("~/.cache/hmmkit-peers-venv"))
ours = os.path.join(root, "Benchmarks", ".build", "release", "peer-comparison")
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
models = ["GaussianHMM_diag", "GMMHMM_diag_mix3", "GaussianHMM_full"]
env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", REPS="1", PEERS_OUT="/tmp/w3-interleaved")
number = r"([0-9.]+)"
if len(sys.argv) > 2 and sys.argv[2] == "cli":
    import time
    hmmkit = os.path.join(root, ".build", "release", "hmmkit")
    fsdd = os.path.abspath(os.path.join(root, "..", "shared", "data", "fsdd", "recordings"))
    command = [hmmkit, "train", fsdd, "--only-speakers", "george,jackson,lucas,nicolas", "--exclude", "*_[0-4].wav",
               "--states", "5", "--mixtures", "3", "--max-jump", "0", "--iterations", "20", "--no-split-mixtures",
               "--speed-perturbation", "none", "--cmvn", "none", "--no-speaker-cmvn", "--no-vtln",
               "--variance-floor", "0.01", "-o", "/tmp/w3-interleaved-recognizer.json", "--json", "--quiet"]
    ratios = []
    for r in range(rounds):
        py = subprocess.run([os.path.join(venv, "bin", "python"), os.path.join(peers, "w3_hmm.py"), "GMMHMM_diag_mix3"],
                            env=env, capture_output=True, text=True, check=True).stdout
        pt = float(re.search(r"train median " + number, py).group(1))
        start = time.perf_counter()
        subprocess.run(command, env=os.environ, capture_output=True, check=True)
        st = time.perf_counter() - start
        ratios.append(pt / st)
        print(f"round {r + 1}: hmmlearn GMMHMM train {pt:.2f} s | hmmkit train (whole process) {st:.3f} s | {pt / st:.0f}x",
              flush=True)
    print(f"median ratio {statistics.median(ratios):.0f}x")
    sys.exit(0)

table = {m: [] for m in models}
for r in range(rounds):
    for m in models:
        py = subprocess.run([os.path.join(venv, "bin", "python"), os.path.join(peers, "w3_hmm.py"), m],
                            env=env, capture_output=True, text=True, check=True).stdout
        pt = float(re.search(r"train median " + number, py).group(1))
        ps = float(re.search(r"score median " + number, py).group(1))
        sw = subprocess.run([ours, "w3"], env=dict(env, ONLY=m), capture_output=True, text=True,
                            check=True).stdout
        line = [l for l in sw.splitlines() if "threads=2" in l][0]
        st = float(re.search(r"train median " + number, line).group(1))
        ss = float(re.search(r"score median " + number, line).group(1))
        table[m].append((pt, ps, st, ss))
        print(f"round {r + 1} {m}: hmmlearn train {pt:.2f} s score {ps:.3f} s | HMMKit train {st:.4f} s score {ss:.4f} s"
              f" | train {pt / st:.0f}x score {ps / ss:.0f}x", flush=True)
print("medians over rounds:")
for m in models:
    rows = table[m]
    med = lambda i: statistics.median(x[i] for x in rows)
    print(f"  {m}: hmmlearn train {med(0):.2f} s score {med(1):.3f} s | HMMKit train {med(2):.4f} s score {med(3):.4f} s"
          f" | median ratio train {statistics.median(x[0] / x[2] for x in rows):.0f}x"
          f" score {statistics.median(x[1] / x[3] for x in rows):.0f}x")
