// Matrix products with a small side (at most HMMKIT_SKINNY_LIMIT rows or columns of the result),
// AVX2 + FMA or AVX-512F, chosen at run time. These are the shapes of an HMM's emission E-step: a
// block of frames times the S·M components (scoring: features [n × W] · weights [W × K]) and the
// components' responsibilities times the frames (statistics: γᵀ [K × n] · features [n × W]),
// with K = 5…16. A general GEMM spends as long packing such operands as multiplying them;
// these kernels multiply in place. The same template also scores and accumulates diagonal
// Gaussians straight from the frames (x² formed in registers, the features [x, x², 1] never
// stored). The kernels are written once (skinny_kernels.h) and instantiated here for each
// instruction set and precision:
//   AVX2 + FMA: 4 doubles / 8 floats a vector; dot groups of 2 rows × 6 columns, rank strips of
//               2 vectors × 6 rows (12 accumulators of the 16 ymm registers); diagonal scores
//               2 frames × 5 components, diagonal statistics 6 components × 1 vector (× 2: x, x²).
//   AVX-512F:   8 doubles / 16 floats a vector; dot groups of 4 rows × 6 columns, rank strips of
//               4 vectors × 6 rows (24 accumulators of the 32 zmm registers); diagonal scores
//               4 frames × 5 components, diagonal statistics 5 components × 2 vectors (× 2).
//
// Row-major throughout. Accumulation order is fixed by the shapes and the width, so results do
// not depend on threads; they differ from OpenBLAS's, and between widths, in the last bits.
#include "vector_math.h"
#include "simd_helpers.h"

#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)

#define GROUP_MAX 6
// Rows of A/B per rank block: 16, streams the hardware prefetcher follows (longer blocks outrun it
// at the full-covariance width).
#define ROW_BLOCK 16

// Splits n columns into groups of at most GROUP_MAX, as even as possible (15 → 5, 5, 5).
static int group_count(size_t n) { return (int)((n + GROUP_MAX - 1) / GROUP_MAX); }

// Lane masks for AVX2's maskload/maskstore: the first n lanes of `table + LANES - n`.
static const int64_t mask_table_d[8] = {-1, -1, -1, -1, 0, 0, 0, 0};
static const int32_t mask_table_s[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

// ---- AVX2 + FMA, double --------------------------------------------------------------------------
#define KERNEL __attribute__((target("avx2,fma")))
#define T double
#define VEC __m256d
#define LANES 4
#define MASK __m256i
#define MAKE_MASK(n) _mm256_loadu_si256((const __m256i *)(mask_table_d + 4 - (n)))
#define VLOAD(p) _mm256_loadu_pd(p)
#define VSTORE(p, v) _mm256_storeu_pd(p, v)
#define VLOADM(p, m) _mm256_maskload_pd(p, m)
#define VSTOREM(p, m, v) _mm256_maskstore_pd(p, m, v)
#define VZERO() _mm256_setzero_pd()
#define VSET1(x) _mm256_set1_pd(x)
#define VBROADCAST(p) _mm256_broadcast_sd(p)
#define VFMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define VMUL(a, b) _mm256_mul_pd(a, b)
#define VADD(a, b) _mm256_add_pd(a, b)
#define VHSUM(v) hsum_pd(v)
#define DOT_ROWS 2
#define STRIP 2
#define DIAG_GROUP 5
#define STAT_GROUP 6
#define STAT_STRIP 1
#define NAME(x) x##_avx2_d
#include "skinny_kernels.h"
#include "skinny_kernels_end.h"

// ---- AVX2 + FMA, float ---------------------------------------------------------------------------
#define T float
#define VEC __m256
#define LANES 8
#define MASK __m256i
#define MAKE_MASK(n) _mm256_loadu_si256((const __m256i *)(mask_table_s + 8 - (n)))
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps(p, v)
#define VLOADM(p, m) _mm256_maskload_ps(p, m)
#define VSTOREM(p, m, v) _mm256_maskstore_ps(p, m, v)
#define VZERO() _mm256_setzero_ps()
#define VSET1(x) _mm256_set1_ps(x)
#define VBROADCAST(p) _mm256_broadcast_ss(p)
#define VFMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VMUL(a, b) _mm256_mul_ps(a, b)
#define VADD(a, b) _mm256_add_ps(a, b)
#define VHSUM(v) hsum_ps(v)
#define NAME(x) x##_avx2_s
#include "skinny_kernels.h"
#include "skinny_kernels_end.h"
#include "skinny_kernels_isa_end.h"

// ---- AVX-512F, double ----------------------------------------------------------------------------
#define KERNEL __attribute__((target("avx512f")))
#define T double
#define VEC __m512d
#define LANES 8
#define MASK __mmask8
#define MAKE_MASK(n) ((__mmask8)((1u << (n)) - 1))
#define VLOAD(p) _mm512_loadu_pd(p)
#define VSTORE(p, v) _mm512_storeu_pd(p, v)
#define VLOADM(p, m) _mm512_maskz_loadu_pd(m, p)
#define VSTOREM(p, m, v) _mm512_mask_storeu_pd(p, m, v)
#define VZERO() _mm512_setzero_pd()
#define VSET1(x) _mm512_set1_pd(x)
#define VBROADCAST(p) _mm512_set1_pd(*(p))
#define VFMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define VMUL(a, b) _mm512_mul_pd(a, b)
#define VADD(a, b) _mm512_add_pd(a, b)
#define VHSUM(v) _mm512_reduce_add_pd(v)
#define DOT_ROWS 4
#define STRIP 4
#define DIAG_GROUP 5
#define STAT_GROUP 5
#define STAT_STRIP 2
#define NAME(x) x##_avx512_d
#include "skinny_kernels.h"
#include "skinny_kernels_end.h"

// ---- AVX-512F, float -----------------------------------------------------------------------------
#define T float
#define VEC __m512
#define LANES 16
#define MASK __mmask16
#define MAKE_MASK(n) ((__mmask16)((1u << (n)) - 1))
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps(p, v)
#define VLOADM(p, m) _mm512_maskz_loadu_ps(m, p)
#define VSTOREM(p, m, v) _mm512_mask_storeu_ps(p, m, v)
#define VZERO() _mm512_setzero_ps()
#define VSET1(x) _mm512_set1_ps(x)
#define VBROADCAST(p) _mm512_set1_ps(*(p))
#define VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VMUL(a, b) _mm512_mul_ps(a, b)
#define VADD(a, b) _mm512_add_ps(a, b)
#define VHSUM(v) _mm512_reduce_add_ps(v)
#define NAME(x) x##_avx512_s
#include "skinny_kernels.h"
#include "skinny_kernels_end.h"
#include "skinny_kernels_isa_end.h"

int hmmkit_skinny_vector_bits(void) {
    if (!hmmkit_vector_math_available()) return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 512 : 256;
}

// Whether `bits` names a kernel width this CPU runs.
static int bits_run(int bits) {
    int widest = hmmkit_skinny_vector_bits();
    return (bits == 256 && widest >= 256) || (bits == 512 && widest == 512);
}

#define SKINNY_ENTRY_POINTS(SUFFIX, TYPE)                                                                      \
    int hmmkit_gemm_nn_small_##SUFFIX(size_t m, size_t n, size_t k, TYPE alpha, const TYPE *a, size_t lda,     \
                                      const TYPE *b, size_t ldb, TYPE beta, TYPE *c, size_t ldc, int bits) {    \
        if (n == 0 || n > HMMKIT_SKINNY_LIMIT || !bits_run(bits)) return 0;                                    \
        return bits == 512 ? gemm_nn_avx512_##SUFFIX(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)             \
                           : gemm_nn_avx2_##SUFFIX(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);              \
    }                                                                                                          \
    int hmmkit_gemm_tn_small_##SUFFIX(size_t m, size_t n, size_t k, TYPE alpha, const TYPE *a, size_t lda,     \
                                      const TYPE *b, size_t ldb, TYPE beta, TYPE *c, size_t ldc, int bits) {    \
        if (m == 0 || m > HMMKIT_SKINNY_LIMIT || !bits_run(bits)) return 0;                                    \
        return bits == 512 ? gemm_tn_avx512_##SUFFIX(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)             \
                           : gemm_tn_avx2_##SUFFIX(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);              \
    }

SKINNY_ENTRY_POINTS(d, double)
SKINNY_ENTRY_POINTS(s, float)

#define DIAGONAL_ENTRY_POINTS(SUFFIX, TYPE)                                                                    \
    int hmmkit_diagonal_scores_##SUFFIX(const TYPE *x, size_t rows, size_t d, const TYPE *weights, size_t k,   \
                                        TYPE *c, size_t ldc, int bits) {                                       \
        if (k == 0 || k > HMMKIT_SKINNY_LIMIT || d == 0 || !bits_run(bits)) return 0;                          \
        return bits == 512 ? diag_scores_avx512_##SUFFIX(x, rows, d, weights, k, c, ldc)                      \
                           : diag_scores_avx2_##SUFFIX(x, rows, d, weights, k, c, ldc);                       \
    }                                                                                                          \
    int hmmkit_diagonal_statistics_##SUFFIX(const TYPE *x, size_t rows, size_t d, const TYPE *gamma,           \
                                            size_t ldg, size_t k, TYPE *c, size_t ldc, int bits) {             \
        if (k == 0 || k > HMMKIT_SKINNY_LIMIT || d == 0 || ldc < 2 * d + 1 || !bits_run(bits)) return 0;       \
        return bits == 512 ? diag_statistics_avx512_##SUFFIX(x, rows, d, gamma, ldg, k, c, ldc)               \
                           : diag_statistics_avx2_##SUFFIX(x, rows, d, gamma, ldg, k, c, ldc);                \
    }

DIAGONAL_ENTRY_POINTS(d, double)
DIAGONAL_ENTRY_POINTS(s, float)

#else

int hmmkit_skinny_vector_bits(void) { return 0; }
int hmmkit_diagonal_scores_d(const double *x, size_t rows, size_t d, const double *weights, size_t k, double *c,
                             size_t ldc, int bits) { return 0; }
int hmmkit_diagonal_scores_s(const float *x, size_t rows, size_t d, const float *weights, size_t k, float *c,
                             size_t ldc, int bits) { return 0; }
int hmmkit_diagonal_statistics_d(const double *x, size_t rows, size_t d, const double *gamma, size_t ldg, size_t k,
                                 double *c, size_t ldc, int bits) { return 0; }
int hmmkit_diagonal_statistics_s(const float *x, size_t rows, size_t d, const float *gamma, size_t ldg, size_t k,
                                 float *c, size_t ldc, int bits) { return 0; }
int hmmkit_gemm_nn_small_d(size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                           const double *b, size_t ldb, double beta, double *c, size_t ldc, int bits) { return 0; }
int hmmkit_gemm_nn_small_s(size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                           const float *b, size_t ldb, float beta, float *c, size_t ldc, int bits) { return 0; }
int hmmkit_gemm_tn_small_d(size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                           const double *b, size_t ldb, double beta, double *c, size_t ldc, int bits) { return 0; }
int hmmkit_gemm_tn_small_s(size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                           const float *b, size_t ldb, float beta, float *c, size_t ldc, int bits) { return 0; }

#endif
