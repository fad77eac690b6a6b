/**
 * The fused kernels of the WebGPU backend: softmax/logSoftmax and layerNorm (forward and
 * backward each) and attention (own files), and the elementwise ones, GELU, its backward and
 * the AdamW update, as single map dispatches.
 */
import type { Kernel } from '../../backend';
import { storageType } from '../wgsl/common';
import { makeAttentionKernel } from './attention';
import type { KernelContext } from './context';
import { makeLayerNormKernel } from './layer-norm';
import { makeLayerNormBackwardKernel } from './layer-norm-backward';
import { recordMap } from './lazy-map';
import { runMap } from './map';
import { makeSoftmaxKernels } from './softmax';
import { makeSoftmaxBackwardKernels } from './softmax-backward';

export function makeFusedKernels(ctx: KernelContext) {
  const gelu: Kernel<'gelu'> = ([x], out, { approximate }) =>
    recordMap(ctx, {
      op: 'gelu',
      key: `gelu:${approximate}`,
      inputs: [x],
      out,
      expr:
        approximate === 'tanh'
          ? '0.5 * a0 * (1.0 + tanh_(0.7978845608028654 * (a0 + 0.044715 * a0 * a0 * a0)))'
          : '0.5 * a0 * (1.0 + erf_(a0 * 0.7071067811865476))',
    });

  // d gelu(x)/dx · g in one dispatch; the differentiated composite took 11 (erf's chain rule)
  const geluBackward: Kernel<'geluBackward'> = ([x, g], out, { approximate }) =>
    runMap(ctx, {
      op: 'geluBackward',
      key: `geluBackward:${approximate}`,
      inputs: [x, g],
      out,
      expr: '',
      store:
        approximate === 'tanh'
          ? `let t = tanh_(0.7978845608028654 * (a0 + 0.044715 * a0 * a0 * a0));
  out[i] = ${storageType(out.dtype)}((0.5 * (1.0 + t) + 0.5 * a0 * (1.0 - t * t) * 0.7978845608028654 * (1.0 + 0.134145 * a0 * a0)) * a1);`
          : `out[i] = ${storageType(out.dtype)}((0.5 * (1.0 + erf_(a0 * 0.7071067811865476)) + a0 * 0.3989422804014327 * exp(-0.5 * a0 * a0)) * a1);`,
    });

  const adamwUpdate: Kernel<'adamwUpdate'> = ([p, g, m, v], [outP, outM, outV], s) => {
    const st = storageType(outP.dtype);
    // the step-dependent scalars come from the op, computed once in float64
    const params = [s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.eps, s.decay, s.stepSize, s.sqrtBiasCorrection2];
    runMap(ctx, {
      op: 'adamwUpdate',
      key: 'adamw',
      inputs: [p, g, m, v],
      out: outP,
      moreOuts: [outM, outV],
      expr: '',
      params,
      store: `let mi = a2 * p0 + a1 * p1;
  let vi = a3 * p2 + a1 * a1 * p3;
  out[i] = ${st}(a0 * p5 - (p6 * mi) / (sqrt(vi) / p7 + p4));
  out1[i] = ${st}(mi);
  out2[i] = ${st}(vi);`,
    });
  };

  return {
    gelu,
    geluBackward,
    adamwUpdate,
    ...makeSoftmaxKernels(ctx),
    ...makeSoftmaxBackwardKernels(ctx),
    layerNorm: makeLayerNormKernel(ctx),
    layerNormBackward: makeLayerNormBackwardKernel(ctx),
    attention: makeAttentionKernel(ctx),
  };
}
