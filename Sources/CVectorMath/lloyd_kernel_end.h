// Ends one precision's instantiation of lloyd_kernel.h (lloyd_assign.c): forgets its type and
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
#undef VFMA
#undef VADD
#undef SELECT_LESS
#undef FRAME_VECTORS
#undef NAME
