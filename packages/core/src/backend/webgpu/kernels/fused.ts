/**
 * The fused kernels of the WebGPU backend: softmax/logSoftmax, layerNorm and attention (own
 * files), and the elementwise ones, GELU and the AdamW update, as single map dispatches.
 */
import type { Kernel } from '../../backend';
import { storageType } from '../wgsl/common';
import { makeAttentionKernel } from './attention';
import type { KernelContext } from './context';
import { makeLayerNormKernel } from './layer-norm';
import { runMap } from './map';
import { makeSoftmaxKernels } from './softmax';

export function makeFusedKernels(ctx: KernelContext) {
  const gelu: Kernel<'gelu'> = ([x], out, { approximate }) =>
    runMap(ctx, {
      op: 'gelu',
      key: `gelu:${approximate}`,
      inputs: [x],
      out,
      expr: approximate === 'tanh' ? '0.5 * a0 * (1.0 + tanh_(0.7978845608028654 * (a0 + 0.044715 * a0 * a0 * a0)))' : '0.5 * a0 * (1.0 + erf_(a0 * 0.7071067811865476))',
    });

  const adamwUpdate: Kernel<'adamwUpdate'> = ([p, g, m, v], out, h) => {
    const st = storageType(out.dtype);
    // host-side float64 for the step-dependent constants, as the CPU kernel computes them
    const params = [h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, 1 - h.lr * h.weightDecay, h.lr / (1 - h.beta1 ** h.step), Math.sqrt(1 - h.beta2 ** h.step)];
    runMap(ctx, {
      op: 'adamwUpdate',
      key: 'adamw',
      inputs: [p, g, m, v],
      out,
      shape: p.shape,
      expr: '',
      params,
      store: `let mi = a2 * p0 + a1 * p1;
  let vi = a3 * p2 + a1 * a1 * p3;
  out[i] = ${st}(a0 * p5 - (p6 * mi) / (sqrt(vi) / p7 + p4));
  out[n + i] = ${st}(mi);
  out[2u * n + i] = ${st}(vi);`,
    });
  };

  return { gelu, adamwUpdate, ...makeSoftmaxKernels(ctx), layerNorm: makeLayerNormKernel(ctx), attention: makeAttentionKernel(ctx) };
}
