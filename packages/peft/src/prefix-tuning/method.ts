/**
 * The prefix-tuning method (`peft_type` 'PREFIX_TUNING'), as PEFT's `_prefix_tuning_forward`:
 * the active adapter's prefix is viewed as `[T, L·2, heads, headDim]`, split per layer into a
 * key and a value `[B, heads, T, headDim]`, and passed as the model's `pastKeyValues`; the
 * attention mask gains T ones in front, and position ids are dropped (the model continues its
 * own positions after the T prefix positions, as transformers' BERT does with past key values).
 * The input's length, the outputs and the labels are unchanged.
 */
import { scope, type Tensor } from '@graft/core';
import { PeftConfigError } from '../errors';
import type { InjectContext, PeftMethod, PromptForwardContext } from '../method';
import { preparePromptLearningConfig } from '../prompt-learning/config';
import { maskWithPrompt, modelDevice, promptInputs } from '../prompt-learning/inputs';
import { SKIP_INIT } from '../tuners/skip-init';
import { modelTypeOf } from '../tuners/targets';
import { PREFIX_TUNING_FIELDS, type PrefixTuningConfig, validatePrefixTuningConfig } from './config';
import { PrefixEncoder } from './encoder';

/** The model types whose Graft models read `pastKeyValues` (@graft/models' BERT family). */
export const PREFIX_TUNING_MODEL_TYPES: readonly string[] = ['bert', 'roberta', 'distilbert'];

/** The per-layer `[key, value]` pairs `[batch, heads, T, headDim]` of a prefix `[T, L·2·D]` (PEFT's `get_prompt` view and permute). */
export function prefixKeyValues(prefix: Tensor, config: PrefixTuningConfig, batch: number): [Tensor, Tensor][] {
  const [t, layers, heads] = [config.num_virtual_tokens!, config.num_layers!, config.num_attention_heads!];
  const headDim = config.token_dim! / heads;
  // [T, 2L, heads, hd] → [2L, heads, T, hd]: entry 2i is layer i's key, 2i + 1 its value
  const perLayer = prefix
    .reshape(t, 2 * layers, heads, headDim)
    .permute(1, 2, 0, 3)
    .split(2, 0);
  return perLayer.map((kv) => {
    const [k, v] = kv.split(1, 0);
    return [k.expand(batch, heads, t, headDim), v.expand(batch, heads, t, headDim)];
  });
}

/** Prefix tuning as a registered PEFT method. */
export const prefixTuningMethod: PeftMethod<PrefixTuningConfig> = {
  peftType: 'PREFIX_TUNING',
  fields: PREFIX_TUNING_FIELDS,
  validate: validatePrefixTuningConfig,
  canMerge: false,

  promptLearning: {
    createEncoder(ctx: InjectContext<PrefixTuningConfig>): PrefixEncoder {
      const { config, model } = ctx;
      preparePromptLearningConfig(config, model, { layers: true, heads: true });
      config.encoder_hidden_size ??= config.token_dim;
      const type = modelTypeOf(model);
      if (type === null || !PREFIX_TUNING_MODEL_TYPES.includes(type)) {
        ctx.warn(
          `PREFIX_TUNING: model_type ${JSON.stringify(type)} is not one whose Graft model reads pastKeyValues (${PREFIX_TUNING_MODEL_TYPES.join(', ')}); the prefix acts only if the model's call passes pastKeyValues to its attention`,
        );
      }
      if (!ctx.init && config.prefix_projection && !config.inference_mode) {
        throw new PeftConfigError(
          'peft_config_unsupported',
          'PREFIX_TUNING: this adapter was saved with prefix_projection, so its file holds the projected prefix, not the MLP that made it; it loads for inference only (isTrainable: false), as in PEFT. To continue training, resume from a Trainer checkpoint',
          'prefix_projection',
        );
      }
      return new PrefixEncoder(config, { generator: ctx.init ? ctx.generator : SKIP_INIT, device: modelDevice(model) });
    },

    forward({ model, encoder, config, args, warn }: PromptForwardContext<PrefixTuningConfig>): unknown {
      const { inputs, batch } = promptInputs(args, 'PREFIX_TUNING', warn);
      return scope(() =>
        model.call({
          ...inputs,
          attentionMask: maskWithPrompt(inputs.attentionMask, config.num_virtual_tokens!),
          pastKeyValues: prefixKeyValues((encoder as PrefixEncoder).prefix(), config, batch),
        }),
      );
    },
  },
};
