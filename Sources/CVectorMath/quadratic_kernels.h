// The two full-covariance kernels that never store the features [x', x'_i·x'_j (i ≤ j), 1]
// (quadratic_fused.c explains them), written once for any vector width. A template: no include
// guard; quadratic_fused.c includes it once per instruction set after defining
//   KERNEL            the function attribute (target instruction set)
//   VEC, LANES        the vector type and its number of doubles
//   STRIP_MAX         the widest statistics strip, in vectors (2 … 4: FUSED_GROUP × STRIP_MAX
//                     accumulators must fit in the registers)
//   NAME(x)           x with the instruction set's suffix
//   VLOAD(p) VSTORE(p, v) VZERO() VBROADCAST(p) VSET1(x) VFMA(a, b, c) VMUL(a, b) VHSUM(v)
// Every sum runs in an order fixed by the shapes and the width, never by threads.

#define ROUND_UP(n) (((n) + LANES - 1) / LANES * LANES)

// ---------------------------------------------------------------------------------------------
// Scores, c[r][j] = features(x_r) · weights[:, j]: per component, c + Σ_m x'_m · u_m with
// u_m = b_m + Σ_{i ≤ m} x'_i · U[i][m], one strip of LANES columns m at a time.

// SCORE_ROWS rows at a[0 …] (centred, zero-padded; the rows from `rows` on alias earlier ones and
// are not written) against g components of the layout: SCORE_ROWS × g vectors of u in registers
// (AVX2: 2 × 5 of 16; AVX-512: 5 × 5 of 32), the totals in memory at `total` (one FMA per strip
// each, and the registers go to u: each row of the layout loaded serves SCORE_ROWS rows). Each
// row's sums run in the same order whatever SCORE_ROWS is.
KERNEL __attribute__((always_inline))
static inline void NAME(scores_group)(int g, int rows, const double *const *a, size_t d, const double *w,
                                      const double *constants, double *c, size_t ldc, double *restrict total) {
#if SCORE_TOTALS_IN_MEMORY
#define TOTAL(r, j) VLOAD(total + ((r) * FUSED_GROUP + (j)) * LANES)
    for (int r = 0; r < SCORE_ROWS; r++)
        for (int j = 0; j < g; j++) VSTORE(total + (r * FUSED_GROUP + j) * LANES, VZERO());
#else
#define TOTAL(r, j) totals[r][j]
    VEC totals[SCORE_ROWS][FUSED_GROUP];
    (void)total;
    for (int r = 0; r < SCORE_ROWS; r++)
        for (int j = 0; j < g; j++) totals[r][j] = VZERO();
#endif
    for (size_t strip = 0; LANES * strip < d; strip++) {
        VEC u[SCORE_ROWS][FUSED_GROUP];
        for (int j = 0; j < g; j++) {
            VEC b = VLOAD(w + LANES * j);
            for (int r = 0; r < SCORE_ROWS; r++) u[r][j] = b;
        }
        w += LANES * g;
        size_t last = LANES * strip + LANES < d ? LANES * strip + LANES : d;
        for (size_t i = 0; i < last; i++) {
            VEC scale[SCORE_ROWS];
            for (int r = 0; r < SCORE_ROWS; r++) scale[r] = VBROADCAST(a[r] + i);
            for (int j = 0; j < g; j++) {
                VEC b = VLOAD(w + LANES * j);
                for (int r = 0; r < SCORE_ROWS; r++) u[r][j] = VFMA(scale[r], b, u[r][j]);
            }
            w += LANES * g;
        }
        for (int r = 0; r < SCORE_ROWS; r++) {
            VEC x = VLOAD(a[r] + LANES * strip);
#if SCORE_TOTALS_IN_MEMORY
            for (int j = 0; j < g; j++) {
                double *sum = total + (r * FUSED_GROUP + j) * LANES;
                VSTORE(sum, VFMA(u[r][j], x, VLOAD(sum)));
            }
#else
            for (int j = 0; j < g; j++) totals[r][j] = VFMA(u[r][j], x, totals[r][j]);
#endif
        }
    }
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < g; j++) c[r * ldc + j] = VHSUM(TOTAL(r, j)) + constants[j];
#undef TOTAL
}

// One instantiation per group size, so the accumulator loops unroll into registers.
KERNEL static void NAME(scores_rows)(int g, size_t rows, const double *centred, size_t stride, size_t d,
                                     const double *w, const double *constants, double *c, size_t ldc, double *restrict total) {
    for (size_t r = 0; r < rows; r += SCORE_ROWS) {
        int count = r + SCORE_ROWS <= rows ? SCORE_ROWS : (int)(rows - r);
        const double *a[SCORE_ROWS];
        for (int q = 0; q < SCORE_ROWS; q++) a[q] = centred + (r + (size_t)(q < count ? q : 0)) * stride;
        double *cr = c + r * ldc;
        switch (g) {
        case 1: NAME(scores_group)(1, count, a, d, w, constants, cr, ldc, total); break;
        case 2: NAME(scores_group)(2, count, a, d, w, constants, cr, ldc, total); break;
        case 3: NAME(scores_group)(3, count, a, d, w, constants, cr, ldc, total); break;
        case 4: NAME(scores_group)(4, count, a, d, w, constants, cr, ldc, total); break;
        default: NAME(scores_group)(5, count, a, d, w, constants, cr, ldc, total); break;
        }
    }
}

// Doubles per component of the layout: per strip, the rows b, U[0], …, U[last − 1] of LANES columns.
static size_t NAME(scores_layout_size)(size_t d) {
    size_t size = 0;
    for (size_t strip = 0; LANES * strip < d; strip++) size += LANES * (1 + (LANES * strip + LANES < d ? LANES * strip + LANES : d));
    return size;
}

// Components first ..< first + g of weights ([W × k]) in the layout, one vector per component
// per row, zeros where i > m or m ≥ d.
static void NAME(scores_layout)(const double *weights, size_t d, size_t k, size_t first, size_t g, double *w) {
    for (size_t strip = 0; LANES * strip < d; strip++) {
        size_t last = LANES * strip + LANES < d ? LANES * strip + LANES : d;
        for (size_t row = 0; row <= last; row++, w += LANES * g) {
            for (size_t j = 0; j < g; j++) {
                for (size_t lane = 0; lane < LANES; lane++) {
                    size_t column = LANES * strip + lane, i = row - 1;
                    if (column >= d || (row > 0 && i > column)) { w[LANES * j + lane] = 0; continue; }
                    // Features: x' (d), then the triangle row by row, row i holding d − i values.
                    size_t feature = row == 0 ? column : d + i * d - i * (i - 1) / 2 + (column - i);
                    w[LANES * j + lane] = weights[feature * k + first + j];
                }
            }
        }
    }
}

KERNEL static int NAME(scores)(const double *x, size_t rows, size_t d, const double *centre, const double *weights,
                               size_t k, double *c, size_t ldc) {
    size_t width = d + d * (d + 1) / 2 + 1, per_component = NAME(scores_layout_size)(d), stride = ROUND_UP(d) + LANES;
    double *scratch = (double *)malloc(sizeof(double) * (k * per_component + rows * stride + k +
                                                         SCORE_ROWS * FUSED_GROUP * LANES));
    if (scratch == NULL) return 0;
    double *layout = scratch, *centred = scratch + k * per_component, *constants = centred + rows * stride,
           *total = constants + k;
    int groups = (int)((k + FUSED_GROUP - 1) / FUSED_GROUP);
    size_t first = 0;
    for (int index = 0; index < groups; index++) {
        size_t last = k * (size_t)(index + 1) / (size_t)groups;
        NAME(scores_layout)(weights, d, k, first, last - first, layout + first * per_component);
        first = last;
    }
    for (size_t j = 0; j < k; j++) constants[j] = weights[(width - 1) * k + j];
    for (size_t r = 0; r < rows; r++) {
        double *target = centred + r * stride;
        for (size_t j = 0; j < d; j++) target[j] = x[r * d + j] - centre[j];
        for (size_t j = d; j < stride; j++) target[j] = 0;
    }
    first = 0;
    for (int index = 0; index < groups; index++) {
        size_t last = k * (size_t)(index + 1) / (size_t)groups;
        NAME(scores_rows)((int)(last - first), rows, centred, stride, d, layout + first * per_component,
                          constants + first, c + first, ldc, total);
        first = last;
    }
    free(scratch);
    return 1;
}

// ---------------------------------------------------------------------------------------------
// Statistics, c[j][f] = Σ_t γ[t][j] · feature_f(x'_t): per segment s (0: the linear part,
// 1 · x'[0 ..< d]; s ≥ 1: the triangle row x'_{s−1} · x'[s−1 ..< d]) and component,
// acc += γ[t][j] · x'_t[start …] (s = 0) or z[t][j][s − 1] · x'_t[start …] with z[t][j] = γ[t][j] · x'_t,
// formed one vector at a time per tile.
// A segment's sums start at the vector boundary at or before its first column (so every load of
// the frames is aligned; the few products left of the diagonal are summed and dropped) and end at
// the padded width.

// The first column a segment's sums cover.
#define SEGMENT_START(s) ((s) == 0 ? 0 : ((s) - 1) / LANES * LANES)

// One strip of `vectors` (1 … STRIP_MAX) vectors of one segment for g components over the n frames
// of a tile: frames at `x` (stride `stride`, offset to the strip), the segment's weights at `z`
// (component 0's; `zk` apart per component, `zt` per frame), accumulators at `acc` (offset to
// the strip; `padded` apart per component).
KERNEL __attribute__((always_inline))
static inline void NAME(statistics_strip)(int g, int vectors, size_t n, const double *x, size_t stride,
                                          const double *z, size_t zk, size_t zt, double *acc, size_t padded) {
    VEC sums[FUSED_GROUP][STRIP_MAX];
    for (int j = 0; j < g; j++)
        for (int v = 0; v < vectors; v++) sums[j][v] = VLOAD(acc + j * padded + v * LANES);
    for (size_t t = 0; t < n; t++) {
        VEC values[STRIP_MAX];
        for (int v = 0; v < vectors; v++) values[v] = VLOAD(x + t * stride + v * LANES);
        for (int j = 0; j < g; j++) {
            VEC weight = VBROADCAST(z + t * zt + j * zk);
            for (int v = 0; v < vectors; v++) sums[j][v] = VFMA(weight, values[v], sums[j][v]);
        }
    }
    for (int j = 0; j < g; j++)
        for (int v = 0; v < vectors; v++) VSTORE(acc + j * padded + v * LANES, sums[j][v]);
}

// One segment over the columns start ..< ROUND_UP(d): strips of STRIP_MAX vectors, then one of
// the rest.
KERNEL __attribute__((always_inline))
static inline void NAME(statistics_segment)(int g, size_t n, size_t length, const double *x, size_t stride,
                                            const double *z, size_t zk, size_t zt, double *acc, size_t padded) {
    size_t q = 0;
    for (; q + STRIP_MAX * LANES <= length; q += STRIP_MAX * LANES)
        NAME(statistics_strip)(g, STRIP_MAX, n, x + q, stride, z, zk, zt, acc + q, padded);
    switch ((length - q) / LANES) {
    case 1: NAME(statistics_strip)(g, 1, n, x + q, stride, z, zk, zt, acc + q, padded); break;
#if STRIP_MAX > 2
    case 2: NAME(statistics_strip)(g, 2, n, x + q, stride, z, zk, zt, acc + q, padded); break;
#endif
#if STRIP_MAX > 3
    case 3: NAME(statistics_strip)(g, 3, n, x + q, stride, z, zk, zt, acc + q, padded); break;
#endif
    default: break;
    }
}

// Every segment of one tile for g components (gamma and acc offset to the group's first
// component). Segment 0 weighs with γ itself; segments s = 1 … d by block: block b (segments
// LANES·b + 1 … LANES·b + LANES, starting at column LANES·b) weighs with
// z[t][j] = γ[t][j] · x'_t[LANES·b …] (one vector), formed just before its segments run so
// that the tile's frames, its z and the accumulators' strip stay in L1.
KERNEL __attribute__((always_inline))
static inline void NAME(statistics_tile_group)(int g, size_t n, size_t d, const double *frames, size_t stride,
                                               const double *gamma, size_t ldg, double *z, double *acc,
                                               size_t padded) {
    size_t width = ROUND_UP(d);
    NAME(statistics_segment)(g, n, width, frames, stride, gamma, 1, ldg, acc, padded);
    acc += width;
    for (size_t start = 0; start < d; start += LANES) {
        for (size_t t = 0; t < n; t++) {
            VEC values = VLOAD(frames + t * stride + start);
            for (int j = 0; j < g; j++) VSTORE(z + (t * g + j) * LANES, VMUL(VSET1(gamma[t * ldg + j]), values));
        }
        size_t length = width - start, segments = d - start < LANES ? d - start : LANES;
        for (size_t i = 0; i < segments; i++, acc += length)
            NAME(statistics_segment)(g, n, length, frames + start, stride, z + i, LANES, g * LANES, acc, padded);
    }
}

KERNEL static void NAME(statistics_tile)(int g, size_t n, size_t d, const double *frames, size_t stride,
                                         const double *gamma, size_t ldg, double *z, double *acc, size_t padded) {
    switch (g) {
    case 1: NAME(statistics_tile_group)(1, n, d, frames, stride, gamma, ldg, z, acc, padded); break;
    case 2: NAME(statistics_tile_group)(2, n, d, frames, stride, gamma, ldg, z, acc, padded); break;
    case 3: NAME(statistics_tile_group)(3, n, d, frames, stride, gamma, ldg, z, acc, padded); break;
    case 4: NAME(statistics_tile_group)(4, n, d, frames, stride, gamma, ldg, z, acc, padded); break;
    default: NAME(statistics_tile_group)(5, n, d, frames, stride, gamma, ldg, z, acc, padded); break;
    }
}

KERNEL static int NAME(statistics)(const double *x, size_t rows, size_t d, const double *centre, const double *gamma,
                                   size_t ldg, size_t k, double *c, size_t ldc) {
    size_t padded = 0;
    for (size_t s = 0; s <= d; s++) padded += ROUND_UP(d) - SEGMENT_START(s);
    size_t stride = ROUND_UP(d);
    // Aligned to 64 bytes, so that the frames' loads and z's stores are too (padded and stride
    // are whole vectors).
    char *memory = (char *)malloc(sizeof(double) * (k * padded + FUSED_TILE * (stride + FUSED_GROUP * LANES)) + 64);
    if (memory == NULL) return 0;
    double *acc = (double *)(memory + (64 - (uintptr_t)memory % 64)), *frames = acc + k * padded,
           *z = frames + FUSED_TILE * stride;
    memset(acc, 0, sizeof(double) * k * padded);
    int groups = (int)((k + FUSED_GROUP - 1) / FUSED_GROUP);
    for (size_t first_row = 0; first_row < rows; first_row += FUSED_TILE) {
        size_t n = rows - first_row < FUSED_TILE ? rows - first_row : FUSED_TILE;
        const double *tile = x + first_row * d;
        for (size_t t = 0; t < n; t++) {
            double *frame = frames + t * stride;
            for (size_t j = 0; j < d; j++) frame[j] = tile[t * d + j] - centre[j];
            for (size_t j = d; j < stride; j++) frame[j] = 0;
        }
        size_t first = 0;
        for (int index = 0; index < groups; index++) {
            size_t last = k * (size_t)(index + 1) / (size_t)groups;
            NAME(statistics_tile)((int)(last - first), n, d, frames, stride, gamma + first_row * ldg + first, ldg, z,
                                  acc + first * padded, padded);
            first = last;
        }
    }
    // Back to the features' order: segment 0 is features 0 ..< d, segment s ≥ 1 (row i = s − 1)
    // continues the triangle with columns i ..< d, and the constant feature's sum is the occupancy.
    size_t width = d + d * (d + 1) / 2 + 1;
    double occupancy[HMMKIT_SKINNY_LIMIT] = {0};
    for (size_t t = 0; t < rows; t++)
        for (size_t j = 0; j < k; j++) occupancy[j] += gamma[t * ldg + j];
    for (size_t j = 0; j < k; j++) {
        const double *line = acc + j * padded;
        double *out = c + j * ldc;
        size_t feature = 0;
        for (size_t s = 0; s <= d; s++) {
            size_t first_column = s == 0 ? 0 : s - 1, start = SEGMENT_START(s);
            memcpy(out + feature, line + (first_column - start), (d - first_column) * sizeof(double));
            feature += d - first_column;
            line += ROUND_UP(d) - start;
        }
        out[width - 1] = occupancy[j];
    }
    free(memory);
    return 1;
}

#undef SEGMENT_START
#undef ROUND_UP
