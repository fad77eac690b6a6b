/**
 * Fused CPU kernels for the composites that dominate training. Each replaces several passes and
 * temporaries of its composite with one pass per row; the composites remain the reference
 * (`fused.test.ts` compares the two).
 */
import type { Kernel, TensorView } from '../backend';
import { contiguousStrides } from '../../shape';
import { erf } from './math';
import { data, offsets, viewOffsets } from './strided';

/** Row starts and the stride along `axis`, for row-wise kernels over any axis of any view. */
function rows(x: TensorView, axis: number) {
  const keep = x.shape.map((_, i) => i).filter((i) => i !== axis);
  return {
    starts: offsets(
      keep.map((i) => x.shape[i]),
      keep.map((i) => x.strides[i]),
      x.offset,
    ),
    outStarts: offsets(
      keep.map((i) => x.shape[i]),
      keep.map((i) => contiguousStrides(x.shape)[i]),
      0,
    ),
    n: x.shape[axis],
    stride: x.strides[axis],
    outStride: contiguousStrides(x.shape)[axis],
  };
}

function softmaxRows(x: TensorView, out: TensorView, axis: number, log: boolean) {
  const xs = data(x);
  const o = data(out);
  const { starts, outStarts, n, stride, outStride } = rows(x, axis);
  for (let r = 0; r < starts.length; r++) {
    const s = starts[r];
    const t = outStarts[r];
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, xs[s + i * stride]);
    if (max === -Infinity) max = 0; // an all -inf row stays nan/-inf like the composite
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(xs[s + i * stride] - max);
    if (log) {
      const lse = Math.log(sum) + max;
      for (let i = 0; i < n; i++) o[t + i * outStride] = xs[s + i * stride] - lse;
    } else {
      for (let i = 0; i < n; i++) o[t + i * outStride] = Math.exp(xs[s + i * stride] - max) / sum;
    }
  }
}

export const softmax: Kernel<'softmax'> = ([x], out, { axis }) => softmaxRows(x, out, axis, false);
export const logSoftmax: Kernel<'logSoftmax'> = ([x], out, { axis }) => softmaxRows(x, out, axis, true);

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export const gelu: Kernel<'gelu'> = ([x], out, { approximate }) => {
  const xs = data(x);
  const o = data(out);
  const offs = viewOffsets(x);
  for (let i = 0; i < o.length; i++) {
    const v = xs[offs ? offs[i] : x.offset + i];
    o[i] = approximate === 'tanh' ? 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))) : 0.5 * v * (1 + erf(v * Math.SQRT1_2));
  }
};

export const layerNorm: Kernel<'layerNorm'> = ([x, w, b], out, { dims, eps }) => {
  const xs = data(x);
  const o = data(out);
  const inner = x.shape.slice(x.shape.length - dims).reduce((p, q) => p * q, 1);
  const outer = offsets(x.shape.slice(0, x.shape.length - dims), x.strides.slice(0, x.shape.length - dims), x.offset);
  const innerOffs = offsets(x.shape.slice(x.shape.length - dims), x.strides.slice(x.shape.length - dims), 0);
  const ws = data(w);
  const bs = data(b);
  const wo = offsets(w.shape, w.strides, w.offset);
  const bo = offsets(b.shape, b.strides, b.offset);
  for (let r = 0; r < outer.length; r++) {
    const base = outer[r];
    let mean = 0;
    for (let i = 0; i < inner; i++) mean += xs[base + innerOffs[i]];
    mean /= inner;
    let variance = 0;
    for (let i = 0; i < inner; i++) {
      const d = xs[base + innerOffs[i]] - mean;
      variance += d * d;
    }
    const rstd = 1 / Math.sqrt(variance / inner + eps);
    const t = r * inner;
    for (let i = 0; i < inner; i++) o[t + i] = (xs[base + innerOffs[i]] - mean) * rstd * ws[wo[i]] + bs[bo[i]];
  }
};

export const adamwUpdate: Kernel<'adamwUpdate'> = ([p, g, m, v], [outP, outM, outV], { beta1, beta2, eps, decay, stepSize, sqrtBiasCorrection2 }) => {
  const [ps, gs, ms, vs] = [data(p), data(g), data(m), data(v)];
  const [op, om, ov] = [data(outP), data(outM), data(outV)];
  const [po, go, mo, vo] = [viewOffsets(p), viewOffsets(g), viewOffsets(m), viewOffsets(v)];
  const n = outP.shape.reduce((a, d) => a * d, 1);
  for (let i = 0; i < n; i++) {
    const gi = gs[go ? go[i] : g.offset + i];
    const mi = ms[mo ? mo[i] : m.offset + i] * beta1 + gi * (1 - beta1);
    const vi = vs[vo ? vo[i] : v.offset + i] * beta2 + gi * gi * (1 - beta2);
    op[i] = ps[po ? po[i] : p.offset + i] * decay - (stepSize * mi) / (Math.sqrt(vi) / sqrtBiasCorrection2 + eps);
    om[i] = mi;
    ov[i] = vi;
  }
};

export const attention: Kernel<'attention'> = ([q, k, v, mask], out, { scale, causal }) => {
  const r = q.shape.length;
  const [lq, d] = [q.shape[r - 2], q.shape[r - 1]];
  const [lk, dv] = [k.shape[r - 2], v.shape[r - 1]];
  const batch = q.shape.slice(0, r - 2);
  const bq = offsets(batch, q.strides.slice(0, r - 2), q.offset);
  const bk = offsets(batch, k.strides.slice(0, r - 2), k.offset);
  const bv = offsets(batch, v.strides.slice(0, r - 2), v.offset);
  const bm = mask ? offsets(batch, mask.strides.slice(0, r - 2), mask.offset) : null;
  const [Q, K, V, O] = [data(q), data(k), data(v), data(out)];
  const M = mask ? data(mask) : null;
  const scores = new Float64Array(lk);
  const acc = new Float64Array(dv);
  for (let b = 0; b < bq.length; b++) {
    for (let i = 0; i < lq; i++) {
      let max = -Infinity;
      for (let j = 0; j < lk; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += Q[bq[b] + i * q.strides[r - 2] + t * q.strides[r - 1]] * K[bk[b] + j * k.strides[r - 2] + t * k.strides[r - 1]];
        s *= scale;
        if (M && mask) s += M[bm![b] + i * mask.strides[r - 2] + j * mask.strides[r - 1]];
        if (causal && j > i + (lk - lq)) s = -Infinity;
        scores[j] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let j = 0; j < lk; j++) sum += scores[j] = Math.exp(scores[j] - max);
      acc.fill(0);
      for (let j = 0; j < lk; j++) {
        const p = scores[j] / sum;
        for (let t = 0; t < dv; t++) acc[t] += p * V[bv[b] + j * v.strides[r - 2] + t * v.strides[r - 1]];
      }
      const base = (b * lq + i) * dv;
      for (let t = 0; t < dv; t++) O[base + t] = acc[t];
    }
  }
};
