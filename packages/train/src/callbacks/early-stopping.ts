/**
 * Early stopping (HF's `EarlyStoppingCallback`): after each evaluation, compare
 * `metricForBestModel` with the best value so far (`state.bestMetric`, which the Trainer updates
 * after this callback has seen the metrics); an improvement larger than `threshold` resets the
 * counter, anything else increments it, and at `patience` training stops. The counter is saved
 * in checkpoints, so a resumed run stops where the uninterrupted one would.
 */
import { ArgumentError } from '@graft/core';
import type { CallbackState } from '../state/trainer-state';
import type { CallbackContext, TrainerCallback } from './callback';

/** Options of {@link EarlyStoppingCallback}. */
export interface EarlyStoppingOptions {
  /** Evaluations without improvement before training stops. */
  patience: number;
  /** The least improvement that counts (default 0). */
  threshold?: number;
}

/** Stops training when `metricForBestModel` stops improving. */
export class EarlyStoppingCallback implements TrainerCallback {
  readonly name = 'EarlyStoppingCallback';
  readonly patience: number;
  readonly threshold: number;
  /** Evaluations in a row without improvement. */
  counter = 0;

  constructor(opts: EarlyStoppingOptions) {
    const { patience, threshold = 0 } = opts;
    if (!Number.isInteger(patience) || patience < 1) throw new ArgumentError(`EarlyStoppingCallback: patience must be an integer ≥ 1, got ${patience}`);
    if (!(threshold >= 0)) throw new ArgumentError(`EarlyStoppingCallback: threshold must be ≥ 0, got ${threshold}`);
    this.patience = patience;
    this.threshold = threshold;
  }

  /** Counts evaluations without improvement; stops at `patience`. */
  onEvaluate({ args, state, control }: CallbackContext, metrics: Readonly<Record<string, number>>): void {
    const name = args.metricForBestModel ?? 'loss';
    const value = metrics[name.startsWith('eval_') ? name : `eval_${name}`];
    // a metric the evaluation did not report cannot count either way (the Trainer's own
    // best-model check reports the missing key)
    if (value === undefined) return;
    const best = state.bestMetric;
    const better = (args.greaterIsBetter ?? !name.endsWith('loss')) ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
    if (best === null || (better(value, best) && Math.abs(value - best) > this.threshold)) this.counter = 0;
    else this.counter += 1;
    if (this.counter >= this.patience) control.shouldStop = true;
  }

  /** HF's state of the callback: its arguments and the counter. */
  stateDict(): CallbackState {
    return {
      args: { early_stopping_patience: this.patience, early_stopping_threshold: this.threshold },
      attributes: { early_stopping_patience_counter: this.counter },
    };
  }

  /** Restores the counter. */
  loadStateDict(state: CallbackState): void {
    const c = state.attributes.early_stopping_patience_counter;
    if (Number.isInteger(c) && (c as number) >= 0) this.counter = c as number;
  }
}
