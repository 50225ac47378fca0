// Full-covariance scoring on the expanded quadratic form (Kaldi's): a Gaussian's log-density is
// the dot product of weights with the features [x', x'_i x'_j (i <= j, i-major), 1] of the
// centred frame x' = x - centre. AVX2 + FMA, chosen at run time.
#include "vector_math.h"
#include "simd_helpers.h"

#include <stdlib.h>

// The features of rows of x: `out` rows have d + d(d+1)/2 + 1 values (row stride ldo).

#if defined(__x86_64__) || defined(__i386__)

__attribute__((target("avx2,fma")))
void hmmkit_quadratic_features_d(const double *x, size_t rows, size_t d, const double *centre, double *out, size_t ldo) {
    for (size_t r = 0; r < rows; r++) {
        const double *source = x + r * d;
        double *target = out + r * ldo;
        for (size_t j = 0; j < d; j++) target[j] = source[j] - centre[j];
        double *next = target + d;
        for (size_t i = 0; i < d; i++) {
            const double *y = target + i;
            size_t length = d - i, q = 0;
            __m256d scale = _mm256_set1_pd(target[i]);
            for (; q + 4 <= length; q += 4) _mm256_storeu_pd(next + q, _mm256_mul_pd(scale, _mm256_loadu_pd(y + q)));
            for (; q < length; q++) next[q] = target[i] * y[q];
            next += length;
        }
        *next = 1;
    }
}

__attribute__((target("avx2,fma")))
void hmmkit_quadratic_features_s(const float *x, size_t rows, size_t d, const float *centre, float *out, size_t ldo) {
    for (size_t r = 0; r < rows; r++) {
        const float *source = x + r * d;
        float *target = out + r * ldo;
        for (size_t j = 0; j < d; j++) target[j] = source[j] - centre[j];
        float *next = target + d;
        for (size_t i = 0; i < d; i++) {
            const float *y = target + i;
            size_t length = d - i, q = 0;
            __m256 scale = _mm256_set1_ps(target[i]);
            for (; q + 8 <= length; q += 8) _mm256_storeu_ps(next + q, _mm256_mul_ps(scale, _mm256_loadu_ps(y + q)));
            for (; q < length; q++) next[q] = target[i] * y[q];
            next += length;
        }
        *next = 1;
    }
}

#else

void hmmkit_quadratic_features_d(const double *x, size_t rows, size_t d, const double *centre, double *out, size_t ldo) {
    (void)x; (void)rows; (void)d; (void)centre; (void)out; (void)ldo;
}
void hmmkit_quadratic_features_s(const float *x, size_t rows, size_t d, const float *centre, float *out, size_t ldo) {
    (void)x; (void)rows; (void)d; (void)centre; (void)out; (void)ldo;
}

#endif

// ---------------------------------------------------------------------------------------------
// Scores without the features matrix: c[r × k] = features(x_r) · weights. With the weights of one
// component read as a constant c, a linear part b and an upper triangle U (U[i][j] weighs
// x'_i·x'_j, i ≤ j), the score is c + Σ_j x'_j · u_j where u_j = b_j + Σ_{i ≤ j} x'_i · U[i][j]:
// u is built column strip by column strip (4 columns: broadcast x'_i, FMA with U's row i of the
// strip), then dotted with the strip of x'. Only FMAs, no products x'_i·x'_j to form (those cost
// one multiplication per 5 FMAs when the features are made in registers), and the [rows × W]
// features (6.5 KB a frame at d = 39) never go through memory.
// Layout: per group of components and per strip, the rows b, U[0], …, U[min(4s + 3, d − 1)] of
// the strip's 4 columns, one vector per component, zeros where i > j or j ≥ d (7 % more FMAs at
// d = 39, no masks, no tails); the centred frames are stored with zeros after them.

#if defined(__x86_64__) || defined(__i386__)

// Components per register group: 2 frames × 5 components of u (10 ymm), 2 broadcasts, 1 load.
#define QUADRATIC_GROUP 5

// Rows a0 and a1 (centred, padded; a1 may alias a0) against g components of the regrouped weights.
__attribute__((target("avx2,fma"), always_inline))
static inline void quadratic_group_d(int g, int rows, const double *a0, const double *a1, size_t d, const double *w,
                                     const double *constants, double *c, size_t ldc) {
    __m256d total0[QUADRATIC_GROUP], total1[QUADRATIC_GROUP];
    for (int j = 0; j < g; j++) { total0[j] = _mm256_setzero_pd(); total1[j] = _mm256_setzero_pd(); }
    for (size_t strip = 0; 4 * strip < d; strip++) {
        __m256d u0[QUADRATIC_GROUP], u1[QUADRATIC_GROUP];
        for (int j = 0; j < g; j++) { u0[j] = _mm256_loadu_pd(w + 4 * j); u1[j] = u0[j]; }
        w += 4 * g;
        size_t last = 4 * strip + 4 < d ? 4 * strip + 4 : d;
        for (size_t i = 0; i < last; i++) {
            __m256d s0 = _mm256_broadcast_sd(a0 + i), s1 = _mm256_broadcast_sd(a1 + i);
            for (int j = 0; j < g; j++) {
                __m256d b = _mm256_loadu_pd(w + 4 * j);
                u0[j] = _mm256_fmadd_pd(s0, b, u0[j]);
                u1[j] = _mm256_fmadd_pd(s1, b, u1[j]);
            }
            w += 4 * g;
        }
        __m256d x0 = _mm256_loadu_pd(a0 + 4 * strip), x1 = _mm256_loadu_pd(a1 + 4 * strip);
        for (int j = 0; j < g; j++) {
            total0[j] = _mm256_fmadd_pd(u0[j], x0, total0[j]);
            total1[j] = _mm256_fmadd_pd(u1[j], x1, total1[j]);
        }
    }
    for (int j = 0; j < g; j++) {
        c[j] = hsum_pd(total0[j]) + constants[j];
        if (rows > 1) c[ldc + j] = hsum_pd(total1[j]) + constants[j];
    }
}

__attribute__((target("avx2,fma")))
static void quadratic_rows_d(int g, size_t rows, const double *centred, size_t stride, size_t d, const double *weights,
                             const double *constants, double *c, size_t ldc) {
    for (size_t r = 0; r < rows; r += 2) {
        int pair = r + 1 < rows ? 2 : 1;
        const double *a0 = centred + r * stride, *a1 = a0 + (pair > 1 ? stride : 0);
        double *cr = c + r * ldc;
        switch (g) {
        case 1: quadratic_group_d(1, pair, a0, a1, d, weights, constants, cr, ldc); break;
        case 2: quadratic_group_d(2, pair, a0, a1, d, weights, constants, cr, ldc); break;
        case 3: quadratic_group_d(3, pair, a0, a1, d, weights, constants, cr, ldc); break;
        case 4: quadratic_group_d(4, pair, a0, a1, d, weights, constants, cr, ldc); break;
        default: quadratic_group_d(5, pair, a0, a1, d, weights, constants, cr, ldc); break;
        }
    }
}

// Components first ..< first + g of weights ([W × k]) in the strip layout above, into w.
static void regroup_weights_d(const double *weights, size_t d, size_t k, size_t first, size_t g, double *w) {
    for (size_t strip = 0; 4 * strip < d; strip++) {
        size_t last = 4 * strip + 4 < d ? 4 * strip + 4 : d;
        // Row 0 is the linear part b; row i + 1 is U[i].
        for (size_t row = 0; row <= last; row++, w += 4 * g) {
            for (size_t j = 0; j < g; j++) {
                for (size_t lane = 0; lane < 4; lane++) {
                    size_t column = 4 * strip + lane, i = row - 1, feature;
                    if (column >= d || (row > 0 && i > column)) { w[4 * j + lane] = 0; continue; }
                    // Features: x' (d), then the triangle row by row, row i holding d − i values.
                    feature = row == 0 ? column : d + i * d - i * (i - 1) / 2 + (column - i);
                    w[4 * j + lane] = weights[feature * k + first + j];
                }
            }
        }
    }
}

int hmmkit_quadratic_scores_d(const double *x, size_t rows, size_t d, const double *centre, const double *weights,
                              size_t k, double *c, size_t ldc) {
    if (k == 0 || k > HMMKIT_SKINNY_LIMIT || d == 0) return 0;
    size_t width = d + d * (d + 1) / 2 + 1, perComponent = 0;
    for (size_t strip = 0; 4 * strip < d; strip++) perComponent += 4 * (1 + (4 * strip + 4 < d ? 4 * strip + 4 : d));
    size_t stride = ((d + 3) & ~(size_t)3) + 4;
    double *scratch = (double *)calloc(k * perComponent + rows * stride + k, sizeof(double));
    if (scratch == NULL) return 0;
    double *regrouped = scratch, *centred = scratch + k * perComponent, *constants = centred + rows * stride;
    int groups = (int)((k + QUADRATIC_GROUP - 1) / QUADRATIC_GROUP);
    size_t first = 0;
    for (int index = 0; index < groups; index++) {
        size_t last = k * (size_t)(index + 1) / (size_t)groups;
        regroup_weights_d(weights, d, k, first, last - first, regrouped + first * perComponent);
        first = last;
    }
    for (size_t j = 0; j < k; j++) constants[j] = weights[(width - 1) * k + j];
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < d; j++) centred[r * stride + j] = x[r * d + j] - centre[j];
    first = 0;
    for (int index = 0; index < groups; index++) {
        size_t last = k * (size_t)(index + 1) / (size_t)groups;
        quadratic_rows_d((int)(last - first), rows, centred, stride, d, regrouped + first * perComponent,
                         constants + first, c + first, ldc);
        first = last;
    }
    free(scratch);
    return 1;
}

#else

int hmmkit_quadratic_scores_d(const double *x, size_t rows, size_t d, const double *centre, const double *weights,
                              size_t k, double *c, size_t ldc) {
    (void)x; (void)rows; (void)d; (void)centre; (void)weights; (void)k; (void)c; (void)ldc;
    return 0;
}

#endif
