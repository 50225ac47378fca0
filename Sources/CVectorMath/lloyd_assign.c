// Lloyd's assignment step of k-means with scikit-learn's arithmetic, AVX2 + FMA or AVX-512F,
// chosen by the caller (the skinny products' widths and policy). scikit-learn forms
// ‖c‖² − 2·X·Cᵀ with a GEMM whose every entry is one chain of fused multiply-adds over the
// features in order, then takes each frame's first least entry, then adds the frames to their
// centres' sums frame after frame. This kernel does the same arithmetic without storing the
// [n × k] products: the frames are read feature-major (one vector = one feature of LANES frames),
// so every multiply-add is a full vector, where a product with k = 3 or 5 columns fills a vector
// only partly; and a centre's sum stays in registers while consecutive frames add to it.
#include "vector_math.h"

#include <math.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

static const int64_t lloyd_mask_d[8] = {-1, -1, -1, -1, 0, 0, 0, 0};
static const int32_t lloyd_mask_s[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

// ---- AVX2 + FMA ----------------------------------------------------------------------------------
#define KERNEL __attribute__((target("avx2,fma")))
#define T double
#define VEC __m256d
#define LANES 4
#define MASK __m256i
#define MAKE_MASK(n) _mm256_loadu_si256((const __m256i *)(lloyd_mask_d + 4 - (n)))
#define VLOAD(p) _mm256_loadu_pd(p)
#define VSTORE(p, v) _mm256_storeu_pd(p, v)
#define VLOADM(p, m) _mm256_maskload_pd(p, m)
#define VSTOREM(p, m, v) _mm256_maskstore_pd(p, m, v)
#define VZERO() _mm256_setzero_pd()
#define VSET1(x) _mm256_set1_pd(x)
#define VFMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define VADD(a, b) _mm256_add_pd(a, b)
#define SELECT_LESS(score, best, label, index)                                                          \
    do {                                                                                                \
        VEC s_ = (score), less_ = _mm256_cmp_pd(s_, *(best), _CMP_LT_OQ);                               \
        *(best) = _mm256_blendv_pd(*(best), s_, less_);                                                 \
        *(label) = _mm256_blendv_pd(*(label), (index), less_);                                          \
    } while (0)
#define FRAME_VECTORS 2
#define NAME(x) x##_avx2_d
#include "lloyd_kernel.h"
#include "lloyd_kernel_end.h"

#define T float
#define VEC __m256
#define LANES 8
#define MASK __m256i
#define MAKE_MASK(n) _mm256_loadu_si256((const __m256i *)(lloyd_mask_s + 8 - (n)))
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps(p, v)
#define VLOADM(p, m) _mm256_maskload_ps(p, m)
#define VSTOREM(p, m, v) _mm256_maskstore_ps(p, m, v)
#define VZERO() _mm256_setzero_ps()
#define VSET1(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VADD(a, b) _mm256_add_ps(a, b)
#define SELECT_LESS(score, best, label, index)                                                          \
    do {                                                                                                \
        VEC s_ = (score), less_ = _mm256_cmp_ps(s_, *(best), _CMP_LT_OQ);                               \
        *(best) = _mm256_blendv_ps(*(best), s_, less_);                                                 \
        *(label) = _mm256_blendv_ps(*(label), (index), less_);                                          \
    } while (0)
#define FRAME_VECTORS 2
#define NAME(x) x##_avx2_s
#include "lloyd_kernel.h"
#include "lloyd_kernel_end.h"
#undef KERNEL

// ---- AVX-512F ------------------------------------------------------------------------------------
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
#define VFMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define VADD(a, b) _mm512_add_pd(a, b)
#define SELECT_LESS(score, best, label, index)                                                          \
    do {                                                                                                \
        VEC s_ = (score);                                                                               \
        __mmask8 less_ = _mm512_cmp_pd_mask(s_, *(best), _CMP_LT_OQ);                                   \
        *(best) = _mm512_mask_mov_pd(*(best), less_, s_);                                               \
        *(label) = _mm512_mask_mov_pd(*(label), less_, (index));                                        \
    } while (0)
#define FRAME_VECTORS 4
#define NAME(x) x##_avx512_d
#include "lloyd_kernel.h"
#include "lloyd_kernel_end.h"

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
#define VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VADD(a, b) _mm512_add_ps(a, b)
#define SELECT_LESS(score, best, label, index)                                                          \
    do {                                                                                                \
        VEC s_ = (score);                                                                               \
        __mmask16 less_ = _mm512_cmp_ps_mask(s_, *(best), _CMP_LT_OQ);                                  \
        *(best) = _mm512_mask_mov_ps(*(best), less_, s_);                                               \
        *(label) = _mm512_mask_mov_ps(*(label), less_, (index));                                        \
    } while (0)
#define FRAME_VECTORS 2
#define NAME(x) x##_avx512_s
#include "lloyd_kernel.h"
#include "lloyd_kernel_end.h"
#undef KERNEL

#define LLOYD_ENTRY_POINT(SUFFIX, TYPE)                                                                      \
    int hmmkit_lloyd_assign_##SUFFIX(const TYPE *x, const TYPE *panels, size_t n, size_t d, const TYPE *centres,   \
                                     const TYPE *norms, size_t k, int32_t *labels, TYPE *sums, TYPE *counts,    \
                                     int bits) {                                                             \
        int widest = hmmkit_skinny_vector_bits();                                                            \
        if (k == 0 || d == 0 || n == 0) return 0;                                                            \
        if (bits == 512 && widest == 512) {                                                                  \
            lloyd_labels_avx512_##SUFFIX(panels, n, d, centres, norms, k, labels);                           \
            if (sums) lloyd_sums_avx512_##SUFFIX(x, n, d, labels, sums, counts);                             \
            return 1;                                                                                        \
        }                                                                                                    \
        if (bits == 256 && widest >= 256) {                                                                  \
            lloyd_labels_avx2_##SUFFIX(panels, n, d, centres, norms, k, labels);                             \
            if (sums) lloyd_sums_avx2_##SUFFIX(x, n, d, labels, sums, counts);                               \
            return 1;                                                                                        \
        }                                                                                                    \
        return 0;                                                                                            \
    }

LLOYD_ENTRY_POINT(d, double)
LLOYD_ENTRY_POINT(s, float)

#else

int hmmkit_lloyd_assign_d(const double *x, const double *panels, size_t n, size_t d, const double *centres,
                          const double *norms, size_t k, int32_t *labels, double *sums, double *counts, int bits) {
    return 0;
}
int hmmkit_lloyd_assign_s(const float *x, const float *panels, size_t n, size_t d, const float *centres,
                          const float *norms, size_t k, int32_t *labels, float *sums, float *counts, int bits) {
    return 0;
}

#endif
