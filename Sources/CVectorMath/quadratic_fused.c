// Full-covariance scoring and statistics without the features matrix [x', x'_i·x'_j (i ≤ j,
// i-major), 1] of the centred frames x' = x − centre (quadratic_features.c builds it: 6.5 KB a
// frame at d = 39, written once and read twice per E-step when stored).
//
// Scores: with one component's weights read as a constant c, a linear part b and an upper
// triangle U (U[i][m] weighs x'_i·x'_m), the score is c + Σ_m x'_m · u_m with
// u_m = b_m + Σ_{i ≤ m} x'_i · U[i][m]; u is built one strip of columns at a time (broadcast x'_i,
// FMA with U's row i of the strip), then dotted with the strip of x'. Only FMAs: forming the
// products x'_i·x'_m in registers instead would cost one multiplication per component group.
// Several frames at a time (SCORE_ROWS: 2 with AVX2, 5 with AVX-512), so that each vector of U
// loaded serves that many FMAs.
//
// Statistics: Σ_t γ[t][j] · x'_ti · x'_tm = Σ_t z[t][j][i] · x'_tm with z[t][j] = γ[t][j] · x'_t
// (and γ itself for the linear part); per triangle row ("segment") the sums are FMAs of z with the
// frame's own values, accumulators in registers over a tile of frames. z is formed one vector
// (LANES rows of the triangle) at a time, just before those rows run, so a tile's frames, that
// vector of z and the accumulators' strip stay in L1 (the whole z of a tile, 30 KB at d = 39 and
// 5 components, next to the 40 KB of accumulators, would not).
//
// Layouts are padded with zeros to whole vectors (no masks, no tails): at d = 39, 916 FMAs per
// frame and component with 4 lanes and 992 with 8, against the 819 features that are not 1. The kernels are written once
// (quadratic_kernels.h) and instantiated for AVX2 + FMA (4 lanes) and AVX-512F (8 lanes; twice
// the FMA width where the core executes 512-bit FMAs at full rate, as AMD Zen 5 does).
#include "vector_math.h"
#include "simd_helpers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)

// Components per register group: scores keep SCORE_ROWS frames × 5 components of u (AVX2: 10 of
// 16 registers, the totals in registers too; AVX-512: 25 of 32, the totals in memory, one FMA per
// strip); statistics 5 components × STRIP_MAX vectors of accumulators (AVX2: 10 of 16 registers;
// AVX-512: 20 of 32).
#define FUSED_GROUP 5
// Frames per statistics tile: a tile's frames take 10 KB at d = 39 and z 1.3 KB per vector, so
// 32 frames keep both in L1 beside the accumulators while amortising each vector of z.
#define FUSED_TILE 32

#define KERNEL __attribute__((target("avx2,fma")))
#define VEC __m256d
#define LANES 4
#define STRIP_MAX 2
#define SCORE_ROWS 2
#define SCORE_TOTALS_IN_MEMORY 0
#define NAME(x) x##_avx2
#define VLOAD(p) _mm256_loadu_pd(p)
#define VSTORE(p, v) _mm256_storeu_pd(p, v)
#define VZERO() _mm256_setzero_pd()
#define VBROADCAST(p) _mm256_broadcast_sd(p)
#define VSET1(x) _mm256_set1_pd(x)
#define VFMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define VMUL(a, b) _mm256_mul_pd(a, b)
#define VHSUM(v) hsum_pd(v)
#include "quadratic_kernels.h"
#undef KERNEL
#undef VEC
#undef LANES
#undef STRIP_MAX
#undef SCORE_ROWS
#undef SCORE_TOTALS_IN_MEMORY
#undef NAME
#undef VLOAD
#undef VSTORE
#undef VZERO
#undef VBROADCAST
#undef VSET1
#undef VFMA
#undef VMUL
#undef VHSUM

#define KERNEL __attribute__((target("avx512f")))
#define VEC __m512d
#define LANES 8
#ifndef STRIP_MAX
#define STRIP_MAX 4
#endif
#ifndef SCORE_ROWS
#define SCORE_ROWS 5
#endif
#define SCORE_TOTALS_IN_MEMORY 1
#define NAME(x) x##_avx512
#define VLOAD(p) _mm512_loadu_pd(p)
#define VSTORE(p, v) _mm512_storeu_pd(p, v)
#define VZERO() _mm512_setzero_pd()
#define VBROADCAST(p) _mm512_set1_pd(*(p))
#define VSET1(x) _mm512_set1_pd(x)
#define VFMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define VMUL(a, b) _mm512_mul_pd(a, b)
#define VHSUM(v) _mm512_reduce_add_pd(v)
#include "quadratic_kernels.h"

static int avx512_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

int hmmkit_quadratic_vector_width(void) {
    if (!hmmkit_vector_math_available()) return 0;
    return avx512_available() ? 8 : 4;
}

// Whether `width` names a kernel this CPU runs.
static int width_runs(int width) {
    int widest = hmmkit_quadratic_vector_width();
    return (width == 4 && widest >= 4) || (width == 8 && widest == 8);
}

int hmmkit_quadratic_scores_d(const double *x, size_t rows, size_t d, const double *centre, const double *weights,
                              size_t k, double *c, size_t ldc, int width) {
    if (k == 0 || k > HMMKIT_SKINNY_LIMIT || d == 0 || !width_runs(width)) return 0;
    return width == 8 ? scores_avx512(x, rows, d, centre, weights, k, c, ldc)
                      : scores_avx2(x, rows, d, centre, weights, k, c, ldc);
}

int hmmkit_quadratic_statistics_d(const double *x, size_t rows, size_t d, const double *centre, const double *gamma,
                                  size_t ldg, size_t k, double *c, size_t ldc, int width) {
    if (k == 0 || k > HMMKIT_SKINNY_LIMIT || d == 0 || !width_runs(width)) return 0;
    return width == 8 ? statistics_avx512(x, rows, d, centre, gamma, ldg, k, c, ldc)
                      : statistics_avx2(x, rows, d, centre, gamma, ldg, k, c, ldc);
}

#else

int hmmkit_quadratic_vector_width(void) { return 0; }

int hmmkit_quadratic_scores_d(const double *x, size_t rows, size_t d, const double *centre, const double *weights,
                              size_t k, double *c, size_t ldc, int width) {
    (void)x; (void)rows; (void)d; (void)centre; (void)weights; (void)k; (void)c; (void)ldc; (void)width;
    return 0;
}

int hmmkit_quadratic_statistics_d(const double *x, size_t rows, size_t d, const double *centre, const double *gamma,
                                  size_t ldg, size_t k, double *c, size_t ldc, int width) {
    (void)x; (void)rows; (void)d; (void)centre; (void)gamma; (void)ldg; (void)k; (void)c; (void)ldc; (void)width;
    return 0;
}

#endif
