/**
 * How layers create their parameters: one options type for dtype, device and generator, and
 * helpers that allocate a tensor, initialise it and wrap it as a Parameter without leaking the
 * temporary (parameter creation runs in a scope; the Parameter keeps itself).
 */
import { type DType, type Generator, scope, type Tensor, zeros } from '@graft/core';
import { LayerConfigError } from '../errors';
import { Parameter } from '../module/parameter';
import * as init from '../init';

/** Options every layer with parameters accepts. */
export interface FactoryOptions {
  /** Parameter dtype (default float32; float64 for gradient checks). */
  dtype?: DType;
  /** Backend name (the default backend when omitted). */
  device?: string;
  /** The generator parameters are initialised from (the global one when omitted). */
  generator?: Generator;
}

/** A Parameter of `shape` initialised by `fill` (zeros when omitted). */
export function newParameter(shape: readonly number[], opts: FactoryOptions, fill?: (t: Tensor) => void): Parameter {
  return scope(() => {
    const t = zeros(shape, { dtype: opts.dtype ?? 'float32', device: opts.device });
    fill?.(t);
    return new Parameter(t);
  });
}

/** A Parameter uniform on `[-bound, bound)`: PyTorch's default for Linear, Conv and RNN weights. */
export function uniformParameter(shape: readonly number[], bound: number, opts: FactoryOptions): Parameter {
  return newParameter(shape, opts, (t) => init.uniform(t, -bound, bound, opts));
}

/** A kept, non-trainable tensor (for buffers). */
export function newBuffer(shape: readonly number[], value: number, opts: FactoryOptions & { dtype?: DType }): Tensor {
  return scope(() => {
    const t = zeros(shape, { dtype: opts.dtype ?? 'float32', device: opts.device });
    if (value !== 0) init.constant(t, value);
    return t.keep();
  });
}

/** Throws unless `v` is a positive integer. */
export function checkPositive(layer: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new LayerConfigError(`${layer}: ${name} must be a positive integer, got ${v}`);
}

/** Throws unless `p` is a probability. */
export function checkProbability(layer: string, name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new LayerConfigError(`${layer}: ${name} must be in [0, 1], got ${p}`);
}
