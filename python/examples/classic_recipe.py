"""The classic isolated-digit recipe on the bundled FSDD subset, with hmmkit in place of hmmlearn.

MFCC per file -> one GMMHMM(n_components=4, n_mix=2, covariance_type="diag", n_iter=100) per
digit, fitted on takes 2-9 of the four speakers -> joblib.dump / joblib.load -> each test file
(takes 0-1) labelled with the digit whose model scores it highest.
The only change from the hmmlearn version is the import line.

Run: python python/examples/classic_recipe.py [recordings folder (default Data/fsdd-demo)] [model file]
"""
import collections
import glob
import os
import sys
import time
import wave

import joblib
import numpy as np

import hmmkit.hmm as hmm  # was: from hmmlearn import hmm
from hmmkit.feature import mfcc

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "Data", "fsdd-demo")
MODELS = sys.argv[2] if len(sys.argv) > 2 else "digit-models.joblib"


def features(path):
    with wave.open(path) as f:
        samples = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2")
        return mfcc(samples, samplerate=f.getframerate(), preset="psf")


def main():
    train, test = collections.defaultdict(list), []
    for path in sorted(glob.glob(os.path.join(FOLDER, "*.wav"))):
        digit, _speaker, take = os.path.basename(path)[:-4].split("_")
        (train[digit].append(features(path)) if int(take) >= 2 else test.append((digit, features(path))))
    if not train or not test:
        sys.exit(f"no recordings named digit_speaker_take.wav in {FOLDER}")
    start = time.perf_counter()
    models = {}
    for digit, sequences in sorted(train.items()):
        model = hmm.GMMHMM(n_components=4, n_mix=2, covariance_type="diag", n_iter=100, random_state=0)
        models[digit] = model.fit(np.vstack(sequences), [len(s) for s in sequences])
    seconds = time.perf_counter() - start
    joblib.dump(models, MODELS)
    models = joblib.load(MODELS)
    correct = sum(max(models, key=lambda d: models[d].score(x)) == digit for digit, x in test)
    print(f"trained {len(models)} digit models on {sum(map(len, train.values()))} files in {seconds:.2f} s; "
          f"saved to {MODELS}; accuracy on {len(test)} test files: {correct / len(test):.3f}")


if __name__ == "__main__":
    main()
