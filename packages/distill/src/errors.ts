/**
 * Typed errors of @graft/distill. Each is a core `GraftError` with a stable `code`, and every
 * message names the option, key or file at fault and what to do about it.
 */
import { GraftError } from '@graft/core';

/** The stable codes of a {@link DistillError}. */
export type DistillErrorCode =
  /** An option has a bad value (α outside [0, 1], a non-positive temperature, an unknown field). */
  | 'distill_config'
  /** A schedule gave a bad value at some step, or needs the run's length and none is known. */
  | 'distill_schedule'
  /** Student and teacher outputs that cannot be compared (shapes, missing hidden states or attentions). */
  | 'distill_output'
  /** A layer mapping that names layers the models do not have. */
  | 'distill_layer_map'
  /** Initialising a student from a teacher: a key whose shapes differ, or layers that do not exist. */
  | 'distill_init_mismatch'
  /** Cached teacher logits that do not fit the batch (no example index, out of range, another dataset). */
  | 'distill_cache';

/** A distillation setup or input that cannot work, with the option or key at fault. */
export class DistillError extends GraftError {
  /** The option, state-dict key or batch field concerned, when there is one. */
  readonly field: string | undefined;

  constructor(code: DistillErrorCode, message: string, opts: { field?: string; cause?: unknown } = {}) {
    super(code, message, { cause: opts.cause });
    this.field = opts.field;
  }
}
