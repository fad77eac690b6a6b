/** Prompt tuning: config, encoder and the registered method. */
export { promptTuningConfig, validatePromptTuningConfig, PROMPT_TUNING_FIELDS, type PromptTuningConfig, type PromptTuningInit } from './config';
export { PromptEmbedding, repeatTo, type PromptEmbeddingOptions } from './encoder';
export { promptTuningMethod, wordEmbeddingsPath } from './method';
