// Ends one instantiation of simd_isa.h: forgets its precision and vector macros (the instruction
// set's ISA_AVX2 / ISA_AVX512 stays for the next precision). No include guard.
#undef ISA_DOUBLE
#undef ISA_FLOAT
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
#undef VMASK_LESS
#undef VSELECT
