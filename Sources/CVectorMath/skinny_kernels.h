// The skinny products (skinny_gemm.c explains them), written once for any vector width and
// precision. A template: no include guard; skinny_gemm.c includes it once per instruction set and
// precision after defining
//   KERNEL                 the function attribute (target instruction set)
//   T, VEC, LANES          the scalar type, the vector type and its number of lanes
//   MASK, MAKE_MASK(n)     a lane mask selecting the first n lanes (1 ≤ n ≤ LANES)
//   VLOAD(p) VSTORE(p, v)  whole vectors; VLOADM(p, m) VSTOREM(p, m, v) only the mask's lanes
//                          (the others read as 0 and are never touched in memory)
//   VZERO() VSET1(x) VBROADCAST(p) VFMA(a, b, c) VHSUM(v)
//   DOT_ROWS               rows of A a dot group reads at once (DOT_ROWS × GROUP_MAX accumulators)
//   STRIP                  vectors of columns a rank strip spans (GROUP_MAX × STRIP accumulators)
//   NAME(x)                x with the instruction set's and precision's suffix
// Both kernels handle a ragged end with masked loads, never with a scalar loop (at the diagonal
// width a scalar tail of a few columns costs as much as the vector body). Every sum runs in an order fixed
// by the shapes and the width, never by threads.

// ---------------------------------------------------------------------------------------------
// C[m × n] = alpha · A[m × k] · B[k × n] + beta · C, n ≤ 16: dot products along k. B is
// transposed once into Bt [n × kp] (kp: k rounded up to whole vectors, zero-padded), then groups of
// DOT_ROWS rows of A meet groups of up to GROUP_MAX rows of Bt; A's last vector is read masked.

KERNEL __attribute__((always_inline))
static inline void NAME(dot_group)(int g, size_t rows, const T *a, size_t lda, const T *bt, size_t kp, size_t k,
                                   T *c, size_t ldc, T alpha, T beta) {
    VEC acc[DOT_ROWS][GROUP_MAX];
    const T *ar[DOT_ROWS];
    for (int r = 0; r < DOT_ROWS; r++) {
        ar[r] = a + ((size_t)r < rows ? (size_t)r : 0) * lda;   // a short group repeats its first row
        for (int j = 0; j < g; j++) acc[r][j] = VZERO();
    }
    size_t p = 0;
    for (; p + LANES <= k; p += LANES) {
        VEC x[DOT_ROWS];
        for (int r = 0; r < DOT_ROWS; r++) x[r] = VLOAD(ar[r] + p);
        for (int j = 0; j < g; j++) {
            VEC b = VLOAD(bt + j * kp + p);
            for (int r = 0; r < DOT_ROWS; r++) acc[r][j] = VFMA(x[r], b, acc[r][j]);
        }
    }
    if (p < k) {
        MASK mask = MAKE_MASK(k - p);
        VEC x[DOT_ROWS];
        for (int r = 0; r < DOT_ROWS; r++) x[r] = VLOADM(ar[r] + p, mask);
        for (int j = 0; j < g; j++) {
            VEC b = VLOAD(bt + j * kp + p);   // zeros past k
            for (int r = 0; r < DOT_ROWS; r++) acc[r][j] = VFMA(x[r], b, acc[r][j]);
        }
    }
    for (size_t r = 0; r < rows; r++) {
        for (int j = 0; j < g; j++) {
            T value = VHSUM(acc[r][j]);
            T *target = c + r * ldc + j;
            *target = beta == 0 ? alpha * value : alpha * value + beta * *target;
        }
    }
}

// One instantiation per group size, so the accumulator loops unroll into registers.
KERNEL static void NAME(dot_rows)(int g, size_t m, const T *a, size_t lda, const T *bt, size_t kp, size_t k, T *c,
                                  size_t ldc, T alpha, T beta) {
    for (size_t i = 0; i < m; i += DOT_ROWS) {
        size_t rows = m - i < DOT_ROWS ? m - i : DOT_ROWS;
        const T *ai = a + i * lda;
        T *ci = c + i * ldc;
        switch (g) {
        case 1: NAME(dot_group)(1, rows, ai, lda, bt, kp, k, ci, ldc, alpha, beta); break;
        case 2: NAME(dot_group)(2, rows, ai, lda, bt, kp, k, ci, ldc, alpha, beta); break;
        case 3: NAME(dot_group)(3, rows, ai, lda, bt, kp, k, ci, ldc, alpha, beta); break;
        case 4: NAME(dot_group)(4, rows, ai, lda, bt, kp, k, ci, ldc, alpha, beta); break;
        case 5: NAME(dot_group)(5, rows, ai, lda, bt, kp, k, ci, ldc, alpha, beta); break;
        default: NAME(dot_group)(6, rows, ai, lda, bt, kp, k, ci, ldc, alpha, beta); break;
        }
    }
}

KERNEL static int NAME(gemm_nn)(size_t m, size_t n, size_t k, T alpha, const T *a, size_t lda, const T *b,
                                size_t ldb, T beta, T *c, size_t ldc) {
    size_t kp = (k + LANES - 1) / LANES * LANES;
    T *bt = (T *)calloc(n * (kp > 0 ? kp : 1), sizeof(T));
    if (bt == NULL) return 0;
    for (size_t p = 0; p < k; p++)
        for (size_t j = 0; j < n; j++) bt[j * kp + p] = b[p * ldb + j];
    int groups = group_count(n);
    size_t first = 0;
    for (int index = 0; index < groups; index++) {
        size_t last = n * (size_t)(index + 1) / (size_t)groups;
        NAME(dot_rows)((int)(last - first), m, a, lda, bt + first * kp, kp, k, c + first, ldc, alpha, beta);
        first = last;
    }
    free(bt);
    return 1;
}

// ---------------------------------------------------------------------------------------------
// C[m × n] = alpha · A[k × m]ᵀ · B[k × n] + beta · C, m ≤ 16: rank-1 updates along k. C is first
// scaled by beta; then for blocks of ROW_BLOCK rows of A/B, groups of up to GROUP_MAX rows of C
// meet strips of STRIP vectors of columns, accumulating over the block's rows in registers. The
// last strip may be shorter (fewer vectors, its last one masked).

KERNEL __attribute__((always_inline))
static inline void NAME(rank_strip)(int g, int vectors, int ragged, size_t rows, const T *a, size_t lda,
                                    const T *b, size_t ldb, size_t q, size_t n, T *c, size_t ldc, T alpha) {
    MASK masks[STRIP];
    if (ragged) {
        for (int v = 0; v < vectors; v++) {
            size_t start = q + (size_t)v * LANES;
            masks[v] = MAKE_MASK(n - start < LANES ? n - start : LANES);
        }
    }
    VEC acc[GROUP_MAX][STRIP];
    for (int i = 0; i < g; i++)
        for (int v = 0; v < vectors; v++) acc[i][v] = VZERO();
    for (size_t p = 0; p < rows; p++) {
        VEC x[STRIP];
        const T *row = b + p * ldb + q;
        for (int v = 0; v < vectors; v++) x[v] = ragged ? VLOADM(row + v * LANES, masks[v]) : VLOAD(row + v * LANES);
        for (int i = 0; i < g; i++) {
            VEC w = VBROADCAST(a + p * lda + i);
            for (int v = 0; v < vectors; v++) acc[i][v] = VFMA(w, x[v], acc[i][v]);
        }
    }
    VEC scale = VSET1(alpha);
    for (int i = 0; i < g; i++) {
        T *ci = c + i * ldc + q;
        for (int v = 0; v < vectors; v++) {
            if (ragged) VSTOREM(ci + v * LANES, masks[v], VFMA(scale, acc[i][v], VLOADM(ci + v * LANES, masks[v])));
            else VSTORE(ci + v * LANES, VFMA(scale, acc[i][v], VLOAD(ci + v * LANES)));
        }
    }
}

// Whole strips, then the ragged end (1 … STRIP vectors, the last one masked).
KERNEL __attribute__((always_inline))
static inline void NAME(rank_group)(int g, size_t rows, const T *a, size_t lda, const T *b, size_t ldb, size_t n,
                                    T *c, size_t ldc, T alpha) {
    const size_t span = (size_t)STRIP * LANES;
    size_t q = 0;
    for (; q + span <= n; q += span) NAME(rank_strip)(g, STRIP, 0, rows, a, lda, b, ldb, q, n, c, ldc, alpha);
    if (q == n) return;
    switch ((n - q + LANES - 1) / LANES) {
    case 1: NAME(rank_strip)(g, 1, 1, rows, a, lda, b, ldb, q, n, c, ldc, alpha); break;
#if STRIP > 1
    case 2: NAME(rank_strip)(g, 2, 1, rows, a, lda, b, ldb, q, n, c, ldc, alpha); break;
#endif
#if STRIP > 2
    case 3: NAME(rank_strip)(g, 3, 1, rows, a, lda, b, ldb, q, n, c, ldc, alpha); break;
#endif
#if STRIP > 3
    case 4: NAME(rank_strip)(g, 4, 1, rows, a, lda, b, ldb, q, n, c, ldc, alpha); break;
#endif
    default: break;
    }
}

KERNEL static void NAME(rank_rows)(int g, size_t rows, const T *a, size_t lda, const T *b, size_t ldb, size_t n,
                                   T *c, size_t ldc, T alpha) {
    switch (g) {
    case 1: NAME(rank_group)(1, rows, a, lda, b, ldb, n, c, ldc, alpha); break;
    case 2: NAME(rank_group)(2, rows, a, lda, b, ldb, n, c, ldc, alpha); break;
    case 3: NAME(rank_group)(3, rows, a, lda, b, ldb, n, c, ldc, alpha); break;
    case 4: NAME(rank_group)(4, rows, a, lda, b, ldb, n, c, ldc, alpha); break;
    case 5: NAME(rank_group)(5, rows, a, lda, b, ldb, n, c, ldc, alpha); break;
    default: NAME(rank_group)(6, rows, a, lda, b, ldb, n, c, ldc, alpha); break;
    }
}

KERNEL static int NAME(gemm_tn)(size_t m, size_t n, size_t k, T alpha, const T *a, size_t lda, const T *b,
                                size_t ldb, T beta, T *c, size_t ldc) {
    for (size_t i = 0; i < m; i++) {
        T *ci = c + i * ldc;
        if (beta == 0) memset(ci, 0, sizeof(T) * n);
        else if (beta != 1) for (size_t q = 0; q < n; q++) ci[q] *= beta;
    }
    int groups = group_count(m);
    for (size_t start = 0; start < k; start += ROW_BLOCK) {
        size_t rows = k - start < ROW_BLOCK ? k - start : ROW_BLOCK;
        size_t first = 0;
        for (int index = 0; index < groups; index++) {
            size_t last = m * (size_t)(index + 1) / (size_t)groups;
            NAME(rank_rows)((int)(last - first), rows, a + start * lda + first, lda, b + start * ldb, ldb, n,
                            c + first * ldc, ldc, alpha);
            first = last;
        }
    }
    return 1;
}

// ---------------------------------------------------------------------------------------------
// Diagonal covariance straight from the frames, never storing the features [x, x², 1]:
//   scores      c[r][j] = Σ_i x_ri·W[i][j] + Σ_i x_ri²·W[d + i][j] + W[2d][j]   (W [(2d + 1) × k])
//   statistics  c[j] = Σ_r γ_rj·[x_r, x_r², 1]                                  (c [k × (2d + 1)])
// x² is formed in registers. Scores: groups of DOT_ROWS frames × up to DIAG_GROUP components, the
// weights transposed once per call into [k × 2dp] (linear, then quadratic, each zero-padded to dp
// = d rounded up to whole vectors). Statistics: tiles of ROW_BLOCK frames, groups of up to
// STAT_GROUP components, strips of STAT_STRIP vectors of x (2 × STAT_GROUP × STAT_STRIP
// accumulators); the occupancy column is summed in frame order.

KERNEL __attribute__((always_inline))
static inline void NAME(diag_scores_group)(int g, size_t rows, const T *x, size_t d, const T *wt, size_t dp,
                                           const T *constants, T *c, size_t ldc) {
    VEC acc[DOT_ROWS][DIAG_GROUP];
    const T *xr[DOT_ROWS];
    for (int r = 0; r < DOT_ROWS; r++) {
        xr[r] = x + ((size_t)r < rows ? (size_t)r : 0) * d;   // a short group repeats its first frame
        for (int j = 0; j < g; j++) acc[r][j] = VZERO();
    }
    for (size_t p = 0; p < d; p += LANES) {
        VEC v[DOT_ROWS], s[DOT_ROWS];
        if (p + LANES <= d) {
            for (int r = 0; r < DOT_ROWS; r++) v[r] = VLOAD(xr[r] + p);
        } else {
            MASK mask = MAKE_MASK(d - p);
            for (int r = 0; r < DOT_ROWS; r++) v[r] = VLOADM(xr[r] + p, mask);
        }
        for (int r = 0; r < DOT_ROWS; r++) s[r] = VMUL(v[r], v[r]);
        for (int j = 0; j < g; j++) {
            VEC linear = VLOAD(wt + (size_t)j * 2 * dp + p), quadratic = VLOAD(wt + (size_t)j * 2 * dp + dp + p);
            for (int r = 0; r < DOT_ROWS; r++) {
                acc[r][j] = VFMA(v[r], linear, acc[r][j]);
                acc[r][j] = VFMA(s[r], quadratic, acc[r][j]);
            }
        }
    }
    for (size_t r = 0; r < rows; r++)
        for (int j = 0; j < g; j++) c[r * ldc + j] = VHSUM(acc[r][j]) + constants[j];
}

KERNEL static void NAME(diag_scores_rows)(int g, size_t rows, const T *x, size_t d, const T *wt, size_t dp,
                                          const T *constants, T *c, size_t ldc) {
    for (size_t i = 0; i < rows; i += DOT_ROWS) {
        size_t count = rows - i < DOT_ROWS ? rows - i : DOT_ROWS;
        const T *xi = x + i * d;
        T *ci = c + i * ldc;
        switch (g) {
        case 1: NAME(diag_scores_group)(1, count, xi, d, wt, dp, constants, ci, ldc); break;
        case 2: NAME(diag_scores_group)(2, count, xi, d, wt, dp, constants, ci, ldc); break;
        case 3: NAME(diag_scores_group)(3, count, xi, d, wt, dp, constants, ci, ldc); break;
        case 4: NAME(diag_scores_group)(4, count, xi, d, wt, dp, constants, ci, ldc); break;
        default: NAME(diag_scores_group)(5, count, xi, d, wt, dp, constants, ci, ldc); break;
        }
    }
}

KERNEL static int NAME(diag_scores)(const T *x, size_t rows, size_t d, const T *weights, size_t k, T *c, size_t ldc) {
    size_t dp = (d + LANES - 1) / LANES * LANES;
    T *wt = (T *)calloc(k * 2 * dp + k, sizeof(T));
    if (wt == NULL) return 0;
    T *constants = wt + k * 2 * dp;
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < d; i++) {
            wt[j * 2 * dp + i] = weights[i * k + j];
            wt[j * 2 * dp + dp + i] = weights[(d + i) * k + j];
        }
        constants[j] = weights[2 * d * k + j];
    }
    int groups = (int)((k + DIAG_GROUP - 1) / DIAG_GROUP);
    size_t first = 0;
    for (int index = 0; index < groups; index++) {
        size_t last = k * (size_t)(index + 1) / (size_t)groups;
        NAME(diag_scores_rows)((int)(last - first), rows, x, d, wt + first * 2 * dp, dp, constants + first, c + first, ldc);
        first = last;
    }
    free(wt);
    return 1;
}

// Adds Σ_r γ_r,j·x_r and Σ_r γ_r,j·x_r² over the tile's `rows` frames for the g components at
// gamma's columns, for the strip of `vectors` vectors of x from column q (ragged: masked).
KERNEL __attribute__((always_inline))
static inline void NAME(diag_statistics_strip)(int g, int vectors, int ragged, size_t rows, const T *x, size_t d,
                                               const T *gamma, size_t ldg, size_t q, T *c, size_t ldc) {
    MASK masks[STAT_STRIP];
    if (ragged) {
        for (int v = 0; v < vectors; v++) {
            size_t start = q + (size_t)v * LANES;
            masks[v] = MAKE_MASK(d - start < LANES ? d - start : LANES);
        }
    }
    VEC linear[STAT_GROUP][STAT_STRIP], quadratic[STAT_GROUP][STAT_STRIP];
    for (int i = 0; i < g; i++)
        for (int v = 0; v < vectors; v++) { linear[i][v] = VZERO(); quadratic[i][v] = VZERO(); }
    for (size_t p = 0; p < rows; p++) {
        VEC value[STAT_STRIP], square[STAT_STRIP];
        const T *row = x + p * d + q;
        for (int v = 0; v < vectors; v++) {
            value[v] = ragged ? VLOADM(row + v * LANES, masks[v]) : VLOAD(row + v * LANES);
            square[v] = VMUL(value[v], value[v]);
        }
        for (int i = 0; i < g; i++) {
            VEC w = VBROADCAST(gamma + p * ldg + i);
            for (int v = 0; v < vectors; v++) {
                linear[i][v] = VFMA(w, value[v], linear[i][v]);
                quadratic[i][v] = VFMA(w, square[v], quadratic[i][v]);
            }
        }
    }
    for (int i = 0; i < g; i++) {
        T *first = c + i * ldc + q, *second = c + i * ldc + d + q;
        for (int v = 0; v < vectors; v++) {
            if (ragged) {
                VSTOREM(first + v * LANES, masks[v], VADD(linear[i][v], VLOADM(first + v * LANES, masks[v])));
                VSTOREM(second + v * LANES, masks[v], VADD(quadratic[i][v], VLOADM(second + v * LANES, masks[v])));
            } else {
                VSTORE(first + v * LANES, VADD(linear[i][v], VLOAD(first + v * LANES)));
                VSTORE(second + v * LANES, VADD(quadratic[i][v], VLOAD(second + v * LANES)));
            }
        }
    }
}

KERNEL __attribute__((always_inline))
static inline void NAME(diag_statistics_group)(int g, size_t rows, const T *x, size_t d, const T *gamma, size_t ldg,
                                               T *c, size_t ldc) {
    const size_t span = (size_t)STAT_STRIP * LANES;
    size_t q = 0;
    for (; q + span <= d; q += span) NAME(diag_statistics_strip)(g, STAT_STRIP, 0, rows, x, d, gamma, ldg, q, c, ldc);
    if (q == d) return;
    switch ((d - q + LANES - 1) / LANES) {
    case 1: NAME(diag_statistics_strip)(g, 1, 1, rows, x, d, gamma, ldg, q, c, ldc); break;
#if STAT_STRIP > 1
    case 2: NAME(diag_statistics_strip)(g, 2, 1, rows, x, d, gamma, ldg, q, c, ldc); break;
#endif
    default: break;
    }
}

KERNEL static void NAME(diag_statistics_rows)(int g, size_t rows, const T *x, size_t d, const T *gamma, size_t ldg,
                                              T *c, size_t ldc) {
    switch (g) {
    case 1: NAME(diag_statistics_group)(1, rows, x, d, gamma, ldg, c, ldc); break;
    case 2: NAME(diag_statistics_group)(2, rows, x, d, gamma, ldg, c, ldc); break;
    case 3: NAME(diag_statistics_group)(3, rows, x, d, gamma, ldg, c, ldc); break;
    case 4: NAME(diag_statistics_group)(4, rows, x, d, gamma, ldg, c, ldc); break;
    case 5: NAME(diag_statistics_group)(5, rows, x, d, gamma, ldg, c, ldc); break;
#if STAT_GROUP > 5
    default: NAME(diag_statistics_group)(6, rows, x, d, gamma, ldg, c, ldc); break;
#else
    default: break;
#endif
    }
}

KERNEL static int NAME(diag_statistics)(const T *x, size_t rows, size_t d, const T *gamma, size_t ldg, size_t k,
                                        T *c, size_t ldc) {
    for (size_t j = 0; j < k; j++) memset(c + j * ldc, 0, sizeof(T) * (2 * d + 1));
    int groups = (int)((k + STAT_GROUP - 1) / STAT_GROUP);
    for (size_t start = 0; start < rows; start += ROW_BLOCK) {
        size_t count = rows - start < ROW_BLOCK ? rows - start : ROW_BLOCK;
        size_t first = 0;
        for (int index = 0; index < groups; index++) {
            size_t last = k * (size_t)(index + 1) / (size_t)groups;
            NAME(diag_statistics_rows)((int)(last - first), count, x + start * d, d, gamma + start * ldg + first, ldg,
                                       c + first * ldc, ldc);
            first = last;
        }
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < k; j++) c[j * ldc + 2 * d] += gamma[r * ldg + j];
    return 1;
}
