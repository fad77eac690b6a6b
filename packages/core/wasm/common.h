// Shared by every kernel source: SIMD intrinsics and the export attribute. Freestanding: no libc.
#pragma once
#include <wasm_simd128.h>

#define EXPORT __attribute__((visibility("default")))
