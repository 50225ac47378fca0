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

// Rows a0 and a1 (centred, zero-padded; a1 may alias a0) against g components of the layout.
KERNEL __attribute__((always_inline))
static inline void NAME(scores_group)(int g, int rows, const double *a0, const double *a1, size_t d, const double *w,
                                      const double *constants, double *c, size_t ldc) {
    VEC total0[FUSED_GROUP], total1[FUSED_GROUP];
    for (int j = 0; j < g; j++) { total0[j] = VZERO(); total1[j] = VZERO(); }
    for (size_t strip = 0; LANES * strip < d; strip++) {
        VEC u0[FUSED_GROUP], u1[FUSED_GROUP];
        for (int j = 0; j < g; j++) { u0[j] = VLOAD(w + LANES * j); u1[j] = u0[j]; }
        w += LANES * g;
        size_t last = LANES * strip + LANES < d ? LANES * strip + LANES : d;
        for (size_t i = 0; i < last; i++) {
            VEC s0 = VBROADCAST(a0 + i), s1 = VBROADCAST(a1 + i);
            for (int j = 0; j < g; j++) {
                VEC b = VLOAD(w + LANES * j);
                u0[j] = VFMA(s0, b, u0[j]);
                u1[j] = VFMA(s1, b, u1[j]);
            }
            w += LANES * g;
        }
        VEC x0 = VLOAD(a0 + LANES * strip), x1 = VLOAD(a1 + LANES * strip);
        for (int j = 0; j < g; j++) {
            total0[j] = VFMA(u0[j], x0, total0[j]);
            total1[j] = VFMA(u1[j], x1, total1[j]);
        }
    }
    for (int j = 0; j < g; j++) {
        c[j] = VHSUM(total0[j]) + constants[j];
        if (rows > 1) c[ldc + j] = VHSUM(total1[j]) + constants[j];
    }
}

// One instantiation per group size, so the accumulator loops unroll into registers.
KERNEL static void NAME(scores_rows)(int g, size_t rows, const double *centred, size_t stride, size_t d,
                                     const double *w, const double *constants, double *c, size_t ldc) {
    for (size_t r = 0; r < rows; r += 2) {
        int pair = r + 1 < rows ? 2 : 1;
        const double *a0 = centred + r * stride, *a1 = a0 + (pair > 1 ? stride : 0);
        double *cr = c + r * ldc;
        switch (g) {
        case 1: NAME(scores_group)(1, pair, a0, a1, d, w, constants, cr, ldc); break;
        case 2: NAME(scores_group)(2, pair, a0, a1, d, w, constants, cr, ldc); break;
        case 3: NAME(scores_group)(3, pair, a0, a1, d, w, constants, cr, ldc); break;
        case 4: NAME(scores_group)(4, pair, a0, a1, d, w, constants, cr, ldc); break;
        default: NAME(scores_group)(5, pair, a0, a1, d, w, constants, cr, ldc); break;
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
    double *scratch = (double *)malloc(sizeof(double) * (k * per_component + rows * stride + k));
    if (scratch == NULL) return 0;
    double *layout = scratch, *centred = scratch + k * per_component, *constants = centred + rows * stride;
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
                          constants + first, c + first, ldc);
        first = last;
    }
    free(scratch);
    return 1;
}

// ---------------------------------------------------------------------------------------------
// Statistics, c[j][f] = Σ_t γ[t][j] · feature_f(x'_t): per segment s (0: the linear part,
// 1 · x'[0 ..< d]; s ≥ 1: the triangle row x'_{s−1} · x'[s−1 ..< d]) and component,
// acc += z[t][j][s] · x'_t[start …] with z[t][j] = γ[t][j] · [1, x'_t] formed once per frame.
// A segment's sums start at the vector boundary at or before its first column (so every load of
// the frames is aligned; the few products left of the diagonal are summed and dropped) and end at
// the padded width.

// The first column a segment's sums cover.
#define SEGMENT_START(s) ((s) == 0 ? 0 : ((s) - 1) / LANES * LANES)

// One strip of `vectors` (1 … STRIP_MAX) vectors of one segment for g components over the n frames
// of a tile: frames at `x` (stride `stride`, offset to the strip), their z at `z` (offset to the
// segment in component 0's; `zk` apart per component, `zt` per frame), accumulators at `acc`
// (offset to the strip; `padded` apart per component).
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

// Every segment of one tile for g components (acc and z offset to the group's first component):
// strips of STRIP_MAX vectors, then one of the rest.
KERNEL __attribute__((always_inline))
static inline void NAME(statistics_tile_group)(int g, size_t n, size_t d, const double *frames, size_t stride,
                                               const double *z, size_t zk, size_t zt, double *acc, size_t padded) {
    size_t offset = 0;
    for (size_t s = 0; s <= d; s++) {
        size_t start = SEGMENT_START(s), length = ROUND_UP(d) - start, q = 0;
        const double *x = frames + start;
        for (; q + STRIP_MAX * LANES <= length; q += STRIP_MAX * LANES)
            NAME(statistics_strip)(g, STRIP_MAX, n, x + q, stride, z + s, zk, zt, acc + offset + q, padded);
        switch ((length - q) / LANES) {
        case 1: NAME(statistics_strip)(g, 1, n, x + q, stride, z + s, zk, zt, acc + offset + q, padded); break;
#if STRIP_MAX > 2
        case 2: NAME(statistics_strip)(g, 2, n, x + q, stride, z + s, zk, zt, acc + offset + q, padded); break;
#endif
#if STRIP_MAX > 3
        case 3: NAME(statistics_strip)(g, 3, n, x + q, stride, z + s, zk, zt, acc + offset + q, padded); break;
#endif
        default: break;
        }
        offset += length;
    }
}

KERNEL static void NAME(statistics_tile)(int g, size_t n, size_t d, const double *frames, size_t stride,
                                         const double *z, size_t zk, size_t zt, double *acc, size_t padded) {
    switch (g) {
    case 1: NAME(statistics_tile_group)(1, n, d, frames, stride, z, zk, zt, acc, padded); break;
    case 2: NAME(statistics_tile_group)(2, n, d, frames, stride, z, zk, zt, acc, padded); break;
    case 3: NAME(statistics_tile_group)(3, n, d, frames, stride, z, zk, zt, acc, padded); break;
    case 4: NAME(statistics_tile_group)(4, n, d, frames, stride, z, zk, zt, acc, padded); break;
    default: NAME(statistics_tile_group)(5, n, d, frames, stride, z, zk, zt, acc, padded); break;
    }
}

// The tile's frames x − centre, zero-padded to `stride`, and z[t][j] = γ[t][j] · [1, frame]
// (`zk` ≥ stride + LANES values per component).
KERNEL static void NAME(statistics_prepare)(const double *x, size_t n, size_t d, const double *centre,
                                            const double *gamma, size_t ldg, size_t k, double *frames, size_t stride,
                                            double *z, size_t zk) {
    for (size_t t = 0; t < n; t++) {
        double *frame = frames + t * stride;
        for (size_t j = 0; j < d; j++) frame[j] = x[t * d + j] - centre[j];
        for (size_t j = d; j < stride; j++) frame[j] = 0;
        for (size_t c = 0; c < k; c++) {
            double weight = gamma[t * ldg + c], *target = z + (t * k + c) * zk;
            VEC scale = VSET1(weight);
            for (size_t q = 0; q < stride; q += LANES) VSTORE(target + 1 + q, VMUL(scale, VLOAD(frame + q)));
            target[0] = weight;
        }
    }
}

KERNEL static int NAME(statistics)(const double *x, size_t rows, size_t d, const double *centre, const double *gamma,
                                   size_t ldg, size_t k, double *c, size_t ldc) {
    size_t padded = 0;
    for (size_t s = 0; s <= d; s++) padded += ROUND_UP(d) - SEGMENT_START(s);
    size_t stride = ROUND_UP(d), zk = stride + LANES;
    // Aligned to 64 bytes, so that the frames' loads are too (padded and stride are whole vectors).
    char *memory = (char *)malloc(sizeof(double) * (k * padded + FUSED_TILE * (stride + k * zk)) + 64);
    if (memory == NULL) return 0;
    double *acc = (double *)(memory + (64 - (uintptr_t)memory % 64)), *frames = acc + k * padded,
           *z = frames + FUSED_TILE * stride;
    memset(acc, 0, sizeof(double) * k * padded);
    int groups = (int)((k + FUSED_GROUP - 1) / FUSED_GROUP);
    for (size_t first_row = 0; first_row < rows; first_row += FUSED_TILE) {
        size_t n = rows - first_row < FUSED_TILE ? rows - first_row : FUSED_TILE;
        NAME(statistics_prepare)(x + first_row * d, n, d, centre, gamma + first_row * ldg, ldg, k, frames, stride, z, zk);
        size_t first = 0;
        for (int index = 0; index < groups; index++) {
            size_t last = k * (size_t)(index + 1) / (size_t)groups;
            NAME(statistics_tile)((int)(last - first), n, d, frames, stride, z + first * zk, zk, k * zk,
                                  acc + first * padded, padded);
            first = last;
        }
    }
    // Back to the features' order: segment 0 is features 0 ..< d, segment s ≥ 1 (row i = s − 1)
    // continues the triangle with columns i ..< d, and the constant feature's sum is the occupancy.
    size_t width = d + d * (d + 1) / 2 + 1;
    for (size_t j = 0; j < k; j++) {
        const double *line = acc + j * padded;
        double *out = c + j * ldc, occupancy = 0;
        size_t feature = 0;
        for (size_t s = 0; s <= d; s++) {
            size_t first_column = s == 0 ? 0 : s - 1, start = SEGMENT_START(s);
            memcpy(out + feature, line + (first_column - start), (d - first_column) * sizeof(double));
            feature += d - first_column;
            line += ROUND_UP(d) - start;
        }
        for (size_t t = 0; t < rows; t++) occupancy += gamma[t * ldg + j];
        out[width - 1] = occupancy;
    }
    free(memory);
    return 1;
}

#undef SEGMENT_START
#undef ROUND_UP
