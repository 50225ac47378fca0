/*
 * hmmkit.h — the C ABI of HMMKit (library libHMMKitC.so, SwiftPM product `HMMKitC`).
 *
 * Gaussian mixtures (scikit-learn's GaussianMixture), GaussianHMM / GMMHMM (hmmlearn 0.3), the
 * forward-backward and Viterbi kernels on caller-computed emission log-likelihoods, and the MFCC
 * front end. Built with the Swift runtime linked in (-static-stdlib): the library depends only
 * on libc, libm, libstdc++, libgcc_s and the Debian C libraries HMMKit links (OpenBLAS, LAPACKE,
 * FFTW, libsndfile, libsoxr).
 *
 * Conventions
 * - Every buffer belongs to the caller. The library reads inputs during the call only and writes
 *   outputs into buffers the caller sized as documented; it keeps no pointer after returning
 *   and frees nothing it did not allocate. Matrices are row-major (C order), contiguous.
 * - Model handles (hmmkit_hmm *, hmmkit_gmm *) are made by *_create and released by *_destroy
 *   (NULL is accepted and ignored). A handle may be used from any thread; calls on one handle
 *   are serialised by a lock inside it, calls on different handles run in parallel.
 * - Parameters (start probabilities, weights, means, covariances) are always double. Data and
 *   data-shaped outputs (posteriors, frame log-likelihoods, features) have the model's element
 *   type, chosen at creation: HMMKIT_FLOAT64 (double) or HMMKIT_FLOAT32 (float). Per-sequence
 *   and per-frame log-likelihoods are always double.
 * - Every fallible function returns HMMKIT_OK (0) or an error code, and writes a NUL-terminated
 *   message into `message` (at most `message_capacity` bytes, truncated; NULL: no message).
 *   On error, outputs may be partly written and the model is unchanged.
 * - Sequences follow hmmlearn: `n_rows` frames of all sequences stacked, `lengths[n_sequences]`
 *   frames per sequence, summing to n_rows.
 * - Exported symbols not declared here (hmmkit_diagonal_*, hmmkit_gemm_*, ...) are HMMKit's
 *   internal vector kernels, not part of this ABI.
 */
#ifndef HMMKIT_H
#define HMMKIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. */
#define HMMKIT_OK 0
#define HMMKIT_INVALID_ARGUMENT 1   /* bad parameter values, NULL pointers, non-finite data */
#define HMMKIT_SHAPE_MISMATCH 2     /* sizes that disagree, lengths not summing to n_rows */
#define HMMKIT_NUMERICAL_FAILURE 3  /* a sequence of probability zero, NaN in the data */
#define HMMKIT_BUFFER_TOO_SMALL 4   /* an output buffer smaller than the result */
#define HMMKIT_FILE_ACCESS 5        /* a file that cannot be read or written (missing, unreadable, unwritable) */
#define HMMKIT_INVALID_FILE 6       /* a file read whole that does not hold a usable model of the kind asked for */

/* Element types of data buffers. */
#define HMMKIT_FLOAT64 0
#define HMMKIT_FLOAT32 1

/* Covariance types and the number of doubles of one mixture's covariances (K components, D dims):
 * DIAG K*D, SPHERICAL K, FULL K*D*D, TIED D*D (one matrix shared by the mixture's components). */
#define HMMKIT_COVARIANCE_DIAG 0
#define HMMKIT_COVARIANCE_SPHERICAL 1
#define HMMKIT_COVARIANCE_FULL 2
#define HMMKIT_COVARIANCE_TIED 3

/* Forward-backward implementations (hmmlearn's `implementation`). SCALING: HMMKit's scaled pass,
 * which reruns a sequence in log space where a frame's normaliser collapses, instead of failing as
 * hmmlearn does. LOG: log space's results, by the scaled pass where it can show that underflow lost
 * nothing that matters (ForwardBackwardImplementation.checkedScaled), else by the log-space pass. */
#define HMMKIT_IMPLEMENTATION_SCALING 0
#define HMMKIT_IMPLEMENTATION_LOG 1

/* Parameters re-estimated by a fit (hmmlearn's `params` letters s, t, w, m, c). */
#define HMMKIT_PARAM_STARTPROB 1
#define HMMKIT_PARAM_TRANSMAT 2
#define HMMKIT_PARAM_WEIGHTS 4
#define HMMKIT_PARAM_MEANS 8
#define HMMKIT_PARAM_COVARS 16

/* M-steps of hmmkit_hmm_fit. */
#define HMMKIT_ESTIMATOR_GAUSSIAN_HMM 0   /* hmmlearn GaussianHMM's M-step and priors */
#define HMMKIT_ESTIMATOR_GMM_HMM 1        /* hmmlearn GMMHMM's (covariances centred on the old means) */

/* ---------------------------------------------------------------------------------------------
 * GMM-HMMs (GaussianHMM is the case n_mix = 1).
 * Layouts (S states, M components per state, D dims): startprob [S], transmat [S*S],
 * weights [S*M], means [S*M*D] (state-major), covars: S consecutive blocks of one mixture's
 * covariances (see the covariance types above; TIED: one D*D matrix per state).
 * ------------------------------------------------------------------------------------------- */
typedef struct hmmkit_hmm hmmkit_hmm;

/* hmmkit_hmm_fit's options; every field is 8 bytes. NaN covars_prior / covars_weight select
 * hmmlearn's default for the estimator and covariance type. */
typedef struct hmmkit_fit_options {
    int64_t n_iter;             /* EM iterations at most (>= 0) */
    double tol;                 /* stop when the total log-likelihood gains less than this */
    int64_t implementation;     /* HMMKIT_IMPLEMENTATION_* */
    int64_t params;             /* bit set of HMMKIT_PARAM_* */
    int64_t estimator;          /* HMMKIT_ESTIMATOR_* */
    int64_t n_threads;          /* E-step threads (>= 1; results do not depend on it) */
    double startprob_prior;     /* Dirichlet prior (1: none) */
    double transmat_prior;      /* Dirichlet prior per row (1: none) */
    double weights_prior;       /* GMMHMM's Dirichlet prior on the weights (1: none) */
    double means_prior;
    double means_weight;
    double covars_prior;
    double covars_weight;
} hmmkit_fit_options;

/* Makes a model of element type `dtype` from parameters; *result receives the handle.
 * Fails on shapes, probabilities that do not sum to 1, non-positive-definite covariances. */
int hmmkit_hmm_create(int dtype, int64_t n_states, int64_t n_mix, int64_t n_features, int covariance_type,
                      const double *startprob, const double *transmat, const double *weights,
                      const double *means, const double *covars, hmmkit_hmm **result,
                      char *message, size_t message_capacity);

/* Releases a handle (NULL: nothing). */
void hmmkit_hmm_destroy(hmmkit_hmm *model);

/* Copies the parameters into the caller's buffers (layouts above; any may be NULL). */
int hmmkit_hmm_get(hmmkit_hmm *model, double *startprob, double *transmat, double *weights,
                   double *means, double *covars, char *message, size_t message_capacity);

/* Baum-Welch from the model's current parameters (hmmlearn's fit after _init), replacing them.
 * X: [n_rows * n_features] of the model's element type, read during the call in chunks (no copy
 * of the whole matrix is made). history[history_capacity >= n_iter] receives the log-likelihood
 * of each iteration (hmmlearn's monitor history: under the model before that iteration's
 * M-step); *n_iter_done the number of iterations; *converged 1 when the tolerance stopped it. */
int hmmkit_hmm_fit(hmmkit_hmm *model, const void *X, int64_t n_rows, const int64_t *lengths, int64_t n_sequences,
                   const hmmkit_fit_options *options, double *history, int64_t history_capacity,
                   int64_t *n_iter_done, int *converged, char *message, size_t message_capacity);

/* log p(sequence) of each sequence into log_prob[n_sequences]. */
int hmmkit_hmm_score(hmmkit_hmm *model, const void *X, int64_t n_rows, const int64_t *lengths, int64_t n_sequences,
                     int implementation, double *log_prob, char *message, size_t message_capacity);

/* State posteriors [n_rows * S] (element type of the model) and, when log_prob is not NULL,
 * log p(sequence) of each sequence (hmmlearn's score_samples). */
int hmmkit_hmm_posteriors(hmmkit_hmm *model, const void *X, int64_t n_rows, const int64_t *lengths,
                          int64_t n_sequences, int implementation, double *log_prob, void *posteriors,
                          char *message, size_t message_capacity);

/* Emission log-likelihoods log p(x_t | state s), [n_rows * S] (hmmlearn's _compute_log_likelihood). */
int hmmkit_hmm_log_frameprob(hmmkit_hmm *model, const void *X, int64_t n_rows, void *log_frameprob,
                             char *message, size_t message_capacity);

/* Viterbi: the best path of each sequence, concatenated into states[n_rows], and its joint
 * log-probability into log_prob[n_sequences] (may be NULL). */
int hmmkit_hmm_viterbi(hmmkit_hmm *model, const void *X, int64_t n_rows, const int64_t *lengths, int64_t n_sequences,
                       double *log_prob, int64_t *states, char *message, size_t message_capacity);

/* ---------------------------------------------------------------------------------------------
 * Markov chains on the caller's emission log-likelihoods log_frameprob [n_rows * S] (double).
 * ------------------------------------------------------------------------------------------- */

/* Forward-backward per sequence: log_prob[n_sequences], posteriors [n_rows * S] and the expected
 * transition counts summed over sequences [S * S] (each output may be NULL). */
int hmmkit_chain_forward_backward(int64_t n_states, const double *startprob, const double *transmat,
                                  const double *log_frameprob, int64_t n_rows, const int64_t *lengths,
                                  int64_t n_sequences, int implementation, double *log_prob, double *posteriors,
                                  double *transition_counts, char *message, size_t message_capacity);

/* Viterbi per sequence: log_prob[n_sequences] and the concatenated paths states[n_rows]. */
int hmmkit_chain_viterbi(int64_t n_states, const double *startprob, const double *transmat,
                         const double *log_frameprob, int64_t n_rows, const int64_t *lengths, int64_t n_sequences,
                         double *log_prob, int64_t *states, char *message, size_t message_capacity);

/* ---------------------------------------------------------------------------------------------
 * Gaussian mixtures (scikit-learn's layouts): weights [K], means [K*D], covariances as above
 * (TIED: one D*D matrix).
 * ------------------------------------------------------------------------------------------- */
typedef struct hmmkit_gmm hmmkit_gmm;

int hmmkit_gmm_create(int dtype, int64_t n_components, int64_t n_features, int covariance_type,
                      const double *weights, const double *means, const double *covariances, hmmkit_gmm **result,
                      char *message, size_t message_capacity);
void hmmkit_gmm_destroy(hmmkit_gmm *model);
int hmmkit_gmm_get(hmmkit_gmm *model, double *weights, double *means, double *covariances,
                   char *message, size_t message_capacity);

/* EM from the current parameters with scikit-learn's M-step (reg_covar added to every variance,
 * no floor, every component updated) and its stopping rule (|change of the mean log-likelihood|
 * < tol). X: [n_rows * D]. Outputs: lower_bounds[lower_bounds_capacity >= max_iter] the mean
 * log-likelihood of each iteration (scikit-learn's lower_bounds_; the last is lower_bound_; may be
 * NULL), n_iter_, converged_. */
int hmmkit_gmm_fit(hmmkit_gmm *model, const void *X, int64_t n_rows, int64_t max_iter, double tol, double reg_covar,
                   int64_t n_threads, double *lower_bounds, int64_t lower_bounds_capacity, int64_t *n_iter_done, int *converged,
                   char *message, size_t message_capacity);

/* log p(x) of each row into log_prob[n_rows] (double). */
int hmmkit_gmm_score_samples(hmmkit_gmm *model, const void *X, int64_t n_rows, double *log_prob,
                             char *message, size_t message_capacity);

/* Responsibilities [n_rows * K] in the model's element type. */
int hmmkit_gmm_predict_proba(hmmkit_gmm *model, const void *X, int64_t n_rows, void *responsibilities,
                             char *message, size_t message_capacity);

/* ---------------------------------------------------------------------------------------------
 * Model files: HMMKit's own JSON files, shared with the CLI (`hmmkit hmm fit` writes
 * "HMMKit.HiddenMarkovModel" files that `hmmkit hmm score` / `decode` read; `hmmkit gmm fit`
 * writes "HMMKit.GaussianMixture" files that `hmmkit gmm score` reads).
 * - Loading validates the file as the CLI does (format and version, every field's presence, type
 *   and range, sizes within HMMKit's input limits, stochastic start and transition rows, allowed
 *   transitions of the topology, a reachable end state, weights summing to 1, positive-definite
 *   covariances); failures return HMMKIT_FILE_ACCESS or HMMKIT_INVALID_FILE with a message
 *   naming the file and the field. Values are read exactly (save then load gives the same bits).
 * - Saving writes the whole file to a temporary beside `path` and renames it over `path`: a
 *   crash leaves the old file or the new one, never a mixture. The file's "precision" is the
 *   model's element type.
 * - Paths are NUL-terminated UTF-8.
 * ------------------------------------------------------------------------------------------- */
#define HMMKIT_FILE_HMM 1   /* "HMMKit.HiddenMarkovModel" */
#define HMMKIT_FILE_GMM 2   /* "HMMKit.GaussianMixture" */

/* What the model file at `path` holds (*kind: HMMKIT_FILE_*), from its "format" field alone;
 * HMMKIT_INVALID_FILE for anything else (not JSON, truncated, another format). */
int hmmkit_model_file_kind(const char *path, int *kind, char *message, size_t message_capacity);

/* Chain topologies of HMM files: ERGODIC (every transition allowed; default end: any state),
 * LEFT_TO_RIGHT (self-loop and forward jumps of at most max_jump + 1 states, start in state 0;
 * default end: the last state), CUSTOM (a mask of allowed transitions; read only). */
#define HMMKIT_TOPOLOGY_ERGODIC 0
#define HMMKIT_TOPOLOGY_LEFT_TO_RIGHT 1
#define HMMKIT_TOPOLOGY_CUSTOM 2

/* Loads an HMM file into a new handle of element type `dtype` (values converted if the file's
 * precision differs). hmmkit_hmm_create's models are ergodic and may end in any state; a loaded
 * model keeps the file's topology and end states, which scoring and decoding honour. */
int hmmkit_hmm_load(const char *path, int dtype, hmmkit_hmm **result, char *message, size_t message_capacity);

/* Writes the model to `path` atomically (format "HMMKit.HiddenMarkovModel", version 1). */
int hmmkit_hmm_save(hmmkit_hmm *model, const char *path, char *message, size_t message_capacity);

/* The model's sizes and covariance type (HMMKIT_COVARIANCE_*); any pointer may be NULL. */
int hmmkit_hmm_shape(hmmkit_hmm *model, int64_t *n_states, int64_t *n_mix, int64_t *n_features,
                     int *covariance_type, char *message, size_t message_capacity);

/* The chain's topology (HMMKIT_TOPOLOGY_*), its maximum jump (0 unless left-to-right) and
 * end_states[n_states]: 1 where a sequence may end, 0 elsewhere. Any pointer may be NULL. */
int hmmkit_hmm_get_chain(hmmkit_hmm *model, int *topology, int64_t *max_jump, uint8_t *end_states,
                         char *message, size_t message_capacity);

/* Re-declares the chain with the same probabilities: topology ERGODIC or LEFT_TO_RIGHT (with
 * max_jump), end_states[n_states] as above (NULL: the topology's default). Fails, leaving the
 * model unchanged, when a nonzero probability is one the topology forbids or no end state can
 * be reached. */
int hmmkit_hmm_set_chain(hmmkit_hmm *model, int topology, int64_t max_jump, const uint8_t *end_states,
                         char *message, size_t message_capacity);

/* The same three for Gaussian mixture files ("HMMKit.GaussianMixture"). */
int hmmkit_gmm_load(const char *path, int dtype, hmmkit_gmm **result, char *message, size_t message_capacity);
int hmmkit_gmm_save(hmmkit_gmm *model, const char *path, char *message, size_t message_capacity);
int hmmkit_gmm_shape(hmmkit_gmm *model, int64_t *n_components, int64_t *n_features, int *covariance_type,
                     char *message, size_t message_capacity);

/* ---------------------------------------------------------------------------------------------
 * k-means (the GMM-HMMs' initialisation).
 * ------------------------------------------------------------------------------------------- */

/* n_init runs of HMMKit's k-means on X [n_rows * n_features] of element type `dtype`: k-means++
 * seeds drawn as scikit-learn's KMeans draws them (2 + ln k candidates per centre, the one that
 * lowers the potential most) from a SplitMix64 generator seeded with `seed` (runs continue the
 * one stream), then Lloyd steps until no label changes, the centres move by at most 1e-4 times
 * the data's mean variance, or 300 steps; an empty cluster keeps its centre. The run of lowest
 * inertia is returned: centres [k * n_features] (element type `dtype`), labels [n_rows] (may be
 * NULL), *inertia (the sum of squared distances to the centres; may be NULL). Requires
 * 1 <= k <= n_rows, finite data. */
int hmmkit_kmeans(int dtype, const void *X, int64_t n_rows, int64_t n_features, int64_t k, int64_t n_init, uint64_t seed,
                  void *centres, int64_t *labels, double *inertia, char *message, size_t message_capacity);

/* scikit-learn's KMeans(n_clusters=k, init="k-means++", n_init, algorithm="lloyd", max_iter, tol)
 * with unit sample weights on X [n_rows * n_features] of element type `dtype`, drawing from a
 * NumPy RandomState's MT19937 stream: `mt19937_key` [624] and `*mt19937_pos` are
 * RandomState.get_state()'s key and pos on entry and the advanced state on return (unchanged when
 * the call fails), so that RandomState.set_state continues the stream as if scikit-learn had
 * drawn. Centring, tolerance (tol times the mean column variance), k-means++ seeding, Lloyd steps
 * (one-thread summation order, empty clusters relocated to the farthest samples) and the choice
 * of the best run follow scikit-learn 1.x; labels agree unless two distances tie to the last few
 * bits. Output: centres [k * n_features] (element type `dtype`), labels [n_rows], *inertia and
 * *n_iter of the best run (each of the last three may be NULL). The n_init runs are seeded in
 * order, then run on up to n_threads threads; the result is the same for every n_threads.
 * Requires 1 <= k <= n_rows, n_init >= 1, max_iter >= 1, finite tol >= 0,
 * 0 <= *mt19937_pos <= 624, n_threads >= 1, finite data. */
int hmmkit_sklearn_kmeans(int dtype, const void *X, int64_t n_rows, int64_t n_features, int64_t k, int64_t n_init,
                          int64_t max_iter, double tol, uint32_t *mt19937_key, int64_t *mt19937_pos, void *centres,
                          int64_t *labels, double *inertia, int64_t *n_iter, int64_t n_threads, char *message,
                          size_t message_capacity);

/* ---------------------------------------------------------------------------------------------
 * MFCC front end.
 * ------------------------------------------------------------------------------------------- */
#define HMMKIT_PRESET_KALDI 0     /* compute-mfcc-feats + add-deltas; samples in 16-bit units */
#define HMMKIT_PRESET_LIBROSA 1   /* librosa.feature.mfcc + delta; samples in [-1, 1] */
#define HMMKIT_PRESET_PSF 2       /* python_speech_features mfcc + delta twice; 16-bit units */

/* Features of one signal: [rows * columns] of element type `dtype` into `features`, which holds
 * capacity_rows rows. n_ceps <= 0 and delta_order < 0 keep the preset's (13, 2). *rows and
 * *columns are always set, so a call with capacity_rows 0 returns HMMKIT_BUFFER_TOO_SMALL and
 * the size to allocate (or HMMKIT_OK for a signal shorter than one frame). */
int hmmkit_mfcc(int preset, double sample_rate, int n_ceps, int delta_order, const double *samples,
                int64_t n_samples, int dtype, void *features, int64_t capacity_rows, int64_t *rows,
                int64_t *columns, char *message, size_t message_capacity);

#ifdef __cplusplus
}
#endif

#endif /* HMMKIT_H */
