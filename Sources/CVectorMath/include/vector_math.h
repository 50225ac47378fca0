// Row-wise softmax kernels with AVX2 + FMA, chosen at run time: the accelerated backend's
// counterpart of HMMKitNumerics' pure-Swift RowSoftmax (which is the reference backend and the
// fallback on CPUs without AVX2/FMA). Only HMMKitNumerics calls these.
#ifndef HMMKIT_VECTOR_MATH_H
#define HMMKIT_VECTOR_MATH_H

#include <stddef.h>

/// 1 when this CPU runs AVX2 and FMA (so the kernels below may be called), else 0.
int hmmkit_vector_math_available(void);

/// For each of `rows` rows of `columns` values (row stride `columns`): replaces the row by
/// exp(v - max) / sum and writes log(sum exp(v)) to `log_sums[row]`. A row whose maximum is not
/// finite is left unchanged and that maximum is written. Requires hmmkit_vector_math_available().
void hmmkit_softmax_rows_f64(double *values, size_t rows, size_t columns, double *log_sums);
void hmmkit_softmax_rows_f32(float *values, size_t rows, size_t columns, float *log_sums);

#endif
