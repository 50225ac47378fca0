"""Make the scikit-learn GaussianMixture reference fixtures that HMMKitMixtures must reproduce.

What
----
HMMKit's Swift Gaussian-mixture EM (``GaussianMixtureTrainer`` with the
``scikitLearn`` update options) must agree with scikit-learn's
``sklearn.mixture.GaussianMixture``.  This script runs scikit-learn from fixed,
deterministic initial parameters on two small datasets and the four covariance
types, and writes everything the Swift tests need as ``.npy`` files (the tests
never run Python):

  Tests/HMMKitMixturesTests/Fixtures/sklearn/
    manifest.json                    versions, parameters, layouts, per-case results,
                                     checks, and the exact per-iteration formulas
    {dataset}/data.npy               N x D float64, the training data
    {dataset}/{cov}/init_weights.npy         K x 1   uniform 1/K
    {dataset}/{cov}/init_means.npy           K x D   K distinct data rows
    {dataset}/{cov}/init_covariances.npy     the initial covariances (layout below)
    {dataset}/{cov}/init_precisions.npy      their inverses: what sklearn was given
    {dataset}/{cov}/lower_bounds.npy         20 x 1  lower_bound_ of fresh fits with max_iter = 1..20
    {dataset}/{cov}/step1_weights.npy        K x 1   parameters after ONE M-step (the max_iter=1 fit)
    {dataset}/{cov}/step1_means.npy          K x D
    {dataset}/{cov}/step1_covariances.npy
    {dataset}/{cov}/weights.npy              K x 1   final weights_ (max_iter=20 fit)
    {dataset}/{cov}/means.npy                K x D   final means_
    {dataset}/{cov}/covariances.npy          final covariances_
    {dataset}/{cov}/precisions_cholesky.npy  final precisions_cholesky_
    {dataset}/{cov}/score_samples.npy        50 x 1  score_samples(data[:50]) under the final model
    {dataset}/{cov}/predict_proba.npy        50 x K  predict_proba(data[:50]) under the final model

  dataset = synthetic | mfcc        cov = full | diag | spherical | tied

Every array is 2-D, float64, C order (the Swift reader only reads 2-D arrays).
Covariance-shaped arrays (covariances, precisions, precisions_cholesky):
  full       (K*D) x D   component k's D x D block is rows k*D ... k*D+D-1
  tied       D x D
  diag       K x D
  spherical  K x 1
``precisions_cholesky`` is sklearn's factor: for full/tied the UPPER-triangular
U with precision = U U^T (U = inverse(L)^T, L = lower Cholesky factor of the
covariance); for diag/spherical 1/sqrt(variance).

Datasets
  synthetic  numpy default_rng(0), generator of /work/shared/peers/w2_gmm.py
             scaled down: K_true=4, D=5, N=1200 (means N(0,4), stds U(0.5,2),
             weights dirichlet(4,4,4,4), labels by rng.choice, Gaussian noise).
  mfcc       python_speech_features.mfcc with exactly the parameters of
             /work/shared/peers/w1_features.py (13 cepstra, appendEnergy=True,
             int16 sample values as float64) on the first 40 FSDD files, sorted
             by file name, whose speaker (second "_" field) is "jackson"; the
             13 static dims only, frames of all files stacked in file order.
             (Sorted by name, these 40 files are 0_jackson_0 ... 0_jackson_45:
             all spoken "zero".)
K = 4 (synthetic), 5 (mfcc).

Initialisation (deterministic; identical means for the four covariance types)
  weights0 = 1/K each.
  means0   = X[rows], rows = numpy.random.default_rng(1).choice(N, K, replace=False).
  cov0     = the covariances that sklearn's own M-step formulas (see the manifest's
             "formulas.m_step", reg_covar = 1e-6 included) give for HARD responsibilities:
             each frame is assigned (one-hot) to its nearest initial mean in Euclidean
             distance (ties to the lowest index).  As in sklearn's M-step, each cluster's
             covariance is taken around the cluster's own weighted mean (not around the
             chosen row), with nk = count + 10*eps.  Only the covariances of this step are
             used; the means stay means0 and the weights stay uniform.
  precisions0 = inverse(cov0), symmetrised: full/tied P = (A + A^T)/2 with
             A = numpy.linalg.inv(cov0); diag/spherical 1/cov0.
sklearn is given (weights0, means0, precisions0) and so never runs its own
initialisation (random_state=0 is irrelevant but fixed).  It converts
precisions0 into its Cholesky factor by the flipped Cholesky
(see "formulas.initialisation" in the manifest).  The script checks that it
really started there: the max_iter=1 lower bound equals the mean log-likelihood
of the data under (weights0, means0, cov0) computed independently with
scipy.stats.multivariate_normal.

Fits: GaussianMixture(n_components=K, covariance_type=cov, max_iter=k, tol=0,
reg_covar=1e-6, weights_init=w0, means_init=m0, precisions_init=p0,
random_state=0).fit(X) for k = 1..20, each a fresh fit.  lower_bounds[k-1] =
lower_bound_ of the k-th fit = the mean per-sample log-likelihood computed in
the E-step of EM iteration k, i.e. under the parameters after k-1 M-steps.
The final parameters are those of the k = 20 fit (after 20 M-steps; so they
are one M-step AHEAD of lower_bounds[19]).  With tol = 0, converged_ is False
and n_iter_ = 20 (sklearn warns ConvergenceWarning; counted, not shown).

Checks (asserted; the results are in the manifest's "checks"):
  * the max_iter=1 lower bound against scipy under the init parameters;
  * lower_bounds against the lower_bounds_ history of the max_iter=20 fit;
  * an independent numpy re-implementation of the manifest's formulas
    (``em_sklearn_formulas``) against sklearn: every lower bound, the step-1
    and final parameters, score_samples and predict_proba;
  * a "textbook" float64 EM (``em_textbook``: no 10*eps, two-pass / one-pass
    forms swapped, Mahalanobis via the covariance's Cholesky) to show how far a
    correct implementation that does not copy sklearn's rounding lands
    (reported, with a loose assertion);
  * every written file is read back and compared bit for bit; size < 2 MB.

How to run
----------
    bash /work/shared/peers/setup.sh          # makes the peers' venv if missing
    ~/.cache/hmmkit-peers-venv/bin/python Tools/references/make_gmm_references.py

from any working directory (paths are resolved from this file).  Options:
``--fsdd DIR`` (default $FSDD_DIR or /work/shared/data/fsdd/recordings).
If the FSDD folder is absent, the committed mfcc/data.npy is reused (and the
manifest keeps the file list it recorded).  Takes a few seconds on one core;
BLAS is limited to one thread (threadpoolctl) so results do not depend on the
thread count.

Versions
--------
Made with the peers' venv (/work/shared/peers/requirements.txt):
scikit-learn 1.9.1, numpy 2.4.6, scipy 1.17.1, python_speech_features 0.6,
soundfile 0.14.0, Python 3.11.7 (OpenBLAS inside numpy/scipy).  The versions
actually used are read from the imported packages and written to the manifest.
Other versions may change results in the last bits (and sklearn may change
formulas: re-read _gaussian_mixture.py / _base.py before trusting them).
"""
import argparse
import glob
import hashlib
import importlib.metadata
import json
import math
import os
import platform
import shutil
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_io import Writer, rel_err  # noqa: E402  (shared with the other reference scripts)
import scipy
import scipy.linalg
import scipy.special
import scipy.stats
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_info, threadpool_limits

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(PACKAGE_ROOT, "Tests", "HMMKitMixturesTests", "Fixtures", "sklearn")
PEERS = "/work/shared/peers"
DEFAULT_FSDD = os.environ.get("FSDD_DIR", "/work/shared/data/fsdd/recordings")

REG_COVAR = 1e-6
MAX_ITER = 20
N_SCORED = 50
COV_TYPES = ("full", "diag", "spherical", "tied")
EPS = float(np.finfo(np.float64).eps)

SYNTHETIC = dict(seed=0, K_true=4, D=5, N=1200, K=4)
MFCC = dict(speaker="jackson", n_files=40, K=5)
INIT_SEED = 1
# Exactly the psf call of w1_features.feat_psf (highfreq=None means samplerate/2 = 4000 Hz;
# winfunc left at psf's default, a rectangular window np.ones).
PSF_MFCC = dict(samplerate=8000, winlen=0.025, winstep=0.01, numcep=13, nfilt=26, nfft=256,
                lowfreq=0, highfreq=None, preemph=0.97, ceplifter=22, appendEnergy=True)

# Tolerances of the assertions (relative to the largest magnitude of the compared array).
TOL_REIMPL = 1e-11       # numpy re-implementation of sklearn's formulas vs sklearn
TOL_INIT_CHECK = 1e-11   # scipy log-likelihood under the init vs the max_iter=1 lower bound
TOL_TEXTBOOK = 1e-7      # loose: textbook EM vs sklearn after 20 iterations


# --------------------------------------------------------------------------------------------
# Formulas (copied into the manifest; ``em_sklearn_formulas`` below implements exactly these)
# --------------------------------------------------------------------------------------------

FORMULAS = {
    "source": "sklearn/mixture/_gaussian_mixture.py and sklearn/mixture/_base.py of scikit-learn "
              "1.9.1 (BaseMixture.fit_predict, _e_step, _estimate_log_prob_resp; "
              "GaussianMixture._initialize, _m_step, _estimate_gaussian_parameters, "
              "_estimate_gaussian_covariances_*, _compute_precision_cholesky, "
              "_compute_precision_cholesky_from_precisions, _compute_log_det_cholesky, "
              "_estimate_log_gaussian_prob; sklearn.utils._array_api._logsumexp). "
              "Notation: X is N x D, resp is N x K (exp of log_resp), eps = 2.220446049250313e-16 "
              "(float64 machine epsilon), reg = reg_covar = 1e-6, @ is a matrix product.",
    "loop": [
        "With all three of weights_init, means_init, precisions_init given, sklearn runs no "
        "initialisation of its own (no k-means, random_state unused): weights_ = weights_init as "
        "given (NOT renormalised; only checked to sum to 1 within 1e-8), means_ = means_init, "
        "precisions_cholesky_ from precisions_init (see 'initialisation'). covariances_ is not set "
        "until the first M-step.",
        "for n_iter in 1..max_iter: (log_prob_norm, log_resp) = E-step under the CURRENT parameters; "
        "M-step (new parameters from exp(log_resp)); lower_bound = mean(log_prob_norm) (the E-step "
        "value, i.e. under the parameters BEFORE this M-step); change = lower_bound - previous "
        "(previous starts at -inf); if abs(change) < tol: converged, break.",
        "So lower_bound_ after max_iter = k is the mean log-likelihood under the parameters after "
        "k-1 M-steps, while weights_/means_/covariances_/precisions_cholesky_ are after k M-steps. "
        "score(X) of the fitted model is therefore NOT lower_bound_ (it is the next iteration's value; "
        "the manifest records it as final_model_mean_score).",
        "tol = 0: abs(change) < 0 is never true, so all max_iter iterations run, n_iter_ = max_iter, "
        "converged_ = False and a ConvergenceWarning is raised.",
        "n_init = 1: the 'best of n_init' selection is trivial. fit() ends with one more E-step "
        "(for fit_predict's labels) that changes no parameter and no lower_bound_.",
        "lower_bounds_ (new attribute) is the list of every iteration's lower_bound of the kept run.",
    ],
    "e_step": [
        "log_det[k] = sum(log(diag(precisions_cholesky[k]))) (full); sum(log(diag(precisions_cholesky))) "
        "(tied, one value for all k); sum_d log(precisions_cholesky[k,d]) (diag); "
        "D * log(precisions_cholesky[k]) (spherical). This is -1/2 log det(covariance).",
        "full:  y = X @ U_k - mu_k @ U_k  (U_k = precisions_cholesky[k], upper triangular; note the two "
        "products are formed separately and subtracted, not (X - mu_k) @ U_k); maha[:,k] = sum(y**2, axis=1).",
        "tied:  same with the single U for every k.",
        "diag:  p = precisions_cholesky**2 (K x D); maha = sum(means**2 * p, axis=1)[None,:] "
        "- 2 * X @ (means * p).T + (X**2) @ p.T   (expanded form, not sum(p*(x-mu)**2)).",
        "spherical: p = precisions_cholesky**2 (K,); maha = sum(means**2, axis=1)[None,:] * p "
        "- 2 * (X @ means.T) * p + outer(rowsum(X*X), p)   (rowsum by einsum('ij,ij->i')).",
        "log_gauss = -0.5 * (D * log(2*pi) + maha) + log_det",
        "weighted = log_gauss + log(weights_)   (weights_ as stored: after the first M-step they are "
        "nk / sum(nk), before it weights_init as given)",
        "log_prob_norm[n] = logsumexp(weighted[n,:]) computed as: m = max; c = number of entries equal "
        "to m; s = sum(exp(x - m) over the OTHER entries) / c; log_prob_norm = log1p(s) + log(c) + m. "
        "(Any stable logsumexp agrees to ~1 ulp.)",
        "log_resp = weighted - log_prob_norm[:,None]; resp = exp(log_resp) (the M-step receives "
        "exp(log_resp), not a renormalised softmax).",
        "lower_bound = mean(log_prob_norm) over the N samples (GaussianMixture._compute_lower_bound "
        "returns log_prob_norm unchanged: it is the mean log-likelihood per sample, not an ELBO).",
        "score_samples(X) = log_prob_norm; predict_proba(X) = exp(log_resp); score(X) = mean(score_samples).",
    ],
    "m_step": [
        "nk = resp.sum(axis=0) + 10 * eps   (added to every component, also in the initial one-hot "
        "estimate; keeps empty components finite)",
        "means = (resp.T @ X) / nk[:,None]",
        "full:  for each k: diff = X - means[k]; cov[k] = ((resp[:,k] * diff.T) @ diff) / nk[k]; then "
        "reg is added to the diagonal of cov[k]   (two-pass / centred form)",
        "tied:  cov = X.T @ X - (nk * means.T) @ means; cov /= sum(nk); then reg is added to the "
        "diagonal   (one-pass form; divided by sum(nk) = N + 10*K*eps, not N)",
        "diag:  cov = (resp.T @ (X * X)) / nk[:,None] - means**2 + reg   (one-pass E[x^2] - mu^2 form)",
        "spherical: var[k] = mean over d of the diag formula above, reg included (so reg is added once, "
        "not D times; var = mean_d(E[x_d^2] - mu_d^2) + reg)",
        "weights = nk / sum(nk)   (the eps-padded nk; _estimate_gaussian_parameters returns nk and "
        "_m_step divides by its sum)",
        "precisions_cholesky: full/tied: L = scipy.linalg.cholesky(cov, lower=True); "
        "U = scipy.linalg.solve_triangular(L, I, lower=True).T (upper triangular, U U^T = inv(cov)); "
        "failure of the Cholesky raises ValueError. diag/spherical: 1 / sqrt(cov) (ValueError if any "
        "cov <= 0). No variance floor, no starved-component handling: reg is the only guard.",
        "covariances_ = cov exactly as above (reg included); precisions_ = U @ U.T (full/tied) or "
        "precisions_cholesky**2 (diag/spherical), set after fit.",
    ],
    "initialisation": [
        "precisions_init -> precisions_cholesky_ via _compute_precision_cholesky_from_precisions: "
        "full/tied: J = exchange matrix (reverse rows and columns); U = J @ cholesky(J @ P @ J, lower) @ J, "
        "i.e. flip P in both axes, take the lower Cholesky factor, flip it back: an upper-triangular U "
        "with U U^T = P. Mathematically equal to inverse(cholesky(inverse(P)))^T, numerically a few ulp "
        "different. diag/spherical: sqrt(P).",
        "HMMKit's .given(model) takes covariances: building the model from init_covariances.npy instead "
        "of inverting init_precisions.npy differs from sklearn's start by ~1e-16 * cond relative, far "
        "below the 1e-8 target.",
    ],
}


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

def make_synthetic():
    p = SYNTHETIC
    rng = np.random.default_rng(p["seed"])
    K, D, N = p["K_true"], p["D"], p["N"]
    means = rng.normal(0, 4, (K, D))
    stds = rng.uniform(0.5, 2.0, (K, D))
    weights = rng.dirichlet(np.full(K, 4.0))
    labels = rng.choice(K, N, p=weights)
    X = means[labels] + stds[labels] * rng.standard_normal((N, D))
    truth = dict(means=means.tolist(), stds=stds.tolist(), weights=weights.tolist(),
                 label_counts=np.bincount(labels, minlength=K).tolist())
    return np.ascontiguousarray(X, dtype=np.float64), truth


def speaker_of(path):
    parts = os.path.basename(path)[:-4].split("_")
    return parts[1] if len(parts) == 3 else None


def make_mfcc(fsdd):
    import python_speech_features as psf
    import soundfile as sf
    files = sorted(f for f in glob.glob(os.path.join(fsdd, "*.wav")) if speaker_of(f) == MFCC["speaker"])
    files = files[:MFCC["n_files"]]
    assert len(files) == MFCC["n_files"], f"only {len(files)} {MFCC['speaker']} files in {fsdd}"
    mats, info = [], []
    for f in files:
        x, sr = sf.read(f, dtype="int16")
        assert sr == 8000 and x.ndim == 1, (f, sr, x.shape)
        m = psf.mfcc(x.astype(np.float64), **PSF_MFCC)
        mats.append(m)
        with open(f, "rb") as fh:
            sha = hashlib.sha256(fh.read()).hexdigest()
        info.append(dict(file=os.path.basename(f), samples=int(len(x)), frames=int(m.shape[0]), sha256=sha))
    X = np.ascontiguousarray(np.vstack(mats), dtype=np.float64)
    return X, info, files


def check_against_w1(files, X):
    """The psf call above must be bit-identical to w1_features.feat_psf's first 13 columns."""
    w1 = os.path.join(PEERS, "w1_features.py")
    if not os.path.exists(w1):
        return "skipped: w1_features.py not found"
    import soundfile as sf
    sys.path.insert(0, PEERS)
    try:
        import w1_features
    finally:
        sys.path.pop(0)
    ref = np.vstack([w1_features.feat_psf(sf.read(f, dtype="int16")[0])[0] for f in files])
    assert ref.shape == X.shape and np.array_equal(ref, X), "psf features differ from w1_features.feat_psf"
    return "bit-identical to w1_features.feat_psf (static 13 columns) on all files"


# --------------------------------------------------------------------------------------------
# sklearn's formulas in plain numpy (FORMULAS above)
# --------------------------------------------------------------------------------------------

def m_step_sklearn(X, resp, cov):
    N, D = X.shape
    nk = resp.sum(axis=0) + 10 * EPS
    means = (resp.T @ X) / nk[:, None]
    if cov == "full":
        C = np.empty((len(nk), D, D))
        for k in range(len(nk)):
            diff = X - means[k]
            C[k] = ((resp[:, k] * diff.T) @ diff) / nk[k]
            C[k].flat[::D + 1] += REG_COVAR
    elif cov == "tied":
        C = X.T @ X - (nk * means.T) @ means
        C /= nk.sum()
        C.flat[::D + 1] += REG_COVAR
    else:
        C = (resp.T @ (X * X)) / nk[:, None] - means ** 2 + REG_COVAR
        if cov == "spherical":
            C = C.mean(axis=1)
    return nk / nk.sum(), means, C


def prec_chol_from_cov(C, cov):
    if cov == "full":
        return np.stack([scipy.linalg.solve_triangular(scipy.linalg.cholesky(c, lower=True),
                                                       np.eye(c.shape[0]), lower=True).T for c in C])
    if cov == "tied":
        return scipy.linalg.solve_triangular(scipy.linalg.cholesky(C, lower=True),
                                             np.eye(C.shape[0]), lower=True).T
    return 1.0 / np.sqrt(C)


def prec_chol_from_prec(P, cov):
    flip = lambda a: a[::-1, ::-1]
    if cov == "full":
        return np.stack([flip(scipy.linalg.cholesky(flip(p), lower=True)) for p in P])
    if cov == "tied":
        return flip(scipy.linalg.cholesky(flip(P), lower=True))
    return np.sqrt(P)


def log_gauss_sklearn(X, means, U, cov):
    N, D = X.shape
    K = means.shape[0]
    if cov in ("full", "tied"):
        Us = U if cov == "full" else [U] * K
        log_det = np.array([np.log(np.diag(u)).sum() for u in Us])
        maha = np.empty((N, K))
        for k in range(K):
            y = X @ Us[k] - means[k] @ Us[k]
            maha[:, k] = np.sum(y ** 2, axis=1)
    elif cov == "diag":
        log_det = np.log(U).sum(axis=1)
        p = U ** 2
        maha = np.sum(means ** 2 * p, axis=1) - 2.0 * (X @ (means * p).T) + (X ** 2 @ p.T)
    else:
        log_det = D * np.log(U)
        p = U ** 2
        maha = (np.sum(means ** 2, axis=1) * p - 2 * (X @ means.T * p)
                + np.outer(np.einsum("ij,ij->i", X, X), p))
    return -0.5 * (D * math.log(2 * math.pi) + maha) + log_det


def logsumexp_sklearn(a):
    amax = a.max(axis=1, keepdims=True)
    is_max = a == amax
    b = a.copy()
    b[is_max] = -np.inf
    c = is_max.sum(axis=1, keepdims=True).astype(np.float64)
    s = np.exp(b - amax).sum(axis=1, keepdims=True)
    s = np.where(s == 0, s, s / c)
    return (np.log1p(s) + np.log(c) + amax)[:, 0]


def e_step_sklearn(X, w, means, U, cov):
    weighted = log_gauss_sklearn(X, means, U, cov) + np.log(w)
    lpn = logsumexp_sklearn(weighted)
    return lpn, weighted - lpn[:, None]


def em_sklearn_formulas(X, w0, m0, P0, cov, iters):
    """EM exactly as FORMULAS says. Returns lower bounds, step-1 and final (w, means, cov, U)."""
    w, m, U = w0, m0, prec_chol_from_prec(P0, cov)
    lbs, step1 = [], None
    for it in range(iters):
        lpn, log_resp = e_step_sklearn(X, w, m, U, cov)
        w, m, C = m_step_sklearn(X, np.exp(log_resp), cov)
        U = prec_chol_from_cov(C, cov)
        lbs.append(lpn.mean())
        if it == 0:
            step1 = (w, m, C)
    return np.array(lbs), step1, (w, m, C, U)


def em_textbook(X, w0, m0, C0, cov, iters):
    """A correct float64 EM that does NOT copy sklearn's rounding: nk without 10*eps, weights
    nk/N, two-pass variances where sklearn is one-pass and vice versa, Mahalanobis distances by
    triangular solves with the covariance's Cholesky factor, scipy's logsumexp; starts from the
    covariances (not the precisions)."""
    N, D = X.shape
    K = m0.shape[0]
    w, m, C = w0, m0, C0
    lbs = []
    for _ in range(iters):
        lg = np.empty((N, K))
        for k in range(K):
            if cov in ("full", "tied"):
                L = scipy.linalg.cholesky(C[k] if cov == "full" else C, lower=True)
                z = scipy.linalg.solve_triangular(L, (X - m[k]).T, lower=True)
                lg[:, k] = -0.5 * (D * math.log(2 * math.pi) + (z ** 2).sum(0)) - np.log(np.diag(L)).sum()
            else:
                var = C[k] if cov == "diag" else np.full(D, C[k])
                lg[:, k] = -0.5 * (D * math.log(2 * math.pi) + (((X - m[k]) ** 2) / var).sum(1)
                                   + np.log(var).sum())
        weighted = lg + np.log(w)
        lpn = scipy.special.logsumexp(weighted, axis=1)
        resp = np.exp(weighted - lpn[:, None])
        resp /= resp.sum(1, keepdims=True)
        lbs.append(lpn.mean())
        nk = resp.sum(0)
        w = nk / N
        m = (resp.T @ X) / nk[:, None]
        if cov == "full":       # one-pass here (sklearn: two-pass)
            C = np.stack([(X.T * resp[:, k]) @ X / nk[k] - np.outer(m[k], m[k]) + REG_COVAR * np.eye(D)
                          for k in range(K)])
        elif cov == "tied":     # two-pass here (sklearn: one-pass)
            C = sum((X - m[k]).T * resp[:, k] @ (X - m[k]) for k in range(K)) / N + REG_COVAR * np.eye(D)
        else:                   # two-pass here (sklearn: one-pass)
            V = np.stack([(resp[:, k, None] * (X - m[k]) ** 2).sum(0) / nk[k] for k in range(K)]) + REG_COVAR
            C = V if cov == "diag" else V.mean(1)
    return np.array(lbs), (w, m, C)


# --------------------------------------------------------------------------------------------
# Initialisation
# --------------------------------------------------------------------------------------------

def initial_parameters(X, K):
    """Means and hard assignment shared by the four covariance types."""
    N = X.shape[0]
    rows = np.random.default_rng(INIT_SEED).choice(N, K, replace=False)
    means0 = X[rows].copy()
    assert len(np.unique(means0, axis=0)) == K, "initial means are not distinct rows"
    d2 = ((X[:, None, :] - means0[None, :, :]) ** 2).sum(axis=2)
    labels = np.argmin(d2, axis=1)
    resp = np.zeros((N, K))
    resp[np.arange(N), labels] = 1.0
    return rows, means0, labels, resp


def init_for_type(X, resp, cov):
    K = resp.shape[1]
    _, _, C0 = m_step_sklearn(X, resp, cov)
    if cov == "full":
        C0 = 0.5 * (C0 + np.transpose(C0, (0, 2, 1)))
        P0 = np.stack([np.linalg.inv(c) for c in C0])
        P0 = 0.5 * (P0 + np.transpose(P0, (0, 2, 1)))
    elif cov == "tied":
        C0 = 0.5 * (C0 + C0.T)
        P0 = np.linalg.inv(C0)
        P0 = 0.5 * (P0 + P0.T)
    else:
        P0 = 1.0 / C0
    return np.full(K, 1.0 / K), C0, P0


def init_loglik_scipy(X, w, means, C, cov):
    """Mean log-likelihood under (w, means, C), by scipy.stats (independent of sklearn)."""
    D = X.shape[1]
    cols = []
    for k in range(len(w)):
        Ck = {"full": lambda: C[k], "tied": lambda: C, "diag": lambda: np.diag(C[k]),
              "spherical": lambda: C[k] * np.eye(D)}[cov]()
        cols.append(np.log(w[k]) + scipy.stats.multivariate_normal(means[k], Ck).logpdf(X))
    return scipy.special.logsumexp(np.stack(cols, axis=1), axis=1).mean()


# --------------------------------------------------------------------------------------------
# Output helpers
# --------------------------------------------------------------------------------------------

def as_2d(a, cov=None, what="plain"):
    a = np.asarray(a, dtype=np.float64)
    if what == "cov":
        if cov == "full":
            a = a.reshape(-1, a.shape[-1])
        elif cov == "spherical":
            a = a.reshape(-1, 1)
    elif a.ndim == 1:
        a = a.reshape(-1, 1)
    assert a.ndim == 2
    return np.ascontiguousarray(a)


def layout_of(cov, K, D):
    return {"full": [K * D, D], "tied": [D, D], "diag": [K, D], "spherical": [K, 1]}[cov]


def sk_params(g):
    return g.weights_, g.means_, g.covariances_, g.precisions_cholesky_


# --------------------------------------------------------------------------------------------
# One case
# --------------------------------------------------------------------------------------------

def run_case(X, name, cov, K, rows, means0, labels, resp, writer):
    N, D = X.shape
    w0, C0, P0 = init_for_type(X, resp, cov)
    fits, n_warn = [], 0
    for k in range(1, MAX_ITER + 1):
        g = GaussianMixture(n_components=K, covariance_type=cov, max_iter=k, tol=0, reg_covar=REG_COVAR,
                            weights_init=w0, means_init=means0, precisions_init=P0, random_state=0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            g.fit(X)
        n_warn += sum(issubclass(c.category, ConvergenceWarning) for c in caught)
        other = [str(c.message) for c in caught if not issubclass(c.category, ConvergenceWarning)]
        assert not other, other
        assert g.n_iter_ == k and not g.converged_, (g.n_iter_, g.converged_)
        fits.append(g)
    lbs = np.array([g.lower_bound_ for g in fits])
    last, first = fits[-1], fits[0]
    checks = {}

    # sklearn really started from our init
    ll0 = init_loglik_scipy(X, w0, means0, C0, cov)
    checks["init_loglik_scipy"] = ll0
    checks["init_check_rel_err"] = abs(ll0 - lbs[0]) / abs(lbs[0])
    assert checks["init_check_rel_err"] < TOL_INIT_CHECK, checks
    # fresh fits agree with the history of the 20-iteration fit
    hist = np.asarray(last.lower_bounds_, dtype=np.float64)
    checks["fresh_fits_vs_lower_bounds_attr_max_abs"] = float(np.abs(hist - lbs).max())
    assert np.array_equal(hist, lbs), "fresh fits and lower_bounds_ disagree"
    # EM (almost) never decreases the likelihood
    checks["min_lower_bound_increase"] = float(np.diff(lbs).min())
    assert np.diff(lbs).min() > -1e-9 * abs(lbs[-1]), lbs

    # independent re-implementation of FORMULAS
    r_lbs, (r_w1, r_m1, r_c1), (r_w, r_m, r_c, r_u) = em_sklearn_formulas(X, w0, means0, P0, cov, MAX_ITER)
    w, m, c, u = sk_params(last)
    s_lpn, s_lr = e_step_sklearn(X[:N_SCORED], w, m, u, cov)
    score = last.score_samples(X[:N_SCORED])
    proba = last.predict_proba(X[:N_SCORED])
    re = {
        "lower_bounds": rel_err(r_lbs, lbs),
        "step1_weights": rel_err(r_w1, first.weights_), "step1_means": rel_err(r_m1, first.means_),
        "step1_covariances": rel_err(r_c1, first.covariances_),
        "weights": rel_err(r_w, w), "means": rel_err(r_m, m), "covariances": rel_err(r_c, c),
        "precisions_cholesky": rel_err(r_u, u),
        "score_samples": rel_err(s_lpn, score), "predict_proba": rel_err(np.exp(s_lr), proba),
    }
    checks["numpy_reimplementation_max_rel_err"] = re
    assert max(re.values()) < TOL_REIMPL, re
    assert rel_err(em_sklearn_formulas(X, w0, means0, P0, cov, 1)[1][2], first.covariances_) < TOL_REIMPL

    # textbook EM: how close does an implementation land that does not copy the rounding?
    t_lbs, (t_w, t_m, t_c) = em_textbook(X, w0, means0, C0, cov, MAX_ITER)
    tb = {"lower_bounds": rel_err(t_lbs, lbs), "weights": rel_err(t_w, w), "means": rel_err(t_m, m),
          "covariances": rel_err(t_c, c)}
    checks["textbook_em_max_rel_err"] = tb
    elem = lambda a, b: float(np.max(np.abs(np.asarray(a) - b) / np.abs(b)))
    checks["textbook_em_elementwise_max_rel_err"] = {
        "lower_bounds": elem(t_lbs, lbs), "weights": elem(t_w, w), "means": elem(t_m, m),
        "covariances": elem(t_c, c)}
    assert max(tb.values()) < TOL_TEXTBOOK, tb

    # other invariants
    assert np.allclose(proba.sum(1), 1, rtol=0, atol=1e-12)
    assert abs(w.sum() - 1) < 1e-12
    if cov in ("full", "tied"):
        uu = u if cov == "full" else u[None]
        cc = c if cov == "full" else c[None]
        assert all(np.allclose(np.tril(x, -1), 0, atol=0) for x in uu), "precisions_cholesky not upper triangular"
        checks["max_rel_err_U_Ut_times_cov_minus_I"] = max(
            float(np.abs(x @ x.T @ y - np.eye(D)).max()) for x, y in zip(uu, cc))
        assert checks["max_rel_err_U_Ut_times_cov_minus_I"] < 1e-9
    else:
        assert np.allclose(u, 1 / np.sqrt(c), rtol=1e-14, atol=0)

    base = f"{name}/{cov}"
    out = {
        "init_weights": as_2d(w0), "init_means": as_2d(means0),
        "init_covariances": as_2d(C0, cov, "cov"), "init_precisions": as_2d(P0, cov, "cov"),
        "lower_bounds": as_2d(lbs),
        "step1_weights": as_2d(first.weights_), "step1_means": as_2d(first.means_),
        "step1_covariances": as_2d(first.covariances_, cov, "cov"),
        "weights": as_2d(w), "means": as_2d(m), "covariances": as_2d(c, cov, "cov"),
        "precisions_cholesky": as_2d(u, cov, "cov"),
        "score_samples": as_2d(score), "predict_proba": as_2d(proba),
    }
    lay = layout_of(cov, K, D)
    expect = {"init_weights": [K, 1], "init_means": [K, D], "init_covariances": lay, "init_precisions": lay,
              "lower_bounds": [MAX_ITER, 1], "step1_weights": [K, 1], "step1_means": [K, D],
              "step1_covariances": lay, "weights": [K, 1], "means": [K, D], "covariances": lay,
              "precisions_cholesky": lay, "score_samples": [N_SCORED, 1], "predict_proba": [N_SCORED, K]}
    for key, arr in out.items():
        assert list(arr.shape) == expect[key], (key, arr.shape, expect[key])
        writer.save(f"{base}/{key}.npy", arr)

    return dict(
        dataset=name, covariance_type=cov, N=N, D=D, K=K,
        covariance_layout=dict(shape=lay, meaning={
            "full": "component k's D x D block at rows k*D ... k*D+D-1",
            "tied": "the one shared D x D matrix", "diag": "row k = component k's variances (or their inverses "
            "/ inverse square roots)", "spherical": "row k = component k's single value"}[cov]),
        init=dict(rows=rows.tolist(), cluster_sizes=np.bincount(labels, minlength=K).tolist()),
        n_iter=int(last.n_iter_), converged=bool(last.converged_), convergence_warnings=n_warn,
        lower_bound_first=float(lbs[0]), lower_bound_final=float(lbs[-1]),
        final_model_mean_score=float(last.score(X)),
        checks=checks,
    )


# --------------------------------------------------------------------------------------------

def versions():
    v = {p: importlib.metadata.version(p) for p in
         ("scikit-learn", "numpy", "scipy", "python_speech_features", "soundfile", "threadpoolctl")}
    v["python"] = platform.python_version()
    v["platform"] = platform.platform()
    v["blas"] = [{k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
                 for i in threadpool_info()]
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fsdd", default=DEFAULT_FSDD)
    args = ap.parse_args()

    old_manifest = None
    if os.path.exists(os.path.join(OUT, "manifest.json")):
        with open(os.path.join(OUT, "manifest.json")) as fh:
            old_manifest = json.load(fh)

    X_syn, truth = make_synthetic()
    if os.path.isdir(args.fsdd):
        X_mfcc, mfcc_files, paths = make_mfcc(args.fsdd)
        w1_check = check_against_w1(paths, X_mfcc)
    else:
        print(f"FSDD folder {args.fsdd} not found: reusing the committed mfcc/data.npy")
        X_mfcc = np.load(os.path.join(OUT, "mfcc", "data.npy"))
        mfcc_files = old_manifest["datasets"]["mfcc"]["files"]
        w1_check = "skipped: FSDD absent, data reused"

    tmp = OUT + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    writer = Writer(tmp)
    datasets = {
        "synthetic": dict(
            X=X_syn, K=SYNTHETIC["K"],
            description="numpy default_rng(0): means = rng.normal(0, 4, (4, 5)); stds = rng.uniform(0.5, 2.0, "
                        "(4, 5)); weights = rng.dirichlet(np.full(4, 4.0)); labels = rng.choice(4, 1200, p=weights); "
                        "X = means[labels] + stds[labels] * rng.standard_normal((1200, 5)) (the w2_gmm.py generator, "
                        "K_true=4, D=5, N=1200)",
            generator=dict(SYNTHETIC, truth=truth)),
        "mfcc": dict(
            X=X_mfcc, K=MFCC["K"],
            description="python_speech_features.mfcc (params below = w1_features.feat_psf) of the first 40 FSDD "
                        "files, sorted by file name, whose speaker is 'jackson' (0_jackson_0 ... 0_jackson_45, all "
                        "the digit zero); static 13 dims (c0 replaced by log frame energy), frames stacked in file "
                        "order; int16 sample values as float64 (no /32768)",
            psf_mfcc=dict(PSF_MFCC, highfreq_note="None = samplerate/2 = 4000", winfunc="psf default: rectangular"),
            files=mfcc_files, w1_check=w1_check),
    }
    cases = []
    with threadpool_limits(limits=1):
        for name, ds in datasets.items():
            X = ds["X"]
            writer.save(f"{name}/data.npy", np.ascontiguousarray(X))
            K = ds["K"]
            rows, means0, labels, resp = initial_parameters(X, K)
            sizes = np.bincount(labels, minlength=K)
            assert sizes.min() > X.shape[1] + 1, f"{name}: a hard cluster is too small for a full covariance: {sizes}"
            for cov in COV_TYPES:
                c = run_case(X, name, cov, K, rows, means0, labels, resp, writer)
                cases.append(c)
                print(f"{name:9s} {cov:9s} N={c['N']} D={c['D']} K={c['K']} lb[0]={c['lower_bound_first']:.10f} "
                      f"lb[19]={c['lower_bound_final']:.10f} score(final)={c['final_model_mean_score']:.10f} "
                      f"reimpl={max(c['checks']['numpy_reimplementation_max_rel_err'].values()):.1e} "
                      f"textbook={max(c['checks']['textbook_em_max_rel_err'].values()):.1e} "
                      f"init-check={c['checks']['init_check_rel_err']:.1e}")
            for key in ("X",):
                ds.pop(key)
            ds.update(N=int(X.shape[0]), D=int(X.shape[1]), data_file=f"{name}/data.npy",
                      init_rows=rows.tolist(), init_cluster_sizes=sizes.tolist())

    manifest = dict(
        generator="Tools/references/make_gmm_references.py",
        versions=versions(),
        parameters=dict(
            estimator="sklearn.mixture.GaussianMixture", reg_covar=REG_COVAR, tol=0, n_init=1, random_state=0,
            max_iter="1..20, a fresh fit for each (lower_bounds); final parameters from max_iter=20",
            n_components=dict(synthetic=SYNTHETIC["K"], mfcc=MFCC["K"]),
            covariance_types=list(COV_TYPES), scored_rows=f"data[:{N_SCORED}]",
            blas_threads=1,
            initialisation=dict(
                weights="uniform 1/K",
                means=f"X[rows], rows = numpy.random.default_rng({INIT_SEED}).choice(N, K, replace=False) "
                      "(same rows for all covariance types of a dataset)",
                covariances="sklearn's M-step formulas (formulas.m_step, reg_covar included, nk = count + 10*eps) "
                            "applied to one-hot responsibilities: each row assigned to its nearest initial mean "
                            "(squared Euclidean, ties to the lowest index); covariances around each cluster's own "
                            "mean; the cluster means and sizes are NOT used as means/weights",
                precisions="inverse of the initial covariances: full/tied (A + A^T)/2 with A = numpy.linalg.inv; "
                           "diag/spherical 1/variance. sklearn gets weights_init, means_init, precisions_init.",
                check="lower_bounds[0] (max_iter=1) equals the mean log-likelihood of the data under "
                      "(init_weights, init_means, init_covariances) by scipy.stats.multivariate_normal "
                      f"(relative tolerance {TOL_INIT_CHECK})"),
        ),
        files_layout=dict(
            all_arrays="2-D float64, C order, .npy v1",
            covariance_shaped={"full": "(K*D) x D; block k = rows k*D ... k*D+D-1", "tied": "D x D",
                               "diag": "K x D", "spherical": "K x 1"},
            per_case={
                "init_weights.npy": "K x 1", "init_means.npy": "K x D",
                "init_covariances.npy": "covariance-shaped; the initial covariances (extra: for .given models)",
                "init_precisions.npy": "covariance-shaped; what sklearn got as precisions_init",
                "lower_bounds.npy": "20 x 1; entry k-1 = lower_bound_ of the max_iter=k fit = mean log-likelihood "
                                    "per sample in the E-step of iteration k (parameters after k-1 M-steps)",
                "step1_weights.npy": "K x 1; weights_ after one M-step (max_iter=1 fit)",
                "step1_means.npy": "K x D; means_ after one M-step",
                "step1_covariances.npy": "covariance-shaped; covariances_ after one M-step",
                "weights.npy": "K x 1; weights_ of the max_iter=20 fit (after 20 M-steps)",
                "means.npy": "K x D", "covariances.npy": "covariance-shaped; covariances_ (reg_covar included)",
                "precisions_cholesky.npy": "covariance-shaped; precisions_cholesky_: full/tied upper-triangular U "
                                           "with U U^T = inverse(covariance); diag/spherical 1/sqrt(variance)",
                "score_samples.npy": f"{N_SCORED} x 1; score_samples(data[:{N_SCORED}]) under the final model",
                "predict_proba.npy": f"{N_SCORED} x K; predict_proba(data[:{N_SCORED}]) under the final model",
            }),
        datasets=datasets,
        formulas=FORMULAS,
        agreement_notes=[
            "checks.numpy_reimplementation_max_rel_err: numpy code written from 'formulas' vs sklearn, relative "
            "to each array's largest magnitude; all < 1e-11 (asserted).",
            "checks.textbook_em_max_rel_err: a float64 EM that ignores sklearn's rounding choices (no 10*eps, "
            "weights nk/N, swapped one-/two-pass forms, Mahalanobis by triangular solves, start from the "
            "covariances); asserted < 1e-7, see the values for how much slack 1e-8 leaves. "
            "checks.textbook_em_elementwise_max_rel_err: the same, element by element (|a-b|/|b|).",
            "Compare small entries (off-diagonal covariances, means near 0, tiny probabilities) with a tolerance "
            "relative to the array's largest magnitude, not elementwise.",
        ],
        cases=cases,
        files=writer.files,
    )
    manifest = json.loads(json.dumps(manifest))  # plain JSON types
    with open(os.path.join(tmp, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tmp) for f in fs)
    assert total < 2_000_000, total
    shutil.rmtree(OUT, ignore_errors=True)
    os.rename(tmp, OUT)
    print(f"wrote {len(writer.files)} arrays + manifest.json to {OUT} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
