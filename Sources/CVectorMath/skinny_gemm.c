// Matrix products with a small side (at most HMMKIT_SKINNY_LIMIT rows or columns of the result),
// AVX2 + FMA, chosen at run time. These are the shapes of an HMM's emission E-step: a block of
// frames times the S·M components (scoring: features [n × W] · weights [W × K]) and the
// components' responsibilities times the frames (statistics: γᵀ [K × n] · features [n × W]),
// with K = 5…16. A general GEMM spends as long packing such operands as multiplying them;
// these kernels multiply in place.
//
// Row-major throughout. Accumulation order is fixed (it depends on the shapes only), so results
// do not depend on threads; they differ from OpenBLAS's in the last bits.
#include "vector_math.h"
#include "simd_helpers.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)

// ---------------------------------------------------------------------------------------------
// C[m × n] = alpha · A[m × k] · B[k × n] + beta · C, n ≤ 16: dot products along k.
// B is transposed once into Bt [n × k]; then pairs of A rows meet groups of up to 6 Bt rows
// (12 accumulators, 2 A vectors, 1 B vector: 15 of the 16 ymm registers).

#define GROUP_MAX 6

__attribute__((target("avx2,fma"), always_inline))
static inline void store_result_d(double *c, double value, double alpha, double beta) {
    *c = beta == 0 ? alpha * value : alpha * value + beta * *c;
}

__attribute__((target("avx2,fma"), always_inline))
static inline void store_result_s(float *c, float value, float alpha, float beta) {
    *c = beta == 0 ? alpha * value : alpha * value + beta * *c;
}

// Rows `rows` (1 or 2) of A against `g` rows of Bt.
__attribute__((target("avx2,fma"), always_inline))
static inline void dot_group_d(int g, int rows, const double *a, size_t lda, const double *bt, size_t k,
                               double *c, size_t ldc, double alpha, double beta) {
    __m256d acc0[GROUP_MAX], acc1[GROUP_MAX];
    for (int j = 0; j < g; j++) { acc0[j] = _mm256_setzero_pd(); acc1[j] = _mm256_setzero_pd(); }
    const double *a0 = a, *a1 = a + (rows > 1 ? lda : 0);
    size_t p = 0;
    for (; p + 4 <= k; p += 4) {
        __m256d x0 = _mm256_loadu_pd(a0 + p), x1 = _mm256_loadu_pd(a1 + p);
        for (int j = 0; j < g; j++) {
            __m256d b = _mm256_loadu_pd(bt + j * k + p);
            acc0[j] = _mm256_fmadd_pd(x0, b, acc0[j]);
            acc1[j] = _mm256_fmadd_pd(x1, b, acc1[j]);
        }
    }
    for (int j = 0; j < g; j++) {
        double s0 = hsum_pd(acc0[j]), s1 = hsum_pd(acc1[j]);
        for (size_t q = p; q < k; q++) { s0 += a0[q] * bt[j * k + q]; s1 += a1[q] * bt[j * k + q]; }
        store_result_d(c + j, s0, alpha, beta);
        if (rows > 1) store_result_d(c + ldc + j, s1, alpha, beta);
    }
}

__attribute__((target("avx2,fma"), always_inline))
static inline void dot_group_s(int g, int rows, const float *a, size_t lda, const float *bt, size_t k,
                               float *c, size_t ldc, float alpha, float beta) {
    __m256 acc0[GROUP_MAX], acc1[GROUP_MAX];
    for (int j = 0; j < g; j++) { acc0[j] = _mm256_setzero_ps(); acc1[j] = _mm256_setzero_ps(); }
    const float *a0 = a, *a1 = a + (rows > 1 ? lda : 0);
    size_t p = 0;
    for (; p + 8 <= k; p += 8) {
        __m256 x0 = _mm256_loadu_ps(a0 + p), x1 = _mm256_loadu_ps(a1 + p);
        for (int j = 0; j < g; j++) {
            __m256 b = _mm256_loadu_ps(bt + j * k + p);
            acc0[j] = _mm256_fmadd_ps(x0, b, acc0[j]);
            acc1[j] = _mm256_fmadd_ps(x1, b, acc1[j]);
        }
    }
    for (int j = 0; j < g; j++) {
        float s0 = hsum_ps(acc0[j]), s1 = hsum_ps(acc1[j]);
        for (size_t q = p; q < k; q++) { s0 += a0[q] * bt[j * k + q]; s1 += a1[q] * bt[j * k + q]; }
        store_result_s(c + j, s0, alpha, beta);
        if (rows > 1) store_result_s(c + ldc + j, s1, alpha, beta);
    }
}

// One group size per instantiation, so the accumulator loops unroll into registers.
#define DOT_GROUPS(SUFFIX, T)                                                                              \
    __attribute__((target("avx2,fma")))                                                                   \
    static void dot_rows_##SUFFIX(int g, size_t m, const T *a, size_t lda, const T *bt, size_t k, T *c,   \
                                  size_t ldc, T alpha, T beta) {                                          \
        for (size_t i = 0; i < m; i += 2) {                                                               \
            int rows = i + 1 < m ? 2 : 1;                                                                  \
            const T *ai = a + i * lda;                                                                     \
            T *ci = c + i * ldc;                                                                           \
            switch (g) {                                                                                   \
            case 1: dot_group_##SUFFIX(1, rows, ai, lda, bt, k, ci, ldc, alpha, beta); break;              \
            case 2: dot_group_##SUFFIX(2, rows, ai, lda, bt, k, ci, ldc, alpha, beta); break;              \
            case 3: dot_group_##SUFFIX(3, rows, ai, lda, bt, k, ci, ldc, alpha, beta); break;              \
            case 4: dot_group_##SUFFIX(4, rows, ai, lda, bt, k, ci, ldc, alpha, beta); break;              \
            case 5: dot_group_##SUFFIX(5, rows, ai, lda, bt, k, ci, ldc, alpha, beta); break;              \
            default: dot_group_##SUFFIX(6, rows, ai, lda, bt, k, ci, ldc, alpha, beta); break;             \
            }                                                                                              \
        }                                                                                                  \
    }

DOT_GROUPS(d, double)
DOT_GROUPS(s, float)

// Splits n columns into groups of at most 6, as even as possible (15 → 5, 5, 5).
static int group_count(size_t n) { return (int)((n + GROUP_MAX - 1) / GROUP_MAX); }

#define GEMM_NN_SMALL(SUFFIX, T)                                                                          \
    int hmmkit_gemm_nn_small_##SUFFIX(size_t m, size_t n, size_t k, T alpha, const T *a, size_t lda,      \
                                      const T *b, size_t ldb, T beta, T *c, size_t ldc) {                  \
        if (n == 0 || n > HMMKIT_SKINNY_LIMIT) return 0;                                                   \
        T *bt = (T *)malloc(sizeof(T) * n * (k > 0 ? k : 1));                                              \
        if (bt == NULL) return 0;                                                                          \
        for (size_t p = 0; p < k; p++)                                                                     \
            for (size_t j = 0; j < n; j++) bt[j * k + p] = b[p * ldb + j];                                 \
        int groups = group_count(n);                                                                       \
        size_t first = 0;                                                                                  \
        for (int index = 0; index < groups; index++) {                                                     \
            size_t last = n * (size_t)(index + 1) / (size_t)groups;                                        \
            dot_rows_##SUFFIX((int)(last - first), m, a, lda, bt + first * k, k, c + first, ldc, alpha,    \
                              beta);                                                                       \
            first = last;                                                                                  \
        }                                                                                                  \
        free(bt);                                                                                          \
        return 1;                                                                                          \
    }

GEMM_NN_SMALL(d, double)
GEMM_NN_SMALL(s, float)

// ---------------------------------------------------------------------------------------------
// C[m × n] = alpha · A[k × m]ᵀ · B[k × n] + beta · C, m ≤ 16: rank-1 updates along k.
// C is first scaled by beta; then for blocks of 16 rows of A/B (16 streams the prefetcher follows;
// 64 ran 1.2–1.5× slower at W = 820), groups of up to 6 rows of C
// meet 8-column strips (2 vectors of 4 doubles / 1 of 8 floats... see below), accumulating over
// the block's rows in registers.

#define ROW_BLOCK 16

__attribute__((target("avx2,fma"), always_inline))
static inline void rank_group_d(int g, size_t rows, const double *a, size_t lda, const double *b, size_t ldb,
                                size_t n, double *c, size_t ldc, double alpha) {
    size_t q = 0;
    for (; q + 8 <= n; q += 8) {
        __m256d lo[GROUP_MAX], hi[GROUP_MAX];
        for (int i = 0; i < g; i++) { lo[i] = _mm256_setzero_pd(); hi[i] = _mm256_setzero_pd(); }
        for (size_t p = 0; p < rows; p++) {
            __m256d x0 = _mm256_loadu_pd(b + p * ldb + q), x1 = _mm256_loadu_pd(b + p * ldb + q + 4);
            for (int i = 0; i < g; i++) {
                __m256d w = _mm256_broadcast_sd(a + p * lda + i);
                lo[i] = _mm256_fmadd_pd(w, x0, lo[i]);
                hi[i] = _mm256_fmadd_pd(w, x1, hi[i]);
            }
        }
        __m256d scale = _mm256_set1_pd(alpha);
        for (int i = 0; i < g; i++) {
            double *ci = c + i * ldc + q;
            _mm256_storeu_pd(ci, _mm256_fmadd_pd(scale, lo[i], _mm256_loadu_pd(ci)));
            _mm256_storeu_pd(ci + 4, _mm256_fmadd_pd(scale, hi[i], _mm256_loadu_pd(ci + 4)));
        }
    }
    for (; q < n; q++) {
        for (int i = 0; i < g; i++) {
            double sum = 0;
            for (size_t p = 0; p < rows; p++) sum += a[p * lda + i] * b[p * ldb + q];
            c[i * ldc + q] += alpha * sum;
        }
    }
}

__attribute__((target("avx2,fma"), always_inline))
static inline void rank_group_s(int g, size_t rows, const float *a, size_t lda, const float *b, size_t ldb,
                                size_t n, float *c, size_t ldc, float alpha) {
    size_t q = 0;
    for (; q + 16 <= n; q += 16) {
        __m256 lo[GROUP_MAX], hi[GROUP_MAX];
        for (int i = 0; i < g; i++) { lo[i] = _mm256_setzero_ps(); hi[i] = _mm256_setzero_ps(); }
        for (size_t p = 0; p < rows; p++) {
            __m256 x0 = _mm256_loadu_ps(b + p * ldb + q), x1 = _mm256_loadu_ps(b + p * ldb + q + 8);
            for (int i = 0; i < g; i++) {
                __m256 w = _mm256_broadcast_ss(a + p * lda + i);
                lo[i] = _mm256_fmadd_ps(w, x0, lo[i]);
                hi[i] = _mm256_fmadd_ps(w, x1, hi[i]);
            }
        }
        __m256 scale = _mm256_set1_ps(alpha);
        for (int i = 0; i < g; i++) {
            float *ci = c + i * ldc + q;
            _mm256_storeu_ps(ci, _mm256_fmadd_ps(scale, lo[i], _mm256_loadu_ps(ci)));
            _mm256_storeu_ps(ci + 8, _mm256_fmadd_ps(scale, hi[i], _mm256_loadu_ps(ci + 8)));
        }
    }
    for (; q < n; q++) {
        for (int i = 0; i < g; i++) {
            float sum = 0;
            for (size_t p = 0; p < rows; p++) sum += a[p * lda + i] * b[p * ldb + q];
            c[i * ldc + q] += alpha * sum;
        }
    }
}

#define RANK_GROUPS(SUFFIX, T)                                                                             \
    __attribute__((target("avx2,fma")))                                                                   \
    static void rank_rows_##SUFFIX(int g, size_t rows, const T *a, size_t lda, const T *b, size_t ldb,    \
                                   size_t n, T *c, size_t ldc, T alpha) {                                 \
        switch (g) {                                                                                       \
        case 1: rank_group_##SUFFIX(1, rows, a, lda, b, ldb, n, c, ldc, alpha); break;                     \
        case 2: rank_group_##SUFFIX(2, rows, a, lda, b, ldb, n, c, ldc, alpha); break;                     \
        case 3: rank_group_##SUFFIX(3, rows, a, lda, b, ldb, n, c, ldc, alpha); break;                     \
        case 4: rank_group_##SUFFIX(4, rows, a, lda, b, ldb, n, c, ldc, alpha); break;                     \
        case 5: rank_group_##SUFFIX(5, rows, a, lda, b, ldb, n, c, ldc, alpha); break;                     \
        default: rank_group_##SUFFIX(6, rows, a, lda, b, ldb, n, c, ldc, alpha); break;                    \
        }                                                                                                  \
    }

RANK_GROUPS(d, double)
RANK_GROUPS(s, float)

#define GEMM_TN_SMALL(SUFFIX, T)                                                                          \
    int hmmkit_gemm_tn_small_##SUFFIX(size_t m, size_t n, size_t k, T alpha, const T *a, size_t lda,      \
                                      const T *b, size_t ldb, T beta, T *c, size_t ldc) {                  \
        if (m == 0 || m > HMMKIT_SKINNY_LIMIT) return 0;                                                   \
        for (size_t i = 0; i < m; i++) {                                                                   \
            T *ci = c + i * ldc;                                                                           \
            if (beta == 0) memset(ci, 0, sizeof(T) * n);                                                   \
            else if (beta != 1) for (size_t q = 0; q < n; q++) ci[q] *= beta;                              \
        }                                                                                                  \
        int groups = group_count(m);                                                                       \
        for (size_t start = 0; start < k; start += ROW_BLOCK) {                                            \
            size_t rows = k - start < ROW_BLOCK ? k - start : ROW_BLOCK;                                   \
            size_t first = 0;                                                                              \
            for (int index = 0; index < groups; index++) {                                                 \
                size_t last = m * (size_t)(index + 1) / (size_t)groups;                                    \
                rank_rows_##SUFFIX((int)(last - first), rows, a + start * lda + first, lda,                \
                                   b + start * ldb, ldb, n, c + first * ldc, ldc, alpha);                  \
                first = last;                                                                              \
            }                                                                                              \
        }                                                                                                  \
        return 1;                                                                                          \
    }

GEMM_TN_SMALL(d, double)
GEMM_TN_SMALL(s, float)

#else

int hmmkit_gemm_nn_small_d(size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                           const double *b, size_t ldb, double beta, double *c, size_t ldc) { return 0; }
int hmmkit_gemm_nn_small_s(size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                           const float *b, size_t ldb, float beta, float *c, size_t ldc) { return 0; }
int hmmkit_gemm_tn_small_d(size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                           const double *b, size_t ldb, double beta, double *c, size_t ldc) { return 0; }
int hmmkit_gemm_tn_small_s(size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                           const float *b, size_t ldb, float beta, float *c, size_t ldc) { return 0; }

#endif
