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

// ---- AVX2 + FMA ----------------------------------------------------------------------------------
#define KERNEL __attribute__((target("avx2,fma")))
#define ISA_AVX2
#define DOT_ROWS 2
#define STRIP 2
#define DIAG_GROUP 5
#define STAT_GROUP 6
#define STAT_STRIP 1
#define ISA_DOUBLE
#include "simd_isa.h"
#define NAME(x) x##_avx2_d
#include "skinny_kernels.h"
#include "skinny_kernels_end.h"

#define ISA_FLOAT
#include "simd_isa.h"
#define NAME(x) x##_avx2_s
#include "skinny_kernels.h"
#include "skinny_kernels_end.h"
#include "skinny_kernels_isa_end.h"

// ---- AVX-512F ------------------------------------------------------------------------------------
#define KERNEL __attribute__((target("avx512f")))
#define ISA_AVX512
#define DOT_ROWS 4
#define STRIP 4
#define DIAG_GROUP 5
#define STAT_GROUP 5
#define STAT_STRIP 2
#define ISA_DOUBLE
#include "simd_isa.h"
#define NAME(x) x##_avx512_d
#include "skinny_kernels.h"
#include "skinny_kernels_end.h"

#define ISA_FLOAT
#include "simd_isa.h"
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
