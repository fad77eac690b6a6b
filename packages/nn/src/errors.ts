/**
 * Typed errors of @graft/nn. Each is a core `GraftError` with a stable `code`, so callers (and the
 * CLI) can tell a bad checkpoint from a bad optimizer option without parsing messages.
 */
import { GraftError } from '@graft/core';

/** One state-dict entry whose shape differs from the module's tensor at that key. */
export interface ShapeMismatch {
  key: string;
  expected: readonly number[];
  got: readonly number[];
}

/** Loading a state dict whose tensors have the wrong shapes; nothing was loaded. */
export class StateDictShapeError extends GraftError {
  readonly mismatches: readonly ShapeMismatch[];

  constructor(mismatches: readonly ShapeMismatch[]) {
    const lines = mismatches.map((m) => `  ${m.key}: checkpoint has [${m.got.join(', ')}], module expects [${m.expected.join(', ')}]`);
    super('state_dict_shape_mismatch', `shape mismatch while loading the state dict (nothing was loaded):\n${lines.join('\n')}`);
    this.mismatches = mismatches;
  }
}

/** Strict loading found keys the module lacks or the module has keys the state dict lacks. */
export class StateDictKeyError extends GraftError {
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];

  constructor(missing: readonly string[], unexpected: readonly string[]) {
    const parts = [];
    if (missing.length) parts.push(`missing keys: ${missing.join(', ')}`);
    if (unexpected.length) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
    super('state_dict_keys', `strict state-dict loading failed (nothing was loaded); ${parts.join('; ')}`);
    this.missing = missing;
    this.unexpected = unexpected;
  }
}

/** A dotted path that names no submodule, parameter or buffer. */
export class ModulePathError extends GraftError {
  constructor(message: string) {
    super('module_path', message);
  }
}

/** An optimizer, parameter group or scheduler was given options it cannot use. */
export class OptimizerConfigError extends GraftError {
  constructor(message: string) {
    super('optimizer_config', message);
  }
}

/** A layer was built with options it cannot use (negative sizes, heads that do not divide, …). */
export class LayerConfigError extends GraftError {
  constructor(message: string) {
    super('layer_config', message);
  }
}

/**
 * An attention mask of the wrong dtype, shape or device. Integer masks are rejected because the
 * two conventions disagree (Hugging Face attention_mask: 1 = keep; PyTorch key_padding_mask:
 * true = ignore); the message says how to convert.
 */
export class AttentionMaskError extends GraftError {
  constructor(message: string) {
    super('attention_mask', message);
  }
}

/** `clipGradNorm(…, { errorIfNonfinite: true })` met a nan/inf total norm; no gradient was changed. */
export class NonfiniteGradNormError extends GraftError {
  constructor(readonly norm: number) {
    super('nonfinite_grad_norm', `the total gradient norm is ${norm}; refusing to clip (errorIfNonfinite)`);
  }
}
