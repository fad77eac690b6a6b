/**
 * The CLI's errors and how any error becomes one line and an exit code. Commands throw
 * `CliError`s for what they check themselves (a flag, a file, a column); errors from the packages
 * underneath are typed too (`GraftError` codes, `TokenizerError`), and {@link classifyError} maps
 * them to an exit code by class name and code, so adding a package error never needs a change
 * in every command.
 */
import { GraftError } from '@graft/core';
import { EXIT, type ExitCode } from './exit-codes';

/** An error the CLI reports as one line with a chosen exit code. */
export class CliError extends GraftError {
  /** The process exit code this error ends the command with. */
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.exitCode = exitCode;
  }
}

/** A wrong command line: unknown flag, bad value, missing file, unknown column (exit 2). */
export function usageError(message: string, code = 'usage'): CliError {
  return new CliError(EXIT.usage, code, message);
}

/** A malformed or unsuitable data file (exit 3). */
export function dataError(message: string, code = 'data', cause?: unknown): CliError {
  return new CliError(EXIT.data, code, message, { cause });
}

/** An unusable model or tokenizer directory (exit 4). */
export function modelError(message: string, code = 'model', cause?: unknown): CliError {
  return new CliError(EXIT.model, code, message, { cause });
}

/** The run was interrupted (exit 130). */
export class InterruptedError extends CliError {
  constructor(what = 'interrupted') {
    super(EXIT.interrupted, 'interrupted', what);
  }
}

/**
 * Error codes whose meaning does not depend on the class that carries them (two packages have a
 * `CheckpointError`; a `DataSourceError` is a usage error when the file is missing and a data
 * error when its layout is unreadable). Checked before the class names.
 */
const BY_CODE: Record<string, ExitCode> = {
  interrupted: EXIT.interrupted,
  out_of_memory: EXIT.failure,
  // @graft/data sources: what the user named is not there, or not a data file
  file_not_found: EXIT.usage,
  unknown_format: EXIT.usage,
  split_not_found: EXIT.usage,
  column_not_found: EXIT.usage,
  // @graft/train checkpoints: a resume target that does not exist is a wrong argument; a broken one is the model's
  checkpoint_not_found: EXIT.usage,
  checkpoint_invalid: EXIT.model,
  checkpoint_mismatch: EXIT.model,
  // @graft/models checkpoints
  checkpoint_missing_tensors: EXIT.model,
  checkpoint_shape_mismatch: EXIT.model,
  checkpoint_dtype: EXIT.model,
  // @graft/train: settings the user chose
  trainer_device_unavailable: EXIT.usage,
  trainer_metric_missing: EXIT.usage,
  // @graft/peft: a merge that would write NaN or infinite weights is the adapter's fault
  peft_merge_nonfinite: EXIT.model,
  // @graft/peft freezing strategies: a model whose layout they cannot read
  freezing_unknown_layout: EXIT.model,
  // @graft/distill: a student whose shapes cannot start from the teacher's layers
  distill_init_mismatch: EXIT.model,
};

/**
 * Error classes of the packages the CLI composes, by `name`, and the exit code each means. Names
 * rather than `instanceof`, so the table needs no import of every package's internals, and a
 * plugin's error class with one of these names is treated alike.
 */
const BY_NAME: Record<string, ExitCode> = {
  // @graft/data
  DataFormatError: EXIT.data,
  DataSourceError: EXIT.data,
  ColumnNotFoundError: EXIT.usage,
  CollateError: EXIT.data,
  // @graft/models and the files of a model folder
  ModelConfigError: EXIT.model,
  ModelFileError: EXIT.model,
  UnsupportedModelError: EXIT.model,
  CheckpointError: EXIT.model,
  ModelInputError: EXIT.data,
  PipelineInputError: EXIT.usage,
  StateDictKeyError: EXIT.model,
  StateDictShapeError: EXIT.model,
  SafetensorsError: EXIT.model,
  TokenizerError: EXIT.model,
  // @graft/train: argument values come from the command line or its config file
  TrainingArgumentsError: EXIT.usage,
  OptimizerConfigError: EXIT.usage,
  MetricError: EXIT.data,
  // @graft/peft: adapter folders (flags that set PEFT fields are checked by the methods, as usage errors)
  PeftConfigError: EXIT.model,
  PeftFileError: EXIT.model,
  PeftTargetError: EXIT.model,
  PeftMethodError: EXIT.model,
  PeftAdapterError: EXIT.usage,
  FreezingError: EXIT.usage,
  // @graft/distill: its options come from the command line
  DistillError: EXIT.usage,
};

/** The exit code for any thrown value: CliError's own, else by class name, code, then 1. */
export function classifyError(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && Object.hasOwn(BY_CODE, code)) return BY_CODE[code];
    for (let proto = Object.getPrototypeOf(error); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
      const name = proto.constructor?.name;
      if (typeof name === 'string' && Object.hasOwn(BY_NAME, name)) return BY_NAME[name];
    }
    if (Object.hasOwn(BY_NAME, error.name)) return BY_NAME[error.name];
  }
  return EXIT.failure;
}

/** The one line printed for an error: its message on one line (a stack only with `GRAFT_DEBUG=1`). */
export function errorLine(error: unknown): string {
  if (error instanceof Error) {
    const message = error.message.replace(/\s*\n\s*/g, '; ').trim();
    // errors the CLI did not expect are bugs or failures: say what kind, so the line is useful alone
    if (error instanceof GraftError || error.name === 'TokenizerError') return message;
    return `${error.name}: ${message}`;
  }
  return String(error);
}
