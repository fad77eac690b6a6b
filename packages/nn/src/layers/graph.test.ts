import { Generator, randn, ShapeError, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { propagate } from '../functional/message-passing';
import { gradcheckModule } from '../module/gradcheck-module';
import { GATConv, GCNConv } from './graph';

const gen = new Generator(41);
const f64 = { dtype: 'float64' as const, generator: gen };
// a small directed graph: 0→1, 1→2, 2→0, 3→1, 0→2 (node 4 isolated)
const edges = tensor(
  [
    [0, 1, 2, 3, 0],
    [1, 2, 0, 1, 2],
  ],
  { dtype: 'int32' },
);
const E = [
  [0, 1],
  [1, 2],
  [2, 0],
  [3, 1],
  [0, 2],
];
const V = 5;
const arr = (t: Tensor) => t.arraySync() as number[][];

describe('message passing', () => {
  it('sums or averages source features into targets', () => {
    const x = tensor([[1], [2], [4], [8], [16]], { dtype: 'float64' });
    expect(arr(propagate(x, edges))).toEqual([[4], [9], [3], [0], [0]]);
    expect(arr(propagate(x, edges, { aggregate: 'mean' }))).toEqual([[4], [4.5], [1.5], [0], [0]]);
    expect(arr(propagate(x, edges, { message: (xj, xi) => xj.sub(xi) }))).toEqual([[3], [9 - 4], [3 - 8], [0], [0]]);
    expect(() => propagate(x, tensor([[0, 1]], { dtype: 'int32' }))).toThrow(ShapeError);
  });
});

describe('GCNConv', () => {
  it('equals the dense formula D^-1/2 (A + I) D^-1/2 X Wᵀ + b', () => {
    const conv = new GCNConv(3, 2, f64);
    const x = randn([V, 3], f64);
    const a = Array.from({ length: V }, (_, i) => Array.from({ length: V }, (_, j): number => (i === j ? 1 : 0)));
    for (const [s, t] of E) a[t][s] += 1; // row = target, as aggregation runs into targets
    const deg = a.map((row) => row.reduce((p, q) => p + q));
    const norm = a.map((row, i) => row.map((v, j) => v / Math.sqrt(deg[i] * deg[j])));
    const want = tensor(norm, { dtype: 'float64' }).matmul(x).matmul(conv.lin.weight.transpose(0, 1)).add(conv.bias!);
    conv
      .call(x, edges)
      .dataSync()
      .forEach((v, i) => expect(v).toBeCloseTo(want.dataSync()[i], 12));
    expect(Object.keys(conv.stateDict())).toEqual(['bias', 'lin.weight']);
  });

  it('gradcheck', () => {
    const conv = new GCNConv(3, 2, f64);
    expect(gradcheckModule(conv, [randn([V, 3], f64).requiresGrad_()], (x) => conv.call(x, edges))).toBe(true);
  });
});

describe('GATConv', () => {
  it('matches a plain implementation of graph attention, heads concatenated or averaged', () => {
    for (const concat of [true, false]) {
      const gat = new GATConv(3, 2, { ...f64, heads: 2, concat });
      const x = randn([V, 3], f64);
      const W = arr(gat.lin.weight);
      const as = (gat.att_src.arraySync() as number[][][])[0];
      const ad = (gat.att_dst.arraySync() as number[][][])[0];
      const xs = arr(x);
      const h = xs.map((xi) => W.map((row) => row.reduce((s, w, k) => s + w * xi[k], 0)));
      const all = [...E, ...Array.from({ length: V }, (_, i) => [i, i])];
      const out = Array.from({ length: V }, () => new Array<number>(4).fill(0));
      for (let head = 0; head < 2; head++) {
        for (let i = 0; i < V; i++) {
          const inc = all.filter(([, t]) => t === i).map(([s]) => s);
          const score = (j: number) => {
            let e = 0;
            for (let c = 0; c < 2; c++) e += as[head][c] * h[j][head * 2 + c] + ad[head][c] * h[i][head * 2 + c];
            return e > 0 ? e : 0.2 * e;
          };
          const ex = inc.map((j) => Math.exp(score(j)));
          const z = ex.reduce((p, q) => p + q);
          inc.forEach((j, k) => {
            for (let c = 0; c < 2; c++) out[i][head * 2 + c] += (ex[k] / z) * h[j][head * 2 + c];
          });
        }
      }
      const bias = [...gat.bias!.dataSync()];
      const want = concat ? out.map((row) => row.map((v, k) => v + bias[k])) : out.map((row) => [0, 1].map((c) => (row[c] + row[2 + c]) / 2 + bias[c]));
      gat
        .call(x, edges)
        .dataSync()
        .forEach((v, k) => expect(v).toBeCloseTo(want.flat()[k], 12));
    }
  });

  it('gradcheck with two heads', () => {
    const gat = new GATConv(2, 2, { ...f64, heads: 2 });
    expect(gradcheckModule(gat, [randn([V, 2], f64).requiresGrad_()], (x) => gat.call(x, edges))).toBe(true);
  });
});
