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
#include "simd_helpers.h"

// ---- AVX2 + FMA ----------------------------------------------------------------------------------
#define KERNEL __attribute__((target("avx2,fma")))
#define ISA_AVX2
#define ISA_DOUBLE
#include "simd_isa.h"
#define FRAME_VECTORS 2
#define NAME(x) x##_avx2_d
#include "lloyd_kernel.h"
#include "lloyd_kernel_end.h"

#define ISA_FLOAT
#include "simd_isa.h"
#define FRAME_VECTORS 2
#define NAME(x) x##_avx2_s
#include "lloyd_kernel.h"
#include "lloyd_kernel_end.h"
#undef KERNEL
#undef ISA_AVX2

// ---- AVX-512F ------------------------------------------------------------------------------------
#define KERNEL __attribute__((target("avx512f")))
#define ISA_AVX512
#define ISA_DOUBLE
#include "simd_isa.h"
#define FRAME_VECTORS 4
#define NAME(x) x##_avx512_d
#include "lloyd_kernel.h"
#include "lloyd_kernel_end.h"

#define ISA_FLOAT
#include "simd_isa.h"
#define FRAME_VECTORS 2
#define NAME(x) x##_avx512_s
#include "lloyd_kernel.h"
#include "lloyd_kernel_end.h"
#undef KERNEL
#undef ISA_AVX512

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
