// Full-covariance statistics without the features matrix: c[k][f] = Σ_t γ[t][k] · feature_f(x'_t)
// for the features [x', x'_i·x'_j (i ≤ j, i-major), 1] of the centred frames x' = x − centre
// (quadratic_features.c), i.e. γᵀ · features, without writing the [rows × W] features (6.5 KB a
// frame at d = 39) to memory and reading them back. AVX2 + FMA, chosen at run time.
//
// The sums are taken per segment: segment 0 is the linear part (1 · x'[0 ..< d]), segment s ≥ 1
// is x'_{s−1} · x'[s−1 ..< d]. With z[t][k][s] = γ[t][k] · [1, x'_t][s] formed once per frame
// (d + 1 products per component), a segment's sums are FMAs of z with the frame's own values,
// acc[k][s][q] += z[t][k][s] · x'_t[from + q], and nothing else is multiplied: the same FMA count
// as the product with stored features. Accumulators stay in registers over a tile of frames.
// Segments are padded with zeros to a multiple of 4 (full vectors, no masks: 7 % more FMAs at
// d = 39). The order of every sum is fixed by the shapes (frames in order), never by threads.
#include "vector_math.h"
#include "simd_helpers.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)

// Components per register group (2 × 5 accumulators, 2 frame vectors, 1 broadcast: 13 of the
// 16 ymm registers) and frames per tile (16 measured fastest of 8, 16, 32 and 64 at d = 39:
// a tile's frames and z, 3 KB + 26 KB for 5 components, stay in L1 beside the accumulators).
#define STATISTICS_GROUP 5
#define STATISTICS_TILE 16

// One strip of `vectors` (1 or 2) vectors of one segment for g components over the n frames of a
// tile: frames at `x` (stride `stride`, offset to the strip), their z at `z` (offset to component
// 0's value of the segment; `zk` apart per component, `zt` per frame), accumulators at `acc`
// (offset to the strip; `padded` apart per component).
__attribute__((target("avx2,fma"), always_inline))
static inline void statistics_strip_d(int g, int vectors, size_t n, const double *x, size_t stride, const double *z,
                                      size_t zk, size_t zt, double *acc, size_t padded) {
    __m256d lo[STATISTICS_GROUP], hi[STATISTICS_GROUP];
    for (int j = 0; j < g; j++) {
        lo[j] = _mm256_loadu_pd(acc + j * padded);
        hi[j] = vectors > 1 ? _mm256_loadu_pd(acc + j * padded + 4) : _mm256_setzero_pd();
    }
    for (size_t t = 0; t < n; t++) {
        __m256d x0 = _mm256_loadu_pd(x + t * stride);
        __m256d x1 = vectors > 1 ? _mm256_loadu_pd(x + t * stride + 4) : _mm256_setzero_pd();
        for (int j = 0; j < g; j++) {
            __m256d weight = _mm256_broadcast_sd(z + t * zt + j * zk);
            lo[j] = _mm256_fmadd_pd(weight, x0, lo[j]);
            if (vectors > 1) hi[j] = _mm256_fmadd_pd(weight, x1, hi[j]);
        }
    }
    for (int j = 0; j < g; j++) {
        _mm256_storeu_pd(acc + j * padded, lo[j]);
        if (vectors > 1) _mm256_storeu_pd(acc + j * padded + 4, hi[j]);
    }
}

// Every segment of one tile for g components (acc and z offset to the group's first component).
__attribute__((target("avx2,fma"), always_inline))
static inline void statistics_tile_group_d(int g, size_t n, size_t d, const double *frames, size_t stride,
                                           const double *z, size_t zk, size_t zt, double *acc, size_t padded) {
    size_t offset = 0;
    for (size_t s = 0; s <= d; s++) {
        size_t from = s == 0 ? 0 : s - 1, length = (d - from + 3) & ~(size_t)3, q = 0;
        // Frames are stored as [1, x'_0, …, x'_{d−1}, zeros]: x'[from] is at column from + 1.
        const double *x = frames + from + 1;
        for (; q + 8 <= length; q += 8) statistics_strip_d(g, 2, n, x + q, stride, z + s, zk, zt, acc + offset + q, padded);
        if (q < length) statistics_strip_d(g, 1, n, x + q, stride, z + s, zk, zt, acc + offset + q, padded);
        offset += length;
    }
}

// One instantiation per group size, so the accumulator loops unroll into registers.
__attribute__((target("avx2,fma")))
static void statistics_tile_d(int g, size_t n, size_t d, const double *frames, size_t stride, const double *z,
                              size_t zk, size_t zt, double *acc, size_t padded) {
    switch (g) {
    case 1: statistics_tile_group_d(1, n, d, frames, stride, z, zk, zt, acc, padded); break;
    case 2: statistics_tile_group_d(2, n, d, frames, stride, z, zk, zt, acc, padded); break;
    case 3: statistics_tile_group_d(3, n, d, frames, stride, z, zk, zt, acc, padded); break;
    case 4: statistics_tile_group_d(4, n, d, frames, stride, z, zk, zt, acc, padded); break;
    default: statistics_tile_group_d(5, n, d, frames, stride, z, zk, zt, acc, padded); break;
    }
}

// The tile's frames as [1, x − centre, zeros] (row stride `stride`) and z[t][k][s] = γ[t][k] ·
// frame[s] (`zk` values per component).
__attribute__((target("avx2,fma")))
static void prepare_tile_d(const double *x, size_t n, size_t d, const double *centre, const double *gamma, size_t ldg,
                           size_t k, double *frames, size_t stride, double *z, size_t zk) {
    for (size_t t = 0; t < n; t++) {
        double *frame = frames + t * stride;
        frame[0] = 1;
        for (size_t j = 0; j < d; j++) frame[j + 1] = x[t * d + j] - centre[j];
        for (size_t j = d + 1; j < stride; j++) frame[j] = 0;
        for (size_t c = 0; c < k; c++) {
            __m256d weight = _mm256_set1_pd(gamma[t * ldg + c]);
            double *target = z + (t * k + c) * zk;
            for (size_t q = 0; q < zk; q += 4) _mm256_storeu_pd(target + q, _mm256_mul_pd(weight, _mm256_loadu_pd(frame + q)));
        }
    }
}

__attribute__((target("avx2,fma")))
int hmmkit_quadratic_statistics_d(const double *x, size_t rows, size_t d, const double *centre, const double *gamma,
                                  size_t ldg, size_t k, double *c, size_t ldc) {
    if (k == 0 || k > HMMKIT_SKINNY_LIMIT || d == 0) return 0;
    size_t padded = 0;
    for (size_t s = 0; s <= d; s++) padded += ((d - (s == 0 ? 0 : s - 1)) + 3) & ~(size_t)3;
    // A frame is read up to column d + 3 (the last segment's padding) and z up to column d.
    size_t stride = (d + 1 + 3 + 3) & ~(size_t)3, zk = (d + 1 + 3) & ~(size_t)3;
    double *scratch = (double *)calloc(k * padded + STATISTICS_TILE * (stride + k * zk), sizeof(double));
    if (scratch == NULL) return 0;
    double *acc = scratch, *frames = acc + k * padded, *z = frames + STATISTICS_TILE * stride;
    int groups = (int)((k + STATISTICS_GROUP - 1) / STATISTICS_GROUP);
    for (size_t start = 0; start < rows; start += STATISTICS_TILE) {
        size_t n = rows - start < STATISTICS_TILE ? rows - start : STATISTICS_TILE;
        prepare_tile_d(x + start * d, n, d, centre, gamma + start * ldg, ldg, k, frames, stride, z, zk);
        size_t first = 0;
        for (int index = 0; index < groups; index++) {
            size_t last = k * (size_t)(index + 1) / (size_t)groups;
            statistics_tile_d((int)(last - first), n, d, frames, stride, z + first * zk, zk, k * zk, acc + first * padded,
                              padded);
            first = last;
        }
    }
    // Back to the features' order: segment 0 is features 0 ..< d, segment s ≥ 1 continues the
    // triangle, and the constant feature's sum is the occupancy.
    size_t width = d + d * (d + 1) / 2 + 1;
    for (size_t comp = 0; comp < k; comp++) {
        const double *line = acc + comp * padded;
        double *out = c + comp * ldc;
        size_t feature = 0;
        for (size_t s = 0; s <= d; s++) {
            size_t length = d - (s == 0 ? 0 : s - 1);
            memcpy(out + feature, line, length * sizeof(double));
            feature += length;
            line += (length + 3) & ~(size_t)3;
        }
        double occupancy = 0;
        for (size_t t = 0; t < rows; t++) occupancy += gamma[t * ldg + comp];
        out[width - 1] = occupancy;
    }
    free(scratch);
    return 1;
}

#else

int hmmkit_quadratic_statistics_d(const double *x, size_t rows, size_t d, const double *centre, const double *gamma,
                                  size_t ldg, size_t k, double *c, size_t ldc) {
    (void)x; (void)rows; (void)d; (void)centre; (void)gamma; (void)ldg; (void)k; (void)c; (void)ldc;
    return 0;
}

#endif
