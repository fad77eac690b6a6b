/**
 * Adam and AdamW, as `torch.optim.Adam` / `torch.optim.AdamW`: bias-corrected moments, optional
 * AMSGrad. AdamW decays weights decoupled from the gradient; Adam adds `wd·p` to the gradient
 * (L2). Both are one call of core's `adamwUpdate`, which computes the step's bias corrections and
 * may run as one fused kernel; this file only keeps the state.
 */
import { adamwUpdate, type Tensor, zerosLike } from '@graft/core';
import { OptimizerConfigError } from '../errors';
import type { Parameter } from '../module/parameter';
import { checkRange, Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer';

/** The hyper-parameters of Adam and AdamW. */
export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

abstract class AdamBase extends Optimizer<AdamOptions> {
  /** Whether weight decay is decoupled (AdamW) or added to the gradient (Adam). */
  protected abstract readonly decoupled: boolean;

  protected override validate(h: AdamOptions): void {
    super.validate(h);
    const name = this.constructor.name;
    if (!Array.isArray(h.betas) || h.betas.length !== 2)
      throw new OptimizerConfigError(`${name}: betas must be a pair [beta1, beta2], got ${JSON.stringify(h.betas)}`);
    checkRange(name, 'betas[0]', h.betas[0], 0, 1, true);
    checkRange(name, 'betas[1]', h.betas[1], 0, 1, true);
    checkRange(name, 'eps', h.eps, 0);
    checkRange(name, 'weightDecay', h.weightDecay, 0);
    if (typeof h.amsgrad !== 'boolean') throw new OptimizerConfigError(`${name}: amsgrad must be a boolean, got ${String(h.amsgrad)}`);
  }

  protected updateParameter(p: Parameter, grad: Tensor, group: ParamGroup<AdamOptions>, state: ParamState): void {
    const {
      lr,
      betas: [beta1, beta2],
      eps,
      weightDecay,
      amsgrad,
    } = group;
    const m = this.stateTensor(state, 'exp_avg', () => zerosLike(p));
    const v = this.stateTensor(state, 'exp_avg_sq', () => zerosLike(p));
    const step = (state.step += 1);
    const g = !this.decoupled && weightDecay ? grad.add(p.mul(weightDecay)) : grad;
    const hyper = { lr, beta1, beta2, eps, weightDecay: this.decoupled ? weightDecay : 0, step };
    // AMSGrad keeps the running maximum of the second moment, which the op then normalises by
    const vMax = amsgrad ? this.stateTensor(state, 'max_exp_avg_sq', () => zerosLike(p)) : null;
    const next = adamwUpdate(p, g, m, v, hyper, vMax);
    m.assign(next.expAvg);
    v.assign(next.expAvgSq);
    if (vMax) vMax.assign(next.maxExpAvgSq!);
    p.assign(next.param);
  }
}

/** Adam with L2 weight decay (default 0). */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Iterable<Parameter> | Iterable<ParamGroupInput<AdamOptions>>, opts: Partial<AdamOptions> = {}) {
    super(params, opts, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
  }
}

/** AdamW: Adam with decoupled weight decay (default 0.01). */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Iterable<Parameter> | Iterable<ParamGroupInput<AdamOptions>>, opts: Partial<AdamOptions> = {}) {
    super(params, opts, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false });
  }
}
