/**
 * The dtype rules every backend must keep, as PyTorch does (docs/architecture.md, "Tensors"): the
 * unary math functions compute integer inputs in float32; ops defined for floating point only
 * throw a DTypeError that names the op and the cast, instead of running a float kernel into an
 * integer output (softmax of an int32 tensor was all zeros); matmul does not promote.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';

/** Ops PyTorch defines for floating-point tensors only, each called on a [2, 2] integer or bool `x`. */
export const floatOnlyCases: { op: string; fn: (x: Tensor) => unknown }[] = [
  { op: 'softmax', fn: (x) => x.softmax() },
  { op: 'logSoftmax', fn: (x) => x.logSoftmax() },
  { op: 'gelu', fn: (x) => g.gelu(x) },
  { op: 'silu', fn: (x) => g.silu(x) },
  { op: 'leakyRelu', fn: (x) => g.leakyRelu(x) },
  // with both affine parameters, so that a backend's fused kernel would run
  { op: 'layerNorm', fn: (x) => g.layerNorm(x, [2], g.ones([2], { device: x.device }), g.zeros([2], { device: x.device })) },
  { op: 'rmsNorm', fn: (x) => g.rmsNorm(x) },
  { op: 'dropout', fn: (x) => g.dropout(x, 0.5) },
  { op: 'scaledDotProductAttention', fn: (x) => g.scaledDotProductAttention(x, x, x) },
  { op: 'crossEntropy', fn: (x) => g.crossEntropy(x, g.tensor([0, 1], { dtype: 'int32', device: x.device })) },
  { op: 'nllLoss', fn: (x) => g.nllLoss(x, g.tensor([0, 1], { dtype: 'int32', device: x.device })) },
  { op: 'mseLoss', fn: (x) => g.mseLoss(x, x) },
];

/** Unary math that PyTorch computes in floating point for integer inputs (`torch.exp(int_tensor)` is float). */
export const promotingUnaryCases: { op: string; fn: (x: Tensor) => Tensor }[] = [
  { op: 'exp', fn: g.exp },
  { op: 'log', fn: g.log },
  { op: 'sqrt', fn: g.sqrt },
  { op: 'rsqrt', fn: g.rsqrt },
  { op: 'reciprocal', fn: g.reciprocal },
  { op: 'tanh', fn: g.tanh },
  { op: 'sigmoid', fn: g.sigmoid },
  { op: 'erf', fn: g.erf },
  { op: 'sin', fn: g.sin },
  { op: 'cos', fn: g.cos },
];
