// One instruction set's and precision's instantiation of Lloyd's assignment step (lloyd_assign.c).
// Labels: the frames come in panels of HMMKIT_LLOYD_BLOCK frames stored feature-major (feature j
// of the panel's frames contiguous), so one vector holds one feature of LANES frames;
// FRAME_VECTORS · LANES frames are scored against up to 4 centres at a time (up to 16 accumulators,
// each a chain of fused multiply-adds over the features in order: enough independent chains to
// hide the multiply-add latency even for one centre), and each frame keeps the first centre of least
// ‖c‖² − 2·x·c. Sums: the frames are added to their centres' sums frame after frame; while
// consecutive frames share a centre its sum stays in registers (the same additions in the same
// order, without a store and reload between them).
// No include guard: included once per instantiation, after simd_isa.h, with KERNEL, FRAME_VECTORS
// and NAME defined by the includer.

// The scores of centres [c0, c0 + G) for the STEP = FRAME_VECTORS · LANES frames at `frames`
// (G a constant 1…4 after inlining, so the accumulators live in registers), folded into each
// frame's best score and label so far.
KERNEL static inline __attribute__((always_inline)) void NAME(lloyd_group)(
    const T *frames, size_t d, const T *centres, const T *norms, size_t c0, int G, VEC best[FRAME_VECTORS],
    VEC label[FRAME_VECTORS]) {
    VEC a[4][FRAME_VECTORS];
    for (int q = 0; q < 4; q++)
        for (int r = 0; r < FRAME_VECTORS; r++) a[q][r] = VZERO();
    const T *w = centres + c0 * d;
    for (size_t j = 0; j < d; j++) {
        const T *column = frames + j * HMMKIT_LLOYD_BLOCK;
        VEC x[FRAME_VECTORS];
        for (int r = 0; r < FRAME_VECTORS; r++) x[r] = VLOAD(column + r * LANES);
        for (int q = 0; q < 4; q++) {
            if (q >= G) break;
            VEC centre = VSET1(w[q * d + j]);
            for (int r = 0; r < FRAME_VECTORS; r++) a[q][r] = VFMA(x[r], centre, a[q][r]);
        }
    }
    const VEC minus_two = VSET1((T)-2);
    for (int q = 0; q < 4; q++) {
        if (q >= G) break;
        VEC norm = VSET1(norms[c0 + q]), index = VSET1((T)(c0 + q));
        for (int r = 0; r < FRAME_VECTORS; r++) {
            VEC score = VFMA(a[q][r], minus_two, norm);
            __auto_type less = VMASK_LESS(score, best[r]);
            best[r] = VSELECT(less, best[r], score);
            label[r] = VSELECT(less, label[r], index);
        }
    }
}

#define STEP (FRAME_VECTORS * LANES)

KERNEL static void NAME(lloyd_labels)(const T *panels, size_t n, size_t d, const T *centres, const T *norms, size_t k,
                                      int32_t *labels) {
    T lanes[STEP];
    for (size_t first = 0; first < n; first += STEP) {
        const T *frames = panels + (first / HMMKIT_LLOYD_BLOCK) * d * HMMKIT_LLOYD_BLOCK + first % HMMKIT_LLOYD_BLOCK;
        VEC best[FRAME_VECTORS], label[FRAME_VECTORS];
        for (int r = 0; r < FRAME_VECTORS; r++) {
            best[r] = VSET1((T)INFINITY);
            label[r] = VZERO();
        }
        size_t c0 = 0;
        for (; c0 + 4 <= k; c0 += 4) NAME(lloyd_group)(frames, d, centres, norms, c0, 4, best, label);
        switch (k - c0) {
        case 3: NAME(lloyd_group)(frames, d, centres, norms, c0, 3, best, label); break;
        case 2: NAME(lloyd_group)(frames, d, centres, norms, c0, 2, best, label); break;
        case 1: NAME(lloyd_group)(frames, d, centres, norms, c0, 1, best, label); break;
        default: break;
        }
        for (int r = 0; r < FRAME_VECTORS; r++) VSTORE(lanes + r * LANES, label[r]);
        size_t count = n - first < STEP ? n - first : STEP;
        for (size_t f = 0; f < count; f++) labels[first + f] = (int32_t)lanes[f];
    }
}
#undef STEP

// The frames added to their centres' sums with V (a constant 1…8 after inlining) vectors a row,
// the last one masked by `tail`; a centre's sum stays in registers while consecutive frames add to it.
KERNEL static inline __attribute__((always_inline)) void NAME(lloyd_sums_in_registers)(
    const T *x, size_t n, size_t d, const int32_t *labels, T *sums, T *counts, int V, MASK tail) {
    VEC a[8];
    size_t current = (size_t)labels[0], run = 0;
    const T *sum = sums + current * d;
    for (int v = 0; v < V; v++) a[v] = v + 1 < V ? VLOAD(sum + v * LANES) : VLOADM(sum + v * LANES, tail);
    for (size_t i = 0; i < n; i++) {
        size_t label = (size_t)labels[i];
        if (label != current) {
            T *out = sums + current * d;
            for (int v = 0; v < V; v++) {
                if (v + 1 < V) VSTORE(out + v * LANES, a[v]); else VSTOREM(out + v * LANES, tail, a[v]);
            }
            counts[current] += (T)run;
            current = label;
            run = 0;
            sum = sums + current * d;
            for (int v = 0; v < V; v++) a[v] = v + 1 < V ? VLOAD(sum + v * LANES) : VLOADM(sum + v * LANES, tail);
        }
        const T *row = x + i * d;
        for (int v = 0; v < V; v++)
            a[v] = VADD(a[v], v + 1 < V ? VLOAD(row + v * LANES) : VLOADM(row + v * LANES, tail));
        run++;
    }
    T *out = sums + current * d;
    for (int v = 0; v < V; v++) {
        if (v + 1 < V) VSTORE(out + v * LANES, a[v]); else VSTOREM(out + v * LANES, tail, a[v]);
    }
    counts[current] += (T)run;
}

KERNEL static void NAME(lloyd_sums)(const T *x, size_t n, size_t d, const int32_t *labels, T *sums, T *counts) {
    size_t vectors = (d + LANES - 1) / LANES;
    MASK tail = MAKE_MASK(d - (vectors - 1) * LANES);
    switch (vectors) {
    case 1: NAME(lloyd_sums_in_registers)(x, n, d, labels, sums, counts, 1, tail); return;
    case 2: NAME(lloyd_sums_in_registers)(x, n, d, labels, sums, counts, 2, tail); return;
    case 3: NAME(lloyd_sums_in_registers)(x, n, d, labels, sums, counts, 3, tail); return;
    case 4: NAME(lloyd_sums_in_registers)(x, n, d, labels, sums, counts, 4, tail); return;
    case 5: NAME(lloyd_sums_in_registers)(x, n, d, labels, sums, counts, 5, tail); return;
    case 6: NAME(lloyd_sums_in_registers)(x, n, d, labels, sums, counts, 6, tail); return;
    case 7: NAME(lloyd_sums_in_registers)(x, n, d, labels, sums, counts, 7, tail); return;
    case 8: NAME(lloyd_sums_in_registers)(x, n, d, labels, sums, counts, 8, tail); return;
    default: break;
    }
    for (size_t i = 0; i < n; i++) {  // wider than the registers: each frame added in memory
        const T *row = x + i * d;
        T *sum = sums + (size_t)labels[i] * d;
        size_t j = 0;
        for (; j + LANES <= d; j += LANES) VSTORE(sum + j, VADD(VLOAD(sum + j), VLOAD(row + j)));
        for (; j < d; j++) sum[j] += row[j];
        counts[labels[i]] += 1;
    }
}
