// The fused AdamW step over dense f32 parameters: one pass reads p, g, m, v and writes the new
// p, m, v (three outputs, so a task can take any slice of each), the update PyTorch's AdamW (decoupled
// decay) makes. The step-dependent scalars (decay, step size, sqrt of the second bias correction) come
// from the op, computed once per step.
#include "vmath.h"

EXPORT void graft_adamw(int n, const float *p, const float *g, const float *m, const float *v, float *op, float *om, float *ov, float beta1, float beta2, float eps, float decay, float step_size, float sqrt_bc2) {
  v128_t b1 = F4(beta1), b1c = F4(1.0f - beta1), b2 = F4(beta2), b2c = F4(1.0f - beta2);
  v128_t dv = F4(decay), sv = F4(step_size), rb = F4(1.0f / sqrt_bc2), ev = F4(eps);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    v128_t mi = vfma(wasm_v128_load(m + i), b1, wasm_f32x4_mul(gi, b1c));
    v128_t vi = vfma(wasm_v128_load(v + i), b2, wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), b2c));
    v128_t den = vfma(wasm_f32x4_sqrt(vi), rb, ev);
    v128_t pi = wasm_f32x4_sub(wasm_f32x4_mul(wasm_v128_load(p + i), dv), wasm_f32x4_div(wasm_f32x4_mul(sv, mi), den));
    wasm_v128_store(op + i, pi);
    wasm_v128_store(om + i, mi);
    wasm_v128_store(ov + i, vi);
  }
  for (; i < n; i++) {
    float gi = g[i];
    float mi = m[i] * beta1 + gi * (1.0f - beta1);
    float vi = v[i] * beta2 + gi * gi * (1.0f - beta2);
    float den = wasm_f32x4_extract_lane(wasm_f32x4_sqrt(F4(vi)), 0) / sqrt_bc2 + eps;
    op[i] = p[i] * decay - step_size * mi / den;
    om[i] = mi;
    ov[i] = vi;
  }
}
