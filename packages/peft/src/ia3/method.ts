/**
 * The (IA)³ method (`peft_type` 'IA3'): PEFT's `IA3Model` rules. A target is a feedforward
 * module when `feedforward_modules` matches it (a whole-path regular expression, or a name the
 * path ends with: PEFT's plain suffix test here, unlike target_modules' dotted one). For BERT the
 * defaults are `key`, `value` and `output.dense` (both the attention output and the FFN output),
 * the latter scaled on the input.
 */
import { type AnyModule, Linear } from '@graft/nn';
import { PeftTargetError } from '../errors';
import type { AdaptContext, PeftMethod } from '../method';
import type { AdapterLayer } from '../tuners/adapter-layer';
import { fullMatch, modelTypeOf } from '../tuners/targets';
import { IA3_FIELDS, type IA3Config, validateIA3Config } from './config';
import { IA3Linear } from './layer';

/**
 * (IA)³'s default `target_modules` and `feedforward_modules` by `model_type` (PEFT's
 * `TRANSFORMERS_MODELS_TO_IA3_*_MAPPING`), plus DistilBERT, which PEFT's tables lack: its key and
 * value projections and the FFN's output layer, the counterparts of BERT's.
 */
export const IA3_TARGET_MODULES: Readonly<Record<string, readonly string[]>> = {
  bert: ['key', 'value', 'output.dense'],
  roberta: ['key', 'value', 'output.dense'],
  'deberta-v2': ['key_proj', 'value_proj', 'output.dense'],
  distilbert: ['k_lin', 'v_lin', 'ffn.lin2'],
  t5: ['k', 'v', 'wo'],
  bart: ['q_proj', 'v_proj', 'fc2'],
  gpt2: ['c_attn', 'mlp.c_proj'],
  llama: ['k_proj', 'v_proj', 'down_proj'],
  mistral: ['k_proj', 'v_proj', 'down_proj'],
};

/** The feedforward members of {@link IA3_TARGET_MODULES}. */
export const IA3_FEEDFORWARD_MODULES: Readonly<Record<string, readonly string[]>> = {
  bert: ['output.dense'],
  roberta: ['output.dense'],
  'deberta-v2': ['output.dense'],
  distilbert: ['ffn.lin2'],
  t5: ['wo'],
  bart: ['fc2'],
  gpt2: ['mlp.c_proj'],
  llama: ['down_proj'],
  mistral: ['down_proj'],
};

/** Whether module `key` is one of the config's feedforward modules. */
export function isFeedforward(config: IA3Config, key: string): boolean {
  const ff = config.feedforward_modules;
  if (ff === null) return false;
  return typeof ff === 'string' ? fullMatch(ff, key) : ff.some((m) => key.endsWith(m));
}

/** (IA)³ as a registered PEFT method. */
export const ia3Method: PeftMethod<IA3Config> = {
  peftType: 'IA3',
  fields: IA3_FIELDS,
  validate: validateIA3Config,
  defaultTargetModules: IA3_TARGET_MODULES,
  canMerge: true,

  prepareConfig(config: IA3Config, model: AnyModule): void {
    if (config.feedforward_modules !== null) return;
    const modelType = modelTypeOf(model);
    const defaults = modelType === null ? undefined : IA3_FEEDFORWARD_MODULES[modelType];
    if (!defaults) {
      throw new PeftTargetError(
        'peft_target_unspecified',
        `IA3: set feedforward_modules (an empty list when no target is a feedforward layer): ${modelType === null ? 'the model has no config.model_type' : `model_type '${modelType}' has no default`}`,
      );
    }
    config.feedforward_modules = [...defaults];
  },

  adaptModule(target: AnyModule, ctx: AdaptContext<IA3Config>): AdapterLayer {
    const config = ctx.config;
    const o = { initWeights: config.init_ia3_weights, init: ctx.init, generator: ctx.generator };
    if (target instanceof IA3Linear) {
      target.updateLayer(ctx.adapterName, o);
      return target;
    }
    if (target instanceof Linear) {
      if (config.fan_in_fan_out) {
        ctx.warn('fan_in_fan_out is set to True but the target module is `torch.nn.Linear`. Setting fan_in_fan_out to False.');
        config.fan_in_fan_out = false;
      }
      return new IA3Linear(target, ctx.adapterName, isFeedforward(config, ctx.key), o);
    }
    throw new PeftTargetError(
      'peft_target_unsupported',
      `IA3: target module '${ctx.key}' is a ${target.constructor.name}; (IA)³ adapts Linear layers (narrow target_modules to those)`,
    );
  },
};
