/**
 * Reference backward kernels of GELU, layerNorm and attention (float64 arithmetic, any strided
 * view). The
 * gradient rules use them instead of differentiating the composites; `fused-backward.test.ts`
 * checks them against that composite path and gradcheck against finite differences.
 */
import type { Kernel } from '../backend';
import { erf } from './math';
import { data, offsets, viewOffsets } from './strided';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** d gelu(x) / dx. */
export function geluGrad(x: number, approximate: 'none' | 'tanh'): number {
  if (approximate === 'none') return 0.5 * (1 + erf(x * Math.SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
  const t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
}

export const geluBackward: Kernel<'geluBackward'> = ([x, g], out, { approximate }) => {
  const [xs, gs, o] = [data(x), data(g), data(out)];
  const [xo, go] = [viewOffsets(x), viewOffsets(g)];
  for (let i = 0; i < o.length; i++) o[i] = geluGrad(xs[xo ? xo[i] : x.offset + i], approximate) * gs[go ? go[i] : g.offset + i];
};

export const layerNormBackward: Kernel<'layerNormBackward'> = ([x, w, g], [gradX, gradW, gradB], { dims, eps }) => {
  const [xs, ws, gs, o] = [data(x), data(w), data(g), data(gradX)];
  const r = x.shape.length;
  const inner = x.shape.slice(r - dims).reduce((p, q) => p * q, 1);
  const lead = x.shape.slice(0, r - dims);
  const xRows = offsets(lead, x.strides.slice(0, r - dims), x.offset);
  const gRows = offsets(lead, g.strides.slice(0, r - dims), g.offset);
  const xIn = offsets(x.shape.slice(r - dims), x.strides.slice(r - dims), 0);
  const gIn = offsets(g.shape.slice(r - dims), g.strides.slice(r - dims), 0);
  const wOff = offsets(w.shape, w.strides, w.offset);
  const dw = new Float64Array(inner);
  const db = new Float64Array(inner);
  const xhat = new Float64Array(inner);
  const gh = new Float64Array(inner);
  for (let row = 0; row < xRows.length; row++) {
    let mean = 0;
    for (let i = 0; i < inner; i++) mean += xs[xRows[row] + xIn[i]];
    mean /= inner;
    let v = 0;
    for (let i = 0; i < inner; i++) v += (xs[xRows[row] + xIn[i]] - mean) ** 2;
    const rstd = 1 / Math.sqrt(v / inner + eps);
    let a = 0;
    let b = 0;
    for (let i = 0; i < inner; i++) {
      const gi = gs[gRows[row] + gIn[i]];
      xhat[i] = (xs[xRows[row] + xIn[i]] - mean) * rstd;
      gh[i] = gi * ws[wOff[i]];
      a += gh[i];
      b += gh[i] * xhat[i];
      dw[i] += gi * xhat[i];
      db[i] += gi;
    }
    a /= inner;
    b /= inner;
    for (let i = 0; i < inner; i++) o[row * inner + i] = rstd * (gh[i] - a - xhat[i] * b);
  }
  data(gradW).set(dw);
  data(gradB).set(db);
};

/**
 * Attention's gradients for one batch of heads at a time: with P = softmax(q·kᵀ·scale + mask)
 * (recomputed), dV = Pᵀ·g, dP = g·vᵀ, dS = P∘(dP − rowsum(P∘dP))·scale, dQ = dS·k, dK = dSᵀ·q.
 */
export const attentionBackward: Kernel<'attentionBackward'> = ([q, k, v, g, mask], [gradQ, gradK, gradV], { scale, causal }) => {
  const r = q.shape.length;
  const [lq, d] = [q.shape[r - 2], q.shape[r - 1]];
  const [lk, dv] = [k.shape[r - 2], v.shape[r - 1]];
  const batch = q.shape.slice(0, r - 2);
  const at = (t: typeof q) => {
    const base = offsets(batch, t.strides.slice(0, r - 2), t.offset);
    const [s0, s1, xs] = [t.strides[r - 2], t.strides[r - 1], data(t)];
    return (b: number, i: number, j: number) => xs[base[b] + i * s0 + j * s1];
  };
  const [Q, K, V, G] = [at(q), at(k), at(v), at(g)];
  const M = mask ? at(mask) : null;
  const [dQ, dK, dV] = [data(gradQ), data(gradK), data(gradV)];
  const P = new Float64Array(lq * lk);
  const dS = new Float64Array(lq * lk);
  const heads = batch.reduce((p, n) => p * n, 1);
  for (let b = 0; b < heads; b++) {
    for (let i = 0; i < lq; i++) {
      let max = -Infinity;
      for (let j = 0; j < lk; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += Q(b, i, t) * K(b, j, t);
        s = s * scale + (M ? M(b, i, j) : 0);
        if (causal && j > i + (lk - lq)) s = -Infinity;
        P[i * lk + j] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let j = 0; j < lk; j++) sum += P[i * lk + j] = Math.exp(P[i * lk + j] - max);
      let dot = 0;
      for (let j = 0; j < lk; j++) {
        P[i * lk + j] /= sum;
        let dp = 0;
        for (let t = 0; t < dv; t++) dp += G(b, i, t) * V(b, j, t);
        dS[i * lk + j] = dp;
        dot += dp * P[i * lk + j];
      }
      for (let j = 0; j < lk; j++) dS[i * lk + j] = P[i * lk + j] * (dS[i * lk + j] - dot) * scale;
    }
    for (let i = 0; i < lq; i++) {
      for (let t = 0; t < d; t++) {
        let acc = 0;
        for (let j = 0; j < lk; j++) acc += dS[i * lk + j] * K(b, j, t);
        dQ[(b * lq + i) * d + t] = acc;
      }
    }
    for (let j = 0; j < lk; j++) {
      for (let t = 0; t < d; t++) {
        let acc = 0;
        for (let i = 0; i < lq; i++) acc += dS[i * lk + j] * Q(b, i, t);
        dK[(b * lk + j) * d + t] = acc;
      }
      for (let t = 0; t < dv; t++) {
        let acc = 0;
        for (let i = 0; i < lq; i++) acc += P[i * lk + j] * G(b, i, t);
        dV[(b * lk + j) * dv + t] = acc;
      }
    }
  }
};
