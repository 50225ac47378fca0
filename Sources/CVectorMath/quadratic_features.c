// Full-covariance scoring on the expanded quadratic form (Kaldi's): a Gaussian's log-density is
// the dot product of weights with the features [x', x'_i x'_j (i <= j, i-major), 1] of the
// centred frame x' = x - centre. AVX2 + FMA, chosen at run time. The kernels that score and
// accumulate without storing these features are in quadratic_fused.c.
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
