/**
 * Forward cases of the conformance suite: every primitive (each unary, binary and reduce op),
 * every fused kernel, on strided, permuted, broadcast and sliced views, in every dtype a backend
 * must hold. Values at the edges of the CPU reference's semantics (NaN, ties, halves, signs of
 * mod operands, out-of-order axes) are included on purpose.
 */
import type { OpClass } from '../../close';
import * as g from '@graft/core';
import { BINARY_OPS, UNARY_OPS, type Tensor } from '@graft/core';
import { padRaw } from '@graft/core/internal';
import { bools, f32, ints, ivals, vals, type HostInput } from './inputs';

export interface ForwardCase {
  name: string;
  cls: OpClass;
  inputs: HostInput[];
  fn: (...t: Tensor[]) => Tensor | Tensor[];
}

const c = (name: string, cls: OpClass, inputs: HostInput[], fn: ForwardCase['fn']): ForwardCase => ({ name, cls, inputs, fn });

/** Inputs in each unary op's domain; a [5, 3] tensor read transposed to exercise strides. */
const unaryDomain: Record<string, [number, number]> = { log: [0.1, 3], sqrt: [0, 3], rsqrt: [0.1, 3], recip: [0.2, 3] };

const UNARY_FN: Record<(typeof UNARY_OPS)[number], (x: Tensor) => Tensor> = {
  neg: g.neg,
  abs: g.abs,
  sign: g.sign,
  exp: g.exp,
  log: g.log,
  sqrt: g.sqrt,
  rsqrt: g.rsqrt,
  recip: g.reciprocal,
  tanh: g.tanh,
  sigmoid: g.sigmoid,
  relu: g.relu,
  erf: g.erf,
  sin: g.sin,
  cos: g.cos,
  floor: g.floor,
  ceil: g.ceil,
  round: g.round,
  logicalNot: g.logicalNot,
};

const BINARY_FN: Record<(typeof BINARY_OPS)[number], (a: Tensor, b: Tensor) => Tensor> = {
  add: g.add,
  sub: g.sub,
  mul: g.mul,
  div: g.div,
  pow: g.pow,
  maximum: g.maximum,
  minimum: g.minimum,
  mod: g.mod,
  eq: g.eq,
  ne: g.ne,
  lt: g.lt,
  le: g.le,
  gt: g.gt,
  ge: g.ge,
  logicalAnd: g.logicalAnd,
  logicalOr: g.logicalOr,
};

const specials = vals([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0, -0, 2.4, -2.6, 7, -7, 1e-3, 30, -30]);

export const forwardCases: ForwardCase[] = [
  // ---- unary: every op, strided input, and the special values ----
  ...UNARY_OPS.filter((op) => op !== 'logicalNot').map((op) =>
    c(`unary ${op} (transposed view)`, 'elementwise', [f32([5, 3], ...(unaryDomain[op] ?? [-3, 3]))], (x) => UNARY_FN[op](x.transpose())),
  ),
  ...(['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round', 'tanh', 'sigmoid', 'erf', 'exp'] as const).map((op) =>
    c(`unary ${op} (special values)`, 'elementwise', [specials], (x) => UNARY_FN[op](x)),
  ),
  c('unary logicalNot (bool)', 'elementwise', [bools([4, 3])], (x) => g.logicalNot(x)),
  c('unary on int32 (neg, abs, sign, relu)', 'elementwise', [ivals([-3, 0, 5, -1, 2, 7])], (x) => [g.neg(x), g.abs(x), g.sign(x), g.relu(x), g.round(x)]),
  c('unary float-only op on int32 (exp)', 'elementwise', [ints([6], -3, 3)], (x) => g.exp(x)),
  // ---- binary: every op, broadcast on both sides ----
  ...BINARY_OPS.filter((op) => op !== 'logicalAnd' && op !== 'logicalOr' && op !== 'pow').map((op) =>
    c(`binary ${op} (broadcast [3,1] x [1,4])`, 'elementwise', [f32([3, 1], -2, 2), f32([1, 4], 0.5, 2)], (a, b) => BINARY_FN[op](a, b)),
  ),
  c('binary pow (positive base)', 'elementwise', [f32([3, 4], 0.1, 3), f32([4], -2, 3)], (a, b) => g.pow(a, b)),
  c('binary pow (signed base, integer exponent)', 'elementwise', [vals([-2, -3, 0, 2, -0.5, 0]), vals([3, 2, 2, -1, -3, 0])], (a, b) => g.pow(a, b)),
  c('binary mod (operand signs)', 'elementwise', [vals([5, -5, 5, -5, 5.5, -7.25, 0]), vals([3, 3, -3, -3, 2, 2, 4])], (a, b) => g.mod(a, b)),
  c('binary maximum/minimum propagate NaN', 'elementwise', [vals([NaN, 1, 2, NaN]), vals([0, NaN, 1, NaN])], (a, b) => [g.maximum(a, b), g.minimum(a, b)]),
  c('binary comparisons with ties', 'elementwise', [vals([1, 2, 3, 4]), vals([1, 3, 3, 2])], (a, b) => [
    g.eq(a, b),
    g.ne(a, b),
    g.lt(a, b),
    g.le(a, b),
    g.gt(a, b),
    g.ge(a, b),
  ]),
  c('binary logicalAnd/logicalOr (bool)', 'elementwise', [bools([3, 4]), bools([4])], (a, b) => [g.logicalAnd(a, b), g.logicalOr(a, b)]),
  c('binary on int32 (wrapping arithmetic, mod, pow, true division)', 'elementwise', [ivals([7, -7, 12, 0, 3, -4]), ivals([2, 3, -5, 4, 3, 2])], (a, b) => [
    g.add(a, b),
    g.sub(a, b),
    g.mul(a, b),
    g.mod(a, b),
    g.pow(a, g.abs(b)),
    g.div(a, b),
    g.maximum(a, b),
    g.minimum(a, b),
    g.lt(a, b),
  ]),
  c('binary with a scalar', 'elementwise', [f32([2, 3])], (a) => [g.mul(a, 0.5), g.sub(2, a), g.add(a, true)]),
  c('binary on a sliced view with steps', 'elementwise', [f32([6, 5])], (a) =>
    g.add(
      g.slice(a, [
        [0, 6, 2],
        [1, 5, 3],
      ]),
      1,
    ),
  ),
  // ---- where, cast, contiguous ----
  c('where (broadcast condition)', 'elementwise', [bools([4]), f32([3, 4]), f32([3, 1])], (cnd, a, b) => g.where(cnd, a, b)),
  c('where on int32 values and a float condition', 'elementwise', [f32([5], -1, 1), ints([5], -9, 9)], (x, i) => g.where(x, i, 7)),
  c('cast float32 -> int32 truncates, -> bool, bool -> float32', 'elementwise', [vals([-1.7, 2.9, 0, -0.2, 3.5, 1e6])], (x) => [
    g.cast(x, 'int32'),
    g.cast(x, 'bool'),
    g.cast(g.cast(x, 'bool'), 'float32'),
    g.cast(g.cast(x, 'int32'), 'float32'),
  ]),
  c('cast int32/bool -> others', 'elementwise', [ivals([-2, 0, 3]), bools([3])], (i, b) => [g.cast(i, 'bool'), g.cast(i, 'float32'), g.cast(b, 'int32')]),
  c('contiguous of a permuted 3-D view', 'elementwise', [f32([2, 3, 4])], (x) => g.contiguous(g.permute(x, [2, 0, 1]))),
  c('contiguous of an expanded view', 'elementwise', [f32([3, 1])], (x) => g.contiguous(g.expand(x, [2, 3, 4]))),
  c('contiguous int32 and bool', 'elementwise', [ints([3, 4], -5, 5), bools([3, 4])], (i, b) => [g.contiguous(i.transpose()), g.contiguous(b.transpose())]),
  // ---- reductions ----
  ...(['sum', 'prod', 'max', 'min'] as const).map((op) =>
    c(`reduce ${op} over axes [0, 2] of a permuted view`, 'reduction', [f32([3, 4, 5], 0.5, 1.5)], (x) => g[op](g.permute(x, [1, 0, 2]), [0, 2])),
  ),
  c('reduce sum over every axis, and keepDims', 'reduction', [f32([4, 6])], (x) => [g.sum(x), g.sum(x, 1, true), g.mean(x, 0)]),
  c('reduce sum of 300 elements per row (workgroup path)', 'reduction', [f32([3, 300])], (x) => [g.sum(x, 1), g.max(x, 1), g.min(x.transpose(), 0)]),
  c('reduce sum/max of int32 and bool', 'reduction', [ints([3, 5], -9, 9), bools([3, 5])], (i, b) => [g.sum(i, 1), g.max(i, 0), g.prod(i, 0), g.sum(b)]),
  c('reduce max/min propagate NaN', 'reduction', [vals([1, NaN, 3, 4, 5, 6], [2, 3])], (x) => [g.max(x, 1), g.min(x, 1)]),
  c('argmax/argmin: first index on ties, NaN wins', 'reduction', [vals([1, 7, 7, 9, 0, 0, 2, NaN, 5], [3, 3])], (x) => [
    g.argmax(x, 1),
    g.argmin(x, 1),
    g.argmax(x, 0),
    g.argmin(x.transpose(), 1),
    g.argmax(x),
  ]),
  c('argmax of int32', 'reduction', [ivals([3, 9, 9, -1, 4, 2], [2, 3])], (x) => [g.argmax(x, 1), g.argmin(x, 0)]),
  // ---- matmul ----
  c('matmul 2-D with ragged edges (5x7 @ 7x9)', 'matmul', [f32([5, 7]), f32([7, 9])], (a, b) => g.matmul(a, b)),
  c('matmul larger than one tile (33x17 @ 17x40)', 'matmul', [f32([33, 17]), f32([17, 40])], (a, b) => g.matmul(a, b)),
  c('matmul over several column and row tiles (20x8 @ 8x300, b transposed)', 'matmul', [f32([20, 8]), f32([300, 8])], (a, b) => g.matmul(a, b.transpose())),
  c('matmul batched with broadcast batch dims', 'matmul', [f32([2, 1, 3, 4]), f32([3, 4, 5])], (a, b) => g.matmul(a, b)),
  c('matmul with transposed operands (a^T @ b^T)', 'matmul', [f32([6, 4]), f32([5, 6])], (a, b) => g.matmul(a.transpose(), b.transpose())),
  c('matmul vector cases', 'matmul', [f32([4]), f32([2, 4, 3])], (v, m) => [g.matmul(v, m), g.matmul(m.transpose(), v)]),
  c('matmul int32', 'matmul', [ints([3, 4], -5, 5), ints([4, 2], -5, 5)], (a, b) => g.matmul(a, b)),
  c('matmul with K = 0', 'matmul', [f32([3, 0]), f32([0, 2])], (a, b) => g.matmul(a, b)),
  // ---- movement ----
  c('pad with interior padding and a value', 'elementwise', [f32([2, 3])], (x) =>
    padRaw(
      x,
      [
        [1, 2, 1],
        [0, 1, 2],
      ],
      9,
    ),
  ),
  c('pad of a transposed view, int32 and bool', 'elementwise', [f32([3, 2]), ints([2, 2], 0, 9), bools([2, 2])], (x, i, b) => [
    g.pad(
      x.transpose(),
      [
        [1, 0],
        [0, 2],
      ],
      -1,
    ),
    g.pad(
      i,
      [
        [0, 1],
        [1, 1],
      ],
      5,
    ),
    g.pad(
      b,
      [
        [1, 0],
        [0, 0],
      ],
      1,
    ),
  ]),
  c('concat of views along axis 1', 'elementwise', [f32([2, 3]), f32([1, 2]), f32([2, 4])], (a, b, d) =>
    g.concat([a, g.expand(b, [2, 2]), d.transpose().transpose(), a], 1),
  ),
  c('concat along axis 0, stack and split', 'elementwise', [f32([2, 3]), f32([3, 3])], (a, b) => [g.concat([a, b]), g.stack([a, a], 1), ...g.split(b, [1, 2])]),
  // ---- indexing ----
  c('gather along axis 1 and 0', 'elementwise', [f32([3, 4]), ivals([3, 0, 3, 1, 1, 2], [3, 2]), ivals([2, 0, 1, 1], [2, 2])], (x, i, j) => [
    g.gather(x, 1, i),
    g.gather(x, 0, j),
    g.gather(x.transpose(), 1, j),
  ]),
  c('indexSelect and embedding rows', 'elementwise', [f32([5, 3]), ivals([4, 0, 4, 2])], (w, i) => [
    g.indexSelect(w, 0, i),
    g.embedding(w, g.reshape(i, [2, 2])),
  ]),
  c(
    'scatterAdd with duplicate indices (float32 and int32)',
    'elementwise',
    [f32([2, 3]), ivals([2, 0, 2, 1, 1, 1], [2, 3]), f32([2, 3]), ints([2, 3], -5, 5), ivals([1, 0, 1], [1, 3])],
    (base, idx, src, isrc, idx0) => [
      g.scatterAdd(base, 1, idx, src),
      g.scatterAdd(g.zeros([2, 3], { dtype: 'int32', device: base.device }), 1, idx, isrc),
      g.scatterAdd(base, 0, idx0, src),
    ],
  ),
  c('tril, triu and oneHot', 'elementwise', [f32([4, 4]), ivals([0, 2, 1])], (x, i) => [g.tril(x), g.triu(x, 1), g.oneHot(i, 3)]),
  // ---- fused composites ----
  ...[0, 1, -1].map((axis) =>
    c(`softmax/logSoftmax over axis ${axis} of a strided view`, 'composite', [f32([4, 6], -4, 4)], (x) => [
      g.softmax(x.transpose(), axis),
      g.logSoftmax(x.transpose(), axis),
    ]),
  ),
  c('softmax over 200 classes and a row of -inf', 'composite', [f32([3, 200], -8, 8)], (x) => [
    g.softmax(x, -1),
    g.logSoftmax(x, -1),
    g.softmax(g.fullLike(g.slice(x, [[0, 1]]), -Infinity), -1),
  ]),
  ...(['none', 'tanh'] as const).map((approx) => c(`gelu (${approx})`, 'composite', [f32([5, 7], -5, 5)], (x) => g.gelu(x.transpose(), approx))),
  c('layerNorm over one and two trailing dims', 'composite', [f32([3, 4, 5], -2, 2), f32([5]), f32([5]), f32([4, 5]), f32([4, 5])], (x, w, b, w2, b2) => [
    g.layerNorm(x, [5], w, b),
    g.layerNorm(x.transpose(0, 1), [3, 5], g.reshape(w2, [4, 5]).slice([[0, 3]]), b2.slice([[1, 4]]), 1e-6),
    g.layerNorm(x, [5]),
  ]),
  c('attention without a mask (Lq != Lk)', 'composite', [f32([2, 2, 3, 4]), f32([2, 1, 5, 4]), f32([2, 1, 5, 6])], (q, k, v) =>
    g.scaledDotProductAttention(q, k, v, { scale: 0.5 }),
  ),
  c('attention with an additive mask', 'composite', [f32([2, 3, 4]), f32([2, 5, 4]), f32([2, 5, 6]), bools([2, 1, 5], 0.7)], (q, k, v, m) =>
    g.scaledDotProductAttention(q, k, v, { mask: g.where(m, 0, -1e9).cast(q.dtype) }),
  ),
  c('attention, causal, 70 keys (two tiles) and head dim 70', 'composite', [f32([1, 70, 8]), f32([1, 70, 8]), f32([1, 70, 70])], (q, k, v) =>
    g.scaledDotProductAttention(q, k, v, { causal: true }),
  ),
  c('adamwUpdate', 'composite', [f32([10]), f32([10]), f32([10]), f32([10], 0, 1)], (p, gr, m, v) => {
    const r = g.adamwUpdate(p, gr, m, v, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 3 });
    return [r.param, r.expAvg, r.expAvgSq];
  }),
  // ---- composites built from primitives ----
  c('crossEntropy, variance, logsumexp, silu', 'composite', [f32([4, 5], -2, 2), ivals([0, 4, 1, 2])], (x, t) => [
    g.crossEntropy(x, t),
    g.variance(x, 1),
    g.logsumexp(x, 0),
    g.silu(x),
    g.std(x),
  ]),
];
