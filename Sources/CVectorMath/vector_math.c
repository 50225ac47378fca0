// AVX2 + FMA row softmax, exp and scoring features. exp is exp_polynomial.h's polynomial with
// fused multiply-adds; its results agree with libm's exp to a few ulp (tested from Swift against
// the reference kernel).
#include "vector_math.h"

#include <immintrin.h>
#include <math.h>

int hmmkit_vector_math_available(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int hmmkit_cpu_instruction_level(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd"))
        return 2;
    return hmmkit_vector_math_available() ? 1 : 0;
#else
    return 0;
#endif
}

#if defined(__x86_64__) || defined(__i386__)

#define AVX2_INLINE static inline __attribute__((target("avx2,fma"), always_inline))
HMMKIT_DEFINE_EXP_F64(AVX2_INLINE, exp_fused_pd, hmmkit_double4, hmmkit_uint64x4, HMMKIT_MULTIPLY_ADD_FUSED)
HMMKIT_DEFINE_EXP_F32(AVX2_INLINE, exp_fused_ps, hmmkit_float8, hmmkit_uint32x8, HMMKIT_MULTIPLY_ADD_FUSED)

// exp(x) for x <= 0, four doubles or eight floats at a time (arguments below -708 / -87 clamped there).
AVX2_INLINE __m256d exp_nonpositive_pd(__m256d x) {
    return (__m256d)exp_fused_pd((hmmkit_double4)_mm256_max_pd(x, _mm256_set1_pd(-708.0)));
}

AVX2_INLINE __m256 exp_nonpositive_ps(__m256 x) {
    return (__m256)exp_fused_ps((hmmkit_float8)_mm256_max_ps(x, _mm256_set1_ps(-87.0f)));
}

// Rows [x, x², 1] of the diagonal-covariance scoring features; x² as the plain product (the
// reference loop's bits).
#define DIAGONAL_FEATURES(SUFFIX, T, VEC, LANES, LOAD, STORE, MUL)                                       \
    __attribute__((target("avx2,fma")))                                                                  \
    void hmmkit_diagonal_features_##SUFFIX(const T *x, size_t rows, size_t d, T *out, size_t ldo) {      \
        for (size_t r = 0; r < rows; r++) {                                                              \
            const T *source = x + r * d;                                                                 \
            T *target = out + r * ldo, *squares = target + d;                                            \
            size_t j = 0;                                                                                \
            for (; j + LANES <= d; j += LANES) {                                                         \
                VEC v = LOAD(source + j);                                                                \
                STORE(target + j, v);                                                                    \
                STORE(squares + j, MUL(v, v));                                                           \
            }                                                                                            \
            for (; j < d; j++) {                                                                         \
                target[j] = source[j];                                                                   \
                squares[j] = source[j] * source[j];                                                      \
            }                                                                                            \
            squares[d] = 1;                                                                              \
        }                                                                                                \
    }

DIAGONAL_FEATURES(d, double, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_mul_pd)
DIAGONAL_FEATURES(s, float, __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_mul_ps)

__attribute__((target("avx2,fma")))
void hmmkit_exp_nonpositive_f64(double *values, size_t count) {
    const __m256d lowest = _mm256_set1_pd(-708.0), zero = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        __m256d x = _mm256_loadu_pd(values + i);
        __m256d e = exp_nonpositive_pd(x);
        _mm256_storeu_pd(values + i, _mm256_blendv_pd(e, zero, _mm256_cmp_pd(x, lowest, _CMP_LT_OQ)));
    }
    for (; i < count; i++) values[i] = values[i] < -708.0 ? 0.0 : exp(values[i]);
}

// log(x) for positive normal x: x = 2^e · m with m in [√½, √2), log x = e·ln2 + 2·atanh(s),
// s = (m − 1)/(m + 1), |s| ≤ 0.1716, atanh's odd series to s^23 (next term < 1e-18 relative).
// Results agree with libm's log to a few ulp (tested from Swift through the softmax).
__attribute__((target("avx2,fma")))
static inline __m256d log_positive_pd(__m256d x) {
    const __m256d one = _mm256_set1_pd(1.0);
    __m256i bits = _mm256_castpd_si256(x);
    __m256d m = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000fffffffffffffLL)),
                                                    _mm256_set1_epi64x(0x3ff0000000000000LL)));
    // The biased exponent E as a double: the bits of 2^52 + E, less 2^52 + 1023.
    __m256d e = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 52),
                                                                  _mm256_set1_epi64x(0x4330000000000000LL))),
                              _mm256_set1_pd(4503599627370496.0 + 1023.0));
    __m256d large = _mm256_cmp_pd(m, _mm256_set1_pd(1.4142135623730951), _CMP_GT_OQ);
    m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), large);
    e = _mm256_add_pd(e, _mm256_and_pd(large, one));
    __m256d s = _mm256_div_pd(_mm256_sub_pd(m, one), _mm256_add_pd(m, one));
    __m256d z = _mm256_mul_pd(s, s);
    __m256d p = _mm256_set1_pd(1.0 / 23.0);
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 21.0));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 19.0));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 17.0));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 15.0));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 13.0));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 11.0));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 9.0));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 7.0));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 5.0));
    p = _mm256_fmadd_pd(p, z, _mm256_set1_pd(1.0 / 3.0));
    // 2s + 2s·z·p: the leading term kept apart for accuracy.
    __m256d twice = _mm256_add_pd(s, s);
    __m256d tail = _mm256_fmadd_pd(e, _mm256_set1_pd(1.90821492927058770002e-10), _mm256_mul_pd(_mm256_mul_pd(twice, z), p));
    return _mm256_fmadd_pd(e, _mm256_set1_pd(6.93147180369123816490e-01), _mm256_add_pd(twice, tail));
}

// Rows narrower than a vector (2 or 3 mixture components per state): a run of rows at a time,
// their shifted values gathered into one flat scratch, exponentiated and (the sums) logged by the
// vector loops; a row whose maximum is not finite (NaN anywhere, or all −∞) is left unchanged.
#define NARROW_RUN 64

__attribute__((target("avx2,fma")))
static void softmax_narrow_rows_f64(double *values, size_t rows, size_t columns, double *log_sums) {
    double scratch[NARROW_RUN * 3 + 4], sums[NARROW_RUN + 4], largest[NARROW_RUN];
    const __m256d lowest = _mm256_set1_pd(-708.0), zero = _mm256_setzero_pd();
    for (size_t first = 0; first < rows; first += NARROW_RUN) {
        size_t count = rows - first < NARROW_RUN ? rows - first : NARROW_RUN;
        double *block = values + first * columns;
        for (size_t r = 0; r < count; r++) {
            const double *v = block + r * columns;
            double top = -INFINITY;
            int nan = 0;
            for (size_t i = 0; i < columns; i++) {
                nan |= v[i] != v[i];
                top = v[i] > top ? v[i] : top;
            }
            largest[r] = nan ? NAN : top;
            int finite = isfinite(largest[r]);
            for (size_t i = 0; i < columns; i++) scratch[r * columns + i] = finite ? v[i] - top : 0.0;
        }
        size_t total = count * columns;
        for (size_t i = total; i < total + 4; i++) scratch[i] = 0.0;
        for (size_t i = 0; i < total; i += 4) {
            __m256d x = _mm256_loadu_pd(scratch + i);
            __m256d e = exp_nonpositive_pd(x);
            _mm256_storeu_pd(scratch + i, _mm256_blendv_pd(e, zero, _mm256_cmp_pd(x, lowest, _CMP_LT_OQ)));
        }
        for (size_t r = 0; r < count; r++) {
            const double *e = scratch + r * columns;
            double sum = e[0];
            for (size_t i = 1; i < columns; i++) sum += e[i];
            sums[r] = sum;   // ≥ 1 for a finite row (its maximum contributes exactly 1)
            if (!isfinite(largest[r])) continue;
            double inverse = 1.0 / sum, *v = block + r * columns;
            for (size_t i = 0; i < columns; i++) v[i] = e[i] * inverse;
        }
        for (size_t r = count; r < count + 4; r++) sums[r] = 1.0;
        for (size_t r = 0; r < count; r += 4) _mm256_storeu_pd(sums + r, log_positive_pd(_mm256_loadu_pd(sums + r)));
        for (size_t r = 0; r < count; r++) log_sums[first + r] = isfinite(largest[r]) ? largest[r] + sums[r] : largest[r];
    }
}

__attribute__((target("avx2,fma")))
void hmmkit_softmax_rows_f64(double *values, size_t rows, size_t columns, double *log_sums) {
    if (columns >= 2 && columns <= 3) {
        softmax_narrow_rows_f64(values, rows, columns, log_sums);
        return;
    }
    for (size_t row = 0; row < rows; row++) {
        double *v = values + row * columns;
        __m256d lanes = _mm256_set1_pd(-INFINITY);
        size_t i = 0;
        for (; i + 4 <= columns; i += 4) lanes = _mm256_max_pd(lanes, _mm256_loadu_pd(v + i));
        double buffer[4];
        _mm256_storeu_pd(buffer, lanes);
        double largest = buffer[0];
        for (int lane = 1; lane < 4; lane++) largest = buffer[lane] > largest ? buffer[lane] : largest;
        for (; i < columns; i++) largest = v[i] > largest ? v[i] : largest;
        if (!isfinite(largest)) { log_sums[row] = largest; continue; }
        const __m256d shift = _mm256_set1_pd(largest);
        __m256d sums = _mm256_setzero_pd();
        for (i = 0; i + 4 <= columns; i += 4) {
            __m256d e = exp_nonpositive_pd(_mm256_sub_pd(_mm256_loadu_pd(v + i), shift));
            _mm256_storeu_pd(v + i, e);
            sums = _mm256_add_pd(sums, e);
        }
        _mm256_storeu_pd(buffer, sums);
        double sum = (buffer[0] + buffer[1]) + (buffer[2] + buffer[3]);
        for (; i < columns; i++) { v[i] = exp(v[i] - largest); sum += v[i]; }
        const __m256d inverse = _mm256_set1_pd(1.0 / sum);
        for (i = 0; i + 4 <= columns; i += 4) _mm256_storeu_pd(v + i, _mm256_mul_pd(_mm256_loadu_pd(v + i), inverse));
        for (; i < columns; i++) v[i] *= 1.0 / sum;
        log_sums[row] = largest + log(sum);
    }
}

__attribute__((target("avx2,fma")))
void hmmkit_softmax_rows_f32(float *values, size_t rows, size_t columns, float *log_sums) {
    for (size_t row = 0; row < rows; row++) {
        float *v = values + row * columns;
        __m256 lanes = _mm256_set1_ps(-INFINITY);
        size_t i = 0;
        for (; i + 8 <= columns; i += 8) lanes = _mm256_max_ps(lanes, _mm256_loadu_ps(v + i));
        float buffer[8];
        _mm256_storeu_ps(buffer, lanes);
        float largest = buffer[0];
        for (int lane = 1; lane < 8; lane++) largest = buffer[lane] > largest ? buffer[lane] : largest;
        for (; i < columns; i++) largest = v[i] > largest ? v[i] : largest;
        if (!isfinite(largest)) { log_sums[row] = largest; continue; }
        const __m256 shift = _mm256_set1_ps(largest);
        __m256 sums = _mm256_setzero_ps();
        for (i = 0; i + 8 <= columns; i += 8) {
            __m256 e = exp_nonpositive_ps(_mm256_sub_ps(_mm256_loadu_ps(v + i), shift));
            _mm256_storeu_ps(v + i, e);
            sums = _mm256_add_ps(sums, e);
        }
        _mm256_storeu_ps(buffer, sums);
        float sum = ((buffer[0] + buffer[1]) + (buffer[2] + buffer[3])) + ((buffer[4] + buffer[5]) + (buffer[6] + buffer[7]));
        for (; i < columns; i++) { v[i] = expf(v[i] - largest); sum += v[i]; }
        const __m256 inverse = _mm256_set1_ps(1.0f / sum);
        for (i = 0; i + 8 <= columns; i += 8) _mm256_storeu_ps(v + i, _mm256_mul_ps(_mm256_loadu_ps(v + i), inverse));
        for (; i < columns; i++) v[i] *= 1.0f / sum;
        log_sums[row] = largest + logf(sum);
    }
}

#else

void hmmkit_exp_nonpositive_f64(double *values, size_t count) { (void)values; (void)count; }
void hmmkit_diagonal_features_d(const double *x, size_t rows, size_t d, double *out, size_t ldo) {
    (void)x; (void)rows; (void)d; (void)out; (void)ldo;
}
void hmmkit_diagonal_features_s(const float *x, size_t rows, size_t d, float *out, size_t ldo) {
    (void)x; (void)rows; (void)d; (void)out; (void)ldo;
}

void hmmkit_softmax_rows_f64(double *values, size_t rows, size_t columns, double *log_sums) {
    (void)values; (void)rows; (void)columns; (void)log_sums;
}

void hmmkit_softmax_rows_f32(float *values, size_t rows, size_t columns, float *log_sums) {
    (void)values; (void)rows; (void)columns; (void)log_sums;
}

#endif
