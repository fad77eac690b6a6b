/**
 * Typed errors of @graft/models. Each is a core `GraftError` with a stable `code`, so a caller
 * (the CLI's exit codes, a Trainer) can tell a bad config.json from a missing tensor or an
 * unsupported architecture without reading the message; the message names the file, the field or
 * the tensor keys, and says what to do.
 */
import { GraftError } from '@graft/core';

/** A config.json field with a value the model cannot use, or a bad config option. */
export class ModelConfigError extends GraftError {
  /** The config field at fault (`hidden_size`), when there is one. */
  readonly field: string | undefined;

  constructor(message: string, field?: string) {
    super('model_config', message);
    this.field = field;
  }
}

/** The stable codes of {@link ModelFileError}. */
export type ModelFileErrorCode =
  /** A file the model needs is not in the directory, map or URL base. */
  | 'model_file_missing'
  /** A file is there but cannot be read as what it should be (JSON syntax, not an object). */
  | 'model_file_invalid'
  /** Reading the file failed (network, file system). */
  | 'model_file_read';

/** A model file that is missing, unreadable or malformed; the message names the file and where it was looked for. */
export class ModelFileError extends GraftError {
  /** The file name (`config.json`). */
  readonly file: string;

  constructor(code: ModelFileErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.file = file;
  }
}

/** A `model_type`, architecture or task that no registered model type provides; the message lists the supported ones. */
export class UnsupportedModelError extends GraftError {
  constructor(message: string) {
    super('unsupported_model', message);
  }
}

/** One tensor whose shape in the checkpoint differs from the model's. */
export interface TensorShapeMismatch {
  key: string;
  expected: readonly number[];
  found: readonly number[];
}

/** The stable codes of {@link CheckpointError}. */
export type CheckpointErrorCode =
  /** Tensors the model requires (its backbone) are not in the checkpoint. */
  | 'checkpoint_missing_tensors'
  /** Tensors whose shapes differ from the model's. */
  | 'checkpoint_shape_mismatch'
  /** A tensor of a dtype the model cannot load (an integer weight, say). */
  | 'checkpoint_dtype';

/** A checkpoint that does not fit the model: missing required tensors, wrong shapes or dtypes. Nothing was loaded. */
export class CheckpointError extends GraftError {
  /** The tensor keys involved. */
  readonly keys: readonly string[];
  /** For `checkpoint_shape_mismatch`: each key with the model's and the checkpoint's shape. */
  readonly mismatches: readonly TensorShapeMismatch[];

  constructor(code: CheckpointErrorCode, message: string, keys: readonly string[], mismatches: readonly TensorShapeMismatch[] = []) {
    super(code, message);
    this.keys = keys;
    this.mismatches = mismatches;
  }
}

/** Lists at most `max` items, then how many more: messages about 200 keys stay readable. */
export function listSome(items: readonly string[], max = 20): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}

/** The inputs of a model were of the wrong kind (dtype, shape, length); the message names the field. */
export class ModelInputError extends GraftError {
  /** The input field at fault (`attentionMask`). */
  readonly field: string;

  constructor(field: string, message: string) {
    super('model_input', `${field}: ${message}`);
    this.field = field;
  }
}

/** An input a pipeline cannot use (an empty list, a text without a mask token, …). */
export class PipelineInputError extends GraftError {
  constructor(message: string) {
    super('pipeline_input', message);
  }
}
