/**
 * Every gradient rule and every composite, checked against central differences in float64.
 * The last test walks the graphs built here and fails when a differentiable op has no case.
 */
import { describe, expect, it } from 'vitest';
import * as g from '../index';
import type { Tensor } from '../index';
import { gradRules, type GradNode } from '../index';

const gen = new g.Generator(7);
const rnd = (shape: number[], lo = -1, hi = 1) => g.rand(shape, { dtype: 'float64', low: lo, high: hi, generator: gen }).requiresGrad_();
const pos = (shape: number[]) => rnd(shape, 0.5, 2);
const idx = (values: number[][] | number[]) => g.tensor(values, { dtype: 'int32' });

interface Case {
  name: string;
  fn: (...x: Tensor[]) => Tensor;
  inputs: () => Tensor[];
  opts?: g.GradcheckOptions;
}

const cases: Case[] = [
  // unary
  ...(['neg', 'exp', 'tanh', 'sigmoid', 'erf', 'sin', 'cos'] as const).map((op) => ({ name: op, fn: (x: Tensor) => g[op](x), inputs: () => [rnd([3, 4])] })),
  // both signs, away from the kink at 0 where the central difference is not the gradient
  ...(['abs', 'relu'] as const).map((op) => ({
    name: op,
    fn: (x: Tensor) => g[op](x),
    inputs: () => [g.tensor([-0.7, 0.3, 1.2, -2], { shape: [2, 2], dtype: 'float64' }).requiresGrad_()],
  })),
  { name: 'log', fn: (x) => g.log(x), inputs: () => [pos([3, 4])] },
  { name: 'sqrt', fn: (x) => g.sqrt(x), inputs: () => [pos([3, 4])] },
  { name: 'rsqrt', fn: (x) => g.rsqrt(x), inputs: () => [pos([3, 4])] },
  { name: 'reciprocal', fn: (x) => g.reciprocal(x), inputs: () => [pos([3, 4])] },
  // binary, with broadcasting on both sides
  { name: 'add', fn: (a, b) => g.add(a, b), inputs: () => [rnd([3, 4]), rnd([4])] },
  { name: 'sub', fn: (a, b) => g.sub(a, b), inputs: () => [rnd([3, 1]), rnd([1, 4])] },
  { name: 'mul', fn: (a, b) => g.mul(a, b), inputs: () => [rnd([2, 3, 4]), rnd([3, 1])] },
  { name: 'div', fn: (a, b) => g.div(a, b), inputs: () => [rnd([3, 4]), pos([3, 4])] },
  { name: 'pow', fn: (a, b) => g.pow(a, b), inputs: () => [pos([3, 4]), rnd([3, 4])] },
  { name: 'pow scalar', fn: (a) => g.pow(a, 3), inputs: () => [rnd([5])] },
  { name: 'maximum', fn: (a, b) => g.maximum(a, b), inputs: () => [rnd([3, 4]), rnd([3, 4])] },
  { name: 'minimum', fn: (a, b) => g.minimum(a, b), inputs: () => [rnd([3, 4]), rnd([4])] },
  {
    name: 'mod',
    fn: (a, b) => g.mod(a, b),
    inputs: () => [g.tensor([1.3, -2.6, 3.7], { dtype: 'float64' }).requiresGrad_(), g.tensor([0.7, 0.9, -1.1], { dtype: 'float64' }).requiresGrad_()],
  },
  { name: 'where', fn: (a, b) => g.where(g.gt(a, 0), a, b), inputs: () => [rnd([3, 4]), rnd([4])] },
  { name: 'clamp', fn: (x) => g.clamp(x, -0.5, 0.5), inputs: () => [g.tensor([-0.9, -0.2, 0.1, 0.8], { dtype: 'float64' }).requiresGrad_()] },
  // through float32 and back: float32 rounding (6e-8 here) needs a larger step and tolerance
  {
    name: 'cast',
    fn: (x) => g.cast(g.cast(x, 'float32'), 'float64').mul(x),
    inputs: () => [g.tensor([0.5, 0.25], { dtype: 'float64' }).requiresGrad_()],
    opts: { eps: 1e-3, atol: 1e-3 },
  },
  // reductions
  { name: 'sum', fn: (x) => g.sum(x, [0, 2]), inputs: () => [rnd([2, 3, 4])] },
  { name: 'mean', fn: (x) => g.mean(x, 1, true), inputs: () => [rnd([2, 3, 4])] },
  { name: 'prod', fn: (x) => g.prod(x, 1), inputs: () => [pos([3, 4])] },
  { name: 'max', fn: (x) => g.max(x, 1), inputs: () => [rnd([3, 5])] },
  { name: 'min', fn: (x) => g.min(x), inputs: () => [rnd([3, 5])] },
  { name: 'variance', fn: (x) => g.variance(x, -1), inputs: () => [rnd([3, 5])] },
  { name: 'std', fn: (x) => g.std(x, 0, { correction: 0 }), inputs: () => [rnd([4, 3])] },
  { name: 'logsumexp', fn: (x) => g.logsumexp(x, 1), inputs: () => [rnd([3, 5], -3, 3)] },
  // movement and views
  {
    name: 'reshape+permute',
    fn: (x) => g.permute(g.reshape(x, [4, 6]), [1, 0]).mul(g.arange(4, undefined, 1, { dtype: 'float64' })),
    inputs: () => [rnd([2, 3, 4])],
  },
  { name: 'expand', fn: (x) => g.expand(x, [2, 3, 4]).mul(g.arange(24, undefined, 1, { dtype: 'float64' }).reshape(2, 3, 4)), inputs: () => [rnd([3, 1])] },
  {
    name: 'slice strided',
    fn: (x) =>
      g
        .slice(x, [
          [0, 3, 2],
          [1, null],
        ])
        .exp(),
    inputs: () => [rnd([4, 3])],
  },
  {
    name: 'transpose contiguous',
    fn: (x) => g.contiguous(g.transpose(x)).mul(g.arange(12, undefined, 1, { dtype: 'float64' }).reshape(4, 3)),
    inputs: () => [rnd([3, 4])],
  },
  {
    name: 'pad',
    fn: (x) =>
      g
        .pad(
          x,
          [
            [1, 2],
            [0, 1],
          ],
          3,
        )
        .exp(),
    inputs: () => [rnd([2, 3])],
  },
  { name: 'concat', fn: (a, b) => g.concat([a, b, a], 1).exp(), inputs: () => [rnd([2, 3]), rnd([2, 1])] },
  { name: 'stack+split', fn: (a, b) => g.split(g.stack([a, b], 0), [1, 1])[1].mul(a), inputs: () => [rnd([2, 3]), rnd([2, 3])] },
  { name: 'squeeze/unsqueeze/flatten', fn: (x) => g.flatten(g.unsqueeze(g.squeeze(x, 1), 0)).exp(), inputs: () => [rnd([2, 1, 3])] },
  // linear algebra and indexing
  { name: 'matmul', fn: (a, b) => g.matmul(a, b), inputs: () => [rnd([3, 4]), rnd([4, 2])] },
  { name: 'matmul batched broadcast', fn: (a, b) => g.matmul(a, b), inputs: () => [rnd([2, 3, 4]), rnd([4, 2])] },
  { name: 'matmul vector', fn: (a, b) => g.matmul(a, b), inputs: () => [rnd([4]), rnd([2, 4, 3])] },
  { name: 'matmul transposed', fn: (a, b) => g.matmul(a, g.transpose(b)), inputs: () => [rnd([3, 4]), rnd([5, 4])] },
  {
    name: 'gather',
    fn: (x) =>
      g.gather(
        x,
        1,
        idx([
          [2, 0, 2],
          [1, 1, 0],
        ]),
      ),
    inputs: () => [rnd([2, 3])],
  },
  { name: 'indexSelect', fn: (x) => g.indexSelect(x, 0, idx([2, 0, 2])), inputs: () => [rnd([3, 4])] },
  {
    name: 'scatterAdd',
    fn: (b, s) =>
      g.scatterAdd(
        b,
        0,
        idx([
          [1, 0],
          [1, 1],
        ]),
        s,
      ),
    inputs: () => [rnd([2, 2]), rnd([2, 2])],
  },
  { name: 'tril/triu', fn: (x) => g.tril(x).add(g.triu(x, 1).mul(2)), inputs: () => [rnd([3, 3])] },
  { name: 'maskedFill', fn: (x) => g.maskedFill(x, g.tensor([true, false, true]), 0.5).mul(x), inputs: () => [rnd([2, 3])] },
  // composites
  { name: 'softmax', fn: (x) => g.softmax(x, -1), inputs: () => [rnd([3, 5], -2, 2)] },
  { name: 'logSoftmax', fn: (x) => g.logSoftmax(x, 0), inputs: () => [rnd([3, 5], -2, 2)] },
  { name: 'gelu erf', fn: (x) => g.gelu(x), inputs: () => [rnd([3, 4], -3, 3)] },
  { name: 'gelu tanh', fn: (x) => g.gelu(x, 'tanh'), inputs: () => [rnd([3, 4], -3, 3)] },
  { name: 'silu', fn: (x) => g.silu(x), inputs: () => [rnd([3, 4], -3, 3)] },
  { name: 'leakyRelu', fn: (x) => g.leakyRelu(x, 0.1), inputs: () => [g.tensor([-0.7, 0.3, 1.2, -2], { dtype: 'float64' }).requiresGrad_()] },
  { name: 'layerNorm', fn: (x, w, b) => g.layerNorm(x, [5], w, b), inputs: () => [rnd([3, 5]), rnd([5]), rnd([5])] },
  { name: 'rmsNorm', fn: (x, w) => g.rmsNorm(x, w), inputs: () => [rnd([3, 5]), rnd([5])] },
  {
    name: 'embedding',
    fn: (w) =>
      g.embedding(
        w,
        idx([
          [0, 2],
          [3, 0],
        ]),
      ),
    inputs: () => [rnd([4, 3])],
  },
  { name: 'dropout (fixed mask)', fn: (x) => g.dropout(x, 0.5, true, { generator: new g.Generator(3) }), inputs: () => [rnd([4, 4])] },
  { name: 'crossEntropy', fn: (x) => g.crossEntropy(x, idx([0, 4, -100, 2]), { labelSmoothing: 0.1 }), inputs: () => [rnd([4, 5], -2, 2)] },
  {
    name: 'crossEntropy weighted',
    fn: (x) => g.crossEntropy(x, idx([0, 4, 1]), { weight: g.tensor([1, 2, 0.5, 1, 3], { dtype: 'float64' }), labelSmoothing: 0.2 }),
    inputs: () => [rnd([3, 5], -2, 2)],
  },
  { name: 'crossEntropy probs', fn: (x, p) => g.crossEntropy(x, g.softmax(p, -1)), inputs: () => [rnd([3, 4]), rnd([3, 4])] },
  {
    name: 'crossEntropy [N,C,L]',
    fn: (x) =>
      g.crossEntropy(
        x,
        idx([
          [0, 1],
          [2, 2],
        ]),
        { reduction: 'sum' },
      ),
    inputs: () => [rnd([2, 3, 2])],
  },
  { name: 'nllLoss', fn: (x) => g.nllLoss(g.logSoftmax(x), idx([1, -100, 0])), inputs: () => [rnd([3, 3])] },
  { name: 'mseLoss', fn: (a, b) => g.mseLoss(a, b), inputs: () => [rnd([3, 2]), rnd([3, 2])] },
  {
    name: 'attention',
    fn: (q, k, v) => g.scaledDotProductAttention(q, k, v, { causal: true }),
    inputs: () => [rnd([2, 3, 4]), rnd([2, 3, 4]), rnd([2, 3, 4])],
  },
  {
    name: 'attention additive mask',
    fn: (q, k, v, m) => g.scaledDotProductAttention(q, k, v, { mask: m }),
    inputs: () => [rnd([1, 2, 3, 4]), rnd([1, 2, 5, 4]), rnd([1, 2, 5, 4]), rnd([1, 1, 1, 5])],
  },
];

describe('gradcheck (float64, central differences)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(g.gradcheck(c.fn, c.inputs(), c.opts)).toBe(true);
  });

  it('covers every differentiable primitive', () => {
    const seen = new Set<string>();
    const visited = new Set<GradNode>();
    const visit = (node: GradNode | null) => {
      if (!node || visited.has(node)) return;
      visited.add(node);
      seen.add(node.op);
      for (const e of node.edges) visit(e?.node ?? null);
    };
    for (const c of cases) g.scope(() => visit(c.fn(...c.inputs())._node));
    const differentiable = Object.keys(gradRules);
    expect(differentiable.filter((op) => !seen.has(op))).toEqual([]);
  });

  it('gives the padding row of an embedding no gradient, as torch does', () => {
    const w = rnd([4, 3]);
    g.sum(
      g.embedding(
        w,
        idx([
          [0, 2],
          [3, 0],
        ]),
        3,
      ),
    ).backward();
    expect(w.grad!.arraySync()).toEqual([
      [2, 2, 2],
      [0, 0, 0],
      [1, 1, 1],
      [0, 0, 0],
    ]);
  });

  it('reports the element that disagrees', () => {
    // a deliberately wrong "gradient": detach hides half the dependency from autograd
    const bad = (x: Tensor) => g.mul(x, x.detach());
    expect(() => g.gradcheck(bad, [rnd([3])])).toThrow(/input 0 .* element 0/);
  });
});
