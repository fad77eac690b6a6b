/**
 * Typed errors of @graft/train. Each is a core `GraftError` with a stable `code`, so a caller
 * (and the CLI's exit codes) can tell a bad argument from a broken checkpoint without parsing
 * messages; every message names the problem and what to do.
 */
import { GraftError } from '@graft/core';

/** The stable codes of a {@link TrainingArgumentsError}. */
export type TrainingArgumentsErrorCode =
  /** A key that `TrainingArguments` does not have. */
  | 'training_args_unknown_key'
  /** A value of the wrong type or outside its allowed range or set. */
  | 'training_args_invalid_value'
  /** Two arguments that cannot be used together (`loadBestModelAtEnd` with different strategies). */
  | 'training_args_conflict';

/** A training argument that is unknown, has a bad value, or conflicts with another. */
export class TrainingArgumentsError extends GraftError {
  /** The argument at fault (camelCase), or the first of two conflicting ones. */
  readonly key: string;
  /** What the argument accepts, in words (`'one of: no, steps, epoch'`), when that is a short list. */
  readonly allowed: string | undefined;

  constructor(code: TrainingArgumentsErrorCode, key: string, message: string, allowed?: string) {
    super(code, message);
    this.key = key;
    this.allowed = allowed;
  }
}

/** The stable codes of a {@link CheckpointError}. */
export type CheckpointErrorCode =
  /** No checkpoint of that name (or none at all, for `resumeFromCheckpoint: true`). */
  | 'checkpoint_not_found'
  /** A checkpoint directory lacks a file the Trainer needs, or a file does not parse. */
  | 'checkpoint_invalid'
  /** A checkpoint written for another model, optimizer or training setup. */
  | 'checkpoint_mismatch';

/** A checkpoint that cannot be found, read or used for this run. */
export class CheckpointError extends GraftError {
  /** The checkpoint directory (store-relative), when one is concerned. */
  readonly checkpoint: string | undefined;

  constructor(code: CheckpointErrorCode, message: string, opts: { checkpoint?: string; cause?: unknown } = {}) {
    super(code, message, { cause: opts.cause });
    this.checkpoint = opts.checkpoint;
  }
}

/** The stable codes of a {@link TrainerError}. */
export type TrainerErrorCode =
  /** The Trainer was given options it cannot use (no dataset, a model without a loss, …). */
  | 'trainer_config'
  /** The requested device has no registered backend. */
  | 'trainer_device_unavailable'
  /** `metricForBestModel` names a metric that evaluation did not produce. */
  | 'trainer_metric_missing'
  /** A step returned something that is not a loss tensor. */
  | 'trainer_step_output';

/** The Trainer cannot run as configured. */
export class TrainerError extends GraftError {
  constructor(code: TrainerErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(code, message, opts);
  }
}

/** Metric inputs that do not fit the metric (lengths differ, a multiclass target for `average: 'binary'`, …). */
export class MetricError extends GraftError {
  constructor(message: string) {
    super('metric_invalid_input', message);
  }
}
