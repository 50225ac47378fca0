// Per-frame cost of full-covariance scoring + statistics, with the features matrix (features,
// then the two skinny products) and without it (the fused kernels, at 4 and 8 lanes), and the
// largest difference between the two. Not part of any package: a C harness over CVectorMath's
// sources, for choosing QuadraticFeatures.prefersFusedTraining's shapes (BENCHMARKS.md, issue 5).
//
//   S=Sources/CVectorMath; clang -O3 -I$S/include -I$S Benchmarks/Kernels/fused_quadratic.c \
//       $S/quadratic_fused.c $S/quadratic_features.c $S/skinny_gemm.c $S/vector_math.c -lm -o /tmp/fused
//   /tmp/fused [components 5] [rows per call 256] [dimension 39]      (process CPU time, 2 M frames)
#include "vector_math.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double uniform(void) { return rand() / (double)RAND_MAX * 2 - 1; }

static double largest_difference(const double *a, const double *b, size_t count) {
    double difference = 0, scale = 0;
    for (size_t i = 0; i < count; i++) {
        difference = fmax(difference, fabs(a[i] - b[i]));
        scale = fmax(scale, fabs(b[i]));
    }
    return difference / scale;
}

int main(int argc, char **argv) {
    if (!hmmkit_vector_math_available()) { puts("no AVX2 + FMA"); return 1; }
    size_t k = argc > 1 ? atoi(argv[1]) : 5, rows = argc > 2 ? atoi(argv[2]) : 256, d = argc > 3 ? atoi(argv[3]) : 39;
    size_t width = d + d * (d + 1) / 2 + 1, reps = 2000000 / rows + 1;
    double *x = malloc(sizeof(double) * rows * d), *centre = malloc(sizeof(double) * d);
    double *weights = malloc(sizeof(double) * width * k), *gamma = malloc(sizeof(double) * rows * k);
    double *features = malloc(sizeof(double) * rows * width), *scores = malloc(sizeof(double) * 2 * rows * k);
    double *statistics = malloc(sizeof(double) * 2 * k * width);
    for (size_t i = 0; i < rows * d; i++) x[i] = uniform();
    for (size_t i = 0; i < d; i++) centre[i] = uniform() / 10;
    for (size_t i = 0; i < width * k; i++) weights[i] = uniform();
    for (size_t i = 0; i < rows * k; i++) gamma[i] = fabs(uniform());
    double frames = (double)reps * rows, start, build, product, transposed;
    start = now();
    for (size_t r = 0; r < reps; r++) hmmkit_quadratic_features_d(x, rows, d, centre, features, width);
    build = now() - start;
    start = now();
    for (size_t r = 0; r < reps; r++) hmmkit_gemm_nn_small_d(rows, k, width, 1, features, width, weights, k, 0, scores, k, hmmkit_skinny_vector_bits());
    product = now() - start;
    start = now();
    for (size_t r = 0; r < reps; r++) hmmkit_gemm_tn_small_d(k, width, rows, 1, gamma, k, features, width, 0, statistics, width, hmmkit_skinny_vector_bits());
    transposed = now() - start;
    printf("d %zu, k %zu, %zu rows, ns a frame: features %.1f + scores %.1f + statistics %.1f = %.1f\n", d, k, rows,
           build / frames * 1e9, product / frames * 1e9, transposed / frames * 1e9,
           (build + product + transposed) / frames * 1e9);
    for (int lanes = 4; lanes <= hmmkit_quadratic_vector_width(); lanes += 4) {
        double *fusedScores = scores + rows * k, *fusedStatistics = statistics + k * width, scoring, accumulating;
        start = now();
        for (size_t r = 0; r < reps; r++) hmmkit_quadratic_scores_d(x, rows, d, centre, weights, k, fusedScores, k, lanes);
        scoring = now() - start;
        start = now();
        for (size_t r = 0; r < reps; r++)
            hmmkit_quadratic_statistics_d(x, rows, d, centre, gamma, k, k, fusedStatistics, width, lanes);
        accumulating = now() - start;
        printf("  fused, %d lanes: scores %.1f + statistics %.1f = %.1f (differences %.1e, %.1e)\n", lanes,
               scoring / frames * 1e9, accumulating / frames * 1e9, (scoring + accumulating) / frames * 1e9,
               largest_difference(fusedScores, scores, rows * k), largest_difference(fusedStatistics, statistics, k * width));
    }
    return 0;
}
