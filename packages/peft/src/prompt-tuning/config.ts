/**
 * PromptTuningConfig: PEFT's `PromptTuningConfig` fields and defaults. Prompt tuning (Lester et
 * al. 2021) learns `num_virtual_tokens` input embeddings, a soft prompt put before every input's
 * token embeddings. PEFT initialises them at random, from the embeddings of a text (`TEXT`, with a
 * tokenizer) or of random vocabulary tokens (`SAMPLE_VOCAB`). @graft/peft does not tokenize: for
 * `TEXT` the caller passes the text's token ids as `prompt_tuning_init_token_ids` (what PEFT gets
 * from `tokenizer(prompt_tuning_init_text)["input_ids"]`), a Graft-only field that is never written
 * into adapter_config.json.
 */
import { anyJson, type FieldCheck, type FieldSpecs, invalid, isJsonObject, nullable, oneOf, string } from '../config/fields';
import { ensure, parseFields } from '../config/peft-config';
import { PROMPT_LEARNING_FIELDS, type PromptLearningConfig, validatePromptLearningConfig } from '../prompt-learning/config';

/** How the soft prompt starts: random N(0, 1), the embeddings of a text's tokens, or of random vocabulary tokens. */
export type PromptTuningInit = 'RANDOM' | 'TEXT' | 'SAMPLE_VOCAB';

/** A prompt-tuning config (PEFT's `PromptTuningConfig`, its field names and defaults, plus the Graft-only init token ids). */
export interface PromptTuningConfig extends PromptLearningConfig {
  peft_type: 'PROMPT_TUNING';
  prompt_tuning_init: PromptTuningInit;
  /** The text whose token embeddings start the prompt (`TEXT`). */
  prompt_tuning_init_text: string | null;
  /** The tokenizer that text is tokenized with (PEFT requires it for `TEXT`; Graft writes it into the file for Python). */
  tokenizer_name_or_path: string | null;
  /** Options of that tokenizer, kept for PEFT (`TEXT` only). */
  tokenizer_kwargs: Record<string, unknown> | null;
  /**
   * The token ids of `prompt_tuning_init_text` (Graft-only, not saved): what PEFT gets from
   * `tokenizer(text)["input_ids"]`, special tokens included; repeated or cut to the prompt's length.
   */
  prompt_tuning_init_token_ids: number[] | null;
}

const tokenIds: FieldCheck<number[]> = (v, field, where) => {
  if (!Array.isArray(v) || v.length === 0 || !v.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
    throw invalid(where, field, 'a non-empty list of token ids (integers ≥ 0)', v);
  }
  return [...v] as number[];
};

const jsonObject: FieldCheck<Record<string, unknown>> = (v, field, where) => {
  if (!isJsonObject(v)) throw invalid(where, field, 'an object', v);
  return anyJson(v, field, where) as Record<string, unknown>;
};

/** PromptTuningConfig's fields with PEFT's defaults. */
export const PROMPT_TUNING_FIELDS: FieldSpecs = {
  ...PROMPT_LEARNING_FIELDS,
  prompt_tuning_init: { default: 'RANDOM', check: oneOf<PromptTuningInit>(['RANDOM', 'TEXT', 'SAMPLE_VOCAB']) },
  prompt_tuning_init_text: { default: null, check: nullable(string) },
  tokenizer_name_or_path: { default: null, check: nullable(string) },
  tokenizer_kwargs: { default: null, check: nullable(jsonObject) },
  prompt_tuning_init_token_ids: { default: null, check: nullable(tokenIds), transient: true },
};

/** PEFT's checks (`TEXT` needs the text and a tokenizer name; tokenizer options only with `TEXT`), after the shared ones. */
export function validatePromptTuningConfig(config: PromptTuningConfig, where: string): void {
  validatePromptLearningConfig(config, where);
  const text = config.prompt_tuning_init === 'TEXT';
  ensure(
    !text || !!config.tokenizer_name_or_path,
    where,
    'tokenizer_name_or_path',
    `When prompt_tuning_init='TEXT', tokenizer_name_or_path can't be ${config.tokenizer_name_or_path}.`,
  );
  ensure(
    !text || config.prompt_tuning_init_text !== null,
    where,
    'prompt_tuning_init_text',
    "When prompt_tuning_init='TEXT', prompt_tuning_init_text can't be null.",
  );
  ensure(text || !config.tokenizer_kwargs, where, 'tokenizer_kwargs', "tokenizer_kwargs only valid when using prompt_tuning_init='TEXT'.");
  ensure(
    text || config.prompt_tuning_init_token_ids === null,
    where,
    'prompt_tuning_init_token_ids',
    "prompt_tuning_init_token_ids are the token ids of prompt_tuning_init_text: set prompt_tuning_init: 'TEXT'",
  );
}

/**
 * A validated prompt-tuning config from options under PEFT's field names (the model's width is
 * filled in when the adapter is added).
 * @example promptTuningConfig({ task_type: 'SEQ_CLS', num_virtual_tokens: 8, prompt_tuning_init: 'TEXT', prompt_tuning_init_text: 'Is this review positive?', tokenizer_name_or_path: 'bert-base-uncased', prompt_tuning_init_token_ids: tokenizer.encode('Is this review positive?').ids })
 */
export function promptTuningConfig(options: Partial<Omit<PromptTuningConfig, 'peft_type'>> = {}): PromptTuningConfig {
  const config = parseFields<PromptTuningConfig>(
    { ...options, peft_type: 'PROMPT_TUNING' },
    'PROMPT_TUNING',
    PROMPT_TUNING_FIELDS,
    'user',
    'PromptTuningConfig',
  );
  validatePromptTuningConfig(config, 'PromptTuningConfig');
  return config;
}
