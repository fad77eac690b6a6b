import { Generator, randn, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { gradcheck } from '@graft/core';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, upsampleNearest } from '../functional/pooling';
import { Flatten } from './activations';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d, Upsample } from './pooling';

const gen = new Generator(13);
const f64 = { dtype: 'float64' as const, generator: gen };
type A2 = number[][];

/** Direct-loop pooling of one [H, W] plane, as PyTorch defines the windows and divisors. */
function naivePool(x: A2, k: number[], s: number[], p: number[], ceil: boolean, kind: 'max' | 'avg', includePad = true): A2 {
  const [h, w] = [x.length, x[0].length];
  const out = (len: number, i: number) => {
    const span = len + 2 * p[i] - (k[i] - 1) - 1;
    let o = (ceil ? Math.ceil(span / s[i]) : Math.floor(span / s[i])) + 1;
    if (ceil && (o - 1) * s[i] >= len + p[i]) o -= 1;
    return o;
  };
  return Array.from({ length: out(h, 0) }, (_, i) =>
    Array.from({ length: out(w, 1) }, (_, j) => {
      const r0 = i * s[0] - p[0];
      const c0 = j * s[1] - p[1];
      const r1 = Math.min(r0 + k[0], h + p[0]);
      const c1 = Math.min(c0 + k[1], w + p[1]);
      let best = -Infinity;
      let sum = 0;
      let count = 0;
      for (let r = Math.max(r0, 0); r < Math.min(r1, h); r++)
        for (let c = Math.max(c0, 0); c < Math.min(c1, w); c++) {
          best = Math.max(best, x[r][c]);
          sum += x[r][c];
          count++;
        }
      if (kind === 'max') return best;
      return sum / (includePad ? (r1 - r0) * (c1 - c0) : count);
    }),
  );
}

const plane = (t: Tensor) => (t.arraySync() as number[][][][])[0][0];
const closeTo = (got: A2, want: A2) => {
  expect([got.length, got[0].length]).toEqual([want.length, want[0].length]);
  got.flat().forEach((v, i) => expect(v).toBeCloseTo(want.flat()[i], 12));
};

describe('pooling', () => {
  it.each([
    { k: [2, 2], s: [2, 2], p: [0, 0], ceil: false },
    { k: [3, 2], s: [2, 1], p: [1, 1], ceil: false },
    { k: [3, 3], s: [2, 2], p: [1, 0], ceil: true },
    { k: [2, 3], s: [3, 2], p: [0, 1], ceil: true },
  ])('max and avg pooling match direct loops: kernel $k stride $s padding $p ceil $ceil', ({ k, s, p, ceil }) => {
    const x = randn([1, 1, 7, 6], f64);
    const opts = { stride: s as [number, number], padding: p as [number, number], ceilMode: ceil };
    closeTo(plane(maxPool2d(x, k as [number, number], opts)), naivePool(plane(x), k, s, p, ceil, 'max'));
    closeTo(plane(avgPool2d(x, k as [number, number], opts)), naivePool(plane(x), k, s, p, ceil, 'avg'));
    closeTo(plane(avgPool2d(x, k as [number, number], { ...opts, countIncludePad: false })), naivePool(plane(x), k, s, p, ceil, 'avg', false));
  });

  it('1-D pools, adaptive pools, flatten and nearest upsampling', () => {
    const x = tensor([[[1, 5, 2, 8, 3]]], { dtype: 'float64' });
    expect(new MaxPool1d(2).call(x).arraySync()).toEqual([[[5, 8]]]);
    expect(new AvgPool1d(2, { stride: 1 }).call(x).arraySync()).toEqual([[[3, 3.5, 5, 5.5]]]);
    // PyTorch windows for 5 → 3: [0, 2), [1, 4), [3, 5)
    const a = new AdaptiveAvgPool1d(3).call(x).dataSync();
    [3, 5, 5.5].forEach((v, i) => expect(a[i]).toBeCloseTo(v, 12));
    const img = randn([2, 3, 5, 7], f64);
    const pooled = new AdaptiveAvgPool2d([2, 3]).call(img);
    expect(pooled.shape).toEqual([2, 3, 2, 3]);
    // window (0, 0) of 5×7 → 2×3: rows [0, 3), cols [0, 3)
    expect((pooled.arraySync() as number[][][][])[1][2][0][0]).toBeCloseTo(
      img
        .slice([1, 2, [0, 3], [0, 3]])
        .mean()
        .itemSync(),
      12,
    );
    expect(adaptiveAvgPool2d(img, 1).shape).toEqual([2, 3, 1, 1]);
    expect(new Flatten().call(adaptiveAvgPool2d(img, 1)).shape).toEqual([2, 3]);
    const up = new Upsample({ scaleFactor: 2 }).call(
      tensor(
        [
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ],
        { dtype: 'float32' },
      ),
    );
    expect(up.arraySync()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ]);
    expect(upsampleNearest(tensor([[[1, 2, 3]]], { dtype: 'float32' }), { size: 5 }).arraySync()).toEqual([[[1, 1, 2, 2, 3]]]);
  });

  it('gradcheck every pool and upsampling', () => {
    const x = () => randn([1, 2, 5, 4], f64).requiresGrad_();
    expect(gradcheck((t) => new MaxPool2d(2, { stride: 1, padding: 1 }).call(t), [x()])).toBe(true);
    expect(gradcheck((t) => new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }).call(t), [x()])).toBe(true);
    expect(gradcheck((t) => new AdaptiveAvgPool2d([3, 3]).call(t), [x()])).toBe(true);
    expect(gradcheck((t) => new Upsample({ size: [7, 6] }).call(t), [x()])).toBe(true);
    expect(gradcheck((t) => new MaxPool1d(3, { stride: 2, padding: 1 }).call(t), [randn([2, 2, 6], f64).requiresGrad_()])).toBe(true);
  });
});
