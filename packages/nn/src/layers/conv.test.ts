import { Generator, randn, type Tensor, tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { LayerConfigError } from '../errors';
import { conv2d, convTranspose2d } from '../functional/conv';
import { gradcheckModule } from '../module/gradcheck-module';
import { Conv1d, Conv2d, ConvTranspose2d } from './conv';

const gen = new Generator(12);
const f64 = { dtype: 'float64' as const, generator: gen };
type A4 = number[][][][];

/** Direct-loop convolution, the reference for the im2col composite. */
function naiveConv(x: A4, w: A4, b: number[] | null, s: number[], p: number[], d: number[], g: number): A4 {
  const [n, cin, h, wd] = [x.length, x[0].length, x[0][0].length, x[0][0][0].length];
  const [cout, cpg, kh, kw] = [w.length, w[0].length, w[0][0].length, w[0][0][0].length];
  const ho = Math.floor((h + 2 * p[0] - d[0] * (kh - 1) - 1) / s[0]) + 1;
  const wo = Math.floor((wd + 2 * p[1] - d[1] * (kw - 1) - 1) / s[1]) + 1;
  const opg = cout / g;
  void cin;
  return Array.from({ length: n }, (_, bi) =>
    Array.from({ length: cout }, (_, o) =>
      Array.from({ length: ho }, (_, i) =>
        Array.from({ length: wo }, (_, j) => {
          let acc = b ? b[o] : 0;
          const grp = Math.floor(o / opg);
          for (let c = 0; c < cpg; c++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const r = i * s[0] - p[0] + u * d[0];
                const q = j * s[1] - p[1] + v * d[1];
                if (r >= 0 && r < h && q >= 0 && q < wd) acc += x[bi][grp * cpg + c][r][q] * w[o][c][u][v];
              }
          return acc;
        }),
      ),
    ),
  );
}

/** Direct-loop transposed convolution: every input element scatters a weighted kernel. */
function naiveConvT(x: A4, w: A4, s: number[], p: number[], op: number[], d: number[], g: number): A4 {
  const [n, cin, h, wd] = [x.length, x[0].length, x[0][0].length, x[0][0][0].length];
  const [, opg, kh, kw] = [w.length, w[0].length, w[0][0].length, w[0][0][0].length];
  const cpg = cin / g;
  const ho = (h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op[0] + 1;
  const wo = (wd - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op[1] + 1;
  const out: A4 = Array.from({ length: n }, () => Array.from({ length: opg * g }, () => Array.from({ length: ho }, () => new Array<number>(wo).fill(0))));
  for (let bi = 0; bi < n; bi++)
    for (let c = 0; c < cin; c++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < wd; j++) {
          const grp = Math.floor(c / cpg);
          for (let o = 0; o < opg; o++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const r = i * s[0] - p[0] + u * d[0];
                const q = j * s[1] - p[1] + v * d[1];
                if (r >= 0 && r < ho && q >= 0 && q < wo) out[bi][grp * opg + o][r][q] += x[bi][c][i][j] * w[c][o][u][v];
              }
        }
  return out;
}

const close = (a: Tensor, b: A4) => {
  expect(a.shape).toEqual([b.length, b[0].length, b[0][0].length, b[0][0][0].length]);
  const want = b.flat(3);
  a.dataSync().forEach((v, i) => expect(v).toBeCloseTo(want[i], 10));
};

describe('conv2d (im2col + matmul)', () => {
  it.each([
    { s: [1, 1], p: [0, 0], d: [1, 1], g: 1 },
    { s: [2, 1], p: [1, 2], d: [1, 1], g: 1 },
    { s: [1, 2], p: [2, 1], d: [2, 1], g: 2 },
    { s: [2, 2], p: [1, 1], d: [1, 2], g: 4 },
  ])('matches direct loops: stride $s, padding $p, dilation $d, groups $g', ({ s, p, d, g }) => {
    const x = randn([2, 4, 6, 7], f64);
    const w = randn([4, 4 / g, 3, 2], f64);
    const b = randn([4], f64);
    const y = conv2d(x, w, b, { stride: s as [number, number], padding: p as [number, number], dilation: d as [number, number], groups: g });
    close(y, naiveConv(x.arraySync() as A4, w.arraySync() as A4, b.arraySync() as number[], s, p, d, g));
  });

  it("'same' padding keeps the size (the odd extra pad goes after), 'valid' uses none", () => {
    const x = randn([1, 2, 5, 5], f64);
    const w = randn([3, 2, 4, 4], f64);
    expect(conv2d(x, w, null, { padding: 'same' }).shape).toEqual([1, 3, 5, 5]);
    const sameVals = conv2d(x, w, null, { padding: 'same' });
    // 'same' with k=4: pad 1 before, 2 after; equal to explicit padding then a valid conv
    const explicit = conv2d(
      x.pad([
        [0, 0],
        [0, 0],
        [1, 2],
        [1, 2],
      ]),
      w,
    );
    sameVals.dataSync().forEach((v, i) => expect(v).toBeCloseTo(explicit.dataSync()[i], 12));
    expect(conv2d(x, w, null, { padding: 'valid' }).shape).toEqual([1, 3, 2, 2]);
    expect(() => conv2d(x, w, null, { padding: 'same', stride: 2 })).toThrow(LayerConfigError);
  });

  it('Conv1d equals Conv2d with height 1, and layers have PyTorch shapes', () => {
    const c1 = new Conv1d(3, 4, 3, { padding: 1, stride: 2, ...f64 });
    expect(c1.weight.shape).toEqual([4, 3, 3]);
    const x = randn([2, 3, 9], f64);
    const y = c1.call(x);
    expect(y.shape).toEqual([2, 4, 5]);
    const want = naiveConv(
      x.unsqueeze(2).arraySync() as A4,
      c1.weight.unsqueeze(2).arraySync() as A4,
      c1.bias!.arraySync() as number[],
      [1, 2],
      [0, 1],
      [1, 1],
      1,
    );
    close(y.unsqueeze(2), want);
    expect(new Conv2d(4, 6, [3, 2], { groups: 2 }).weight.shape).toEqual([6, 2, 3, 2]);
    expect(() => new Conv2d(3, 6, 3, { groups: 2 })).toThrow(LayerConfigError);
  });
});

describe('convTranspose2d (matmul + col2im)', () => {
  it.each([
    { s: [1, 1], p: [0, 0], op: [0, 0], d: [1, 1], g: 1 },
    { s: [2, 2], p: [1, 0], op: [1, 0], d: [1, 1], g: 1 },
    { s: [2, 3], p: [0, 1], op: [0, 2], d: [2, 1], g: 2 },
  ])('matches direct loops: stride $s, padding $p, outputPadding $op, dilation $d, groups $g', ({ s, p, op, d, g }) => {
    const x = randn([2, 4, 3, 4], f64);
    const w = randn([4, 6 / g, 3, 2], f64);
    const y = convTranspose2d(x, w, null, {
      stride: s as [number, number],
      padding: p as [number, number],
      outputPadding: op as [number, number],
      dilation: d as [number, number],
      groups: g,
    });
    close(y, naiveConvT(x.arraySync() as A4, w.arraySync() as A4, s, p, op, d, g));
  });

  it('is the adjoint of conv2d: <conv(x), y> = <x, convT(y)>', () => {
    const x = randn([1, 2, 7, 7], f64);
    const w = randn([3, 2, 3, 3], f64);
    const y = randn([1, 3, 4, 4], f64);
    const lhs = conv2d(x, w, null, { stride: 2, padding: 1 }).mul(y).sum().itemSync();
    const rhs = x
      .mul(convTranspose2d(y, w, null, { stride: 2, padding: 1 }))
      .sum()
      .itemSync();
    expect(lhs).toBeCloseTo(rhs, 10);
  });
});

describe('convolution gradients', () => {
  it('gradcheck Conv1d, Conv2d (groups, stride, dilation) and ConvTranspose2d', () => {
    const c1 = new Conv1d(2, 2, 2, { stride: 2, padding: 1, ...f64 });
    expect(gradcheckModule(c1, [randn([2, 2, 5], f64).requiresGrad_()], (x) => c1.call(x))).toBe(true);
    const c2 = new Conv2d(4, 2, [2, 3], { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2, ...f64 });
    expect(gradcheckModule(c2, [randn([1, 4, 4, 5], f64).requiresGrad_()], (x) => c2.call(x))).toBe(true);
    const ct = new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1, ...f64 });
    const y = ct.call(randn([1, 2, 2, 3], f64));
    expect(y.shape).toEqual([1, 3, 4, 6]);
    expect(gradcheckModule(ct, [randn([1, 2, 2, 3], f64).requiresGrad_()], (x) => ct.call(x))).toBe(true);
    expect(tensor(0).size).toBe(1);
  });
});
