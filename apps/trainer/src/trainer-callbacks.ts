/** The CLI's own Trainer callbacks: they observe and set control flags, never the math. */
import type { Generator, GeneratorState } from '@graft/core';
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

/**
 * Keeps a generator's position in the Trainer's checkpoints (a stateful callback), so a resumed
 * run continues the same random stream: the masked-LM collate's masks after a resume are the
 * masks the uninterrupted run would have drawn.
 */
export function generatorStateCallback(name: string, generator: Generator): TrainerCallback {
  return {
    name,
    stateDict: () => ({ args: {}, attributes: { ...generator.getState() } }),
    loadStateDict(state) {
      generator.setState(state.attributes as unknown as GeneratorState);
    },
  };
}
