/**
 * When to write a checkpoint (HF's save rules): every `saveSteps` optimizer steps or at each
 * epoch's end, and once more when training reaches `maxSteps`, so the last weights are always
 * on disk unless `saveStrategy` is `'no'`. The Trainer always installs it; it only sets
 * `shouldSave`; the Trainer writes the files (and never the same step twice).
 */
import type { CallbackContext, TrainerCallback } from './callback';

/** Sets `shouldSave` by `saveStrategy`. */
export class CheckpointingCallback implements TrainerCallback {
  readonly name = 'CheckpointingCallback';

  /** Saves every `saveSteps`, and at `maxSteps`. */
  onStepEnd({ args, state, control }: CallbackContext): void {
    if (args.saveStrategy === 'no') return;
    if (args.saveStrategy === 'steps' && state.globalStep % state.saveSteps === 0) control.shouldSave = true;
    if (state.globalStep >= state.maxSteps) control.shouldSave = true;
  }

  /** Saves at an epoch's end with `saveStrategy: 'epoch'`. */
  onEpochEnd({ args, control }: CallbackContext): void {
    if (args.saveStrategy === 'epoch') control.shouldSave = true;
  }
}
