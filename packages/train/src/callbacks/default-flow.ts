/**
 * When to log and evaluate, from the strategies in the arguments (HF's `DefaultFlowCallback`):
 * every `loggingSteps`/`evalSteps` optimizer steps, or at each epoch's end, plus the first step
 * with `loggingFirstStep`, and the end of training at `maxSteps`. The Trainer always installs it.
 */
import type { CallbackContext, TrainerCallback } from './callback';

/** Sets `shouldLog`, `shouldEvaluate` and `shouldStop` by the arguments' strategies. */
export class DefaultFlowCallback implements TrainerCallback {
  readonly name = 'DefaultFlowCallback';

  /** Logs and evaluates every `loggingSteps`/`evalSteps`; stops at `maxSteps`. */
  onStepEnd({ args, state, control }: CallbackContext): void {
    const step = state.globalStep;
    if (step === 1 && args.loggingFirstStep) control.shouldLog = true;
    if (args.loggingStrategy === 'steps' && step % state.loggingSteps === 0) control.shouldLog = true;
    if (args.evalStrategy === 'steps' && step % state.evalSteps === 0) control.shouldEvaluate = true;
    if (step >= state.maxSteps) control.shouldStop = true;
  }

  /** Logs and evaluates at an epoch's end with the `'epoch'` strategies. */
  onEpochEnd({ args, control }: CallbackContext): void {
    if (args.loggingStrategy === 'epoch') control.shouldLog = true;
    if (args.evalStrategy === 'epoch') control.shouldEvaluate = true;
  }
}
