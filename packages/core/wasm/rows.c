// Row-wise f32 kernels: reductions, softmax/logSoftmax, layerNorm forward and backward, and
// the fused AdamW update. A "row" is `n` contiguous floats; row i starts at x + i·xr.
#include "vmath.h"

enum { SUM, MAX, MIN };

// out[i] = reduce(row i); n ≥ 1. Four accumulators hide the add latency.
EXPORT void graft_reduce_rows(int op, int rows, int n, const float *x0, int xr, float *out) {
  for (int i = 0; i < rows; i++) {
    const float *x = x0 + i * xr;
    int j = 0;
    float r;
    if (op == SUM) {
      v128_t s0 = F4(0.0f), s1 = s0, s2 = s0, s3 = s0;
      for (; j + 16 <= n; j += 16) {
        s0 = wasm_f32x4_add(s0, wasm_v128_load(x + j)), s1 = wasm_f32x4_add(s1, wasm_v128_load(x + j + 4));
        s2 = wasm_f32x4_add(s2, wasm_v128_load(x + j + 8)), s3 = wasm_f32x4_add(s3, wasm_v128_load(x + j + 12));
      }
      for (; j + 4 <= n; j += 4) s0 = wasm_f32x4_add(s0, wasm_v128_load(x + j));
      r = hsum(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
      for (; j < n; j++) r += x[j];
    } else {
      v128_t m = wasm_v128_load32_splat(x);
      for (; j + 4 <= n; j += 4) m = op == MAX ? wasm_f32x4_max(m, wasm_v128_load(x + j)) : wasm_f32x4_min(m, wasm_v128_load(x + j));
      for (; j < n; j++) m = op == MAX ? wasm_f32x4_max(m, wasm_v128_load32_splat(x + j)) : wasm_f32x4_min(m, wasm_v128_load32_splat(x + j));
      r = op == MAX ? hmax(m) : -hmax(wasm_f32x4_neg(m));
    }
    out[i] = r;
  }
}

// out[p, j] = reduce over i of x[p·xo + i·xr + j], for j < n: reducing leading axes (bias
// gradients, column sums) with the kept axis dense, vectorised across j. Sixteen columns (a
// cache line) at a time in four independent accumulators: one four-wide column at a time was
// bound by the add latency and touched a cache line per row for each quarter of it (bias
// gradients of [4096, 512] took 3 ms).
static inline v128_t combine(int op, v128_t acc, v128_t v) {
  return op == SUM ? wasm_f32x4_add(acc, v) : op == MAX ? wasm_f32x4_max(acc, v) : wasm_f32x4_min(acc, v);
}

EXPORT void graft_reduce_cols(int op, int outer, int rows, int n, const float *x0, int xo, int xr, float *out0) {
  for (int p = 0; p < outer; p++) {
    const float *x = x0 + p * xo;
    float *out = out0 + p * n;
    int j = 0;
    for (; j + 16 <= n; j += 16) {
      const float *c = x + j;
      v128_t a0 = op == SUM ? F4(0.0f) : wasm_v128_load(c), a1 = op == SUM ? F4(0.0f) : wasm_v128_load(c + 4);
      v128_t a2 = op == SUM ? F4(0.0f) : wasm_v128_load(c + 8), a3 = op == SUM ? F4(0.0f) : wasm_v128_load(c + 12);
      for (int i = 0; i < rows; i++, c += xr) {
        a0 = combine(op, a0, wasm_v128_load(c)), a1 = combine(op, a1, wasm_v128_load(c + 4));
        a2 = combine(op, a2, wasm_v128_load(c + 8)), a3 = combine(op, a3, wasm_v128_load(c + 12));
      }
      wasm_v128_store(out + j, a0), wasm_v128_store(out + j + 4, a1);
      wasm_v128_store(out + j + 8, a2), wasm_v128_store(out + j + 12, a3);
    }
    for (; j + 4 <= n; j += 4) {
      v128_t acc = op == SUM ? F4(0.0f) : wasm_v128_load(x + j);
      for (int i = 0; i < rows; i++) acc = combine(op, acc, wasm_v128_load(x + i * xr + j));
      wasm_v128_store(out + j, acc);
    }
    for (; j < n; j++) {
      v128_t acc = op == SUM ? F4(0.0f) : wasm_v128_load32_zero(x + j);
      for (int i = 0; i < rows; i++) acc = combine(op, acc, wasm_v128_load32_zero(x + i * xr + j));
      wasm_v128_store32_lane(out + j, acc, 0);
    }
  }
}

// softmax (log = 0) or logSoftmax (log = 1) of each row, out dense. exp is evaluated once per
// element: softmax stores e^{x−max} and rescales it in place.
EXPORT void graft_softmax_rows(int rows, int n, const float *x0, int xr, float *out0, int log) {
  for (int i = 0; i < rows; i++) {
    const float *x = x0 + i * xr;
    float *o = out0 + i * n;
    v128_t mv = F4(-__builtin_inff()), mw = mv;
    int j = 0;
    for (; j + 8 <= n; j += 8) mv = wasm_f32x4_max(mv, wasm_v128_load(x + j)), mw = wasm_f32x4_max(mw, wasm_v128_load(x + j + 4));
    for (; j + 4 <= n; j += 4) mv = wasm_f32x4_max(mv, wasm_v128_load(x + j));
    for (; j < n; j++) mv = wasm_f32x4_max(mv, wasm_v128_load32_splat(x + j));
    float max = hmax(wasm_f32x4_max(mv, mw));
    if (max == -__builtin_inff()) max = 0.0f; // an all -inf row stays nan/-inf like the composite
    v128_t m = F4(max), s = F4(0.0f);
    float tail = 0.0f;
    for (j = 0; j + 4 <= n; j += 4) {
      v128_t e = vexp_nonpos(wasm_f32x4_sub(wasm_v128_load(x + j), m));
      s = wasm_f32x4_add(s, e);
      if (!log) wasm_v128_store(o + j, e);
    }
    for (; j < n; j++) {
      float e = wasm_f32x4_extract_lane(vexp_nonpos(F4(x[j] - max)), 0);
      tail += e;
      if (!log) o[j] = e;
    }
    float sum = hsum(s) + tail;
    if (log) {
      v128_t lse = F4(slog(sum) + max);
      for (j = 0; j + 4 <= n; j += 4) wasm_v128_store(o + j, wasm_f32x4_sub(wasm_v128_load(x + j), lse));
      for (; j < n; j++) o[j] = x[j] - wasm_f32x4_extract_lane(lse, 0);
    } else {
      v128_t inv = F4(1.0f / sum);
      for (j = 0; j + 4 <= n; j += 4) wasm_v128_store(o + j, wasm_f32x4_mul(wasm_v128_load(o + j), inv));
      for (; j < n; j++) o[j] *= wasm_f32x4_extract_lane(inv, 0);
    }
  }
}

// Softmax's backward in place, for attention's: per row of n, d = scale·p∘(d − Σ p∘d), with p
// the softmax output and d the gradient of it on the way in, that of the scores on the way out.
// p and d are dense rows of n.
EXPORT void graft_softmax_backward_rows(int rows, int n, const float *p0, float *d0, float scale) {
  for (int i = 0; i < rows; i++) {
    const float *p = p0 + i * n;
    float *d = d0 + i * n;
    v128_t s0 = F4(0.0f), s1 = s0;
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      s0 = vfma(wasm_v128_load(p + j), wasm_v128_load(d + j), s0);
      s1 = vfma(wasm_v128_load(p + j + 4), wasm_v128_load(d + j + 4), s1);
    }
    for (; j + 4 <= n; j += 4) s0 = vfma(wasm_v128_load(p + j), wasm_v128_load(d + j), s0);
    float dot = hsum(wasm_f32x4_add(s0, s1));
    for (; j < n; j++) dot += p[j] * d[j];
    v128_t dv = F4(dot), sv = F4(scale);
    for (j = 0; j + 4 <= n; j += 4) wasm_v128_store(d + j, wasm_f32x4_mul(wasm_f32x4_mul(wasm_v128_load(p + j), sv), wasm_f32x4_sub(wasm_v128_load(d + j), dv)));
    for (; j < n; j++) d[j] = p[j] * scale * (d[j] - dot);
  }
}

// layerNorm over rows of n: out = (x − mean)·rstd·w + b, with w and b dense of length n.
EXPORT void graft_layernorm_rows(int rows, int n, const float *x0, int xr, const float *w, const float *b, float eps, float *out0) {
  for (int i = 0; i < rows; i++) {
    const float *x = x0 + i * xr;
    float *o = out0 + i * n;
    float mean, rstd;
    moments(x, n, eps, &mean, &rstd);
    v128_t mv = F4(mean), rv = F4(rstd);
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + j), mv), rv);
      wasm_v128_store(o + j, vfma(xh, wasm_v128_load(w + j), wasm_v128_load(b + j)));
    }
    for (; j < n; j++) o[j] = (x[j] - mean) * rstd * w[j] + b[j];
  }
}
