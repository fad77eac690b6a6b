/**
 * Batch normalisation over the channel dim (1), as `torch.nn.BatchNorm1d/2d`: batch statistics
 * while training (biased variance to normalise, unbiased for the running estimate), running
 * statistics in eval mode. The running statistics are buffers, so they are saved and loaded
 * with the state dict under PyTorch's names.
 */
import { noGrad, scope, type Tensor } from '@graft/core';
import { LayerConfigError } from '../errors';
import { Module } from '../module/module';
import type { Parameter } from '../module/parameter';
import * as init from '../init';
import { checkPositive, type FactoryOptions, newBuffer, newParameter } from './factory';

/** Options of BatchNorm1d/2d. */
export interface BatchNormOptions extends FactoryOptions {
  eps?: number;
  /** Weight of the new batch in the running average (default 0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Learn `weight` and `bias` (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true). */
  trackRunningStats?: boolean;
}

abstract class BatchNormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;

  protected abstract readonly ranks: readonly number[];

  constructor(
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    checkPositive(this.constructor.name, 'numFeatures', numFeatures);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    const affine = opts.affine ?? true;
    this.weight = affine ? newParameter([numFeatures], opts, (t) => init.ones(t)) : null;
    this.bias = affine ? newParameter([numFeatures], opts) : null;
    const track = opts.trackRunningStats ?? true;
    this.registerBuffer('running_mean', track ? newBuffer([numFeatures], 0, opts) : null);
    this.registerBuffer('running_var', track ? newBuffer([numFeatures], 1, opts) : null);
    this.registerBuffer('num_batches_tracked', track ? newBuffer([], 0, { ...opts, dtype: 'int32' }) : null);
  }

  /** `numFeatures=…, eps=…, momentum=…`. */
  override extraRepr(): string {
    return `numFeatures=${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}`;
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      throw new LayerConfigError(`${this.constructor.name}(${this.numFeatures}) got input of shape [${x.shape.join(', ')}]`);
    }
    return scope(() => {
      // per-channel tensors broadcast as [1, C, 1, …]
      const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
      const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
      const useBatch = this.training || !this.running_mean;
      let mean: Tensor;
      let variance: Tensor;
      if (useBatch) {
        mean = x.mean(axes, true);
        variance = x.sub(mean).square().mean(axes, true);
        if (this.training && this.running_mean) this.#updateRunning(mean, variance, x.size / this.numFeatures);
      } else {
        mean = this.running_mean!.reshape(bshape);
        variance = this.running_var!.reshape(bshape);
      }
      let y = x.sub(mean).mul(variance.add(this.eps).rsqrt());
      if (this.weight) y = y.mul(this.weight.reshape(bshape));
      if (this.bias) y = y.add(this.bias.reshape(bshape));
      return y;
    });
  }

  #updateRunning(mean: Tensor, variance: Tensor, n: number): void {
    noGrad(() => {
      const count = this.num_batches_tracked!;
      count.assign(count.add(1));
      const running = this.running_mean!;
      // the cumulative average (momentum null) weighs batch k by 1/k; the count stays on the
      // device, so a training step never waits for a read-back
      const m: number | Tensor = this.momentum ?? count.cast(running.dtype).reciprocal();
      const keepOld = typeof m === 'number' ? 1 - m : m.neg().add(1);
      const unbiased = variance.reshape(this.numFeatures).mul(n / Math.max(n - 1, 1));
      running.assign(running.mul(keepOld).add(mean.reshape(this.numFeatures).mul(m)));
      this.running_var!.assign(this.running_var!.mul(keepOld).add(unbiased.mul(m)));
    });
  }
}

/** BatchNorm over `[N, C]` or `[N, C, L]`. */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
}

/** BatchNorm over `[N, C, H, W]`. */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
}
