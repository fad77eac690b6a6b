// Fused backward kernels: GELU's derivative in one pass, and layerNorm's input gradient per row
// plus its weight/bias gradients as column sums. They replace re-running and differentiating the
// composites (about ten elementwise passes each) in training.
#include "vmath.h"

// d/dx gelu(x) · g for n dense elements. Exact: Φ(x) + x·φ(x). Tanh form: with
// u = √(2/π)(x + 0.044715x³), 0.5(1 + tanh u) + 0.5x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²).
static inline v128_t gelu_grad(int tanh_form, v128_t x) {
  if (!tanh_form) {
    v128_t cdf = vphi(x);
    v128_t pdf = wasm_f32x4_mul(vexp(wasm_f32x4_mul(wasm_f32x4_mul(x, x), F4(-0.5f))), F4(0.39894228040143268f));
    return vfma(x, pdf, cdf);
  }
  v128_t x2 = wasm_f32x4_mul(x, x);
  v128_t u = wasm_f32x4_mul(F4(0.79788456080286536f), vfma(wasm_f32x4_mul(F4(0.044715f), x2), x, x));
  v128_t t = vtanh(u);
  v128_t du = wasm_f32x4_mul(F4(0.79788456080286536f), vfma(F4(3.0f * 0.044715f), x2, F4(1.0f)));
  v128_t left = vfma(t, F4(0.5f), F4(0.5f));
  v128_t right = wasm_f32x4_mul(wasm_f32x4_mul(F4(0.5f), x), wasm_f32x4_mul(wasm_f32x4_sub(F4(1.0f), wasm_f32x4_mul(t, t)), du));
  return wasm_f32x4_add(left, right);
}

EXPORT void graft_gelu_backward(int n, const float *x, const float *g, float *out, int tanh_form) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_mul(gelu_grad(tanh_form, wasm_v128_load(x + i)), wasm_v128_load(g + i)));
  for (; i < n; i++) {
    v128_t r = wasm_f32x4_mul(gelu_grad(tanh_form, wasm_v128_load32_zero(x + i)), wasm_v128_load32_zero(g + i));
    wasm_v128_store32_lane(out + i, r, 0);
  }
}

// Per row of n (x row stride xr, g dense): with x̂ = (x − mean)·rstd and ĝ = g·w,
// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)). Also stores each row's mean and rstd for the
// weight/bias gradient pass.
EXPORT void graft_layernorm_backward_rows(int rows, int n, const float *x0, int xr, const float *w, const float *g0, float eps, float *dx0, float *stats0) {
  for (int i = 0; i < rows; i++) {
    const float *x = x0 + i * xr, *g = g0 + i * n;
    float *dx = dx0 + i * n;
    float mean, rstd;
    moments(x, n, eps, &mean, &rstd);
    int j;
    v128_t mv = F4(mean), rv = F4(rstd), a = F4(0.0f), b = F4(0.0f);
    float at = 0.0f, bt = 0.0f;
    for (j = 0; j + 4 <= n; j += 4) {
      v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + j), mv), rv);
      v128_t gh = wasm_f32x4_mul(wasm_v128_load(g + j), wasm_v128_load(w + j));
      a = wasm_f32x4_add(a, gh);
      b = vfma(gh, xh, b);
    }
    for (; j < n; j++) {
      float xh = (x[j] - mean) * rstd, gh = g[j] * w[j];
      at += gh;
      bt += gh * xh;
    }
    float ma = (hsum(a) + at) / (float)n, mb = (hsum(b) + bt) / (float)n;
    v128_t mav = F4(ma), mbv = F4(mb);
    for (j = 0; j + 4 <= n; j += 4) {
      v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + j), mv), rv);
      v128_t gh = wasm_f32x4_mul(wasm_v128_load(g + j), wasm_v128_load(w + j));
      wasm_v128_store(dx + j, wasm_f32x4_mul(rv, wasm_f32x4_sub(wasm_f32x4_sub(gh, mav), wasm_f32x4_mul(xh, mbv))));
    }
    for (; j < n; j++) dx[j] = rstd * (g[j] * w[j] - ma - (x[j] - mean) * rstd * mb);
    stats0[2 * i] = mean;
    stats0[2 * i + 1] = rstd;
  }
}

// dw[j] = Σ_i g[i,j]·x̂[i,j], db[j] = Σ_i g[i,j], from the per-row stats of the pass above.
EXPORT void graft_layernorm_backward_params(int rows, int n, const float *x0, int xr, const float *g0, const float *stats, float *dw, float *db) {
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    v128_t aw = F4(0.0f), ab = F4(0.0f);
    for (int i = 0; i < rows; i++) {
      v128_t gv = wasm_v128_load(g0 + i * n + j);
      v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x0 + i * xr + j), wasm_v128_load32_splat(stats + 2 * i)), wasm_v128_load32_splat(stats + 2 * i + 1));
      aw = vfma(gv, xh, aw);
      ab = wasm_f32x4_add(ab, gv);
    }
    wasm_v128_store(dw + j, aw);
    wasm_v128_store(db + j, ab);
  }
  for (; j < n; j++) {
    float aw = 0.0f, ab = 0.0f;
    for (int i = 0; i < rows; i++) {
      float gv = g0[i * n + j];
      aw += gv * (x0[i * xr + j] - stats[2 * i]) * stats[2 * i + 1];
      ab += gv;
    }
    dw[j] = aw;
    db[j] = ab;
  }
}
