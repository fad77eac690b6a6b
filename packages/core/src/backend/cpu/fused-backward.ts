/**
 * Reference backward kernels of GELU and layerNorm (float64 arithmetic, any strided view). The
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
