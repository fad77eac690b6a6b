/**
 * The prompt-tuning method (`peft_type` 'PROMPT_TUNING'), as PEFT's `PeftModelFor…` forwards:
 * the input's word embeddings (or the `inputsEmbeds` given) get the active adapter's soft prompt
 * in front and go to the model as `inputsEmbeds`; the attention mask gains T ones and the token
 * type ids T zeros in front; position ids are dropped (the model numbers the T + L positions).
 * Outputs per token therefore have T more positions, the prompt's first. Token-level labels
 * (int32 `[B, L]`, for token classification or masked LM) get T `-100` in front, so the loss
 * covers the real tokens only, and question-answering positions move T to the right: PEFT does
 * that for causal LM only and passes them unchanged for the other tasks, where they then point at
 * the wrong tokens (token classification fails on the length).
 */
import { concat, defaultGenerator, full, scope, type Tensor, zeros } from '@graft/core';
import { type AnyModule, Embedding } from '@graft/nn';
import { PeftConfigError, PeftTargetError } from '../errors';
import type { InjectContext, PeftMethod, PromptForwardContext } from '../method';
import { preparePromptLearningConfig } from '../prompt-learning/config';
import { maskWithPrompt, modelDevice, type PromptInputs, promptInputs } from '../prompt-learning/inputs';
import { SKIP_INIT } from '../tuners/skip-init';
import { PROMPT_TUNING_FIELDS, type PromptTuningConfig, validatePromptTuningConfig } from './config';
import { PromptEmbedding } from './encoder';

/**
 * The path of the model's word embeddings: PEFT's rule, a module named `embeddings.word_embeddings`
 * (BERT, RoBERTa, DistilBERT under their backbone), else the Embedding with `config.vocab_size` rows.
 */
export function wordEmbeddingsPath(model: AnyModule): string | null {
  const embeddings = [...model.namedModules()].filter((e): e is [string, Embedding] => e[1] instanceof Embedding);
  const named = embeddings.find(([k]) => k === 'embeddings.word_embeddings' || k.endsWith('.embeddings.word_embeddings'));
  if (named) return named[0];
  const vocab = (model as unknown as { config?: { vocab_size?: unknown } }).config?.vocab_size;
  return embeddings.find(([, e]) => e.numEmbeddings === vocab)?.[0] ?? null;
}

/** The token ids the prompt starts from: the text's (`TEXT`), random vocabulary ids (`SAMPLE_VOCAB`), or none (`RANDOM`). */
function initIds(ctx: InjectContext<PromptTuningConfig>, words: Embedding): number[] | null {
  const { config } = ctx;
  if (!ctx.init || config.inference_mode || config.prompt_tuning_init === 'RANDOM') return null;
  if (config.prompt_tuning_init === 'SAMPLE_VOCAB') {
    return Array.from((ctx.generator ?? defaultGenerator()).randint(config.num_virtual_tokens!, 0, words.numEmbeddings));
  }
  const ids = config.prompt_tuning_init_token_ids;
  if (!ids) {
    throw new PeftConfigError(
      'peft_config_invalid',
      `PROMPT_TUNING: prompt_tuning_init 'TEXT' starts the prompt from the word embeddings of prompt_tuning_init_text, and @graft/peft does not tokenize: pass its token ids as prompt_tuning_init_token_ids (tokenizer.encode(${JSON.stringify(config.prompt_tuning_init_text)}).ids, special tokens included as PEFT's tokenizer call gives them)`,
      'prompt_tuning_init_token_ids',
    );
  }
  const bad = ids.find((id) => id >= words.numEmbeddings);
  if (bad !== undefined) {
    throw new PeftConfigError(
      'peft_config_invalid',
      `PROMPT_TUNING: token id ${bad} is outside the model's vocabulary of ${words.numEmbeddings}`,
      'prompt_tuning_init_token_ids',
    );
  }
  return ids;
}

/** `t` with `n` copies of `value` in front along axis 1 (`[B, L]` int32 → `[B, n + L]`). */
function padFront(t: Tensor, n: number, value: number): Tensor {
  const front = value === 0 ? zeros([t.shape[0], n], { dtype: t.dtype, device: t.device }) : full([t.shape[0], n], value, { dtype: t.dtype, device: t.device });
  return concat([front, t], 1);
}

/** The inputs with the soft prompt in front (see the file comment). */
function withPrompt(model: AnyModule, encoder: PromptEmbedding, config: PromptTuningConfig, inputs: PromptInputs, batch: number, length: number): PromptInputs {
  const t = config.num_virtual_tokens!;
  const embeds = inputs.inputsEmbeds ?? (model.getSubmodule(encoder.wordEmbeddings) as Embedding).call(inputs.inputIds as Tensor);
  const prompt = encoder.prompt();
  const prompts = (prompt.dtype === embeds.dtype ? prompt : prompt.cast(embeds.dtype)).unsqueeze(0).expand(batch, t, prompt.shape[1]);
  const { labels, startPositions, endPositions, tokenTypeIds } = inputs;
  const tokenLabels = labels && labels.dtype === 'int32' && labels.rank === 2 && labels.shape[1] === length && config.task_type !== 'SEQ_CLS';
  return {
    ...inputs,
    inputIds: null,
    inputsEmbeds: concat([prompts, embeds], 1),
    attentionMask: maskWithPrompt(inputs.attentionMask, t),
    tokenTypeIds: tokenTypeIds ? padFront(tokenTypeIds, t, 0) : tokenTypeIds,
    labels: tokenLabels ? padFront(labels, t, -100) : labels,
    startPositions: startPositions ? startPositions.add(t) : startPositions,
    endPositions: endPositions ? endPositions.add(t) : endPositions,
  };
}

/** Prompt tuning as a registered PEFT method. */
export const promptTuningMethod: PeftMethod<PromptTuningConfig> = {
  peftType: 'PROMPT_TUNING',
  fields: PROMPT_TUNING_FIELDS,
  validate: validatePromptTuningConfig,
  canMerge: false,

  promptLearning: {
    createEncoder(ctx: InjectContext<PromptTuningConfig>): PromptEmbedding {
      const { config, model } = ctx;
      const path = wordEmbeddingsPath(model);
      if (path === null) {
        throw new PeftTargetError(
          'peft_target_not_found',
          "PROMPT_TUNING: the model's word embeddings were not found (no Embedding at *.embeddings.word_embeddings, nor one with config.vocab_size rows); prompt tuning feeds the model inputsEmbeds, as @graft/models' models take them",
        );
      }
      const words = model.getSubmodule(path) as Embedding;
      preparePromptLearningConfig(config, model, { layers: false, heads: false });
      if (config.token_dim !== words.embeddingDim) {
        throw new PeftConfigError(
          'peft_config_invalid',
          `PROMPT_TUNING: token_dim ${config.token_dim} differs from the word embeddings' width ${words.embeddingDim} (${path})`,
          'token_dim',
        );
      }
      const ids = initIds(ctx, words);
      return new PromptEmbedding(config.num_virtual_tokens! * config.num_transformer_submodules!, config.token_dim!, {
        wordEmbeddings: path,
        initIds: ids,
        words,
        generator: ctx.init && !ids ? ctx.generator : SKIP_INIT,
        device: modelDevice(model),
      });
    },

    forward({ model, encoder, config, args, warn }: PromptForwardContext<PromptTuningConfig>): unknown {
      const { inputs, batch, length } = promptInputs(args, 'PROMPT_TUNING', warn);
      return scope(() => model.call(withPrompt(model, encoder as PromptEmbedding, config, inputs, batch, length)));
    },
  },
};
