// Elementwise f32 kernels over views the TypeScript side has collapsed to [outer, rows, cols]:
// each operand has an element stride per level, and its innermost stride is 1 (dense) or
// 0 (broadcast along cols), which covers dense, scalar, row- and column-broadcast operands.
// Ops are picked by a switch outside the loops, so each loop is a straight SIMD loop.
#include "vmath.h"

enum { ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM };

static inline v128_t binop(int op, v128_t a, v128_t b) {
  switch (op) {
    case ADD: return wasm_f32x4_add(a, b);
    case SUB: return wasm_f32x4_sub(a, b);
    case MUL: return wasm_f32x4_mul(a, b);
    case DIV: return wasm_f32x4_div(a, b);
    case MAXIMUM: return wasm_f32x4_max(a, b); // nan-propagating, like the reference
    default: return wasm_f32x4_min(a, b);
  }
}

// One row of cols elements; ac/bc say whether a/b advance (1) or repeat their first element (0).
// `op` is a compile-time constant in every expansion below, so the switch folds away.
#define ROW(OP)                                                                                   \
  do {                                                                                            \
    int j = 0;                                                                                    \
    if (ac && bc) {                                                                               \
      for (; j + 4 <= cols; j += 4) wasm_v128_store(o + j, binop(OP, wasm_v128_load(a + j), wasm_v128_load(b + j))); \
    } else if (ac) {                                                                              \
      v128_t bv = wasm_v128_load32_splat(b);                                                      \
      for (; j + 4 <= cols; j += 4) wasm_v128_store(o + j, binop(OP, wasm_v128_load(a + j), bv)); \
    } else if (bc) {                                                                              \
      v128_t av = wasm_v128_load32_splat(a);                                                      \
      for (; j + 4 <= cols; j += 4) wasm_v128_store(o + j, binop(OP, av, wasm_v128_load(b + j))); \
    }                                                                                             \
    for (; j < cols; j++) {                                                                       \
      v128_t r = binop(OP, wasm_v128_load32_zero(a + j * ac), wasm_v128_load32_zero(b + j * bc)); \
      wasm_v128_store32_lane(o + j, r, 0);                                                        \
    }                                                                                             \
  } while (0)

#define LOOPS(OP)                                                                 \
  for (int p = 0; p < outer; p++)                                                 \
    for (int i = 0; i < rows; i++) {                                              \
      const float *a = a0 + p * ao + i * ar, *b = b0 + p * bo + i * br;           \
      float *o = out + (p * rows + i) * cols;                                     \
      ROW(OP);                                                                    \
    }

EXPORT void graft_binary(int op, int outer, int rows, int cols, const float *a0, int ao, int ar, int ac, const float *b0, int bo, int br, int bc, float *out) {
  switch (op) {
    case ADD: LOOPS(ADD); break;
    case SUB: LOOPS(SUB); break;
    case MUL: LOOPS(MUL); break;
    case DIV: LOOPS(DIV); break;
    case MAXIMUM: LOOPS(MAXIMUM); break;
    default: LOOPS(MINIMUM); break;
  }
}

enum { NEG, ABS, SQRT, EXP, LOG, TANH, SIGMOID, RELU, ERF, RSQRT, RECIP, GELU_ERF, GELU_TANH };

static inline v128_t unop(int op, v128_t x) {
  switch (op) {
    case NEG: return wasm_f32x4_neg(x);
    case ABS: return wasm_f32x4_abs(x);
    case SQRT: return wasm_f32x4_sqrt(x);
    case EXP: return vexp(x);
    case LOG: return vlog(x);
    case TANH: return vtanh(x);
    case SIGMOID: return vsigmoid(x);
    // x > 0 ? x : 0, but nan stays nan
    case RELU: return wasm_v128_and(x, wasm_v128_or(wasm_f32x4_gt(x, F4(0.0f)), wasm_f32x4_ne(x, x)));
    case ERF: return verf(x);
    case RSQRT: return wasm_f32x4_div(F4(1.0f), wasm_f32x4_sqrt(x));
    case RECIP: return wasm_f32x4_div(F4(1.0f), x);
    case GELU_ERF: return wasm_f32x4_mul(x, vphi(x));
    default: {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      v128_t inner = wasm_f32x4_mul(F4(0.79788456080286536f), vfma(wasm_f32x4_mul(F4(0.044715f), x), wasm_f32x4_mul(x, x), x));
      return wasm_f32x4_mul(wasm_f32x4_mul(F4(0.5f), x), wasm_f32x4_add(F4(1.0f), vtanh(inner)));
    }
  }
}

#define UROWS(OP)                                                                  \
  for (int i = 0; i < rows; i++) {                                                 \
    const float *x = x0 + i * xr;                                                  \
    float *o = out + i * cols;                                                     \
    int j = 0;                                                                     \
    for (; j + 4 <= cols; j += 4) wasm_v128_store(o + j, unop(OP, wasm_v128_load(x + j))); \
    for (; j < cols; j++) wasm_v128_store32_lane(o + j, unop(OP, wasm_v128_load32_zero(x + j)), 0); \
  }

// rows × cols elements, row i of x at x0 + i·xr (dense within a row), out dense.
EXPORT void graft_unary(int op, int rows, int cols, const float *x0, int xr, float *out) {
  switch (op) {
    case NEG: UROWS(NEG); break;
    case ABS: UROWS(ABS); break;
    case SQRT: UROWS(SQRT); break;
    case EXP: UROWS(EXP); break;
    case LOG: UROWS(LOG); break;
    case TANH: UROWS(TANH); break;
    case SIGMOID: UROWS(SIGMOID); break;
    case RELU: UROWS(RELU); break;
    case ERF: UROWS(ERF); break;
    case RSQRT: UROWS(RSQRT); break;
    case RECIP: UROWS(RECIP); break;
    case GELU_ERF: UROWS(GELU_ERF); break;
    default: UROWS(GELU_TANH); break;
  }
}

// Gathers rows of len 4-byte elements into dense out: row i from src + starts[i] (element
// offsets). The strided copies of training (a head permute [b, s, h, d] → [b, h, s, d] and
// back) are rows of the head dim; a subarray and set per row from JavaScript cost about 60 ns.
EXPORT void graft_copy_rows(int rows, int len, const int *starts, const float *src, float *out) {
  for (int i = 0; i < rows; i++) {
    const float *s = src + starts[i];
    float *o = out + i * len;
    int j = 0;
    for (; j + 4 <= len; j += 4) wasm_v128_store(o + j, wasm_v128_load(s + j));
    for (; j < len; j++) o[j] = s[j];
  }
}
