// The vector vocabulary of one instruction set and precision, shared by the kernel templates of
// this module (skinny_kernels.h, lloyd_kernel.h): the includer defines ISA_AVX2 or ISA_AVX512 and
// ISA_DOUBLE or ISA_FLOAT, includes this, includes its template, then simd_isa_end.h. No include
// guard for the macros (they are defined anew for every instantiation).
//
//   T, VEC, LANES            element type, vector type, elements per vector
//   MASK, MAKE_MASK(n)       a mask of the first n lanes (1 ≤ n ≤ LANES), for VLOADM / VSTOREM
//   VLOAD(p), VSTORE(p, v)   unaligned load and store; VLOADM / VSTOREM: masked (lanes off read as 0)
//   VZERO(), VSET1(x), VBROADCAST(p)
//   VFMA(a, b, c) = a·b + c (one rounding), VMUL, VADD, VHSUM(v) = the sum of the lanes
//   VMASK_LESS(a, b)         the lanes where a < b (ordered: NaN compares false)
//   VSELECT(m, a, b)         b in the lanes of m, a elsewhere

#ifndef HMMKIT_SIMD_ISA_TABLES
#define HMMKIT_SIMD_ISA_TABLES
#include <immintrin.h>
#include <stdint.h>
// AVX2's lane masks: the first n lanes of `table + LANES - n`.
static const int64_t hmmkit_lane_mask_d[8] = {-1, -1, -1, -1, 0, 0, 0, 0};
static const int32_t hmmkit_lane_mask_s[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
#endif

#if defined(ISA_AVX2) && defined(ISA_DOUBLE)
#define T double
#define VEC __m256d
#define LANES 4
#define MASK __m256i
#define MAKE_MASK(n) _mm256_loadu_si256((const __m256i *)(hmmkit_lane_mask_d + 4 - (n)))
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
#define VMASK_LESS(a, b) _mm256_cmp_pd(a, b, _CMP_LT_OQ)
#define VSELECT(m, a, b) _mm256_blendv_pd(a, b, m)
#elif defined(ISA_AVX2) && defined(ISA_FLOAT)
#define T float
#define VEC __m256
#define LANES 8
#define MASK __m256i
#define MAKE_MASK(n) _mm256_loadu_si256((const __m256i *)(hmmkit_lane_mask_s + 8 - (n)))
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
#define VMASK_LESS(a, b) _mm256_cmp_ps(a, b, _CMP_LT_OQ)
#define VSELECT(m, a, b) _mm256_blendv_ps(a, b, m)
#elif defined(ISA_AVX512) && defined(ISA_DOUBLE)
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
#define VMASK_LESS(a, b) _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ)
#define VSELECT(m, a, b) _mm512_mask_mov_pd(a, m, b)
#elif defined(ISA_AVX512) && defined(ISA_FLOAT)
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
#define VMASK_LESS(a, b) _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ)
#define VSELECT(m, a, b) _mm512_mask_mov_ps(a, m, b)
#else
#error "simd_isa.h needs ISA_AVX2 or ISA_AVX512 and ISA_DOUBLE or ISA_FLOAT"
#endif
