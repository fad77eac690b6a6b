/**
 * Records the learning rate of every parameter group at every optimizer step (the rate the
 * step used), for learning-rate curves; HF logs it only at logging steps. It observes only:
 * the schedule itself lives in the Trainer.
 */
import type { CallbackContext, TrainerCallback } from './callback';

/** One recorded step. */
export interface LearningRateRecord {
  step: number;
  /** One rate per parameter group (decayed and not decayed, for the default AdamW). */
  learningRates: number[];
}

/** Keeps `history` of per-step learning rates, and hands each record to `onRecord` if given. */
export class LearningRateMonitor implements TrainerCallback {
  readonly name = 'LearningRateMonitor';
  readonly history: LearningRateRecord[] = [];

  constructor(
    readonly opts: {
      /** Called with every record (to stream the curve somewhere). */
      onRecord?: (record: LearningRateRecord) => void | Promise<void>;
    } = {},
  ) {}

  /** Records the rates the step used. */
  async onStepEnd({ state, learningRates }: CallbackContext): Promise<void> {
    const record = { step: state.globalStep, learningRates: [...learningRates] };
    // a resumed run records from its checkpoint on: drop what the interrupted run recorded after it
    while (this.history.length > 0 && this.history[this.history.length - 1].step >= record.step) this.history.pop();
    this.history.push(record);
    await this.opts.onRecord?.(record);
  }
}
