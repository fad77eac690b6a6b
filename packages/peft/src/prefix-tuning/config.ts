/**
 * PrefixTuningConfig: PEFT's `PrefixTuningConfig` fields and defaults. Prefix tuning (Li & Liang
 * 2021) learns, per layer, keys and values of `num_virtual_tokens` positions that every token
 * attends to besides the input's own; with `prefix_projection` they come out of a two-layer MLP
 * (the paper's reparameterisation), which trains more stably.
 */
import { bool, type FieldSpecs, int, nullable } from '../config/fields';
import { parseFields } from '../config/peft-config';
import { PROMPT_LEARNING_FIELDS, type PromptLearningConfig, validatePromptLearningConfig } from '../prompt-learning/config';

/** A prefix-tuning config (PEFT's `PrefixTuningConfig`, its field names and defaults). */
export interface PrefixTuningConfig extends PromptLearningConfig {
  peft_type: 'PREFIX_TUNING';
  /** The projection MLP's hidden width (null: `token_dim`, as PEFT fills it). */
  encoder_hidden_size: number | null;
  /** Compute the prefix with `Linear(token_dim → encoder_hidden_size) → tanh → Linear(→ num_layers·2·token_dim)` from per-token embeddings (default false: learn the prefix itself). */
  prefix_projection: boolean;
}

/** PrefixTuningConfig's fields with PEFT's defaults. */
export const PREFIX_TUNING_FIELDS: FieldSpecs = {
  ...PROMPT_LEARNING_FIELDS,
  encoder_hidden_size: { default: null, check: nullable(int(1)) },
  prefix_projection: { default: false, check: bool },
};

/** The checks across fields (a prompt length is required; encoders only). */
export function validatePrefixTuningConfig(config: PrefixTuningConfig, where: string): void {
  validatePromptLearningConfig(config, where);
}

/**
 * A validated prefix-tuning config from options under PEFT's field names (the model's layers,
 * heads and width are filled in when the adapter is added).
 * @example prefixTuningConfig({ task_type: 'SEQ_CLS', num_virtual_tokens: 10 })
 */
export function prefixTuningConfig(options: Partial<Omit<PrefixTuningConfig, 'peft_type'>> = {}): PrefixTuningConfig {
  const config = parseFields<PrefixTuningConfig>(
    { ...options, peft_type: 'PREFIX_TUNING' },
    'PREFIX_TUNING',
    PREFIX_TUNING_FIELDS,
    'user',
    'PrefixTuningConfig',
  );
  validatePrefixTuningConfig(config, 'PrefixTuningConfig');
  return config;
}
