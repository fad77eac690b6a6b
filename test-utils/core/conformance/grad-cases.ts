/**
 * Gradient cases of the conformance suite: one or more per differentiable rule of
 * `autograd/rules.ts` and per composite. The suite runs each graph's backward pass on the
 * backend under test and compares the gradients with the CPU's float64 gradients of the same
 * graph (which gradcheck verifies against finite differences); a coverage test fails when a
 * rule is not reached by any case.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { f32, ivals, vals, type HostInput } from './inputs';

export interface GradCase {
  name: string;
  inputs: HostInput[];
  /** Inputs that get gradients (default: every float input). */
  wrt?: number[];
  fn: (...t: Tensor[]) => Tensor;
}

const k = (name: string, inputs: HostInput[], fn: GradCase['fn'], wrt?: number[]): GradCase => ({ name, inputs, fn, wrt });
/** `arange` with the dtype and device of `like`: constants must live where the graph runs. */
const ar = (n: number, like: Tensor) => g.arange(n, undefined, 1, { dtype: like.dtype, device: like.device });
const pos = (shape: number[]) => f32(shape, 0.5, 2);

export const gradCases: GradCase[] = [
  ...(['neg', 'exp', 'tanh', 'sigmoid', 'erf', 'sin', 'cos', 'abs', 'relu'] as const).map((op) => k(op, [f32([3, 4], -2, 2)], (x) => g[op](x))),
  k('log, sqrt, rsqrt, reciprocal', [pos([3, 4])], (x) => g.add(g.add(g.log(x), g.sqrt(x)), g.add(g.rsqrt(x), g.reciprocal(x)))),
  k('add/sub/mul broadcast', [f32([3, 4]), f32([4]), f32([3, 1])], (a, b, c) => g.mul(g.sub(g.add(a, b), c), g.add(c, b))),
  k('div', [f32([3, 4]), pos([3, 4])], (a, b) => g.div(a, b)),
  k('pow', [pos([3, 4]), f32([3, 4])], (a, b) => g.pow(a, b)),
  k('pow scalar', [f32([5])], (a) => g.pow(a, 3)),
  k('maximum/minimum', [f32([3, 4]), f32([4])], (a, b) => g.add(g.maximum(a, b), g.minimum(a, b))),
  k('mod', [vals([1.3, -2.6, 3.7]), vals([0.7, 0.9, -1.1])], (a, b) => g.mod(a, b)),
  k('where and clamp', [f32([3, 4]), f32([4])], (a, b) => g.add(g.where(g.gt(a, 0), a, b), g.clamp(a, -0.5, 0.5))),
  k('cast float32 round trip', [f32([4])], (x) => g.mul(g.cast(g.cast(x, 'float32'), x.dtype), x)),
  k('sum, mean', [f32([2, 3, 4])], (x) => g.add(g.sum(x, [0, 2]), g.mean(g.mean(x, 1, true), [0, 2]))),
  k('prod', [pos([3, 4])], (x) => g.prod(x, 1)),
  k('max, min', [f32([3, 5])], (x) => g.add(g.max(x, 1), g.min(x))),
  k('variance, std, logsumexp', [f32([3, 5], -3, 3)], (x) => g.add(g.add(g.variance(x, -1), g.std(x, 1, { correction: 0 })), g.logsumexp(x, 1))),
  k('reshape+permute', [f32([2, 3, 4])], (x) => g.mul(g.permute(g.reshape(x, [4, 6]), [1, 0]), ar(4, x))),
  k('expand', [f32([3, 1])], (x) => g.mul(g.expand(x, [2, 3, 4]), g.reshape(ar(24, x), [2, 3, 4]))),
  k('slice strided', [f32([4, 3])], (x) =>
    g.exp(
      g.slice(x, [
        [0, 3, 2],
        [1, null],
      ]),
    ),
  ),
  k('transpose contiguous', [f32([3, 4])], (x) => g.mul(g.contiguous(g.transpose(x)), g.reshape(ar(12, x), [4, 3]))),
  k('pad', [f32([2, 3])], (x) =>
    g.exp(
      g.pad(
        x,
        [
          [1, 2],
          [0, 1],
        ],
        3,
      ),
    ),
  ),
  k('concat', [f32([2, 3]), f32([2, 1])], (a, b) => g.exp(g.concat([a, b, a], 1))),
  k('stack+split', [f32([2, 3]), f32([2, 3])], (a, b) => g.mul(g.split(g.stack([a, b], 0), [1, 1])[1], a)),
  k('squeeze/unsqueeze/flatten', [f32([2, 1, 3])], (x) => g.exp(g.flatten(g.unsqueeze(g.squeeze(x, 1), 0)))),
  k('matmul', [f32([3, 4]), f32([4, 2])], (a, b) => g.matmul(a, b)),
  k('matmul batched broadcast', [f32([2, 3, 4]), f32([4, 2])], (a, b) => g.matmul(a, b)),
  k('matmul vector', [f32([4]), f32([2, 4, 3])], (a, b) => g.matmul(a, b)),
  k('matmul transposed', [f32([3, 4]), f32([5, 4])], (a, b) => g.matmul(a, g.transpose(b))),
  k('gather', [f32([2, 3]), ivals([2, 0, 2, 1, 1, 0], [2, 3])], (x, i) => g.gather(x, 1, i), [0]),
  k('indexSelect', [f32([3, 4]), ivals([2, 0, 2])], (x, i) => g.indexSelect(x, 0, i), [0]),
  k('scatterAdd', [f32([2, 2]), ivals([1, 0, 1, 1], [2, 2]), f32([2, 2])], (b, i, s) => g.scatterAdd(b, 0, i, s), [0, 2]),
  k('tril/triu', [f32([3, 3])], (x) => g.add(g.tril(x), g.mul(g.triu(x, 1), 2))),
  k('maskedFill', [f32([2, 3])], (x) => g.mul(g.maskedFill(x, g.tensor([true, false, true], { device: x.device }), 0.5), x)),
  k('softmax', [f32([3, 5], -2, 2)], (x) => g.softmax(x, -1)),
  k('logSoftmax', [f32([3, 5], -2, 2)], (x) => g.logSoftmax(x, 0)),
  // strided rows longer than a workgroup, and a short axis in the middle
  k('softmax and logSoftmax of permuted views', [f32([3, 70, 2], -3, 3)], (x) =>
    g.add(g.softmax(g.permute(x, [0, 2, 1]), -1), g.logSoftmax(g.permute(x, [0, 2, 1]), 1)),
  ),
  k('gelu erf', [f32([3, 4], -3, 3)], (x) => g.gelu(x)),
  k('gelu tanh', [f32([3, 4], -3, 3)], (x) => g.gelu(x, 'tanh')),
  k('silu, leakyRelu', [f32([3, 4], -3, 3)], (x) => g.add(g.silu(x), g.leakyRelu(x, 0.1))),
  k('layerNorm', [f32([3, 5]), f32([5]), f32([5])], (x, w, b) => g.layerNorm(x, [5], w, b)),
  // strided x, weight and upstream gradient, two normalised dims, more rows than a workgroup:
  // the paths of a backend's fused backward kernel that the dense case above does not reach
  k('layerNorm over two dims of strided views', [f32([5, 70, 3]), f32([3, 6]), f32([3, 6])], (x, w, b) =>
    g.permute(g.layerNorm(g.permute(x, [1, 2, 0]), [3, 5], g.slice(w, [null, [0, 5]]), g.slice(b, [null, [1, 6]]), 1e-6), [2, 0, 1]),
  ),
  k('gelu of a transposed view', [f32([4, 3], -3, 3)], (x) => g.mul(g.gelu(g.transpose(x)), g.reshape(ar(12, x), [3, 4]))),
  k('rmsNorm', [f32([3, 5]), f32([5])], (x, w) => g.rmsNorm(x, w)),
  k('embedding', [f32([4, 3]), ivals([0, 2, 3, 0], [2, 2])], (w, i) => g.embedding(w, i), [0]),
  k(
    'crossEntropy with label smoothing and ignore index',
    [f32([4, 5], -2, 2), ivals([0, 4, -100, 2])],
    (x, t) => g.crossEntropy(x, t, { labelSmoothing: 0.1 }),
    [0],
  ),
  k('crossEntropy probs', [f32([3, 4]), f32([3, 4])], (x, p) => g.crossEntropy(x, g.softmax(p, -1))),
  k('nllLoss, mseLoss', [f32([3, 3]), f32([3, 3])], (x, y) => g.add(g.nllLoss(g.logSoftmax(x), g.tensor([1, -100, 0], { device: x.device })), g.mseLoss(x, y))),
  k('attention causal', [f32([2, 3, 4]), f32([2, 3, 4]), f32([2, 3, 4])], (q, kk, v) => g.scaledDotProductAttention(q, kk, v, { causal: true })),
  k('attention additive mask', [f32([1, 2, 3, 4]), f32([1, 2, 5, 4]), f32([1, 2, 5, 4]), f32([1, 1, 1, 5])], (q, kk, v, m) =>
    g.scaledDotProductAttention(q, kk, v, { mask: m }),
  ),
  // a constant mask (no gradient) and k, v shared across the batch: a backend's fused attention
  // backward takes this one, where the mask's gradient above needs the composite
  k(
    'attention constant mask, broadcast k and v',
    [f32([2, 2, 3, 4]), f32([1, 2, 5, 4]), f32([1, 2, 5, 4]), f32([2, 1, 3, 5], -3, 0)],
    (q, kk, v, m) => g.scaledDotProductAttention(q, kk, v, { mask: m, scale: 0.7 }),
    [0, 1, 2],
  ),
];
