// eˣ by range reduction and a Taylor polynomial, written once per precision. The AVX2 + FMA
// kernels of this module and, through this module, HMMKitNumerics' FastExponential (one value)
// and RowSoftmax (SIMD lanes) all expand these definitions.
//
// x = k·ln 2 + r with k = round(x / ln 2) and |r| ≤ ln 2 / 2: k by adding 1.5·2⁵² (1.5·2²³ in
// float), which rounds x / ln 2 to an integer and leaves k, two's complement, in the low bits of
// the sum; ln 2 in two parts, the first with trailing zero bits so that k times it is exact. eʳ by
// its Taylor polynomial in Horner form (degree 13 in double: truncation below 4e-18; degree 7 in
// float: below 3e-9), and 2ᵏ by adding the exponent bias to those low bits and shifting them into
// the exponent field. Valid for x in [−708, 709] (double) and [−87, 88] (float); callers clamp or
// test outside that range.
//
// The macros below define eˣ over a value or a vector type (Clang extended vectors, which Swift
// imports as SIMD4<Double> and SIMD8<Float>), with every multiply-add rounded twice (`PLAIN`, the
// forms defined here for Swift and any CPU) or once (`FUSED`, which vector_math.c defines for its
// AVX2 + FMA kernels). The two differ in the last bits; each gives the same bits wherever it is
// used. (−k)·c + x is x − k·c bit for bit, so the plain forms are the textbook reduction.
#ifndef HMMKIT_EXP_POLYNOMIAL_H
#define HMMKIT_EXP_POLYNOMIAL_H

#include <stdint.h>

typedef double hmmkit_double4 __attribute__((ext_vector_type(4)));
typedef float hmmkit_float8 __attribute__((ext_vector_type(8)));
typedef uint64_t hmmkit_uint64x4 __attribute__((ext_vector_type(4)));
typedef uint32_t hmmkit_uint32x8 __attribute__((ext_vector_type(8)));

#define HMMKIT_MULTIPLY_ADD_PLAIN(a, b, c) ((a) * (b) + (c))
#define HMMKIT_MULTIPLY_ADD_FUSED(a, b, c) __builtin_elementwise_fma((a), (b), (c))

// The double-precision eˣ as a function NAME over T (double or hmmkit_double4), BITS its unsigned
// integer counterpart, MULTIPLY_ADD one of the two above. Contraction is off, so the plain form
// keeps its two roundings however the includer is compiled.
#define HMMKIT_DEFINE_EXP_F64(QUALIFIERS, NAME, T, BITS, MULTIPLY_ADD)                                        \
    QUALIFIERS T NAME(T x) {                                                                            \
        _Pragma("clang fp contract(off)")                                                               \
        const T magic = 6755399441055744.0; /* 1.5 · 2⁵² */                                             \
        T shifted = MULTIPLY_ADD(x, (T)1.4426950408889634, magic);                                      \
        T k = shifted - magic;                                                                          \
        T r = MULTIPLY_ADD(-k, (T)6.93147180369123816490e-01, x);                                       \
        r = MULTIPLY_ADD(-k, (T)1.90821492927058770002e-10, r);                                         \
        T p = 1.0 / 6227020800.0; /* 1/13!, then Horner's rule down to 1/2!, 1, 1 */                    \
        p = MULTIPLY_ADD(p, r, (T)(1.0 / 479001600.0));                                                 \
        p = MULTIPLY_ADD(p, r, (T)(1.0 / 39916800.0));                                                  \
        p = MULTIPLY_ADD(p, r, (T)(1.0 / 3628800.0));                                                   \
        p = MULTIPLY_ADD(p, r, (T)(1.0 / 362880.0));                                                    \
        p = MULTIPLY_ADD(p, r, (T)(1.0 / 40320.0));                                                     \
        p = MULTIPLY_ADD(p, r, (T)(1.0 / 5040.0));                                                      \
        p = MULTIPLY_ADD(p, r, (T)(1.0 / 720.0));                                                       \
        p = MULTIPLY_ADD(p, r, (T)(1.0 / 120.0));                                                       \
        p = MULTIPLY_ADD(p, r, (T)(1.0 / 24.0));                                                        \
        p = MULTIPLY_ADD(p, r, (T)(1.0 / 6.0));                                                         \
        p = MULTIPLY_ADD(p, r, (T)0.5);                                                                 \
        p = MULTIPLY_ADD(p, r, (T)1.0);                                                                 \
        p = MULTIPLY_ADD(p, r, (T)1.0);                                                                 \
        BITS bits = __builtin_bit_cast(BITS, shifted) + 1023; /* (k + 1023) << 52 is 2ᵏ */             \
        return p * __builtin_bit_cast(T, bits << 52);                                                   \
    }

// The single-precision eˣ, as HMMKIT_DEFINE_EXP_F64 (T float or hmmkit_float8). The constants are
// float literals and float quotients, rounded once to float.
#define HMMKIT_DEFINE_EXP_F32(QUALIFIERS, NAME, T, BITS, MULTIPLY_ADD)                                        \
    QUALIFIERS T NAME(T x) {                                                                            \
        _Pragma("clang fp contract(off)")                                                               \
        const T magic = 12582912.0f; /* 1.5 · 2²³ */                                                    \
        T shifted = MULTIPLY_ADD(x, (T)1.44269504f, magic);                                             \
        T k = shifted - magic;                                                                          \
        T r = MULTIPLY_ADD(-k, (T)0.693145752f, x);                                                     \
        r = MULTIPLY_ADD(-k, (T)1.42860677e-06f, r);                                                    \
        T p = 1.0f / 5040.0f; /* 1/7!, then Horner's rule down to 1/2!, 1, 1 */                         \
        p = MULTIPLY_ADD(p, r, (T)(1.0f / 720.0f));                                                     \
        p = MULTIPLY_ADD(p, r, (T)(1.0f / 120.0f));                                                     \
        p = MULTIPLY_ADD(p, r, (T)(1.0f / 24.0f));                                                      \
        p = MULTIPLY_ADD(p, r, (T)(1.0f / 6.0f));                                                       \
        p = MULTIPLY_ADD(p, r, (T)0.5f);                                                                \
        p = MULTIPLY_ADD(p, r, (T)1.0f);                                                                \
        p = MULTIPLY_ADD(p, r, (T)1.0f);                                                                \
        BITS bits = __builtin_bit_cast(BITS, shifted) + 127; /* (k + 127) << 23 is 2ᵏ */               \
        return p * __builtin_bit_cast(T, bits << 23);                                                   \
    }

#define HMMKIT_EXP_QUALIFIERS static inline __attribute__((always_inline))

/// eˣ for one double x in [−708, 709], multiply-adds rounded twice.
HMMKIT_DEFINE_EXP_F64(HMMKIT_EXP_QUALIFIERS, hmmkit_exp_f64, double, uint64_t, HMMKIT_MULTIPLY_ADD_PLAIN)
/// eˣ lane by lane for x in [−708, 709], multiply-adds rounded twice.
HMMKIT_DEFINE_EXP_F64(HMMKIT_EXP_QUALIFIERS, hmmkit_exp_f64x4, hmmkit_double4, hmmkit_uint64x4, HMMKIT_MULTIPLY_ADD_PLAIN)
/// eˣ for one float x in [−87, 88], multiply-adds rounded twice.
HMMKIT_DEFINE_EXP_F32(HMMKIT_EXP_QUALIFIERS, hmmkit_exp_f32, float, uint32_t, HMMKIT_MULTIPLY_ADD_PLAIN)
/// eˣ lane by lane for x in [−87, 88], multiply-adds rounded twice.
HMMKIT_DEFINE_EXP_F32(HMMKIT_EXP_QUALIFIERS, hmmkit_exp_f32x8, hmmkit_float8, hmmkit_uint32x8, HMMKIT_MULTIPLY_ADD_PLAIN)

#endif
