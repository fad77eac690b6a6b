/** The CLI's own Trainer callback: Ctrl-C stops training after the current step, saving a checkpoint first. */
import type { TrainerCallback } from '@graft/train';

/** Stops training after the current step when `signal` is aborted, with a checkpoint to resume from. */
export function abortCallback(signal: AbortSignal): TrainerCallback {
  return {
    name: 'GraftCliInterrupt',
    onStepEnd(ctx) {
      if (signal.aborted) {
        ctx.control.shouldSave = true;
        ctx.control.shouldStop = true;
      }
    },
  };
}
