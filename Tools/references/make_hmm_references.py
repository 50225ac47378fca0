"""Make the hmmlearn hidden-Markov-model reference fixtures that HMMKitMarkov must reproduce.

What
----
HMMKit's Swift HMMs (issue 5) must agree with hmmlearn 0.3.3 (``GaussianHMM`` and
``GMMHMM``).  This script runs hmmlearn from exported, deterministic initial
parameters on real speech features and writes everything the Swift tests need as
``.npy`` files plus a manifest (the tests never run Python):

  Tests/HMMKitMarkovTests/Fixtures/hmmlearn/
    manifest.json            versions, parameters, layouts, per-case results and checks,
                             the exact E-step / M-step / Viterbi formulas hmmlearn uses
    data.npy                 N x 39  the 20 training sequences stacked in order
    lengths.npy              20 x 1  frames per sequence (integers stored as float64)
    {case}/init_startprob.npy        S x 1     initial parameters (what fit() started from)
    {case}/init_transmat.npy         S x S
    {case}/init_means.npy            S x D     (GMMHMM: (S*M) x D)
    {case}/init_covars.npy           layout below
    {case}/init_weights.npy          S x M     (GMMHMM only)
    {case}/init_log_frameprob_0.npy  T0 x S    log emission density of sequence 0 under the init
    {case}/init_score_per_sequence.npy 20 x 1  score(X_k) of each sequence under the init
    {case}/loglik_history.npy        10 x 1    monitor_.history (see below)
    {case}/step1_{startprob,transmat,means,covars[,weights]}.npy   after ONE EM iteration
    {case}/{startprob,transmat,means,covars[,weights]}.npy         final, after 10 EM iterations
    {case}/score_per_sequence.npy    20 x 1    score(X_k) under the final model
    {case}/viterbi_logprob.npy       3 x 1     decode(X_k, algorithm="viterbi")[0], k = 0, 1, 2
    {case}/viterbi_path_{k}.npy      T_k x 1   decode(X_k, algorithm="viterbi")[1] (state indices as float64)
    {case}/predict_proba_0.npy       T0 x S    predict_proba(X_0) under the final model
    wikipedia_categorical/*.npy      hmmlearn's own Wikipedia CategoricalHMM test case (see below)

  case = gaussian_diag_ergodic3 | gaussian_diag_lr5 | gaussian_full_ergodic3 | gaussian_full_lr5
       | gmm_diag3_ergodic3 | gmm_diag3_lr5

Every array is 2-D, float64, C order (the Swift reader only reads 2-D arrays).
Layouts (S states, M mixture components, D = 39 features; 1-D vectors are columns):
  startprob                 S x 1
  transmat                  S x S     row i = from state i
  GaussianHMM means         S x D
  GaussianHMM diag covars   S x D     row s = state s's variances (hmmlearn's stored ``_covars_``;
                                      the public ``covars_`` property returns S x D x D diagonal matrices)
  GaussianHMM full covars   (S*D) x D state s's D x D matrix = rows s*D ... s*D+D-1
  GMMHMM weights            S x M     row s = state s's mixture weights
  GMMHMM means              (S*M) x D row s*M+m = component m of state s
  GMMHMM diag covars        (S*M) x D row s*M+m = component m of state s's variances

Data
----
python_speech_features 39-dim features computed by exactly ``features()`` of
/work/shared/peers/w3_hmm.py (13 MFCC with c0 = log frame energy, + delta + delta-delta,
N=2; 8 kHz, 25 ms / 10 ms, nfft 256, 26 filters, preemph 0.97, lifter 22, rectangular
window, int16 sample values as float64, no CMVN; asserted bit-identical to w3_hmm.features)
of the FSDD files ``3_jackson_{take}.wav`` for take = 5, 6, ..., 24 (20 sequences, the
digit "3", speaker jackson, w3's training takes), in NUMERIC take order (not the
lexicographic order of a sorted glob).  The sequence order matters for the last bits:
hmmlearn sums sufficient statistics sequence by sequence in this order.

Cases and initial parameters
----------------------------
  GaussianHMM(covariance_type="diag"), GaussianHMM(covariance_type="full"),
  GMMHMM(n_mix=3, covariance_type="diag"), each with
  (a) ergodic3: S = 3, every transition allowed;
  (b) lr5:      S = 5, left-to-right as w3_hmm.lr_init: startprob = [1,0,0,0,0],
                transmat[i,i] = transmat[i,i+1] = 0.5 (i < 4), transmat[4,4] = 1.

Initial parameters come from hmmlearn's own initialisation, run once and exported:
``Model(n_components=S, ..., random_state=0, n_iter=0, init_params=I).fit(X, lengths)``
(n_iter = 0 runs ``_init`` and ``_check`` only), I = "stmc" (GaussianHMM) / "stmcw" (GMMHMM)
for ergodic3 and "mc" / "mcw" for lr5 (whose startprob/transmat are set by lr_init first).
hmmlearn's init: startprob ~ Dirichlet(1/S), each transmat row ~ Dirichlet(1/S) from
RandomState(0); GaussianHMM means = KMeans(S, random_state=0, n_init=10) centres, covars =
np.cov(X.T) (ddof 1) + min_covar*I (diag: its diagonal) for every state; GMMHMM: KMeans(S)
labels, then KMeans(M) inside each cluster for the means, weights 1/M, covars the diagonal
of np.cov(X.T) + min_covar*I for every component.  (GMMHMM falls back to the GLOBAL
numpy RNG when a cluster has fewer than M frames; the script asserts that did not happen.)

Left-to-right only: hmmlearn's k-means returns the clusters in arbitrary order, and putting
them on a left-to-right chain in that order makes these fits collapse (GaussianHMM diag:
the 3->4 transition underflows to 0.0, state 4 gets zero posterior mass at iteration 8 and
its means become 0/0 = NaN; GMMHMM diag: NaN at iteration 5).  So, for lr5, the exported
init relabels hmmlearn's states in temporal order: every frame goes to the state owning its
nearest (squared Euclidean) initial mean among all S*M means, each state's key is the mean
relative time t/(T-1) of its frames, and the states are sorted by key (stable).  The means,
covars (and weights) are hmmlearn's own values, permuted together; the manifest records the
permutation (``init.state_relabelling``: new state i = hmmlearn's state order[i]).

Fits: the same class with ``init_params=""`` (nothing re-initialised: asserted by a fit with
n_iter=0 that returns the exported values bit for bit), ``params`` = all letters ("stmc" /
"stmcw"), the exported initial values assigned to startprob_, transmat_, means_, covars_
(and weights_), n_iter=10, tol=-inf (the early-stop test ``history[-1] - history[-2] < tol``
can never fire, so exactly 10 iterations run; monitor_.iter == 10 is asserted),
random_state=0, implementation="log" (the default), and every prior at its default.
``loglik_history[k]`` (k = 0..9) is the total log-likelihood sum_k log p(X_k) computed in
the E-step of iteration k+1, i.e. under the parameters after k M-steps: history[0] is
the initial model's score.  The final parameters are after 10 M-steps, one step ahead of
history[9]; their total score is the manifest's ``final_model_total_score``
(= sum of score_per_sequence).  ``step1_*`` come from a separate fit with n_iter = 1.

Checks (asserted; values in the manifest's per-case "checks"):
  * features bit-identical to w3_hmm.features; exported init reproduced by an n_iter=0 fit;
  * the n_iter=1 fit's history[0] equals the 10-iteration fit's history[0]; the
    10-iteration history is non-decreasing (up to 1e-9 relative);
  * an independent numpy transcription of the formulas in the manifest ("formulas")
    reproduces hmmlearn's history, step-1 and final parameters, per-sequence scores,
    Viterbi paths/log-probs and posteriors (relative to each array's largest magnitude);
  * implementation="scaling" gives the same fit to rounding (measured, reported);
  * "textbook" variants quantify the quirks (GaussianHMM with covars_prior=0; GMMHMM with
    covariances re-centred on the new means): reported, they are far from hmmlearn;
  * every written file is read back bit for bit; total size < 3 MB.

Wikipedia case
--------------
hmmlearn/tests/test_categorical_hmm.py (TestCategoricalAgainstWikipedia) has the only
hard-coded expected outputs in the installed test suite: a 2-state CategoricalHMM
(startprob [0.6, 0.4], transmat [[0.7, 0.3], [0.4, 0.6]], emissionprob
[[0.1, 0.4, 0.5], [0.6, 0.3, 0.1]]), X = [0, 1, 2]: Viterbi probability 0.01344 with path
[1, 0, 0], predict_proba [[0.23170303, 0.76829697], [0.62406281, 0.37593719],
[0.86397706, 0.13602294]] (atol 1e-6).  The test's expected values go into the manifest,
and hmmlearn's exact outputs into wikipedia_categorical/ (X, startprob, transmat,
emissionprob, viterbi_logprob 1x1, viterbi_path 3x1, predict_proba 3x2, score 1x1).

How to run
----------
    bash /work/shared/peers/setup.sh          # makes the peers' venv if missing
    ~/.cache/hmmkit-peers-venv/bin/python Tools/references/make_hmm_references.py

from any working directory.  ``--fsdd DIR`` overrides the FSDD folder (default $FSDD_DIR or
/work/shared/data/fsdd/recordings); without it the committed data.npy/lengths.npy are reused.
Takes about 5 s on one core; BLAS is pinned to one thread (threadpoolctl, after all imports, so
that numpy's and scipy's OpenBLAS are both limited).  The output is bit-for-bit reproducible
with the same versions; with more BLAS threads the full-covariance cases move by ~1e-15 relative.

Versions
--------
hmmlearn 0.3.3, numpy 2.4.6, scipy 1.17.1, scikit-learn 1.9.1 (KMeans in the init),
python_speech_features 0.6, soundfile 0.14.0, Python 3.11.7; the versions actually used are
written to the manifest.  Another hmmlearn version may change formulas: re-read
hmmlearn/base.py, hmm.py, _emissions.py, stats.py and src/_hmmc.cpp before trusting them.
"""
import argparse
import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import shutil
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_io import Writer, rel_err  # noqa: E402  (shared with the other reference scripts)
import python_speech_features as psf
import scipy
import scipy.linalg
import scipy.special
import soundfile as sf
from hmmlearn import hmm
from threadpoolctl import threadpool_info, threadpool_limits

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(PACKAGE_ROOT, "Tests", "HMMKitMarkovTests", "Fixtures", "hmmlearn")
PEERS = "/work/shared/peers"
DEFAULT_FSDD = os.environ.get("FSDD_DIR", "/work/shared/data/fsdd/recordings")

DIGIT, SPEAKER, TAKES = 3, "jackson", list(range(5, 25))
N_ITER = 10
TOL = float("-inf")
RANDOM_STATE = 0
N_MIX = 3
N_VITERBI = 3
TINY = float(np.finfo(float).tiny)

# Exactly the psf calls of w3_hmm.features (highfreq=None = samplerate/2; winfunc = psf's default,
# a rectangular window; delta N = 2 applied twice).
PSF_MFCC = dict(samplerate=8000, winlen=0.025, winstep=0.01, numcep=13, nfilt=26, nfft=256,
                lowfreq=0, highfreq=None, preemph=0.97, ceplifter=22, appendEnergy=True)
DELTA_N = 2

# Tolerances (relative to the compared array's largest magnitude).
TOL_REIMPL = 1e-9        # numpy transcription of the formulas vs hmmlearn, after 10 iterations
TOL_MONOTONE = 1e-9      # allowed relative decrease of the log-likelihood history

CASES = [
    # name, class, covariance_type, topology, S
    ("gaussian_diag_ergodic3", "GaussianHMM", "diag", "ergodic", 3),
    ("gaussian_diag_lr5", "GaussianHMM", "diag", "left-to-right", 5),
    ("gaussian_full_ergodic3", "GaussianHMM", "full", "ergodic", 3),
    ("gaussian_full_lr5", "GaussianHMM", "full", "left-to-right", 5),
    ("gmm_diag3_ergodic3", "GMMHMM", "diag", "ergodic", 3),
    ("gmm_diag3_lr5", "GMMHMM", "diag", "left-to-right", 5),
]

# --------------------------------------------------------------------------------------------
# Formulas (copied into the manifest and the README; ``NumpyHMM`` below implements them)
# --------------------------------------------------------------------------------------------

FORMULAS = {
    "source": "hmmlearn 0.3.3: base.py (BaseHMM.fit, _do_estep, _fit_log, _fit_scaling, "
              "_accumulate_sufficient_statistics_*, _do_mstep, _compute_posteriors_*, decode, "
              "ConvergenceMonitor), hmm.py (GaussianHMM, GMMHMM: __init__ defaults, _init, "
              "_init_covar_priors, _do_mstep), _emissions.py (BaseGaussianHMM, BaseGMMHMM: "
              "_compute_log_likelihood, sufficient statistics), stats.py "
              "(_log_multivariate_normal_density_diag/_full), utils.py (normalize, log_normalize), "
              "src/_hmmc.cpp (forward_log, backward_log, compute_log_xi_sum, forward_scaling, "
              "backward_scaling, compute_scaling_xi_sum, viterbi). Notation: sequence k has frames "
              "x_0..x_{T-1}; B_t(s) = log b_s(x_t); lse = log-sum-exp; gamma = state posteriors; "
              "sums over t run over all frames of all sequences unless stated.",
    "loop": [
        "fit(X, lengths): _init (only the letters in init_params, plus anything not yet set; with "
        "init_params='' and all attributes assigned nothing is initialised, but GMMHMM._init still "
        "runs its k-means and discards the result), _check (GMMHMM: turns the None priors into "
        "arrays), monitor reset.",
        "for it in 1..n_iter: (stats, logprob) = E-step over all sequences under the CURRENT "
        "parameters, logprob = sum over sequences of the forward log-likelihood; lower_bound = "
        "logprob (BaseHMM._compute_lower_bound is the identity: NO prior/penalty terms, even though "
        "the M-step is a MAP step); M-step; monitor_.report(logprob) appends to monitor_.history; "
        "stop if monitor_.iter == n_iter or history[-1] - history[-2] < tol.",
        "monitor_.history is an unbounded deque in 0.3.3 (its docstring's 'last two' is stale): it "
        "holds every iteration. history[k] is the log-likelihood under the parameters after k "
        "M-steps; the fitted parameters are after n_iter M-steps, so score(X) of the fitted model "
        "is one step beyond history[-1].",
        "tol is compared with the raw (not relative) change. With tol = -inf exactly n_iter "
        "iterations run. A decrease larger than sqrt(eps) = 1.49e-8 only logs 'Model is not "
        "converging'.",
    ],
    "emission_log_density": [
        "GaussianHMM diag (stats._log_multivariate_normal_density_diag): v = max(covars, tiny) with "
        "tiny = 2.2250738585072014e-308; B_t(s) = -0.5 * (D*log(2*pi) + sum_d log v_sd + "
        "sum_d (x_td - mu_sd)^2 / v_sd).",
        "GaussianHMM full (_log_multivariate_normal_density_full): L = scipy cholesky(Sigma_s, "
        "lower) (if that fails: cholesky(Sigma_s + 1e-7*I), then ValueError); y = "
        "solve_triangular(L, (x - mu_s)^T, lower); B_t(s) = -0.5 * (D*log(2*pi) + sum y^2 + "
        "2*sum log diag(L)).",
        "GMMHMM diag: B_t(s) = logsumexp_m( log N_diag(x_t; mu_sm, v_sm) + log w_sm ) with the diag "
        "density above and log w = numpy log (-inf for a zero weight); scipy.special.logsumexp.",
    ],
    "e_step_log": [
        "implementation='log' (the default; used for every fixture). Sequences are processed "
        "one at a time in order; their statistics are summed.",
        "log pi = log(startprob), log A = log(transmat) elementwise; log 0 = -inf is allowed "
        "(left-to-right zeros).",
        "lse(v) in _hmmc: m = max(v); if m is +-inf return m; else log(sum exp(v - m)) + m.",
        "forward: alpha_0(i) = log pi_i + B_0(i); alpha_t(j) = lse_i(alpha_{t-1}(i) + log A_ij) + "
        "B_t(j); log p(X_k) = lse_j alpha_{T-1}(j).",
        "backward: beta_{T-1}(i) = 0; beta_t(i) = lse_j(log A_ij + B_{t+1}(j) + beta_{t+1}(j)).",
        "gamma_t = exp(alpha_t + beta_t - lse_i(alpha_t + beta_t)): every frame is renormalised "
        "explicitly (not by subtracting log p(X_k)).",
        "xi: logxi_sum(i,j) = logaddexp over t = 0..T-2 of alpha_t(i) + log A_ij + B_{t+1}(j) + "
        "beta_{t+1}(j) - log p(X_k) (log p(X_k) recomputed as lse_j alpha_{T-1}(j); logaddexp(a,b) "
        "= max + log1p(exp(-|a-b|)), -inf aware); stats.trans += exp(logxi_sum). A sequence of "
        "length 1 adds no transitions.",
        "stats.start += gamma_0 (per sequence).",
        "GaussianHMM: post += sum_t gamma_t; obs += gamma^T X; diag: obs2 += gamma^T (X*X); full: "
        "obsobsT[s] += sum_t gamma_ts x_t x_t^T (einsum 'ij,ik,il->jkl').",
        "GMMHMM: r_tsm = exp(log_normalize over m of (log N(x_t; mu_sm, v_sm) + log w_sm)) under the "
        "CURRENT (old) parameters; g_tsm = gamma_ts * r_tsm; post_mix_sum[s,m] += sum_t g_tsm; "
        "post_sum[s] += sum_t gamma_ts; m_n[s,m] += sum_t g_tsm x_t (m_n starts at means_weight * "
        "means_prior = 0); c_n[s,m] += sum_t g_tsm (x_t - mu_sm_OLD)^2 (diag; centred on the means "
        "of the E-step, NOT on the new means).",
    ],
    "e_step_scaling": [
        "implementation='scaling' (not used for the fixtures; compared in checks.scaling_vs_log): "
        "frameprob = exp(B); f_0 = pi * frameprob_0; c_0 = 1/sum(f_0); f_0 *= c_0; f_t(j) = "
        "(sum_i f_{t-1}(i) A_ij) * frameprob_t(j); c_t = 1/sum_j f_t(j); f_t *= c_t; log p(X_k) = "
        "-sum_t log c_t. If any sum < 1e-300 it raises 'forward pass failed with underflow; consider "
        "using implementation='log' instead'.",
        "backward: bh_{T-1}(i) = c_{T-1}; bh_t(i) = c_t * sum_j A_ij frameprob_{t+1}(j) bh_{t+1}(j).",
        "gamma = f * bh normalised per row; xi_sum(i,j) = sum_t f_t(i) A_ij frameprob_{t+1}(j) "
        "bh_{t+1}(j) (no extra normalisation). GMMHMM's mixture responsibilities and the M-step are "
        "the same as for 'log'; Viterbi always works in logs. So 'scaling' differs from 'log' only "
        "by rounding, plus the underflow error on frames whose densities all underflow.",
    ],
    "m_step": [
        "Order: startprob, transmat (BaseHMM._do_mstep), then GaussianHMM means, covars (covars use "
        "the NEW means) / GMMHMM weights, means, covars. Only letters in params are updated.",
        "startprob: p = max(startprob_prior - 1 + start, 0); p = where(startprob_old == 0, 0, p); "
        "p /= sum(p). Default startprob_prior = 1.0, so prior - 1 = 0 exactly and this is the ML "
        "estimate p_i = start_i / sum(start) (start = sum over sequences of gamma_0). The Dirichlet "
        "prior 1.0 does NOT change the ML estimate.",
        "transmat: A = max(transmat_prior - 1 + xi_sum, 0); A = where(A_old == 0, 0, A); each row "
        "divided by its sum (a zero row sum is replaced by 1). Default 1.0 -> ML: A_ij = "
        "xi_sum_ij / sum_j xi_sum_ij. An entry that is exactly 0.0 stays 0.0 forever: structural "
        "zeros (left-to-right) AND entries that underflowed to 0.0 in an earlier iteration "
        "(exp(logxi_sum) < 4.9e-324); tiny values occur in these fixtures (ergodic startprob down to "
        "1e-223, transmat down to 1e-74; predict_proba down to subnormals, with exact zeros).",
        "GaussianHMM defaults: min_covar=1e-3, means_prior=0, means_weight=0, covars_prior=1e-2, "
        "covars_weight=1.",
        "GaussianHMM means = (means_weight*means_prior + obs) / (means_weight + post) = obs / post "
        "(no guard for post = 0).",
        "GaussianHMM diag: c_n = means_weight*(mu - means_prior)^2 + obs2 - 2*mu*obs + mu^2*post "
        "with mu the NEW means (one-pass form); c_d = max(covars_weight - 1, 0) + post = post; "
        "var = (covars_prior + c_n) / max(c_d, 1e-5) = (0.01 + sum gamma x^2 - 2 mu sum gamma x + "
        "mu^2 sum gamma) / max(post, 1e-5). So 0.01/post is added to the ML variance: a soft floor "
        "(the only one).",
        "GaussianHMM full: c_n[s] = means_weight*outer(d, d) + obsobsT[s] - outer(obs_s, mu_s) - "
        "outer(obs_s, mu_s)^T + outer(mu_s, mu_s)*post_s (NEW means); cvweight = max(covars_weight "
        "- D, 0) = 0; Sigma_s = (covars_prior + c_n[s]) / (cvweight + post_s) = (0.01 + c_n[s]) / "
        "post_s, where the scalar 0.01 is added to EVERY entry (off-diagonal too): the prior matrix "
        "is 0.01*ones(D, D), not 0.01*I.",
        "GaussianHMM min_covar is used ONLY by the initialisation (np.cov(X.T), ddof = 1, + min_covar*I); "
        "there is no variance floor in the M-step or in the densities (apart from the 'tiny' clamp "
        "and the 1e-7 Cholesky retry above).",
        "GMMHMM defaults: min_covar=1e-3, weights_prior=1.0, means_prior=0, means_weight=0, "
        "covars_prior=None -> diag -1.5 (full 0, tied 0, spherical -(n_mix+2)/2), covars_weight="
        "None -> diag 0 (full -(1+D+1), tied -(n_mix+D+1), spherical 0). These defaults make every "
        "update the ML (prior-free) form.",
        "GMMHMM weights: w = (post_mix_sum + (weights_prior - 1)) / (post_sum + sum_m (weights_prior "
        "- 1))[:, None] = post_mix_sum / post_sum (note: divided by post_sum = sum_t gamma_ts, not "
        "by sum_m post_mix_sum; equal up to rounding).",
        "GMMHMM means: m_d = post_mix_sum + means_weight (= post_mix_sum; set to 1 where weight == 0 "
        "and m_n == 0); mu = m_n / m_d.",
        "GMMHMM diag covars: c_n = means_weight*(mu_new - means_prior)^2 + 2*covars_weight + "
        "sum_t g_tsm (x_t - mu_OLD)^2 = sum_t g_tsm (x_t - mu_OLD)^2; c_d = post_mix_sum + 1 + "
        "2*(covars_prior + 1), evaluated left to right = (post_mix_sum + 1.0) + (-1.0) (may differ "
        "from post_mix_sum in the last bit); var = c_n / c_d. NOT the ML variance about the new "
        "means: var = var_ML(mu_new) + (mu_new - mu_old)^2.",
        "GMMHMM full (not in the fixtures): c_d = post_mix_sum + 1 + nus + D + 1 = post_mix_sum, "
        "Sigma = sum g (x - mu_OLD)(x - mu_OLD)^T / post_mix_sum.",
        "GMMHMM has NO variance floor at all: min_covar is used only by the initialisation, there "
        "is no covars_prior term and no 1e-5 guard.",
    ],
    "decode_and_score": [
        "score(X, lengths) = sum over sequences of the forward log p(X_k) (implementation-dependent "
        "path, same value to rounding).",
        "predict_proba = gamma of score_samples (log: exp of alpha + beta renormalised per frame).",
        "Viterbi (_hmmc.viterbi, always in logs, for either implementation): d_0(i) = log pi_i + "
        "B_0(i); d_t(i) = max_j(d_{t-1}(j) + log A_ji) + B_t(i); last state = FIRST argmax of "
        "d_{T-1} (lowest index on ties); log-prob = d_{T-1}(last); backtracking recomputes "
        "argmax_i(d_t(i) + log A_{i,next}) with ties going to the HIGHEST index (std::max over "
        "(value, index) pairs); no stored back-pointers. decode() on several sequences sums the "
        "log-probs and concatenates the paths.",
    ],
}

QUIRKS = [
    "The convergence/likelihood value (monitor_.history) is computed BEFORE the M-step of the same "
    "iteration: history[k] belongs to the parameters after k M-steps.",
    "startprob_prior = transmat_prior = weights_prior = 1.0 (Dirichlet) reduce exactly to the ML "
    "estimates (prior - 1 = 0).",
    "A startprob/transmat entry that is 0.0 is never updated again (np.where(old == 0, 0, new)): "
    "keeps left-to-right zeros, but also freezes entries that underflow to 0.0 during training.",
    "GaussianHMM adds covars_prior = 0.01 to the covariance numerator (every entry of a full "
    "matrix, off-diagonals included) and divides diag by max(post, 1e-5); min_covar (1e-3) is "
    "only used at initialisation.",
    "GMMHMM defaults (covars_prior -1.5, covars_weight 0 for diag) cancel exactly: no prior, no "
    "floor, no min_covar in EM. Its covariance statistics are centred on the OLD means (E-step "
    "time), so var = var_ML + (mu_new - mu_old)^2.",
    "Each frame's posteriors are renormalised explicitly; xi uses log p(X_k) of the forward pass.",
    "Viterbi ties: final state lowest index, backtracking highest index.",
    "'scaling' throws on forward-sum underflow (< 1e-300); otherwise it equals 'log' to rounding.",
    "No guard for a state whose posterior mass is 0: GaussianHMM means become 0/0 = NaN and the NaN "
    "spreads (GMMHMM only resets m_d to 1 where weight == 0 and m_n == 0). Seen here with "
    "hmmlearn's unordered k-means init on a left-to-right chain, hence the temporal relabelling.",
    "monitor_.converged is True whenever monitor_.iter == n_iter, even with tol = -inf.",
    "Results depend on the BLAS thread count in the last bits (full covariances: scipy "
    "cholesky/solve_triangular and the einsum/matmul statistics); the fixtures use one thread.",
]


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

def features(x):
    """Exactly w3_hmm.features (python_speech_features, 39 dims)."""
    m = psf.mfcc(x.astype(np.float64), **PSF_MFCC)
    d1 = psf.delta(m, DELTA_N)
    return np.hstack([m, d1, psf.delta(d1, DELTA_N)])


def load_data(fsdd):
    seqs, files = [], []
    for take in TAKES:
        path = os.path.join(fsdd, f"{DIGIT}_{SPEAKER}_{take}.wav")
        x, sr = sf.read(path, dtype="int16")
        assert sr == 8000 and x.ndim == 1, (path, sr, x.shape)
        f = features(x)
        seqs.append(f)
        with open(path, "rb") as fh:
            sha = hashlib.sha256(fh.read()).hexdigest()
        files.append(dict(file=os.path.basename(path), samples=int(len(x)), frames=int(f.shape[0]), sha256=sha))
    return seqs, files


def check_against_w3(fsdd, seqs):
    w3 = os.path.join(PEERS, "w3_hmm.py")
    if not os.path.exists(w3):
        return "skipped: w3_hmm.py not found"
    sys.path.insert(0, PEERS)
    try:
        import w3_hmm
    finally:
        sys.path.pop(0)
    for take, s in zip(TAKES, seqs):
        ref = w3_hmm.features(sf.read(os.path.join(fsdd, f"{DIGIT}_{SPEAKER}_{take}.wav"), dtype="int16")[0])
        assert ref.shape == s.shape and np.array_equal(ref, s), f"take {take}: differs from w3_hmm.features"
    return "bit-identical to w3_hmm.features on all 20 files"


def split(X, lengths):
    return np.split(X, np.cumsum(lengths))[:-1]


# --------------------------------------------------------------------------------------------
# hmmlearn runs
# --------------------------------------------------------------------------------------------

def lr_start_trans(S):
    sp = np.zeros(S)
    sp[0] = 1.0
    tm = np.zeros((S, S))
    for i in range(S - 1):
        tm[i, i] = tm[i, i + 1] = 0.5
    tm[-1, -1] = 1.0
    return sp, tm


def all_params(cls_name):
    return "stmc" if cls_name == "GaussianHMM" else "stmcw"


def make_model(cls_name, cov, S, **kw):
    if cls_name == "GaussianHMM":
        return hmm.GaussianHMM(n_components=S, covariance_type=cov, random_state=RANDOM_STATE, **kw)
    return hmm.GMMHMM(n_components=S, n_mix=N_MIX, covariance_type=cov, random_state=RANDOM_STATE, **kw)


def get_params(m, cls_name, cov):
    """Parameters as hmmlearn stores them (GaussianHMM diag covars: S x D, i.e. _covars_)."""
    p = dict(startprob=np.array(m.startprob_, dtype=np.float64), transmat=np.array(m.transmat_, dtype=np.float64),
             means=np.array(m.means_, dtype=np.float64))
    if cls_name == "GaussianHMM" and cov == "diag":
        p["covars"] = np.array([np.diag(c) for c in m.covars_])
        assert np.array_equal(p["covars"], m._covars_)
    else:
        p["covars"] = np.array(m.covars_, dtype=np.float64)
    if cls_name == "GMMHMM":
        p["weights"] = np.array(m.weights_, dtype=np.float64)
    return p


def set_params(m, p):
    m.startprob_ = p["startprob"].copy()
    m.transmat_ = p["transmat"].copy()
    m.means_ = p["means"].copy()
    m.covars_ = p["covars"].copy()
    if "weights" in p:
        m.weights_ = p["weights"].copy()
    return m


def initial_parameters(X, lengths, cls_name, cov, topo, S):
    letters = all_params(cls_name)
    init_params = letters if topo == "ergodic" else letters.replace("s", "").replace("t", "")
    m = make_model(cls_name, cov, S, n_iter=0, init_params=init_params, params=letters)
    if topo == "left-to-right":
        m.startprob_, m.transmat_ = lr_start_trans(S)
    # GMMHMM._init uses the GLOBAL numpy RNG if a k-means cluster has fewer than n_mix frames:
    # make sure that did not happen (the state must be untouched).
    np.random.seed(12345)
    before = np.random.get_state()[1].copy()
    m.fit(X, lengths)
    assert np.array_equal(np.random.get_state()[1], before), "hmmlearn used the global numpy RNG in _init"
    assert m.monitor_.iter == 0
    p = get_params(m, cls_name, cov)
    info = dict(init_params=init_params)
    if topo == "left-to-right":
        order, meanpos = temporal_order(X, lengths, p["means"].reshape(S, -1, X.shape[1]))
        for k in ("means", "covars", "weights"):
            if k in p:
                p[k] = np.ascontiguousarray(p[k][order])
        info.update(state_relabelling=order.tolist(), mean_relative_time_before_relabelling=meanpos.tolist())
    return p, info


def temporal_order(X, lengths, means):
    """Order hmmlearn's k-means states by where their frames lie in time (left-to-right init).

    Each frame goes to the state owning its nearest (squared Euclidean) mean among all S*M
    means; a state's key is the mean relative time t/(T-1) of its frames; states are sorted
    by that key (stable).  Returns (order, keys): new state i = old state order[i].
    """
    rel_t = np.concatenate([np.arange(n) / (n - 1) for n in lengths])
    d2 = ((X[:, None, None, :] - means[None]) ** 2).sum(-1).min(-1)
    lab = d2.argmin(1)
    assert np.bincount(lab, minlength=len(means)).min() > 0
    keys = np.array([rel_t[lab == s].mean() for s in range(len(means))])
    return np.argsort(keys, kind="stable"), keys


def fit_from(X, lengths, cls_name, cov, S, p0, n_iter, implementation="log", **kw):
    m = make_model(cls_name, cov, S, n_iter=n_iter, tol=TOL, init_params="", params=all_params(cls_name),
                   implementation=implementation, **kw)
    set_params(m, p0)
    m.fit(X, lengths)
    return m


# --------------------------------------------------------------------------------------------
# The formulas in plain numpy (FORMULAS above)
# --------------------------------------------------------------------------------------------

def lse_rows(a):
    """_hmmc's logsumexp over the last axis (returns max if it is +-inf)."""
    m = a.max(axis=-1)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        s = np.log(np.exp(a - np.where(np.isinf(m), 0, m)[..., None]).sum(axis=-1)) + m
    return np.where(np.isinf(m), m, s)


def log_diag_density(X, means, covars):
    v = np.maximum(covars, TINY)
    D = means.shape[-1]
    return -0.5 * (D * np.log(2 * np.pi) + np.log(v).sum(-1) + ((X[:, None, :] - means) ** 2 / v).sum(-1))


def log_full_density(X, means, covars):
    D = means.shape[-1]
    out = np.empty((len(X), len(means)))
    for s, (mu, C) in enumerate(zip(means, covars)):
        L = scipy.linalg.cholesky(C, lower=True)
        y = scipy.linalg.solve_triangular(L, (X - mu).T, lower=True).T
        out[:, s] = -0.5 * (D * np.log(2 * np.pi) + (y ** 2).sum(1) + 2 * np.log(np.diagonal(L)).sum())
    return out


class NumpyHMM:
    """numpy transcription of hmmlearn 0.3.3's fit for GaussianHMM diag/full and GMMHMM diag.

    ``recentre_gmm`` and ``covars_prior`` switch to the "textbook" variants used only to
    measure how much the quirks matter.
    """

    def __init__(self, cls_name, cov, p, recentre_gmm=False, covars_prior=1e-2):
        self.cls, self.cov = cls_name, cov
        self.p = {k: v.copy() for k, v in p.items()}
        self.recentre_gmm, self.covars_prior = recentre_gmm, covars_prior

    def mix_logdens(self, X):  # GMMHMM: (T, S, M) log N + log w
        p = self.p
        S, M, D = p["means"].shape
        with np.errstate(divide="ignore"):
            lw = np.log(p["weights"])
        return np.stack([log_diag_density(X, p["means"][s], p["covars"][s]) + lw[s] for s in range(S)], axis=1)

    def log_frameprob(self, X):
        p = self.p
        if self.cls == "GMMHMM":
            return scipy.special.logsumexp(self.mix_logdens(X), axis=2)
        if self.cov == "diag":
            return log_diag_density(X, p["means"], p["covars"])
        return log_full_density(X, p["means"], p["covars"])

    def forward_backward(self, B):
        with np.errstate(divide="ignore"):
            lpi, lA = np.log(self.p["startprob"]), np.log(self.p["transmat"])
        T, S = B.shape
        a, b = np.empty((T, S)), np.empty((T, S))
        a[0] = lpi + B[0]
        for t in range(1, T):
            a[t] = lse_rows(a[t - 1][None, :] + lA.T) + B[t]
        b[T - 1] = 0
        for t in range(T - 2, -1, -1):
            b[t] = lse_rows(lA + (B[t + 1] + b[t + 1])[None, :])
        logp = float(lse_rows(a[T - 1]))
        g = a + b
        with np.errstate(under="ignore"):
            g = np.exp(g - scipy.special.logsumexp(g, axis=1, keepdims=True))
        lxi = a[:-1, :, None] + lA[None] + (B[1:] + b[1:])[:, None, :] - logp
        with np.errstate(under="ignore"):
            xi = np.exp(np.logaddexp.reduce(lxi, axis=0)) if T > 1 else np.zeros((S, S))
        return logp, g, xi

    def score(self, X):
        return self.forward_backward(self.log_frameprob(X))[0]

    def viterbi(self, X):
        B = self.log_frameprob(X)
        with np.errstate(divide="ignore"):
            lpi, lA = np.log(self.p["startprob"]), np.log(self.p["transmat"])
        T, S = B.shape
        d = np.empty((T, S))
        d[0] = lpi + B[0]
        for t in range(1, T):
            d[t] = (d[t - 1][:, None] + lA).max(axis=0) + B[t]
        path = np.empty(T, dtype=int)
        path[-1] = int(np.argmax(d[-1]))  # first maximum
        for t in range(T - 2, -1, -1):
            v = d[t] + lA[:, path[t + 1]]
            path[t] = int(np.flatnonzero(v == v.max())[-1])  # last maximum
        return float(d[-1, path[-1]]), path

    def em_step(self, seqs):
        p = self.p
        S = len(p["startprob"])
        start, trans, total = np.zeros(S), np.zeros((S, S)), 0.0
        post = obs = obs2 = pms = ps = m_n = c_n = 0
        for X in seqs:
            B = self.log_frameprob(X)
            logp, g, xi = self.forward_backward(B)
            total += logp
            start = start + g[0]
            trans = trans + xi
            if self.cls == "GaussianHMM":
                post = post + g.sum(0)
                obs = obs + g.T @ X
                obs2 = obs2 + (g.T @ X ** 2 if self.cov == "diag" else np.einsum("ij,ik,il->jkl", g, X, X))
            else:
                r = self.mix_logdens(X)
                r = np.exp(r - scipy.special.logsumexp(r, axis=2, keepdims=True))
                gm = g[:, :, None] * r
                pms = pms + gm.sum(0)
                ps = ps + g.sum(0)
                m_n = m_n + np.einsum("ijk,il->jkl", gm, X)
                centre = p["means"]
                c_n = c_n + np.einsum("ijk,ijkl->jkl", gm, (X[:, None, None, :] - centre) ** 2)
        new = {}
        sp = np.where(p["startprob"] == 0, 0, np.maximum(start, 0))
        new["startprob"] = sp / sp.sum()
        tm = np.where(p["transmat"] == 0, 0, np.maximum(trans, 0))
        rs = tm.sum(1)
        rs[rs == 0] = 1
        new["transmat"] = tm / rs[:, None]
        if self.cls == "GaussianHMM":
            mu = obs / post[:, None]
            new["means"] = mu
            if self.cov == "diag":
                cn = obs2 - 2 * mu * obs + mu ** 2 * post[:, None]
                new["covars"] = (self.covars_prior + cn) / np.maximum(post[:, None], 1e-5)
            else:
                cn = np.stack([obs2[s] - np.outer(obs[s], mu[s]) - np.outer(obs[s], mu[s]).T
                               + np.outer(mu[s], mu[s]) * post[s] for s in range(S)])
                new["covars"] = (self.covars_prior + cn) / post[:, None, None]
        else:
            new["weights"] = pms / ps[:, None]
            mu = m_n / pms[:, :, None]
            new["means"] = mu
            if self.recentre_gmm:  # textbook: second moment about the NEW means
                c_n = c_n - pms[:, :, None] * (mu - p["means"]) ** 2
            new["covars"] = c_n / ((pms[:, :, None] + 1) + (-1.0))
        self.p = new
        return total

    def fit(self, seqs, n_iter):
        hist, step1 = [], None
        for it in range(n_iter):
            hist.append(self.em_step(seqs))
            if it == 0:
                step1 = {k: v.copy() for k, v in self.p.items()}
        return np.array(hist), step1, self.p


# --------------------------------------------------------------------------------------------
# Output helpers
# --------------------------------------------------------------------------------------------

def as_2d(a):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    elif a.ndim == 3:   # (S, D, D) full covars, (S, M, D) GMMHMM means / diag covars
        a = a.reshape(-1, a.shape[-1])
    assert a.ndim == 2
    return np.ascontiguousarray(a)


def params_rel_err(pa, pb):
    return {k: rel_err(pa[k], pb[k]) for k in pb}


class LogCollector(logging.Handler):
    def __init__(self):
        super().__init__()
        self.msgs = []

    def emit(self, rec):
        self.msgs.append(f"{rec.levelname}: {rec.getMessage()[:200]}")


# --------------------------------------------------------------------------------------------
# One case
# --------------------------------------------------------------------------------------------

def layouts(cls_name, cov, S, D):
    if cls_name == "GaussianHMM":
        lay = dict(startprob=[S, 1], transmat=[S, S], means=[S, D],
                   covars=[S, D] if cov == "diag" else [S * D, D])
        meaning = dict(means="row s = state s",
                       covars="row s = state s's variances (_covars_; covars_ property = np.diag of each row)"
                       if cov == "diag" else "state s's D x D matrix = rows s*D ... s*D+D-1")
    else:
        lay = dict(startprob=[S, 1], transmat=[S, S], means=[S * N_MIX, D], covars=[S * N_MIX, D],
                   weights=[S, N_MIX])
        meaning = dict(means="row s*M+m = component m of state s",
                       covars="row s*M+m = variances of component m of state s",
                       weights="row s = state s's mixture weights")
    meaning.update(startprob="column vector", transmat="row i = transitions out of state i")
    return lay, meaning


def run_case(X, lengths, seqs, name, cls_name, cov, topo, S, writer, log):
    D = X.shape[1]
    checks = {}
    log.msgs.clear()

    p0, init_info = initial_parameters(X, lengths, cls_name, cov, topo, S)
    init_params = init_info["init_params"]
    if topo == "ergodic":
        assert (p0["startprob"] > 0).all() and (p0["transmat"] > 0).all(), "an ergodic init has a zero entry"
    else:
        sp, tm = lr_start_trans(S)
        assert np.array_equal(p0["startprob"], sp) and np.array_equal(p0["transmat"], tm)
    init_log = list(log.msgs)
    log.msgs.clear()

    # nothing is re-initialised with init_params="": an n_iter=0 fit returns p0 bit for bit
    m0 = fit_from(X, lengths, cls_name, cov, S, p0, n_iter=0)
    q = get_params(m0, cls_name, cov)
    assert all(np.array_equal(q[k], p0[k]) for k in p0), "init_params='' re-initialised something"
    checks["init_reproduced_by_n_iter_0_fit"] = True

    m1 = fit_from(X, lengths, cls_name, cov, S, p0, n_iter=1)
    m = fit_from(X, lengths, cls_name, cov, S, p0, n_iter=N_ITER)
    fit_log = list(log.msgs)
    assert m.monitor_.iter == N_ITER and m1.monitor_.iter == 1
    hist = np.array(m.monitor_.history, dtype=np.float64)
    assert hist.shape == (N_ITER,)
    assert m1.monitor_.history[0] == hist[0], "n_iter=1 and n_iter=10 fits start differently"
    checks["min_history_increase"] = float(np.diff(hist).min())
    assert np.diff(hist).min() > -TOL_MONOTONE * abs(hist[-1]), hist
    p1, pf = get_params(m1, cls_name, cov), get_params(m, cls_name, cov)

    # init-model outputs
    init_model = fit_from(X, lengths, cls_name, cov, S, p0, n_iter=0)
    init_scores = np.array([init_model.score(s) for s in seqs])
    init_lfp0 = init_model._compute_log_likelihood(seqs[0])
    checks["init_total_score_vs_history0_rel"] = abs(init_scores.sum() - hist[0]) / abs(hist[0])
    assert checks["init_total_score_vs_history0_rel"] < 1e-12

    # final-model outputs
    scores = np.array([m.score(s) for s in seqs])
    assert abs(m.score(X, lengths) - scores.sum()) <= 1e-12 * abs(scores.sum())
    vit = [m.decode(seqs[k], algorithm="viterbi") for k in range(N_VITERBI)]
    proba0 = m.predict_proba(seqs[0])
    assert np.allclose(proba0.sum(1), 1, rtol=0, atol=1e-12)

    # numpy transcription of the formulas
    ref = NumpyHMM(cls_name, cov, p0)
    r_lfp0 = ref.log_frameprob(seqs[0])
    r_init_scores = np.array([ref.score(s) for s in seqs])
    r_hist, r_p1, r_pf = ref.fit(seqs, N_ITER)
    r_scores = np.array([ref.score(s) for s in seqs])
    r_vit = [ref.viterbi(seqs[k]) for k in range(N_VITERBI)]
    _, r_proba0, _ = ref.forward_backward(ref.log_frameprob(seqs[0]))
    re = {"init_log_frameprob_0": rel_err(r_lfp0, init_lfp0), "init_score_per_sequence": rel_err(r_init_scores, init_scores),
          "loglik_history": rel_err(r_hist, hist), "score_per_sequence": rel_err(r_scores, scores),
          "viterbi_logprob": rel_err([v[0] for v in r_vit], [v[0] for v in vit]),
          "predict_proba_0": rel_err(r_proba0, proba0)}
    re.update({f"step1_{k}": v for k, v in params_rel_err(r_p1, p1).items()})
    re.update(params_rel_err(r_pf, pf))
    checks["numpy_reimplementation_max_rel_err"] = re
    assert max(re.values()) < TOL_REIMPL, re
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(r_vit, vit)), "Viterbi paths differ"
    checks["numpy_reimplementation_viterbi_paths_equal"] = True

    # implementation="scaling"
    try:
        ms = fit_from(X, lengths, cls_name, cov, S, p0, n_iter=N_ITER, implementation="scaling")
        sc = {"loglik_history": rel_err(np.array(ms.monitor_.history), hist)}
        sc.update(params_rel_err(get_params(ms, cls_name, cov), pf))
        sc["score_per_sequence"] = rel_err([ms.score(s) for s in seqs], scores)
        checks["scaling_vs_log_max_rel_err"] = sc
    except Exception as exc:  # noqa: BLE001  (recorded, not fatal)
        checks["scaling_vs_log_max_rel_err"] = f"scaling failed: {type(exc).__name__}: {exc}"

    # how much the quirks matter (textbook variants)
    if cls_name == "GaussianHMM":
        mt = fit_from(X, lengths, cls_name, cov, S, p0, n_iter=N_ITER, covars_prior=0.0)
        tb = {"loglik_history": rel_err(np.array(mt.monitor_.history), hist)}
        tb.update(params_rel_err(get_params(mt, cls_name, cov), pf))
        checks["without_covars_prior_0.01_max_rel_err"] = tb
    else:
        t_hist, _, t_pf = NumpyHMM(cls_name, cov, p0, recentre_gmm=True).fit(seqs, N_ITER)
        tb = {"loglik_history": rel_err(t_hist, hist)}
        tb.update(params_rel_err(t_pf, pf))
        checks["covars_centred_on_new_means_max_rel_err"] = tb

    # write
    lay, meaning = layouts(cls_name, cov, S, D)
    out = {f"init_{k}": as_2d(v) for k, v in p0.items()}
    out["init_log_frameprob_0"] = as_2d(init_lfp0)
    out["init_score_per_sequence"] = as_2d(init_scores)
    out["loglik_history"] = as_2d(hist)
    out.update({f"step1_{k}": as_2d(v) for k, v in p1.items()})
    out.update({k: as_2d(v) for k, v in pf.items()})
    out["score_per_sequence"] = as_2d(scores)
    out["viterbi_logprob"] = as_2d([v[0] for v in vit])
    for k, (_, path) in enumerate(vit):
        out[f"viterbi_path_{k}"] = as_2d(path.astype(np.float64))
    out["predict_proba_0"] = as_2d(proba0)
    T = [int(v) for v in lengths]
    expect = {"init_log_frameprob_0": [T[0], S], "init_score_per_sequence": [len(T), 1], "loglik_history": [N_ITER, 1],
              "score_per_sequence": [len(T), 1], "viterbi_logprob": [N_VITERBI, 1], "predict_proba_0": [T[0], S]}
    for k in range(N_VITERBI):
        expect[f"viterbi_path_{k}"] = [T[k], 1]
    for k, shape in lay.items():
        expect[f"init_{k}"] = expect[f"step1_{k}"] = expect[k] = shape
    assert set(expect) == set(out), set(expect) ^ set(out)
    for key, arr in out.items():
        assert list(arr.shape) == expect[key], (name, key, arr.shape, expect[key])
        writer.save(f"{name}/{key}.npy", arr)

    M = N_MIX if cls_name == "GMMHMM" else None
    return dict(
        name=name, model=cls_name, covariance_type=cov, topology=topo, S=S, M=M, D=D, N=int(X.shape[0]),
        n_sequences=len(T),
        constructor=(f"hmm.{cls_name}(n_components={S}" + (f", n_mix={N_MIX}" if M else "")
                     + f", covariance_type='{cov}', n_iter={N_ITER}, tol=-inf, init_params='', "
                     f"params='{all_params(cls_name)}', random_state={RANDOM_STATE}, implementation='log')"),
        init=dict(init_info, how=f"hmm.{cls_name}(..., random_state={RANDOM_STATE}, n_iter=0, "
                  f"init_params='{init_params}').fit(X, lengths)" +
                  ("" if topo == "ergodic" else
                   " after startprob_/transmat_ = w3_hmm.lr_init values; then the k-means states are "
                   "relabelled in temporal order (state_relabelling: new state i = hmmlearn's state "
                   "order[i]; means/covars/weights permuted together)")),
        layouts=dict(shapes=lay, meaning=meaning),
        monitor_iter=int(m.monitor_.iter), converged=bool(m.monitor_.converged),
        loglik_history=hist.tolist(), final_loglik_history=float(hist[-1]),
        final_model_total_score=float(scores.sum()),
        final_model_mean_score_per_frame=float(scores.sum() / X.shape[0]),
        viterbi_logprob=[float(v[0]) for v in vit],
        hmmlearn_log_init=init_log, hmmlearn_log_fit=sorted(set(fit_log)),
        checks=checks,
    )


# --------------------------------------------------------------------------------------------
# Wikipedia CategoricalHMM (hmmlearn's own test)
# --------------------------------------------------------------------------------------------

WIKI = dict(startprob=[0.6, 0.4], transmat=[[0.7, 0.3], [0.4, 0.6]],
            emissionprob=[[0.1, 0.4, 0.5], [0.6, 0.3, 0.1]], X=[0, 1, 2],
            test_expectations=dict(
                source="hmmlearn/tests/test_categorical_hmm.py::TestCategoricalAgainstWikipedia "
                       "(both implementations)",
                viterbi_probability_rounded_5="round(exp(log_prob), 5) == 0.01344",
                viterbi_path=[1, 0, 0], map_path=[1, 0, 0], predict=[1, 0, 0],
                predict_proba=[[0.23170303, 0.76829697], [0.62406281, 0.37593719], [0.86397706, 0.13602294]],
                predict_proba_atol=1e-6,
                states="0 = Rainy, 1 = Sunny; symbols 0 = walk, 1 = shop, 2 = clean"))


def wikipedia_case(writer):
    res = {}
    outs = {}
    for impl in ("log", "scaling"):
        h = hmm.CategoricalHMM(2, implementation=impl)
        h.n_features = 3
        h.startprob_ = np.array(WIKI["startprob"])
        h.transmat_ = np.array(WIKI["transmat"])
        h.emissionprob_ = np.array(WIKI["emissionprob"])
        X = np.array(WIKI["X"])[:, None]
        lp, path = h.decode(X, algorithm="viterbi")
        proba = h.predict_proba(X)
        score = h.score(X)
        te = WIKI["test_expectations"]
        assert round(np.exp(lp), 5) == 0.01344 and list(path) == te["viterbi_path"]
        assert list(h.decode(X, algorithm="map")[1]) == te["map_path"] and list(h.predict(X)) == te["predict"]
        assert np.allclose(proba, te["predict_proba"], rtol=0, atol=te["predict_proba_atol"])
        outs[impl] = dict(viterbi_logprob=lp, viterbi_path=path, predict_proba=proba, score=score)
        res[impl] = dict(viterbi_logprob=float(lp), viterbi_probability=float(np.exp(lp)),
                         viterbi_path=path.tolist(), score=float(score), probability=float(np.exp(score)),
                         predict_proba=proba.tolist())
    o = outs["log"]
    arrays = dict(X=as_2d(np.array(WIKI["X"], dtype=np.float64)), startprob=as_2d(WIKI["startprob"]),
                  transmat=as_2d(WIKI["transmat"]), emissionprob=as_2d(WIKI["emissionprob"]),
                  viterbi_logprob=as_2d([o["viterbi_logprob"]]), viterbi_path=as_2d(o["viterbi_path"].astype(np.float64)),
                  predict_proba=as_2d(o["predict_proba"]), score=as_2d([o["score"]]))
    for k, v in arrays.items():
        writer.save(f"wikipedia_categorical/{k}.npy", v)
    res["scaling_vs_log"] = dict(
        viterbi_logprob_abs=abs(outs["scaling"]["viterbi_logprob"] - o["viterbi_logprob"]),
        score_abs=abs(outs["scaling"]["score"] - o["score"]),
        predict_proba_max_abs=float(np.abs(outs["scaling"]["predict_proba"] - o["predict_proba"]).max()))
    return dict(WIKI, hmmlearn_outputs=res,
                files="wikipedia_categorical/: X 3x1 (symbols), startprob 2x1, transmat 2x2, emissionprob 2x3, "
                      "viterbi_logprob 1x1, viterbi_path 3x1, predict_proba 3x2, score 1x1 (implementation='log')")


# --------------------------------------------------------------------------------------------

def versions():
    v = {p: importlib.metadata.version(p) for p in
         ("hmmlearn", "numpy", "scipy", "scikit-learn", "python_speech_features", "soundfile", "threadpoolctl")}
    v["python"] = platform.python_version()
    v["platform"] = platform.platform()
    v["blas"] = sorted(({k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
                        for i in threadpool_info()), key=lambda d: json.dumps(d, sort_keys=True))
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fsdd", default=DEFAULT_FSDD)
    args = ap.parse_args()

    old_manifest = None
    if os.path.exists(os.path.join(OUT, "manifest.json")):
        with open(os.path.join(OUT, "manifest.json")) as fh:
            old_manifest = json.load(fh)

    if os.path.isdir(args.fsdd):
        seqs, files = load_data(args.fsdd)
        w3_check = check_against_w3(args.fsdd, seqs)
        X = np.ascontiguousarray(np.vstack(seqs), dtype=np.float64)
        lengths = np.array([len(s) for s in seqs])
    else:
        print(f"FSDD folder {args.fsdd} not found: reusing the committed data.npy / lengths.npy")
        X = np.load(os.path.join(OUT, "data.npy"))
        lengths = np.load(os.path.join(OUT, "lengths.npy"))[:, 0].astype(int)
        seqs = split(X, lengths)
        files = old_manifest["data"]["files"]
        w3_check = "skipped: FSDD absent, data reused"
    assert X.shape[1] == 39 and len(lengths) == len(TAKES) and lengths.sum() == X.shape[0]

    tmp = OUT + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    writer = Writer(tmp)
    writer.save("data.npy", X)
    writer.save("lengths.npy", as_2d(lengths.astype(np.float64)))

    log = LogCollector()
    hl = logging.getLogger("hmmlearn")
    hl.addHandler(log)
    hl.propagate = False
    cases = []
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("error")  # no Python warning may pass silently
        for name, cls_name, cov, topo, S in CASES:
            c = run_case(X, lengths, seqs, name, cls_name, cov, topo, S, writer, log)
            cases.append(c)
            print(f"{name:23s} S={c['S']} M={c['M']} D={c['D']} N={c['N']} iter={c['monitor_iter']} "
                  f"history[0]={c['loglik_history'][0]:.6f} history[9]={c['final_loglik_history']:.6f} "
                  f"final score={c['final_model_total_score']:.6f} "
                  f"reimpl={max(c['checks']['numpy_reimplementation_max_rel_err'].values()):.1e}")
        wiki = wikipedia_case(writer)
    hl.removeHandler(log)

    manifest = dict(
        generator="Tools/references/make_hmm_references.py",
        versions=versions(),
        data=dict(
            description=f"python_speech_features 39-dim features (w3_hmm.features) of FSDD "
                        f"{DIGIT}_{SPEAKER}_{{take}}.wav for take = {TAKES[0]}..{TAKES[-1]} in numeric order, "
                        "frames stacked in that order; int16 sample values as float64, no CMVN",
            psf_mfcc=dict(PSF_MFCC, highfreq_note="None = samplerate/2 = 4000", winfunc="psf default: rectangular"),
            delta_N=DELTA_N, columns="0-12 MFCC (c0 = log frame energy), 13-25 delta, 26-38 delta-delta",
            N=int(X.shape[0]), D=int(X.shape[1]), lengths=lengths.tolist(), files=files, w3_check=w3_check,
            data_file="data.npy (N x 39)", lengths_file="lengths.npy (20 x 1, integer values as float64)"),
        parameters=dict(
            n_iter=N_ITER, tol="-inf (float('-inf')): never stops early; monitor_.iter == 10",
            random_state=RANDOM_STATE, implementation="log", algorithm="viterbi", n_mix=N_MIX,
            priors="all hmmlearn defaults (see formulas.m_step)",
            params="all letters: GaussianHMM 'stmc', GMMHMM 'stmcw'", init_params_for_fit="''",
            left_to_right=dict(startprob="[1, 0, 0, 0, 0]",
                               transmat="T[i,i] = T[i,i+1] = 0.5 for i < 4, T[4,4] = 1.0 (w3_hmm.lr_init)"),
            viterbi_sequences=list(range(N_VITERBI)), predict_proba_sequence=0, blas_threads=1,
            defaults=dict(
                GaussianHMM=dict(min_covar=1e-3, startprob_prior=1.0, transmat_prior=1.0, means_prior=0,
                                 means_weight=0, covars_prior=1e-2, covars_weight=1),
                GMMHMM_diag=dict(min_covar=1e-3, startprob_prior=1.0, transmat_prior=1.0, weights_prior=1.0,
                                 means_prior=0.0, means_weight=0.0, covars_prior="None -> -1.5",
                                 covars_weight="None -> 0.0"))),
        files_layout=dict(
            all_arrays="2-D float64, C order, .npy v1; 1-D vectors stored as columns (n x 1); state indices "
                       "(viterbi paths) stored as float64",
            startprob="S x 1", transmat="S x S (row i = from state i)",
            GaussianHMM=dict(means="S x D", covars_diag="S x D (row s = variances of state s; hmmlearn's "
                             "_covars_, the covars_ property returns S x D x D diagonal matrices)",
                             covars_full="(S*D) x D: state s's matrix = rows s*D ... s*D+D-1"),
            GMMHMM=dict(weights="S x M", means="(S*M) x D: row s*M+m = component m of state s",
                        covars_diag="(S*M) x D: row s*M+m = variances of component m of state s"),
            per_case={
                "init_{startprob,transmat,means,covars[,weights]}.npy": "the initial parameters fit() started from",
                "init_log_frameprob_0.npy": "T0 x S: log emission density log b_s(x_t) of sequence 0 under the "
                                            "init (hmmlearn's _compute_log_likelihood)",
                "init_score_per_sequence.npy": "20 x 1: score(X_k) under the init; their sum = loglik_history[0]",
                "loglik_history.npy": "10 x 1: monitor_.history; entry k = total log-likelihood under the "
                                      "parameters after k M-steps (computed in the E-step of iteration k+1)",
                "step1_*.npy": "parameters after ONE EM iteration (n_iter = 1 fit)",
                "{startprob,transmat,means,covars[,weights]}.npy": "final parameters after 10 EM iterations",
                "score_per_sequence.npy": "20 x 1: score(X_k) under the final model (sum = final_model_total_score)",
                "viterbi_logprob.npy": "3 x 1: decode(X_k, algorithm='viterbi')[0], k = 0, 1, 2",
                "viterbi_path_{k}.npy": "T_k x 1: decode(X_k, algorithm='viterbi')[1] as float64",
                "predict_proba_0.npy": "T0 x S: predict_proba(X_0) under the final model",
            }),
        formulas=FORMULAS,
        quirks=QUIRKS,
        agreement_notes=[
            "checks.numpy_reimplementation_max_rel_err: numpy code written from 'formulas' (not copying "
            "hmmlearn's exact operation order everywhere) vs hmmlearn, relative to each array's largest "
            "magnitude; asserted < 1e-9; Viterbi paths identical.",
            "checks.scaling_vs_log_max_rel_err: implementation='scaling' vs the 'log' fixtures.",
            "checks.without_covars_prior_0.01_max_rel_err (GaussianHMM) and "
            "checks.covars_centred_on_new_means_max_rel_err (GMMHMM): textbook variants, to show that the "
            "quirks are far above any sensible test tolerance.",
            "transmat/startprob/predict_proba contain entries down to 1e-74/1e-223/subnormal: compare them "
            "with an absolute tolerance (or relative to the array's largest magnitude), not elementwise.",
        ],
        cases=cases,
        wikipedia_categorical=wiki,
        files=writer.files,
    )
    manifest = json.loads(json.dumps(manifest))  # plain JSON types (inf/nan would fail below)
    with open(os.path.join(tmp, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, allow_nan=False)
        fh.write("\n")
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tmp) for f in fs)
    assert total < 3_000_000, total
    shutil.rmtree(OUT, ignore_errors=True)
    os.rename(tmp, OUT)
    print(f"wrote {len(writer.files)} arrays + manifest.json to {OUT} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
