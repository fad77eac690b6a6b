import { GraftError } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { classifyError, dataError, errorLine, modelError, usageError } from './errors';
import { EXIT } from './exit-codes';

/** An error class named like one of a package's, as the packages define them. */
function named(name: string, code: string): GraftError {
  const cls = { [name]: class extends GraftError {} }[name];
  return new cls(code, `${name} happened`);
}

describe('classifyError', () => {
  it("uses a CliError's own exit code", () => {
    expect(classifyError(usageError('x'))).toBe(EXIT.usage);
    expect(classifyError(dataError('x'))).toBe(EXIT.data);
    expect(classifyError(modelError('x'))).toBe(EXIT.model);
  });

  it('maps the packages’ errors by code first, then by class name', () => {
    expect(classifyError(named('DataFormatError', 'csv_unclosed_quote'))).toBe(EXIT.data);
    expect(classifyError(named('DataSourceError', 'file_not_found'))).toBe(EXIT.usage);
    expect(classifyError(named('DataSourceError', 'unsupported_format'))).toBe(EXIT.data);
    expect(classifyError(named('ColumnNotFoundError', 'column_not_found'))).toBe(EXIT.usage);
    expect(classifyError(named('ModelConfigError', 'model_config'))).toBe(EXIT.model);
    expect(classifyError(named('UnsupportedModelError', 'unsupported_model'))).toBe(EXIT.model);
    // two packages have a CheckpointError: the code decides
    expect(classifyError(named('CheckpointError', 'checkpoint_shape_mismatch'))).toBe(EXIT.model);
    expect(classifyError(named('CheckpointError', 'checkpoint_not_found'))).toBe(EXIT.usage);
    expect(classifyError(named('TrainingArgumentsError', 'training_args_invalid_value'))).toBe(EXIT.usage);
    expect(classifyError(named('TrainerError', 'trainer_device_unavailable'))).toBe(EXIT.usage);
    expect(classifyError(named('TrainerError', 'trainer_step_output'))).toBe(EXIT.failure);
    expect(classifyError(named('OutOfMemoryError', 'out_of_memory'))).toBe(EXIT.failure);
    // adapters, freezing strategies and distillation (their real classes, by name)
    expect(classifyError(named('PeftFileError', 'peft_file_mismatch'))).toBe(EXIT.model);
    expect(classifyError(named('PeftAdapterError', 'peft_merge_unsupported'))).toBe(EXIT.usage);
    expect(classifyError(named('PeftAdapterError', 'peft_merge_nonfinite'))).toBe(EXIT.model);
    expect(classifyError(named('FreezingError', 'freezing_config'))).toBe(EXIT.usage);
    expect(classifyError(named('FreezingError', 'freezing_unknown_layout'))).toBe(EXIT.model);
    expect(classifyError(named('DistillError', 'distill_config'))).toBe(EXIT.usage);
    const tokenizerError = Object.assign(new Error('bad vocab'), { name: 'TokenizerError', code: 'E_FORMAT' });
    expect(classifyError(tokenizerError)).toBe(EXIT.model);
  });

  it('treats anything unexpected as a failure (exit 1)', () => {
    expect(classifyError(new TypeError('x is undefined'))).toBe(EXIT.failure);
    expect(classifyError('a string')).toBe(EXIT.failure);
  });
});

describe('errorLine', () => {
  it('is one line; unexpected errors carry their class name', () => {
    expect(errorLine(usageError('first\n  second'))).toBe('first; second');
    expect(errorLine(new TypeError('x is undefined'))).toBe('TypeError: x is undefined');
  });
});
