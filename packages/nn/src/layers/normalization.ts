/** LayerNorm and RMSNorm with PyTorch's parameter names and defaults. */
import { DTypeError, formatShape, isFloat, layerNorm, rmsNorm, ShapeError, shapesEqual, type Tensor } from '@graft/core';
import { Module } from '../module/module';
import type { Parameter } from '../module/parameter';
import * as init from '../init';
import { LayerConfigError } from '../errors';
import { checkPositive, type FactoryOptions, newParameter } from './factory';

/** Throws unless `x` is a float tensor whose trailing dims are `shape` (what the layer was built for). */
function checkNormInput(layer: string, x: Tensor, shape: readonly number[], option: string): void {
  if (!isFloat(x.dtype))
    throw new DTypeError(`${layer}: the input is ${x.dtype} ${formatShape(x.shape)}; normalisation takes float inputs: cast it with .cast('float32')`);
  const tail = x.shape.slice(Math.max(0, x.rank - shape.length));
  if (x.rank < shape.length || !shapesEqual(tail, shape)) {
    throw new ShapeError(
      `${layer}: the input ${formatShape(x.shape)} does not end in ${option} ${formatShape(shape)}: ` +
        `its last ${shape.length === 1 ? 'dim' : `${shape.length} dims`} must be the hidden size the layer was built for (check the previous layer's output size)`,
    );
  }
}

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
    checkNormInput('LayerNorm', x, this.normalizedShape, 'normalizedShape');
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  /** `normalizedShape=[…], eps=…, elementwiseAffine=…`. */
  override extraRepr(): string {
    return `normalizedShape=${formatShape(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
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
    if (this.normalizedShape.length !== 1)
      throw new LayerConfigError(`RMSNorm: normalizedShape must be one size (the last dim), got [${this.normalizedShape.join(', ')}]`);
    checkPositive('RMSNorm', 'normalizedShape', this.normalizedShape[0]);
    this.eps = opts.eps ?? 1e-6;
    this.weight = (opts.elementwiseAffine ?? true) ? newParameter(this.normalizedShape, opts, (t) => init.ones(t)) : null;
  }

  forward(x: Tensor): Tensor {
    checkNormInput('RMSNorm', x, this.normalizedShape, 'normalizedShape');
    return rmsNorm(x, this.weight, this.eps);
  }

  /** `normalizedShape=[…], eps=…, elementwiseAffine=…`. */
  override extraRepr(): string {
    return `normalizedShape=${formatShape(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}
