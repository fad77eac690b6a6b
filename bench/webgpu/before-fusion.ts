/**
 * The WebGPU backend as it was before issue 13's fusion, for same-process comparisons: a second
 * backend on the same GPU object without lazy elementwise fusion (`fuseElementwise: false`: one
 * dispatch per op) and whose kernel table lacks the fused backward kernels issue 13 added (their
 * gradients then come from differentiating the composites, as before).
 */
import { registerWebGPU } from '@graft/core/webgpu';
import type { WebGPUBackend } from '@graft/core/webgpu';

/** The kernels issue 13 added to the WebGPU backend's table. */
export const ISSUE_13_KERNELS = ['geluBackward', 'layerNormBackward', 'softmaxBackward', 'logSoftmaxBackward'] as const;

/** Registers the "before" backend as `webgpu-before` (lowest priority: never the default device). */
export async function registerBeforeFusion(gpu: GPU): Promise<WebGPUBackend> {
  const before = (await registerWebGPU({ required: true, gpu, name: 'webgpu-before', priority: 0, fuseElementwise: false }))!;
  const kernels = before.kernels as Record<string, unknown>;
  for (const k of ISSUE_13_KERNELS) delete kernels[k];
  return before;
}
