// Ends one instruction set's instantiations of skinny_kernels.h (skinny_gemm.c): forgets its
// function attribute and register blocking. No include guard.
#undef KERNEL
#undef ISA_AVX2
#undef ISA_AVX512
#undef DOT_ROWS
#undef STRIP
#undef DIAG_GROUP
#undef STAT_GROUP
#undef STAT_STRIP
