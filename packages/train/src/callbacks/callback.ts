/**
 * Callbacks: objects that observe the Trainer's events and may set control flags (HF's
 * `TrainerCallback` and `TrainerControl`). A callback never touches the optimizer or the data,
 * and of the model only which parameters train: it may switch `requiresGrad` at an event
 * (gradual unfreezing), for parameters the optimizer holds from the start (the Trainer's
 * `parameterGroups` option). Everything else it can change is `control`. Every event may be
 * async (a log sink writing a file); the Trainer awaits callbacks in the order they were given.
 */
import type { TrainingArguments } from '../args/training-args';
import type { CallbackState, LogEntry, TrainerState } from '../state/trainer-state';

/** Flags a callback may set; the Trainer acts on them and clears them (HF's `TrainerControl`). */
export interface TrainerControl {
  /** End training after the current step (early stopping, max steps reached). */
  shouldStop: boolean;
  /** End the current epoch after the current step. */
  shouldEpochStop: boolean;
  /** Log the running loss now. */
  shouldLog: boolean;
  /** Evaluate now. */
  shouldEvaluate: boolean;
  /** Write a checkpoint now. */
  shouldSave: boolean;
}

/** A fresh control with every flag off. */
export function newControl(): TrainerControl {
  return { shouldStop: false, shouldEpochStop: false, shouldLog: false, shouldEvaluate: false, shouldSave: false };
}

/** Deeply read-only. */
export type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** What every event gets: the arguments, the state (read-only) and the flags to set. */
export interface CallbackContext {
  readonly args: Readonly<TrainingArguments>;
  readonly state: DeepReadonly<TrainerState>;
  readonly control: TrainerControl;
  /** The learning rate of each parameter group for the step just taken (before the scheduler moved on). */
  readonly learningRates: readonly number[];
  /** Batches per epoch of the training loader (0 outside training). */
  readonly stepsPerEpoch: number;
}

/** An event handler; async ones are awaited before training continues. */
export type CallbackHandler<E extends unknown[] = []> = (ctx: CallbackContext, ...extra: E) => void | Promise<void>;

/**
 * A Trainer callback: implement any subset of the events. `onLog` sees every `log_history`
 * entry (training logs and evaluation results), `onEvaluate` the evaluation metrics (before the
 * Trainer updates `state.bestMetric` with them, as in HF), `onSave` the checkpoint's name.
 * A callback with `stateDict`/`loadStateDict` is saved in checkpoints under its `name`.
 */
export interface TrainerCallback {
  /** The key of this callback's state in `trainer_state.json` (default: its class name). */
  readonly name?: string;
  /** Training starts (or resumes: `state.globalStep` > 0). */
  onTrainBegin?: CallbackHandler;
  /** An epoch starts. */
  onEpochBegin?: CallbackHandler;
  /** An optimizer step ended (`state.globalStep` counts it). */
  onStepEnd?: CallbackHandler;
  /** An entry was appended to `log_history`. */
  onLog?: CallbackHandler<[entry: Readonly<LogEntry>]>;
  /** An evaluation ended. */
  onEvaluate?: CallbackHandler<[metrics: Readonly<Record<string, number>>]>;
  /** A checkpoint was written. */
  onSave?: CallbackHandler<[checkpoint: string]>;
  /** An epoch ended. */
  onEpochEnd?: CallbackHandler;
  /** Training ended and the output directory is written. */
  onTrainEnd?: CallbackHandler;
  /** State to keep in checkpoints, so a resumed run continues the callback exactly. */
  stateDict?(): CallbackState;
  /** Restores what `stateDict` returned. */
  loadStateDict?(state: CallbackState): void;
}

/** The events, by name. */
export type CallbackEvent = 'onTrainBegin' | 'onEpochBegin' | 'onStepEnd' | 'onLog' | 'onEvaluate' | 'onSave' | 'onEpochEnd' | 'onTrainEnd';

/** The key a callback's state is saved under. */
export function callbackName(cb: TrainerCallback): string {
  return cb.name ?? cb.constructor?.name ?? 'callback';
}

/** What an event passes after the context (the log entry, the metrics, the checkpoint name). */
export type EventArgs<E extends CallbackEvent> = Parameters<NonNullable<TrainerCallback[E]>> extends [CallbackContext, ...infer R] ? R : never;

/** Calls `event` on every callback in order, awaiting each. */
export async function dispatch<E extends CallbackEvent>(
  callbacks: readonly TrainerCallback[],
  event: E,
  ctx: CallbackContext,
  ...extra: EventArgs<E>
): Promise<void> {
  for (const cb of callbacks) {
    const handler = cb[event] as ((ctx: CallbackContext, ...a: unknown[]) => void | Promise<void>) | undefined;
    if (handler) await handler.call(cb, ctx, ...extra);
  }
}
