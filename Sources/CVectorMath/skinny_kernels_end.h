// Ends one precision's instantiation of skinny_kernels.h (skinny_gemm.c): forgets its type and
// vector macros. No include guard: included after every instantiation.
#undef T
#undef VEC
#undef LANES
#undef MASK
#undef MAKE_MASK
#undef VLOAD
#undef VSTORE
#undef VLOADM
#undef VSTOREM
#undef VZERO
#undef VSET1
#undef VBROADCAST
#undef VFMA
#undef VMUL
#undef VADD
#undef VHSUM
#undef NAME
