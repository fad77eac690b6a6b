/** Affine layers: Linear, Bilinear and Identity, with PyTorch's layouts and default inits. */
import { DTypeError, formatShape, isFloat, scope, ShapeError, type Tensor } from '@graft/core';
import { Module } from '../module/module';
import type { Parameter } from '../module/parameter';
import * as init from '../init';
import { checkPositive, type FactoryOptions, newParameter, uniformParameter } from './factory';

/** Options of Linear. */
export interface LinearOptions extends FactoryOptions {
  /** Add a learned bias (default true). */
  bias?: boolean;
}

/**
 * `y = x·Wᵀ + b` with `weight` `[out, in]` (PyTorch's layout, so checkpoints load as they are).
 * Init as PyTorch: Kaiming-uniform with `a = √5` (bound `1/√in`), bias uniform on `±1/√in`.
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    checkPositive('Linear', 'inFeatures', inFeatures);
    checkPositive('Linear', 'outFeatures', outFeatures);
    this.weight = newParameter([outFeatures, inFeatures], opts, (t) => init.kaimingUniform(t, { a: Math.sqrt(5), generator: opts.generator }));
    this.bias = (opts.bias ?? true) ? uniformParameter([outFeatures], 1 / Math.sqrt(inFeatures), opts) : null;
  }

  forward(x: Tensor): Tensor {
    if (!isFloat(x.dtype)) {
      throw new DTypeError(
        `Linear: the input is ${x.dtype} ${formatShape(x.shape)}, but Linear takes float inputs: token ids go through an Embedding first; cast other values with .cast('float32')`,
      );
    }
    if (x.rank === 0)
      throw new ShapeError(`Linear: the input is a scalar; it needs a last dim of inFeatures = ${this.inFeatures} (reshape it to [1, ${this.inFeatures}])`);
    const last = x.shape[x.rank - 1];
    if (last !== this.inFeatures) {
      throw new ShapeError(
        `Linear: the input ${formatShape(x.shape)} has ${last} features in its last dim, but inFeatures is ${this.inFeatures}: ` +
          `check the size the previous layer outputs, or build Linear(${last}, ${this.outFeatures})`,
      );
    }
    return linear(x, this.weight, this.bias);
  }

  /** `inFeatures=…, outFeatures=…, bias=…`. */
  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** `x·Wᵀ + b` over the last dim of `x` (as `torch.nn.functional.linear`). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return scope(() => {
    const y = x.matmul(weight.transpose(0, 1));
    return bias ? y.add(bias) : y;
  });
}

/**
 * `y_k = x1ᵀ·W_k·x2 + b_k` with `weight` `[out, in1, in2]`, as `torch.nn.Bilinear`; both inputs
 * share their leading dims. Init uniform on `±1/√in1`.
 */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly in1Features: number,
    readonly in2Features: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    for (const [n, v] of [
      ['in1Features', in1Features],
      ['in2Features', in2Features],
      ['outFeatures', outFeatures],
    ] as const)
      checkPositive('Bilinear', n, v);
    const bound = 1 / Math.sqrt(in1Features);
    this.weight = uniformParameter([outFeatures, in1Features, in2Features], bound, opts);
    this.bias = (opts.bias ?? true) ? uniformParameter([outFeatures], bound, opts) : null;
  }

  /** `in1Features=…, in2Features=…, outFeatures=…, bias=…`. */
  override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return scope(() => {
      const lead = x1.shape.slice(0, -1);
      const a = x1.reshape(-1, this.in1Features);
      const b = x2.reshape(-1, this.in2Features);
      // (x1·W_k) for every k at once: [n, in1] @ [in1, out·in2] → [n, out, in2], then · x2
      const w = this.weight.permute(1, 0, 2).reshape(this.in1Features, this.outFeatures * this.in2Features);
      const left = a.matmul(w).reshape(-1, this.outFeatures, this.in2Features);
      let y = left.mul(b.unsqueeze(1)).sum(-1);
      if (this.bias) y = y.add(this.bias);
      return y.reshape(...lead, this.outFeatures);
    });
  }
}

/** Returns its input (a placeholder that keeps a model's structure, e.g. for a removed head). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
