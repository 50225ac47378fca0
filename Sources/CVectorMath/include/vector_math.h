// Row-wise softmax kernels with AVX2 + FMA, chosen at run time: the accelerated backend's
// counterpart of HMMKitNumerics' pure-Swift RowSoftmax (which is the reference backend and the
// fallback on CPUs without AVX2/FMA). Only HMMKitNumerics calls these.
#ifndef HMMKIT_VECTOR_MATH_H
#define HMMKIT_VECTOR_MATH_H

#include <stddef.h>
#include <stdint.h>

#include "exp_polynomial.h"  // eˣ, for these kernels and for HMMKitNumerics

/// 1 when this CPU runs AVX2 and FMA (so the kernels below may be called), else 0.
int hmmkit_vector_math_available(void);

/// The x86-64 instruction level of this CPU: 2 for AVX-512 F/BW/DQ/VL/CD (Skylake-X and later),
/// 1 for AVX2 + FMA, 0 otherwise (or not x86-64).
int hmmkit_cpu_instruction_level(void);

/// For each of `rows` rows of `columns` values (row stride `columns`): replaces the row by
/// exp(v - max) / sum and writes log(sum exp(v)) to `log_sums[row]`. A row whose maximum is not
/// finite is left unchanged and that maximum is written. Requires hmmkit_vector_math_available().
void hmmkit_softmax_rows_f64(double *values, size_t rows, size_t columns, double *log_sums);
void hmmkit_softmax_rows_f32(float *values, size_t rows, size_t columns, float *log_sums);

/// values[i] = exp(values[i]) for values[i] <= 0 (exactly 0 below -708, -INFINITY included), with
/// the softmax's polynomial. Requires hmmkit_vector_math_available().
void hmmkit_exp_nonpositive_f64(double *values, size_t count);

/// The diagonal-covariance scoring features of `rows` rows of x (`[rows × d]`): each output row
/// (stride ldo ≥ 2d + 1) is x, then x² element-wise, then 1. Requires hmmkit_vector_math_available().
void hmmkit_diagonal_features_d(const double *x, size_t rows, size_t d, double *out, size_t ldo);
void hmmkit_diagonal_features_s(const float *x, size_t rows, size_t d, float *out, size_t ldo);

/// The largest small side the skinny products below accept.
#define HMMKIT_SKINNY_LIMIT 16

/// The widest vector the skinny products below run at on this CPU, in bits: 512 (AVX-512F), 256
/// (AVX2 + FMA) or 0 (none).
int hmmkit_skinny_vector_bits(void);

/// c[m × n] = alpha · a[m × k] · b[k × n] + beta · c (row-major, leading dimensions given), for
/// n ≤ HMMKIT_SKINNY_LIMIT. With beta == 0, c is not read. `bits`: 256 (AVX2 kernel) or 512
/// (AVX-512F kernel), at most hmmkit_skinny_vector_bits(). Returns 1, or 0 (nothing done) when n
/// or bits is out of range or scratch memory is unavailable.
int hmmkit_gemm_nn_small_d(size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                           const double *b, size_t ldb, double beta, double *c, size_t ldc, int bits);
int hmmkit_gemm_nn_small_s(size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                           const float *b, size_t ldb, float beta, float *c, size_t ldc, int bits);

/// c[m × n] = alpha · a[k × m]ᵀ · b[k × n] + beta · c (row-major), for m ≤ HMMKIT_SKINNY_LIMIT.
/// With beta == 0, c is not read. `bits` as above. Returns 1, or 0 (nothing done) when m or bits
/// is out of range.
int hmmkit_gemm_tn_small_d(size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                           const double *b, size_t ldb, double beta, double *c, size_t ldc, int bits);
int hmmkit_gemm_tn_small_s(size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                           const float *b, size_t ldb, float beta, float *c, size_t ldc, int bits);

/// Diagonal-covariance scores of `rows` frames of x (`[rows × d]`) without storing the features
/// [x, x², 1]: c[r][j] (row stride ldc) = the features of row r dotted with column j of weights
/// ([(2d + 1) × k]), for k ≤ HMMKIT_SKINNY_LIMIT. `bits` as for the skinny products. Returns 1, or
/// 0 (nothing done) when k or bits is out of range or memory is short.
int hmmkit_diagonal_scores_d(const double *x, size_t rows, size_t d, const double *weights, size_t k, double *c,
                             size_t ldc, int bits);
int hmmkit_diagonal_scores_s(const float *x, size_t rows, size_t d, const float *weights, size_t k, float *c,
                             size_t ldc, int bits);

/// c[j][f] (row stride ldc ≥ 2d + 1) = Σ_r gamma[r][j] · feature_f(row r of x) for the features
/// [x, x², 1], i.e. gammaᵀ · features (gamma [rows × k], row stride ldg), for k ≤
/// HMMKIT_SKINNY_LIMIT, without storing the features; c is overwritten. Returns 1, or 0 (nothing
/// done) when k, ldc or bits is out of range.
int hmmkit_diagonal_statistics_d(const double *x, size_t rows, size_t d, const double *gamma, size_t ldg, size_t k,
                                 double *c, size_t ldc, int bits);
int hmmkit_diagonal_statistics_s(const float *x, size_t rows, size_t d, const float *gamma, size_t ldg, size_t k,
                                 float *c, size_t ldc, int bits);

/// The full-covariance scoring features of `rows` rows of x (`[rows × d]`): each output row (stride
/// ldo) is x' = x − centre, then x'_i·x'_j for i ≤ j (i-major), then 1. Requires
/// hmmkit_vector_math_available().
void hmmkit_quadratic_features_d(const double *x, size_t rows, size_t d, const double *centre, double *out, size_t ldo);
void hmmkit_quadratic_features_s(const float *x, size_t rows, size_t d, const float *centre, float *out, size_t ldo);

/// The vector width, in doubles, of the fastest fused kernels below on this CPU: 8 (AVX-512F),
/// 4 (AVX2 + FMA) or 0 (none).
int hmmkit_quadratic_vector_width(void);

/// c[r][j] (row stride ldc) = the features above of row r of x dotted with column j of weights
/// ([W × k], W = d + d(d+1)/2 + 1), for k ≤ HMMKIT_SKINNY_LIMIT, without storing the features.
/// `width`: 4 (AVX2 kernel) or 8 (AVX-512F kernel), at most hmmkit_quadratic_vector_width().
/// Returns 1, or 0 (nothing done) when k or width is out of range or memory is short. Double only.
int hmmkit_quadratic_scores_d(const double *x, size_t rows, size_t d, const double *centre, const double *weights,
                              size_t k, double *c, size_t ldc, int width);

/// c[j][f] (row stride ldc) = Σ_r gamma[r][j] · feature_f(row r of x), i.e. gammaᵀ · features for
/// the features above (gamma [rows × k], row stride ldg; c [k × W]), for k ≤ HMMKIT_SKINNY_LIMIT,
/// without storing the features; c is overwritten. `width` as above. Returns 1, or 0 (nothing
/// done) when k or width is out of range or memory is short. Double only.
int hmmkit_quadratic_statistics_d(const double *x, size_t rows, size_t d, const double *centre, const double *gamma,
                                  size_t ldg, size_t k, double *c, size_t ldc, int width);

/// The frames of hmmkit_lloyd_assign come in panels of this many (2 vectors of 16 floats).
#define HMMKIT_LLOYD_BLOCK 32

/// Lloyd's assignment step of k-means as scikit-learn computes it, for n frames x ([n × d],
/// row-major), also given as `panels`: ⌈n / HMMKIT_LLOYD_BLOCK⌉ panels of [d × HMMKIT_LLOYD_BLOCK]
/// (frame p·B + f's feature j at panels[(p·d + j)·B + f], B = HMMKIT_LLOYD_BLOCK; anything finite
/// beyond n). labels[i] = the first c (0 ≤ c < k) of least norms[c] − 2·(x_i · centres_c)
/// (centres [k × d]), each dot product one chain of fused multiply-adds over j = 0…d−1 from 0.
/// With sums (and counts) not NULL, each frame is then added to sums[label] ([k × d]) and 1 to
/// counts[label], frame after frame, onto what they hold. `bits` as for the skinny products.
/// Returns 1, or 0 (nothing done) when bits, n, k or d is out of range.
int hmmkit_lloyd_assign_d(const double *x, const double *panels, size_t n, size_t d, const double *centres,
                          const double *norms, size_t k, int32_t *labels, double *sums, double *counts, int bits);
int hmmkit_lloyd_assign_s(const float *x, const float *panels, size_t n, size_t d, const float *centres,
                          const float *norms, size_t k, int32_t *labels, float *sums, float *counts, int bits);

#endif
