// Ends one precision's instantiation of lloyd_kernel.h (lloyd_assign.c): forgets its type and
// vector macros. No include guard: included after every instantiation.
#include "simd_isa_end.h"
#undef FRAME_VECTORS
#undef NAME
