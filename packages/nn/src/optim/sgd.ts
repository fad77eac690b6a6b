/** SGD with momentum, dampening, Nesterov momentum and L2 weight decay, as `torch.optim.SGD`. */
import type { Tensor } from '@graft/core';
import { OptimizerConfigError } from '../errors';
import type { Parameter } from '../module/parameter';
import { checkRange, Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer';

/** SGD's hyper-parameters. */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

const DEFAULTS: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };

/**
 * `g ← grad + wd·p`; with momentum `b ← μ·b + (1−τ)·g` (b = g on the first step),
 * then `g ← g + μ·b` (Nesterov) or `g ← b`; finally `p ← p − lr·g`.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Iterable<Parameter> | Iterable<ParamGroupInput<SGDOptions>>, opts: Partial<SGDOptions> = {}) {
    super(params, opts, DEFAULTS);
  }

  protected override validate(h: SGDOptions): void {
    super.validate(h);
    checkRange('SGD', 'momentum', h.momentum, 0);
    checkRange('SGD', 'dampening', h.dampening, 0, 1);
    checkRange('SGD', 'weightDecay', h.weightDecay, 0);
    if (typeof h.nesterov !== 'boolean') throw new OptimizerConfigError(`SGD: nesterov must be a boolean, got ${String(h.nesterov)}`);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) throw new OptimizerConfigError('SGD: Nesterov momentum requires momentum > 0 and zero dampening');
  }

  protected updateParameter(p: Parameter, grad: Tensor, group: ParamGroup<SGDOptions>, state: ParamState): void {
    const { lr, momentum, dampening, weightDecay, nesterov } = group;
    let d = weightDecay ? grad.add(p.mul(weightDecay)) : grad;
    if (momentum) {
      const buf = state.tensors.momentum_buffer;
      if (!buf) state.tensors.momentum_buffer = d.clone().keep();
      else buf.assign(buf.mul(momentum).add(d.mul(1 - dampening)));
      const b = state.tensors.momentum_buffer;
      d = nesterov ? d.add(b.mul(momentum)) : b;
    }
    state.step += 1;
    p.assign(p.sub(d.mul(lr)));
  }
}
