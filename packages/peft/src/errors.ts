/**
 * Typed errors of @graft/peft. Each is a core `GraftError` with a stable `code`, so a caller (the
 * CLI's exit codes, a Trainer) can tell a bad adapter_config.json from a target that matched
 * nothing or a damaged adapter file without reading the message; the message names the field,
 * the module path, the adapter or the file, and says what to do.
 */
import { GraftError } from '@graft/core';

/** The stable codes of {@link PeftConfigError}. */
export type PeftConfigErrorCode =
  /** A field has a value of the wrong type or outside its range. */
  | 'peft_config_invalid'
  /** A field this method does not have (a typo, or a field of another method). */
  | 'peft_config_unknown_field'
  /** A PEFT feature Graft does not implement (PiSSA init, QALoRA, Megatron …), set to a value that would need it. */
  | 'peft_config_unsupported';

/** A PEFT config (adapter_config.json, or options in code) that cannot be used; `field` names the field. */
export class PeftConfigError extends GraftError {
  /** The config field at fault (`lora_alpha`), when there is one. */
  readonly field: string | undefined;

  constructor(code: PeftConfigErrorCode, message: string, field?: string) {
    super(code, message);
    this.field = field;
  }
}

/** The stable codes of {@link PeftTargetError}. */
export type PeftTargetErrorCode =
  /** `target_modules` matched no module of the model. */
  | 'peft_target_not_found'
  /** A matched module is of a type the method cannot adapt (LoRA on a LayerNorm, say). */
  | 'peft_target_unsupported'
  /** Every matched module was excluded by `exclude_modules` or `modules_to_save`. */
  | 'peft_target_excluded'
  /** No `target_modules` given and the model type has no default targets. */
  | 'peft_target_unspecified';

/** Choosing which modules to adapt failed; the message names the modules or the config fields involved. */
export class PeftTargetError extends GraftError {
  constructor(code: PeftTargetErrorCode, message: string) {
    super(code, message);
  }
}

/** The stable codes of {@link PeftAdapterError}. */
export type PeftAdapterErrorCode =
  /** No adapter has that name. */
  | 'peft_adapter_unknown'
  /** An adapter of that name exists already. */
  | 'peft_adapter_exists'
  /** The name cannot be a key in a state dict (empty, has a `.`, or is a Module property). */
  | 'peft_adapter_name'
  /** Adapters of different methods (LoRA and IA³) cannot share one model, as in PEFT. */
  | 'peft_adapter_type_mismatch'
  /** A second adapter that trains base biases (`bias` other than 'none'): PEFT allows one. */
  | 'peft_adapter_bias'
  /** The operation needs the adapter unmerged (delete, load). */
  | 'peft_adapter_merged'
  /** The method cannot merge its adapters into the base weights. */
  | 'peft_merge_unsupported'
  /** A safe merge found NaN or infinite values in the merged weights; nothing was changed. */
  | 'peft_merge_nonfinite'
  /** The model was already unloaded (`mergeAndUnload`, `unload`): use the model those returned. */
  | 'peft_unloaded'
  /** An operation that needs one active adapter found several or none. */
  | 'peft_adapter_active'
  /** A prompt-learning adapter cannot prepare the call's inputs (not one object with `inputIds` or `inputsEmbeds`). */
  | 'peft_adapter_inputs';

/** Managing a model's adapters failed (unknown name, merged state, a method that cannot merge …). */
export class PeftAdapterError extends GraftError {
  /** The adapter concerned, when there is one. */
  readonly adapter: string | undefined;

  constructor(code: PeftAdapterErrorCode, message: string, adapter?: string) {
    super(code, message);
    this.adapter = adapter;
  }
}

/** The stable codes of {@link PeftFileError}. */
export type PeftFileErrorCode =
  /** adapter_config.json or adapter_model.safetensors is not there. */
  | 'peft_file_missing'
  /** A file is there but is not what it should be (JSON syntax, safetensors header, a pickle). */
  | 'peft_file_invalid'
  /** The adapter's tensors do not fit the model (missing or unexpected keys, other shapes); nothing was loaded. */
  | 'peft_file_mismatch'
  /** Reading the file failed (file system, network). */
  | 'peft_file_read';

/** An adapter file that is missing, malformed or does not fit the model; `file` names it. */
export class PeftFileError extends GraftError {
  /** The file concerned (`adapter_model.safetensors`). */
  readonly file: string;

  constructor(code: PeftFileErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.file = file;
  }
}

/** A `peft_type` no registered method provides, or a method object that cannot be registered. */
export class PeftMethodError extends GraftError {
  constructor(message: string) {
    super('peft_method_unknown', message);
  }
}
