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
// Scores without the features matrix: c[r × k] = features(x_r) · weights. The products x'_i·x'_j
// are formed in registers and used at once by up to 5 components, so the [rows × W] features
// (6.5 KB a frame at d = 39) never go through memory; building them costs as much as the product.
// Layout: the weights are regrouped per triangle row, each row padded with zeros to a multiple of
// 4, and the centred frames are stored with 4 zeros after them, so every load is a full vector
// and the padding multiplies zeros (8% more arithmetic at d = 39, no masks, no tails).

#if defined(__x86_64__) || defined(__i386__)

#define QUADRATIC_GROUP 5

// Rows a0 and a1 (centred, padded; a1 may alias a0) against g components of the padded weights
// (row stride `padded`), plus each component's constant.
__attribute__((target("avx2,fma"), always_inline))
static inline void quadratic_group_d(int g, int rows, const double *a0, const double *a1, size_t d, const double *weights,
                                     size_t padded, const double *constants, double *c, size_t ldc) {
    __m256d acc0[QUADRATIC_GROUP], acc1[QUADRATIC_GROUP];
    for (int j = 0; j < g; j++) { acc0[j] = _mm256_setzero_pd(); acc1[j] = _mm256_setzero_pd(); }
    const double *w = weights;
    // Segment 0 is the linear part (x' times 1); segment i ≥ 1 is x'_{i−1} · x'[i−1 ..< d].
    for (size_t i = 0; i <= d; i++) {
        size_t from = i == 0 ? 0 : i - 1, length = d - from;
        __m256d s0 = _mm256_set1_pd(i == 0 ? 1.0 : a0[i - 1]), s1 = _mm256_set1_pd(i == 0 ? 1.0 : a1[i - 1]);
        for (size_t q = 0; q < length; q += 4) {
            __m256d p0 = _mm256_mul_pd(s0, _mm256_loadu_pd(a0 + from + q));
            __m256d p1 = _mm256_mul_pd(s1, _mm256_loadu_pd(a1 + from + q));
            for (int j = 0; j < g; j++) {
                __m256d b = _mm256_loadu_pd(w + j * padded + q);
                acc0[j] = _mm256_fmadd_pd(p0, b, acc0[j]);
                acc1[j] = _mm256_fmadd_pd(p1, b, acc1[j]);
            }
        }
        w += (length + 3) & ~(size_t)3;
    }
    for (int j = 0; j < g; j++) {
        c[j] = hsum_pd(acc0[j]) + constants[j];
        if (rows > 1) c[ldc + j] = hsum_pd(acc1[j]) + constants[j];
    }
}

__attribute__((target("avx2,fma")))
static void quadratic_rows_d(int g, size_t rows, const double *centred, size_t stride, size_t d, const double *weights,
                             size_t padded, const double *constants, double *c, size_t ldc) {
    for (size_t r = 0; r < rows; r += 2) {
        int pair = r + 1 < rows ? 2 : 1;
        const double *a0 = centred + r * stride, *a1 = a0 + (pair > 1 ? stride : 0);
        double *cr = c + r * ldc;
        switch (g) {
        case 1: quadratic_group_d(1, pair, a0, a1, d, weights, padded, constants, cr, ldc); break;
        case 2: quadratic_group_d(2, pair, a0, a1, d, weights, padded, constants, cr, ldc); break;
        case 3: quadratic_group_d(3, pair, a0, a1, d, weights, padded, constants, cr, ldc); break;
        case 4: quadratic_group_d(4, pair, a0, a1, d, weights, padded, constants, cr, ldc); break;
        default: quadratic_group_d(5, pair, a0, a1, d, weights, padded, constants, cr, ldc); break;
        }
    }
}

int hmmkit_quadratic_scores_d(const double *x, size_t rows, size_t d, const double *centre, const double *weights,
                              size_t k, double *c, size_t ldc) {
    if (k == 0 || k > HMMKIT_SKINNY_LIMIT) return 0;
    size_t width = d + d * (d + 1) / 2 + 1, padded = 0;
    for (size_t i = 0; i <= d; i++) padded += ((d - (i == 0 ? 0 : i - 1)) + 3) & ~(size_t)3;
    size_t stride = d + 4;
    double *scratch = (double *)calloc(k * padded + rows * stride + k, sizeof(double));
    if (scratch == NULL) return 0;
    double *regrouped = scratch, *centred = scratch + k * padded, *constants = centred + rows * stride;
    for (size_t j = 0; j < k; j++) {
        double *w = regrouped + j * padded;
        size_t feature = 0;
        for (size_t i = 0; i <= d; i++) {
            size_t length = d - (i == 0 ? 0 : i - 1);
            for (size_t q = 0; q < length; q++) w[q] = weights[(feature + q) * k + j];
            feature += length;
            w += (length + 3) & ~(size_t)3;
        }
        constants[j] = weights[(width - 1) * k + j];
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < d; j++) centred[r * stride + j] = x[r * d + j] - centre[j];
    int groups = (int)((k + QUADRATIC_GROUP - 1) / QUADRATIC_GROUP);
    size_t first = 0;
    for (int index = 0; index < groups; index++) {
        size_t last = k * (size_t)(index + 1) / (size_t)groups;
        quadratic_rows_d((int)(last - first), rows, centred, stride, d, regrouped + first * padded, padded,
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
