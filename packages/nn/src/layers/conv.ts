/**
 * Convolution layers with PyTorch's parameter layouts and default init (Kaiming-uniform with
 * `a = √5`, bias uniform on `±1/√fanIn`): Conv1d, Conv2d and ConvTranspose2d. Zero padding only.
 */
import type { Tensor } from '@graft/core';
import { LayerConfigError } from '../errors';
import { Module } from '../module/module';
import type { Parameter } from '../module/parameter';
import * as init from '../init';
import { conv1d, conv2d, convTranspose2d, pair, type Size2 } from '../functional/conv';
import { checkPositive, type FactoryOptions, newParameter, uniformParameter } from './factory';

/** Options of the convolution layers. */
export interface ConvOptions extends FactoryOptions {
  stride?: Size2;
  padding?: Size2 | 'valid' | 'same';
  dilation?: Size2;
  groups?: number;
  bias?: boolean;
}

function checkChannels(layer: string, cin: number, cout: number, groups: number): void {
  checkPositive(layer, 'inChannels', cin);
  checkPositive(layer, 'outChannels', cout);
  checkPositive(layer, 'groups', groups);
  if (cin % groups !== 0 || cout % groups !== 0) throw new LayerConfigError(`${layer}: channels ${cin} → ${cout} are not divisible by groups ${groups}`);
}

/**
 * Weight and bias with PyTorch's default init for a weight of `shape`: Kaiming-uniform with
 * `a = √5`, and a bias of `outChannels` uniform on `±1/√fanIn`. PyTorch bounds the bias by the
 * weight's fan-in whatever the layout, which for a transposed weight `[in, out/groups, kh, kw]`
 * is `(out/groups)·kh·kw`.
 */
function convParameters(shape: number[], outChannels: number, bias: boolean, opts: FactoryOptions): [Parameter, Parameter | null] {
  const weight = newParameter(shape, opts, (t) => init.kaimingUniform(t, { a: Math.sqrt(5), generator: opts.generator }));
  return [weight, bias ? uniformParameter([outChannels], 1 / Math.sqrt(init.fans(shape).fanIn), opts) : null];
}

/** A conv layer's `extraRepr`: sizes, then each shape option the user gave (factory options left out). */
function convRepr(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: object): string {
  const shown = ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias'];
  const fmt = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  const extra = Object.entries(options)
    .filter(([k, v]) => shown.includes(k) && v !== undefined)
    .map(([k, v]) => `, ${k}=${fmt(v)}`);
  return `inChannels=${inChannels}, outChannels=${outChannels}, kernelSize=${fmt(kernelSize)}${extra.join('')}`;
}

/** 2-D convolution over `[N, C, H, W]`; weight `[out, in/groups, kh, kw]`. */
export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2,
    readonly options: ConvOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    checkChannels('Conv2d', inChannels, outChannels, groups);
    this.kernelSize = pair('kernelSize', kernelSize);
    [this.weight, this.bias] = convParameters([outChannels, inChannels / groups, ...this.kernelSize], outChannels, options.bias ?? true, options);
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this.options;
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }

  /** `inChannels=…, outChannels=…, kernelSize=[…]` and the options given. */
  override extraRepr(): string {
    return convRepr(this.inChannels, this.outChannels, this.kernelSize, this.options);
  }
}

/** 1-D convolution over `[N, C, L]`; weight `[out, in/groups, k]`. */
export class Conv1d extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly options: { stride?: number; padding?: number | 'valid' | 'same'; dilation?: number; groups?: number; bias?: boolean } & FactoryOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    checkChannels('Conv1d', inChannels, outChannels, groups);
    checkPositive('Conv1d', 'kernelSize', kernelSize);
    [this.weight, this.bias] = convParameters([outChannels, inChannels / groups, kernelSize], outChannels, options.bias ?? true, options);
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this.options;
    return conv1d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }

  /** `inChannels=…, outChannels=…, kernelSize=…` and the options given. */
  override extraRepr(): string {
    return convRepr(this.inChannels, this.outChannels, this.kernelSize, this.options);
  }
}

/** Options of ConvTranspose2d. */
export interface ConvTransposeOptions extends FactoryOptions {
  stride?: Size2;
  padding?: Size2;
  outputPadding?: Size2;
  dilation?: Size2;
  groups?: number;
  bias?: boolean;
}

/** Transposed 2-D convolution (the gradient of Conv2d w.r.t. its input); weight `[in, out/groups, kh, kw]`. */
export class ConvTranspose2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2,
    readonly options: ConvTransposeOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    checkChannels('ConvTranspose2d', inChannels, outChannels, groups);
    this.kernelSize = pair('kernelSize', kernelSize);
    [this.weight, this.bias] = convParameters([inChannels, outChannels / groups, ...this.kernelSize], outChannels, options.bias ?? true, options);
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, outputPadding, dilation, groups } = this.options;
    return convTranspose2d(x, this.weight, this.bias, { stride, padding, outputPadding, dilation, groups });
  }

  /** `inChannels=…, outChannels=…, kernelSize=[…]` and the options given. */
  override extraRepr(): string {
    return convRepr(this.inChannels, this.outChannels, this.kernelSize, this.options);
  }
}
