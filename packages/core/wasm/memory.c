// Bulk memory for the heap allocator: zeroing a reused block with memory.fill, which engines run
// as a native memset (a TypedArray.fill over a SharedArrayBuffer is 15-30x slower in V8).
#include "common.h"

EXPORT void graft_zero(void *p, int bytes) { __builtin_memset(p, 0, (unsigned long)bytes); }
