/**
 * Reduce-on-plateau: lowers learning rates when a metric stops improving, as
 * `torch.optim.lr_scheduler.ReduceLROnPlateau`. Stateful (best value, bad-epoch count,
 * cooldown), with a JSON state dict.
 */
import type { Tensor } from '@graft/core';
import { OptimizerConfigError } from '../errors';
import type { Optimizer } from '../optim/optimizer';

/** Options of ReduceLrOnPlateau. */
export interface PlateauOptions {
  /** 'min' when lower is better (a loss), 'max' when higher is (accuracy). */
  mode?: 'min' | 'max';
  /** New lr = lr · factor (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** Improvement smaller than this does not count (default 1e-4). */
  threshold?: number;
  /** 'rel': relative to the best value (default); 'abs': absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound of each group's lr (a number, or one per group). */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/** The JSON state of ReduceLrOnPlateau. */
export interface PlateauState {
  best: number;
  badEpochs: number;
  cooldownCounter: number;
  lastEpoch: number;
}

/**
 * Call `step(metric)` after each evaluation with the metric as a number (the host needs it to
 * decide), or `await stepAsync(metricTensor)` to have it read back.
 */
export class ReduceLrOnPlateau {
  readonly options: Required<Omit<PlateauOptions, 'minLr'>> & { minLr: number[] };
  #state: PlateauState;

  constructor(
    readonly optimizer: Optimizer<{ lr: number }>,
    opts: PlateauOptions = {},
  ) {
    const n = optimizer.paramGroups.length;
    const minLr: number[] = Array.isArray(opts.minLr) ? opts.minLr : Array.from({ length: n }, () => (opts.minLr as number | undefined) ?? 0);
    this.options = {
      mode: opts.mode ?? 'min',
      factor: opts.factor ?? 0.1,
      patience: opts.patience ?? 10,
      threshold: opts.threshold ?? 1e-4,
      thresholdMode: opts.thresholdMode ?? 'rel',
      cooldown: opts.cooldown ?? 0,
      minLr,
      eps: opts.eps ?? 1e-8,
    };
    const o = this.options;
    if (!(o.factor > 0 && o.factor < 1)) throw new OptimizerConfigError(`ReduceLrOnPlateau: factor must be in (0, 1), got ${o.factor}`);
    if (o.mode !== 'min' && o.mode !== 'max') throw new OptimizerConfigError(`ReduceLrOnPlateau: mode must be 'min' or 'max', got '${String(o.mode)}'`);
    if (o.thresholdMode !== 'rel' && o.thresholdMode !== 'abs') throw new OptimizerConfigError(`ReduceLrOnPlateau: thresholdMode must be 'rel' or 'abs'`);
    if (minLr.length !== n) throw new OptimizerConfigError(`ReduceLrOnPlateau: ${minLr.length} minLr values for ${n} parameter groups`);
    this.#state = { best: o.mode === 'min' ? Infinity : -Infinity, badEpochs: 0, cooldownCounter: 0, lastEpoch: 0 };
  }

  #isBetter(a: number, best: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  /** Records one metric value; reduces the learning rates after `patience` epochs without improvement. */
  step(metric: number): void {
    const s = this.#state;
    s.lastEpoch += 1;
    if (this.#isBetter(metric, s.best)) {
      s.best = metric;
      s.badEpochs = 0;
    } else s.badEpochs += 1;
    if (s.cooldownCounter > 0) {
      s.cooldownCounter -= 1;
      s.badEpochs = 0;
    }
    if (s.badEpochs > this.options.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.options.factor, this.options.minLr[i]);
        if (g.lr - next > this.options.eps) g.lr = next;
      });
      s.cooldownCounter = this.options.cooldown;
      s.badEpochs = 0;
    }
  }

  /**
   * `step` for a metric still on a device (a loss tensor on WebGPU, say): awaits its value, then
   * steps. Evaluation reads the metric anyway, so this is the one wait per evaluation.
   */
  async stepAsync(metric: Tensor | number): Promise<void> {
    this.step(typeof metric === 'number' ? metric : await metric.item());
  }

  /** JSON state (Infinity is written as null by JSON.stringify, and read back by loadStateDict). */
  stateDict(): PlateauState {
    return { ...this.#state };
  }

  /** Restores a state from `stateDict()` (a JSON round trip included). */
  loadStateDict(state: PlateauState | (Omit<PlateauState, 'best'> & { best: number | null })): void {
    const best = state.best ?? (this.options.mode === 'min' ? Infinity : -Infinity);
    this.#state = { best, badEpochs: state.badEpochs, cooldownCounter: state.cooldownCounter, lastEpoch: state.lastEpoch };
  }
}
