/** CPU reduction kernels: any set of axes, accumulated in float64. */
import type { Kernel, TensorView } from '../backend';
import { data, offsets } from './strided';

/** Splits a view into the offsets of kept positions (outer) and of reduced positions (inner). */
function split(x: TensorView, axes: readonly number[]): { outer: Int32Array; inner: Int32Array } {
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  return {
    outer: offsets(
      keep.map((i) => x.shape[i]),
      keep.map((i) => x.strides[i]),
      x.offset,
    ),
    inner: offsets(
      axes.map((i) => x.shape[i]),
      axes.map((i) => x.strides[i]),
      0,
    ),
  };
}

export const reduce: Kernel<'reduce'> = ([x], out, { op, axes }) => {
  const xs = data(x);
  const o = data(out);
  const { outer, inner } = split(x, axes);
  const m = inner.length;
  for (let i = 0; i < outer.length; i++) {
    const base = outer[i];
    let acc: number;
    switch (op) {
      case 'sum':
        acc = 0;
        for (let r = 0; r < m; r++) acc += xs[base + inner[r]];
        break;
      case 'prod':
        acc = 1;
        for (let r = 0; r < m; r++) acc *= xs[base + inner[r]];
        break;
      case 'max':
        acc = -Infinity;
        for (let r = 0; r < m; r++) {
          const v = xs[base + inner[r]];
          if (v > acc || v !== v) acc = v; // NaN propagates
          if (acc !== acc) break;
        }
        break;
      case 'min':
        acc = Infinity;
        for (let r = 0; r < m; r++) {
          const v = xs[base + inner[r]];
          if (v < acc || v !== v) acc = v;
          if (acc !== acc) break;
        }
        break;
    }
    o[i] = acc;
  }
};

export const argReduce: Kernel<'argReduce'> = ([x], out, { op, axis }) => {
  const xs = data(x);
  const o = data(out);
  const { outer } = split(x, [axis]);
  const n = x.shape[axis];
  const stride = x.strides[axis];
  const better = op === 'argmax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  for (let i = 0; i < outer.length; i++) {
    const base = outer[i];
    let best = xs[base];
    let at = 0;
    for (let r = 1; r < n && best === best; r++) {
      const v = xs[base + r * stride];
      if (better(v, best) || v !== v) {
        best = v;
        at = r;
      }
    }
    o[i] = at;
  }
};
