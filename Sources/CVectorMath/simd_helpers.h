// Small AVX2 helpers shared by the kernels of this module (not part of its public headers).
#ifndef HMMKIT_SIMD_HELPERS_H
#define HMMKIT_SIMD_HELPERS_H

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx2,fma"), always_inline))
static inline double hsum_pd(__m256d v) {
    __m128d low = _mm256_castpd256_pd128(v), high = _mm256_extractf128_pd(v, 1);
    low = _mm_add_pd(low, high);
    return _mm_cvtsd_f64(_mm_add_sd(low, _mm_unpackhi_pd(low, low)));
}

__attribute__((target("avx2,fma"), always_inline))
static inline float hsum_ps(__m256 v) {
    __m128 low = _mm256_castps256_ps128(v), high = _mm256_extractf128_ps(v, 1);
    low = _mm_add_ps(low, high);
    low = _mm_add_ps(low, _mm_movehl_ps(low, low));
    return _mm_cvtss_f32(_mm_add_ss(low, _mm_shuffle_ps(low, low, 1)));
}

#endif

#endif
