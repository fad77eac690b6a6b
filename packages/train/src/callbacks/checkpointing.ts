/**
 * When to write a checkpoint (HF's save rules): every `saveSteps` optimizer steps (and once more
 * when training reaches `maxSteps`, so the last weights are on disk), or at each epoch's end
 * (the last epoch's end comes after the last step, also when `maxSteps` stops an epoch early).
 * With `'epoch'` the last step is not saved at the step's end: its checkpoint must come after
 * the epoch's evaluation, which may make it the best one. The Trainer always installs it; it only sets
 * `shouldSave`; the Trainer writes the files (and never the same step twice).
 */
import type { CallbackContext, TrainerCallback } from './callback';

/** Sets `shouldSave` by `saveStrategy`. */
export class CheckpointingCallback implements TrainerCallback {
  readonly name = 'CheckpointingCallback';

  /** Saves every `saveSteps`, and at `maxSteps` (with `saveStrategy: 'steps'`). */
  onStepEnd({ args, state, control }: CallbackContext): void {
    if (args.saveStrategy !== 'steps') return;
    if (state.globalStep % state.saveSteps === 0 || state.globalStep >= state.maxSteps) control.shouldSave = true;
  }

  /** Saves at an epoch's end with `saveStrategy: 'epoch'`. */
  onEpochEnd({ args, control }: CallbackContext): void {
    if (args.saveStrategy === 'epoch') control.shouldSave = true;
  }
}
