/** Optimizer updates as one op, so a backend can fuse them into a single kernel. */
import { ShapeError } from '../errors';
import { scope } from '../memory';
import { shapesEqual, formatShape } from '../shape';
import type { Tensor } from '../tensor';
import { backendOf, runKernel } from './dispatch';
import { add, div, mul, sqrt, sub } from './elementwise';
import { slice } from './views';
import type { FusedAttrs } from './spec';

export type AdamWHyper = FusedAttrs['adamwUpdate'];

/**
 * One AdamW step (decoupled weight decay, bias-corrected moments, as `torch.optim.AdamW`):
 * returns the new parameter and moments without touching the inputs. Uses the backend's fused
 * `adamwUpdate` kernel when it has one.
 */
export function adamwUpdate(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, h: AdamWHyper): { param: Tensor; expAvg: Tensor; expAvgSq: Tensor } {
  for (const [name, t] of [['grad', grad], ['expAvg', expAvg], ['expAvgSq', expAvgSq]] as const) {
    if (!shapesEqual(t.shape, param.shape)) throw new ShapeError(`adamwUpdate: ${name} ${formatShape(t.shape)} differs from param ${formatShape(param.shape)}`);
  }
  const backend = backendOf('adamwUpdate', [param, grad, expAvg, expAvgSq]);
  return scope(() => {
    if (backend.kernels.adamwUpdate) {
      const packed = runKernel('adamwUpdate', [param, grad, expAvg, expAvgSq], h, [3, ...param.shape], param.dtype, backend);
      return { param: slice(packed, [0]), expAvg: slice(packed, [1]), expAvgSq: slice(packed, [2]) };
    }
    return adamwUpdateComposite(param, grad, expAvg, expAvgSq, h);
  });
}

/** The composite AdamW step, the reference for fused kernels. */
export function adamwUpdateComposite(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, h: AdamWHyper): { param: Tensor; expAvg: Tensor; expAvgSq: Tensor } {
  return scope(() => {
    const decayed = h.weightDecay ? mul(param, 1 - h.lr * h.weightDecay) : param;
    const m = add(mul(expAvg, h.beta1), mul(grad, 1 - h.beta1));
    const v = add(mul(expAvgSq, h.beta2), mul(mul(grad, grad), 1 - h.beta2));
    const bc1 = 1 - h.beta1 ** h.step;
    const bc2 = 1 - h.beta2 ** h.step;
    // PyTorch: p -= lr/bc1 · m / (sqrt(v)/sqrt(bc2) + eps)
    const denom = add(div(sqrt(v), Math.sqrt(bc2)), h.eps);
    return { param: sub(decayed, mul(div(m, denom), h.lr / bc1)), expAvg: m, expAvgSq: v };
  });
}
