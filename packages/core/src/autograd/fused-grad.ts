/**
 * Gradients of fused kernels. By default the composite is re-run on the saved inputs and
 * differentiated, so a fused forward kernel never needs a hand-written backward to be correct;
 * where a backend has a fused backward kernel (GELU, layerNorm, softmax, logSoftmax, attention),
 * the rule calls it instead.
 */
import type { Backend } from '../backend/backend';
import { isFloat } from '../dtype';
import { adopt, scope } from '../memory';
import { compositeOf } from '../ops/composites';
import { backendOf, runKernel, runKernelOutputs } from '../ops/dispatch';
import type { DifferentiableFusedOp } from '../ops/fused';
import type { FusedAttrs } from '../ops/spec';
import type { Tensor } from '../tensor';
import { enableGrad } from './graph';

/** Vector-Jacobian product of a fused op, by differentiating its composite on the saved inputs. */
export function fusedBackward<K extends DifferentiableFusedOp>(
  op: K,
  saved: readonly (Tensor | null)[],
  attrs: FusedAttrs[K],
  g: Tensor,
  wanted: readonly boolean[],
): (Tensor | null)[] {
  const leaves = saved.map((t, i) => (t && wanted[i] && isFloat(t.dtype) ? t.detach().requiresGrad_() : (t?.detach() ?? null)));
  const composite = compositeOf(op) as (inputs: Tensor[], attrs: FusedAttrs[K]) => Tensor;
  enableGrad(() => scope(() => composite(leaves as Tensor[], attrs).backward(g)));
  return leaves.map((leaf, i) => {
    if (!leaf || !wanted[i]) {
      leaf?.dispose();
      return null;
    }
    const grad = leaf.grad;
    leaf.grad = null;
    leaf.dispose();
    return grad ? adopt(grad) : null;
  });
}

/**
 * Gradients of `gelu`, `layerNorm`, `softmax`, `logSoftmax` or `attention` from the backend's
 * fused backward kernel, or null when the backend has none (the rule then differentiates the
 * composite). Same contract as `fusedBackward`.
 */
export function fusedBackwardKernel(
  op: 'gelu' | 'layerNorm' | 'softmax' | 'logSoftmax' | 'attention',
  saved: readonly (Tensor | null)[],
  attrs: FusedAttrs['gelu'] | FusedAttrs['layerNorm'] | FusedAttrs['softmax'] | FusedAttrs['attention'],
  g: Tensor,
  wanted: readonly boolean[],
): (Tensor | null)[] | null {
  const x = saved[0];
  if (!x || g.dtype !== x.dtype) return null;
  const backend = backendOf(op, [x, g]);
  if (op === 'attention') return attentionBackwardKernel(backend, saved, attrs as FusedAttrs['attention'], g, wanted);
  if (op === 'softmax' || op === 'logSoftmax') {
    const kernel = op === 'softmax' ? 'softmaxBackward' : 'logSoftmaxBackward';
    if (!backend.kernels[kernel]) return null;
    return [runKernel(kernel, [x, g], attrs as FusedAttrs['softmax'], x.shape, x.dtype, { backend, name: op })];
  }
  if (op === 'gelu') {
    if (!backend.kernels.geluBackward) return null;
    return [runKernel('geluBackward', [x, g], attrs as FusedAttrs['gelu'], x.shape, x.dtype, { backend, name: 'gelu' })];
  }
  const w = saved[1];
  if (!backend.kernels.layerNormBackward || !w || w.dtype !== x.dtype) return null;
  return scope(() => {
    const outs = [x.shape, w.shape, w.shape].map((shape) => ({ shape, dtype: x.dtype }));
    const grads = runKernelOutputs('layerNormBackward', [x, w, g], attrs as FusedAttrs['layerNorm'], outs, { backend, name: 'layerNorm' });
    return grads.map((grad, i) => (wanted[i] ? grad : null));
  });
}

/** The attention case: q, k and v of one float dtype, and no gradient wanted for a mask. */
function attentionBackwardKernel(
  backend: Backend,
  saved: readonly (Tensor | null)[],
  attrs: FusedAttrs['attention'],
  g: Tensor,
  wanted: readonly boolean[],
): (Tensor | null)[] | null {
  const [q, k, v, mask] = saved;
  if (!backend.kernels.attentionBackward || !q || !k || !v || k.dtype !== q.dtype || v.dtype !== q.dtype || (mask && wanted[3])) return null;
  return scope(() => {
    const inputs = mask ? [q, k, v, g, mask] : [q, k, v, g];
    const outs = [q.shape, k.shape, v.shape].map((shape) => ({ shape, dtype: q.dtype }));
    const grads = runKernelOutputs('attentionBackward', inputs, attrs, outs, { backend, name: 'scaledDotProductAttention' });
    return saved.map((_, i) => (i < 3 && wanted[i] ? grads[i] : null));
  });
}
