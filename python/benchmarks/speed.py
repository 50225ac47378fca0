"""hmmkit against hmmlearn and scikit-learn on the peers' workloads, interleaved in one run.

W3 (GMMHMM): ../shared/peers/w3_hmm.py's models: one left-to-right 5-state GMMHMM with 3 diagonal
components per digit, n_iter=20, init_params="mcw", random_state=0, on the FSDD training set
(speakers george, jackson, lucas, nicolas, takes 5-49; python_speech_features 39-dim MFCC).
Times the 10 fits (each `fit` includes hmmlearn's k-means initialisation) and, separately, EM
alone from identical initial parameters (init_params="").
W2 (GaussianMixture): ../shared/peers/w2_gmm.py's data (100,000 x 39, 64 components, seed 0),
diag, max_iter=20, tol=0, init_params="random_from_data", random_state=0.
Each measurement: REPS rounds, peer and hmmkit alternating; medians and the ratio of medians.

Run: OMP_NUM_THREADS=1 python speed.py [w3|w3-em|w2]...   (FSDD_DIR: the recordings; W3_DIGITS:
a comma-separated subset of the digits, default all; w3-em: EM alone)
"""
import os
import statistics
import sys
import time

import numpy as np

REPS = int(os.environ.get("REPS", "3"))



def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def interleaved(label, peer, ours):
    peer_times, our_times = [], []
    for _ in range(REPS):
        peer_times.append(timed(peer)[0])
        our_times.append(timed(ours)[0])
    p, o = statistics.median(peer_times), statistics.median(our_times)
    print(f"{label}: peer median {p:.3f}s {['%.3f' % t for t in peer_times]}, hmmkit median {o:.3f}s "
          f"{['%.3f' % t for t in our_times]}, ratio {p / o:.1f}x", flush=True)


def w3(em_only=False):
    from hmmlearn import hmm as peer
    import hmmkit.hmm as ours
    from w3_fit import model as w3_model, training_features

    train = training_features()
    digits = [int(d) for d in os.environ.get("W3_DIGITS", "0,1,2,3,4,5,6,7,8,9").split(",")]
    data = {d: (np.vstack(s), [len(x) for x in s]) for d, s in train.items() if d in digits}
    print(f"W3: {sum(len(X) for X, _ in data.values())} training frames, digits {digits}", flush=True)

    def model(module):
        return w3_model(module, "mcw")

    def fit_all(module):
        return [model(module).fit(X, lengths) for X, lengths in data.values()]

    if not em_only:
        interleaved("W3 GMMHMM fit (incl. k-means init)", lambda: fit_all(peer), lambda: fit_all(ours))

    starts = {}
    for d, (X, lengths) in data.items():
        m = model(peer)
        np.random.seed(0)
        m._init(X, lengths)
        starts[d] = m

    def em_all(module):
        fitted = []
        for d, (X, lengths) in data.items():
            m = model(module)
            m.init_params = ""
            for name in ("weights_", "means_", "covars_"):
                setattr(m, name, getattr(starts[d], name).copy())
            fitted.append(m.fit(X, lengths))
        return fitted

    interleaved("W3 GMMHMM EM only (same initial parameters)", lambda: em_all(peer), lambda: em_all(ours))
    peer_models, our_models = em_all(peer), em_all(ours)
    worst = max(abs(p.monitor_.history[-1] - o.monitor_.history[-1]) / abs(p.monitor_.history[-1])
                for p, o in zip(peer_models, our_models))
    print(f"W3 EM only: final log-likelihoods agree to {worst:.1e} relative; iterations "
          f"{[o.monitor_.iter for o in our_models]} (hmmlearn {[p.monitor_.iter for p in peer_models]})", flush=True)


def w2():
    from sklearn.mixture import GaussianMixture as Peer
    from hmmkit.mixture import GaussianMixture as Ours

    rng = np.random.default_rng(0)
    K, D, N = 64, 39, 100_000
    means = rng.normal(0, 4, (K, D))
    stds = rng.uniform(0.5, 2.0, (K, D))
    weights = rng.dirichlet(np.full(K, 4.0))
    labels = rng.choice(K, N, p=weights)
    X = means[labels] + stds[labels] * rng.standard_normal((N, D))
    options = dict(n_components=64, covariance_type="diag", max_iter=20, tol=0, init_params="random_from_data",
                   random_state=0)
    import warnings
    warnings.simplefilter("ignore")
    interleaved("W2 GaussianMixture.fit diag (100,000 x 39, K=64, 20 iterations)",
                lambda: Peer(**options).fit(X), lambda: Ours(**options).fit(X))
    p, o = Peer(**options).fit(X), Ours(**options).fit(X)
    print(f"W2: lower_bound_ sklearn {p.lower_bound_:.10f} hmmkit {o.lower_bound_:.10f}", flush=True)


if __name__ == "__main__":
    for name in sys.argv[1:] or ["w3", "w2"]:
        {"w3": w3, "w3-em": lambda: w3(em_only=True), "w2": w2}[name]()
