// Ends one precision's instantiation of skinny_kernels.h (skinny_gemm.c): forgets its type and
// vector macros. No include guard: included after every instantiation.
#include "simd_isa_end.h"
#undef NAME
