/** LayerNorm and RMSNorm with PyTorch's parameter names and defaults. */
import { layerNorm, rmsNorm, type Tensor } from '@graft/core';
import { Module } from '../module/module';
import type { Parameter } from '../module/parameter';
import * as init from '../init';
import { LayerConfigError } from '../errors';
import { checkPositive, type FactoryOptions, newParameter } from './factory';

/** Options of LayerNorm. */
export interface LayerNormOptions extends FactoryOptions {
  eps?: number;
  /** Learn `weight` (ones) and `bias` (zeros); default true. */
  elementwiseAffine?: boolean;
  /** Learn `bias` too (default true; only with elementwiseAffine). */
  bias?: boolean;
}

/** Normalises over the trailing `normalizedShape` dims (biased variance, eps inside the root). */
export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: readonly number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    for (const d of this.normalizedShape) checkPositive('LayerNorm', 'normalizedShape', d);
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? newParameter(this.normalizedShape, opts, (t) => init.ones(t)) : null;
    this.bias = affine && (opts.bias ?? true) ? newParameter(this.normalizedShape, opts) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

/** Options of RMSNorm. */
export interface RMSNormOptions extends FactoryOptions {
  /** Added to the mean square (default 1e-6, as most LLMs use; PyTorch's default is the dtype's eps). */
  eps?: number;
  elementwiseAffine?: boolean;
}

/**
 * `x / sqrt(mean(x²) + eps) · weight` over the last dim, whose size is `normalizedShape` (a number
 * or `[number]`: only the last dim is normalised, as in most LLMs).
 */
export class RMSNorm extends Module {
  weight: Parameter | null;
  readonly normalizedShape: readonly number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly [number], opts: RMSNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length !== 1) throw new LayerConfigError(`RMSNorm: normalizedShape must be one size (the last dim), got [${this.normalizedShape.join(', ')}]`);
    checkPositive('RMSNorm', 'normalizedShape', this.normalizedShape[0]);
    this.eps = opts.eps ?? 1e-6;
    this.weight = opts.elementwiseAffine ?? true ? newParameter(this.normalizedShape, opts, (t) => init.ones(t)) : null;
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, this.eps);
  }
}
