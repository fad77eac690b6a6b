/**
 * Fusable composites. Each has a composite implementation (the reference) and may be replaced
 * by a backend's fused kernel of the same name. Gradients through a fused kernel are computed by
 * re-running the composite on the saved inputs and differentiating it, so a fused forward kernel
 * never needs a hand-written backward to be correct.
 */
import { enableGrad } from '../autograd/graph';
import { isFloat } from '../dtype';
import { adopt, scope } from '../memory';
import type { Tensor } from '../tensor';
import { backendOf, record, runKernel } from './dispatch';
import type { AttrsOf, FusedAttrs, FusedOp, KernelAttrs } from './spec';
import { narrow, reshape } from './movement';

export type DifferentiableFusedOp = Exclude<FusedOp, 'adamwUpdate'>;
type Composite<K extends DifferentiableFusedOp> = (inputs: Tensor[], attrs: FusedAttrs[K]) => Tensor;

const composites: { [K in DifferentiableFusedOp]?: Composite<K> } = {};

/** @internal each composite file registers its reference implementation here */
export function defineComposite<K extends DifferentiableFusedOp>(op: K, fn: Composite<K>): void {
  (composites as Record<string, unknown>)[op] = fn;
}

/** The composite (reference) implementation of a fusable op. */
export function compositeOf<K extends DifferentiableFusedOp>(op: K): Composite<K> {
  const fn = composites[op] as Composite<K> | undefined;
  if (!fn) throw new Error(`no composite registered for '${op}'`);
  return fn;
}

/**
 * Runs `op` as the backend's fused kernel when it has one, and as the composite otherwise.
 * `shape`/`dtype` describe the output of the fused kernel.
 */
export function fused<K extends DifferentiableFusedOp>(op: K, inputs: Tensor[], attrs: FusedAttrs[K], shape: readonly number[], dtype = inputs[0].dtype): Tensor {
  const backend = backendOf(op, inputs);
  if (!backend.kernels[op]) return compositeOf(op)(inputs, attrs);
    const out = runKernel(op, inputs, attrs as KernelAttrs[K], shape, dtype, backend);
  return scope(() => record(op, inputs, out, attrs as AttrsOf<K>));
}

/** Vector-Jacobian product of a fused op, by differentiating its composite on the saved inputs. */
export function fusedBackward<K extends DifferentiableFusedOp>(op: K, saved: readonly (Tensor | null)[], attrs: FusedAttrs[K], g: Tensor, wanted: readonly boolean[]): (Tensor | null)[] {
  const leaves = saved.map((t, i) => (t && wanted[i] && isFloat(t.dtype) ? t.detach().requiresGrad_() : t?.detach() ?? null));
  enableGrad(() => scope(() => compositeOf(op)(leaves as Tensor[], attrs).backward(g)));
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
 * Gradients of `gelu` or `layerNorm` from the backend's fused backward kernel, or null when the
 * backend has none (the rule then differentiates the composite). Same contract as `fusedBackward`.
 */
export function fusedBackwardKernel(op: 'gelu' | 'layerNorm', saved: readonly (Tensor | null)[], attrs: FusedAttrs['gelu'] | FusedAttrs['layerNorm'], g: Tensor, wanted: readonly boolean[]): (Tensor | null)[] | null {
  const x = saved[0];
  if (!x || g.dtype !== x.dtype) return null;
  const backend = backendOf(op, [x, g]);
  if (op === 'gelu') {
    if (!backend.kernels.geluBackward) return null;
    return [runKernel('geluBackward', [x, g], attrs as FusedAttrs['gelu'], x.shape, x.dtype, backend)];
  }
  const w = saved[1];
  if (!backend.kernels.layerNormBackward || !w || w.dtype !== x.dtype) return null;
  const n = w.size;
  const flat = runKernel('layerNormBackward', [x, w, g], attrs as FusedAttrs['layerNorm'], [x.size + 2 * n], x.dtype, backend);
  return scope(() => [
    wanted[0] ? reshape(narrow(flat, 0, 0, x.size), [...x.shape]) : null,
    wanted[1] ? reshape(narrow(flat, 0, x.size, n), [...w.shape]) : null,
    wanted[2] ? reshape(narrow(flat, 0, x.size + n, n), [...w.shape]) : null,
  ]);
}
