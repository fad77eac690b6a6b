/**
 * Optimizer updates as one op, so a backend can fuse them into a single kernel. Everything that
 * depends on the step (bias corrections, step size, the decay factor) is computed here, once, in
 * float64; kernels receive the resulting scalars and only apply them.
 */
import { ArgumentError, ShapeError } from '../errors';
import { scope } from '../memory';
import { formatShape, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { backendOf, runKernelOutputs } from './dispatch';
import { add, div, maximum, mul, sqrt, sub } from './elementwise';
import type { FusedAttrs } from './spec';

/** The hyper-parameters of one Adam/AdamW step, as `torch.optim.AdamW` names them. */
export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay: the parameter is scaled by `1 − lr·weightDecay` (0 for plain Adam). */
  weightDecay: number;
  /** The step being taken, counting from 1. */
  step: number;
}

/** The result of `adamwUpdate`: the new parameter and moments (the inputs are not touched). */
export interface AdamWResult {
  param: Tensor;
  expAvg: Tensor;
  expAvgSq: Tensor;
  /** The running maximum of `expAvgSq`, when the update was given one (AMSGrad). */
  maxExpAvgSq?: Tensor;
}

/** The scalars a kernel applies for step `h.step` (see `FusedAttrs['adamwUpdate']`). */
export function adamwScalars(h: AdamWHyper): FusedAttrs['adamwUpdate'] {
  if (!(Number.isInteger(h.step) && h.step >= 1)) throw new ArgumentError(`adamwUpdate: step counts from 1, got ${h.step}`);
  return {
    beta1: h.beta1,
    beta2: h.beta2,
    eps: h.eps,
    decay: 1 - h.lr * h.weightDecay,
    stepSize: h.lr / (1 - h.beta1 ** h.step),
    sqrtBiasCorrection2: Math.sqrt(1 - h.beta2 ** h.step),
  };
}

/**
 * One AdamW step (decoupled weight decay, bias-corrected moments, as `torch.optim.AdamW`):
 * returns the new parameter and moments without touching the inputs. With `maxExpAvgSq` it is
 * the AMSGrad variant, which normalises by the running maximum of the second moment and returns
 * the new maximum. Uses the backend's fused `adamwUpdate` kernel when it has one (AMSGrad always
 * runs as the composite).
 */
export function adamwUpdate(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, h: AdamWHyper, maxExpAvgSq?: Tensor | null): AdamWResult {
  const named: [string, Tensor | null | undefined][] = [
    ['grad', grad],
    ['expAvg', expAvg],
    ['expAvgSq', expAvgSq],
    ['maxExpAvgSq', maxExpAvgSq],
  ];
  for (const [name, t] of named) {
    if (t && !shapesEqual(t.shape, param.shape))
      throw new ShapeError(`adamwUpdate: ${name} ${formatShape(t.shape)} differs from param ${formatShape(param.shape)}`);
  }
  const s = adamwScalars(h);
  const inputs = [param, grad, expAvg, expAvgSq];
  const backend = backendOf('adamwUpdate', maxExpAvgSq ? [...inputs, maxExpAvgSq] : inputs);
  return scope(() => {
    if (maxExpAvgSq) return adamwStep(param, grad, expAvg, expAvgSq, s, maxExpAvgSq);
    if (!backend.kernels.adamwUpdate) return adamwStep(param, grad, expAvg, expAvgSq, s);
    const out = { shape: param.shape, dtype: param.dtype };
    const [p, m, v] = runKernelOutputs('adamwUpdate', inputs, s, [out, out, out], { backend });
    return { param: p, expAvg: m, expAvgSq: v };
  });
}

/** The composite AdamW step, the reference for fused kernels. */
export function adamwUpdateComposite(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, h: AdamWHyper, maxExpAvgSq?: Tensor | null): AdamWResult {
  return adamwStep(param, grad, expAvg, expAvgSq, adamwScalars(h), maxExpAvgSq);
}

/** The step on precomputed scalars, as the kernels compute it (PyTorch's order of operations). */
export function adamwStep(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  s: FusedAttrs['adamwUpdate'],
  maxExpAvgSq?: Tensor | null,
): AdamWResult {
  return scope(() => {
    const decayed = s.decay !== 1 ? mul(param, s.decay) : param;
    const m = add(mul(expAvg, s.beta1), mul(grad, 1 - s.beta1));
    const v = add(mul(expAvgSq, s.beta2), mul(mul(grad, grad), 1 - s.beta2));
    const vMax = maxExpAvgSq ? maximum(maxExpAvgSq, v) : null;
    // PyTorch: p -= lr/bc1 · m / (sqrt(v)/sqrt(bc2) + eps)
    const denom = add(div(sqrt(vMax ?? v), s.sqrtBiasCorrection2), s.eps);
    const next = sub(decayed, mul(div(m, denom), s.stepSize));
    return vMax ? { param: next, expAvg: m, expAvgSq: v, maxExpAvgSq: vMax } : { param: next, expAvg: m, expAvgSq: v };
  });
}
