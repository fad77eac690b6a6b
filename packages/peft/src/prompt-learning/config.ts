/**
 * The fields every prompt-learning config shares (PEFT's `PromptLearningConfig`) and PEFT's
 * `_prepare_prompt_learning_config`: the model's shape (layers, heads, width) is read from its
 * `config` when the adapter is added, and written into adapter_config.json, so the file says
 * what the prefix or prompt was built for.
 */
import type { AnyModule } from '@graft/nn';
import { type FieldSpecs, int, nullable, stringList } from '../config/fields';
import { ensure, type PeftConfig } from '../config/peft-config';
import { PeftConfigError } from '../errors';

/** The fields of PEFT's `PromptLearningConfig`. */
export interface PromptLearningConfig extends PeftConfig {
  /** How many virtual tokens the prompt (or prefix) has; PEFT has no default, so it must be set. */
  num_virtual_tokens: number | null;
  /** The model's hidden size (null: read from the model). */
  token_dim: number | null;
  /** 1 for encoders (2, PEFT's value for encoder-decoders, is not implemented). */
  num_transformer_submodules: number | null;
  /** The model's attention heads (null: read from the model). */
  num_attention_heads: number | null;
  /** The model's layers (null: read from the model). */
  num_layers: number | null;
  /** Modules trained in full next to the prompt (`classifier`, `score` are added for SEQ_CLS, as in PEFT). */
  modules_to_save: string[] | null;
}

/** PromptLearningConfig's fields with PEFT's defaults. */
export const PROMPT_LEARNING_FIELDS: FieldSpecs = {
  num_virtual_tokens: { default: null, check: nullable(int(1)) },
  token_dim: { default: null, check: nullable(int(1)) },
  num_transformer_submodules: { default: null, check: nullable(int(1)) },
  num_attention_heads: { default: null, check: nullable(int(1)) },
  num_layers: { default: null, check: nullable(int(1)) },
  modules_to_save: { default: null, check: nullable(stringList) },
};

/** Checks across the shared fields: a prompt length is required, and encoder-decoder prompts are refused. */
export function validatePromptLearningConfig(config: PromptLearningConfig, where: string): void {
  ensure(
    config.num_virtual_tokens !== null,
    where,
    'num_virtual_tokens',
    `${config.peft_type} needs num_virtual_tokens (the prompt's length in virtual tokens, 20 say); PEFT has no default either`,
  );
  if (config.num_transformer_submodules !== null && config.num_transformer_submodules !== 1) {
    throw new PeftConfigError(
      'peft_config_unsupported',
      `${where}: field 'num_transformer_submodules' is ${config.num_transformer_submodules}, but Graft implements prompts for encoders only (1)`,
      'num_transformer_submodules',
    );
  }
}

/** The first of `names` that `json` holds as a positive integer. */
function firstInt(json: Record<string, unknown>, names: readonly string[]): number | null {
  for (const n of names) {
    const v = json[n];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  }
  return null;
}

// PEFT's names, plus DistilBERT's own (`n_layers`, `dim`, `n_heads`), which its config.json keeps
const LAYER_FIELDS = ['num_hidden_layers', 'num_layers', 'n_layer', 'n_layers'];
const WIDTH_FIELDS = ['hidden_size', 'n_embd', 'd_model', 'dim'];
const HEAD_FIELDS = ['num_attention_heads', 'n_head', 'num_heads', 'encoder_attention_heads', 'n_heads'];

/**
 * Completes the config from `model.config` (PEFT's `_prepare_prompt_learning_config`): width,
 * layers and heads where the config leaves them null (as PEFT writes them into the file), one
 * transformer submodule. One the method `needs` that neither the model nor the config gives is a
 * `PeftConfigError` naming the field.
 */
export function preparePromptLearningConfig(config: PromptLearningConfig, model: AnyModule, needs: { layers: boolean; heads: boolean }): void {
  const modelConfig = (model as unknown as { config?: unknown }).config;
  const json = (typeof modelConfig === 'object' && modelConfig !== null ? modelConfig : {}) as Record<string, unknown>;
  const fill = (field: 'num_layers' | 'token_dim' | 'num_attention_heads', names: readonly string[], what: string, required: boolean) => {
    config[field] ??= firstInt(json, names);
    if (config[field] === null && required) {
      throw new PeftConfigError(
        'peft_config_invalid',
        `${config.peft_type}: set ${field} (${what}): the model's config has none of ${names.join(', ')}`,
        field,
      );
    }
  };
  fill('token_dim', WIDTH_FIELDS, "the model's hidden size", true);
  fill('num_layers', LAYER_FIELDS, "the model's layer count", needs.layers);
  fill('num_attention_heads', HEAD_FIELDS, "the model's attention heads", needs.heads);
  config.num_transformer_submodules ??= 1;
  if (needs.heads && config.token_dim! % config.num_attention_heads! !== 0) {
    throw new PeftConfigError(
      'peft_config_invalid',
      `${config.peft_type}: token_dim ${config.token_dim} is not a multiple of num_attention_heads ${config.num_attention_heads}`,
      'token_dim',
    );
  }
}
