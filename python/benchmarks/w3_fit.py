"""One side of the W3 comparison as a whole process: fit the 10 digit GMMHMMs of
../shared/peers/w3_hmm.py with hmmlearn or hmmkit, from features cached by `--cache`.

python w3_fit.py --cache FEATURES.npz            compute and save the training features (psf, 39 dims)
python w3_fit.py hmmlearn|hmmkit FEATURES.npz [--em-only] [--fast-init] [--scaling]
  --em-only: initial means/weights/covariances from hmmlearn's _init with np.random.seed(0),
  saved in the cache, so both fit from identical parameters (init_params="").
  --fast-init: hmmkit's k-means for the initialisation (GMMHMM.kmeans = "hmmkit") instead of
  scikit-learn's KMeans as hmmlearn calls it.
  --scaling: implementation="scaling" (default: hmmlearn's "log").
The last line printed is the 10 `fit` calls' own time (process CPU seconds, all threads, and wall
seconds), apart from starting Python, the imports and loading the features.
"""
import sys
import time

import numpy as np


def model(module, init_params):
    m = module.GMMHMM(n_components=5, n_mix=3, covariance_type="diag", n_iter=20, init_params=init_params,
                      params="stmcw", random_state=0)
    m.startprob_ = np.eye(5)[0]
    m.transmat_ = np.diag(np.r_[np.full(4, 0.5), 1.0]) + np.diag(np.full(4, 0.5), 1)
    return m


def training_features():
    """{digit: [39-dim psf MFCC of each training recording]} (w3_hmm.py's features and split)."""
    import collections, glob, os
    import python_speech_features as psf
    import soundfile
    folder = os.environ.get("FSDD_DIR", "/work/shared/data/fsdd/recordings")
    train = collections.defaultdict(list)
    for wav in sorted(glob.glob(os.path.join(folder, "*.wav"))):
        digit, speaker, take = os.path.basename(wav)[:-4].split("_")
        if speaker in {"george", "jackson", "lucas", "nicolas"} and int(take) >= 5:
            x = soundfile.read(wav, dtype="int16")[0].astype(np.float64)
            m = psf.mfcc(x, samplerate=8000, winlen=0.025, winstep=0.01, numcep=13, nfilt=26, nfft=256, preemph=0.97,
                         ceplifter=22, appendEnergy=True)
            d1 = psf.delta(m, 2)
            train[int(digit)].append(np.hstack([m, d1, psf.delta(d1, 2)]))
    return train


def cache(path):
    from hmmlearn import hmm
    train = training_features()
    arrays = {}
    for d, seqs in train.items():
        X, lengths = np.vstack(seqs), [len(s) for s in seqs]
        start = model(hmm, "mcw")
        np.random.seed(0)
        start._init(X, lengths)
        arrays.update({f"X{d}": X, f"L{d}": lengths, f"w{d}": start.weights_, f"m{d}": start.means_, f"c{d}": start.covars_})
    np.savez(path, **arrays)


def main():
    if sys.argv[1] == "--cache":
        return cache(sys.argv[2])
    if sys.argv[1] == "hmmlearn":
        from hmmlearn import hmm as module
    else:
        import hmmkit.hmm as module
    data = np.load(sys.argv[2])
    em_only = "--em-only" in sys.argv
    if "--fast-init" in sys.argv:
        module.GMMHMM.kmeans = "hmmkit"
    cpu, wall = time.process_time(), time.perf_counter()
    for d in range(10):
        m = model(module, "" if em_only else "mcw")
        if "--scaling" in sys.argv:
            m.implementation = "scaling"
        if em_only:
            m.weights_, m.means_, m.covars_ = data[f"w{d}"], data[f"m{d}"], data[f"c{d}"]
        m.fit(data[f"X{d}"], data[f"L{d}"])
        print(d, m.monitor_.iter, repr(m.monitor_.history[-1]))
    print(f"fit cpu {time.process_time() - cpu:.3f} s wall {time.perf_counter() - wall:.3f} s")


if __name__ == "__main__":
    main()
