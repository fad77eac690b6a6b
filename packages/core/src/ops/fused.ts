/**
 * Fusable composites run as one kernel. An op such as `softmax` asks `fused` for its backend's
 * fused kernel and falls back to its composite, the reference, when there is none
 * (`fused(…) ?? softmaxComposite(…)`). Gradients through a fused kernel come from its rule in
 * autograd/rules.ts, which re-runs the composite (composites.ts) on the saved inputs.
 */
import { record } from '../autograd/record';
import type { DType } from '../dtype';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { backendOf, runKernel } from './dispatch';
import { type AttrsOf, type FusedAttrs, type FusedOp, type KernelAttrs, publicOpName } from './spec';

/** The fusable composites that autograd differentiates (all but the optimizer update). */
export type DifferentiableFusedOp = Exclude<FusedOp, 'adamwUpdate'>;

/**
 * Runs `op` as the inputs' backend's fused kernel and records it, or returns null when the
 * backend has none (the caller then runs the composite). `shape`/`dtype` describe the output.
 */
export function fused<K extends DifferentiableFusedOp>(
  op: K,
  inputs: Tensor[],
  attrs: FusedAttrs[K],
  shape: readonly number[],
  dtype: DType = inputs[0].dtype,
): Tensor | null {
  const name = publicOpName(op);
  const backend = backendOf(name, inputs);
  if (!backend.kernels[op]) return null;
  const out = runKernel(op, inputs, attrs as KernelAttrs[K], shape, dtype, { backend, name });
  return scope(() => record(op, inputs, out, attrs as AttrsOf<K>));
}
