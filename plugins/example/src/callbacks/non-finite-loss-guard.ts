/**
 * A Trainer callback that stops a run whose loss (or gradient norm) turns NaN or infinite, before
 * it writes a broken checkpoint over good ones. It only observes log entries and sets control
 * flags, as every @graft/train callback must: `shouldStop`, and `shouldSave` / `shouldEvaluate`
 * cleared for the step that diverged (the save rotation would otherwise evict a good checkpoint
 * for a NaN one). With `loadBestModelAtEnd` the run then ends on the best good checkpoint.
 *
 * The Trainer reads the loss only when it logs, so the guard sees what logs see: a NaN step makes
 * the mean of its logging window NaN, and is caught at that window's log. `everySteps` asks for a
 * log that often (more entries in `log_history`, one device read each), to stop sooner.
 */
import { ArgumentError } from '@graft/core';
import type { CallbackContext, LogEntry, TrainerCallback } from '@graft/train';

/** What tripped the guard. */
export interface NonFiniteTrip {
  /** The optimizer step of the log entry. */
  step: number;
  /** The log key whose value was not finite (`loss`, `grad_norm`, `eval_loss`). */
  key: string;
  /** NaN, Infinity or -Infinity. */
  value: number;
}

/** Options of {@link NonFiniteLossGuard}. */
export interface NonFiniteLossGuardOptions {
  /** Ask the Trainer for a log every this many optimizer steps, so a divergence is seen within that many (default: only the logs `loggingSteps` makes). */
  everySteps?: number;
  /** The log keys to watch (default `loss`, `grad_norm`, `eval_loss`). */
  keys?: readonly string[];
  /** Called once, when the guard trips (to print it, or to alert someone). */
  onTrip?: (trip: NonFiniteTrip) => void;
}

/** Stops training at the first non-finite loss or gradient norm in the logs. */
export class NonFiniteLossGuard implements TrainerCallback {
  readonly name = 'NonFiniteLossGuard';
  /** The first non-finite value seen, or null while the run is healthy. */
  tripped: NonFiniteTrip | null = null;
  readonly #everySteps: number | undefined;
  readonly #keys: readonly string[];
  readonly #onTrip: ((trip: NonFiniteTrip) => void) | undefined;

  constructor(opts: NonFiniteLossGuardOptions = {}) {
    const { everySteps, keys = ['loss', 'grad_norm', 'eval_loss'], onTrip } = opts;
    if (everySteps !== undefined && !(Number.isInteger(everySteps) && everySteps >= 1))
      throw new ArgumentError(`NonFiniteLossGuard: everySteps must be an integer ≥ 1, got ${everySteps}`);
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string'))
      throw new ArgumentError('NonFiniteLossGuard: keys must be a non-empty list of log keys, like ["loss"]');
    this.#everySteps = everySteps;
    this.#keys = keys;
    this.#onTrip = onTrip;
  }

  /** Asks for a log every `everySteps` steps. */
  onStepEnd({ state, control }: CallbackContext): void {
    if (this.#everySteps !== undefined && state.globalStep % this.#everySteps === 0) control.shouldLog = true;
  }

  /** Checks the watched keys of each entry; on a non-finite value, stops without saving or evaluating this step. */
  onLog({ control }: CallbackContext, entry: Readonly<LogEntry>): void {
    if (this.tripped) return;
    for (const key of this.#keys) {
      const value = entry[key];
      if (value === undefined || Number.isFinite(value)) continue;
      this.tripped = { step: entry.step, key, value };
      control.shouldStop = true;
      control.shouldSave = false;
      control.shouldEvaluate = false;
      this.#onTrip?.(this.tripped);
      return;
    }
  }

  /** Clears a trip from an earlier `train()`, so the guard can watch the next run. */
  onTrainBegin(): void {
    this.tripped = null;
  }
}
