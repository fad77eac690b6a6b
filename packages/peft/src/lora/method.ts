/**
 * The LoRA method (`peft_type` 'LORA'): PEFT's `LoraModel` rules for choosing ranks and alphas
 * per module (`rank_pattern`, `alpha_pattern`), the layer types it adapts (Linear, Embedding),
 * the default targets per model type, and the `bias` modes.
 */
import type { Tensor } from '@graft/core';
import { type AnyModule, Embedding, Linear, type Parameter } from '@graft/nn';
import { PeftTargetError } from '../errors';
import type { AdaptContext, PeftMethod } from '../method';
import type { AdapterLayer } from '../tuners/adapter-layer';
import { patternFor } from '../tuners/targets';
import { LORA_FIELDS, type LoraConfig, validateLoraConfig } from './config';
import { LoraEmbedding } from './embedding';
import { LoraLayer, type LoraLayerOptions } from './layer';
import { LoraLinear } from './linear';

/**
 * LoRA's default `target_modules` by `model_type`: PEFT's `TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING`
 * for the encoder families, plus DistilBERT, which PEFT's table lacks (PEFT asks for
 * target_modules there); its query and value projections are `q_lin` and `v_lin`.
 */
export const LORA_TARGET_MODULES: Readonly<Record<string, readonly string[]>> = {
  bert: ['query', 'value'],
  roberta: ['query', 'value'],
  'xlm-roberta': ['query', 'value'],
  electra: ['query', 'value'],
  layoutlm: ['query', 'value'],
  'deberta-v2': ['query_proj', 'value_proj'],
  deberta: ['in_proj'],
  distilbert: ['q_lin', 'v_lin'],
  t5: ['q', 'v'],
  mt5: ['q', 'v'],
  bart: ['q_proj', 'v_proj'],
  gpt2: ['c_attn'],
  llama: ['q_proj', 'v_proj'],
  mistral: ['q_proj', 'v_proj'],
  gemma: ['q_proj', 'v_proj'],
  qwen2: ['q_proj', 'v_proj'],
  qwen3: ['q_proj', 'v_proj'],
  phi: ['q_proj', 'v_proj', 'fc1', 'fc2'],
};

function layerOptions(config: LoraConfig, ctx: AdaptContext<LoraConfig>): LoraLayerOptions {
  const rKey = patternFor(config.rank_pattern, ctx.key);
  const alphaKey = patternFor(config.alpha_pattern, ctx.key);
  return {
    r: rKey === null ? config.r : config.rank_pattern[rKey],
    alpha: alphaKey === null ? config.lora_alpha : config.alpha_pattern[alphaKey],
    dropout: config.lora_dropout,
    initLoraWeights: config.init_lora_weights,
    useRslora: config.use_rslora,
    useDora: config.use_dora,
    loraBias: config.lora_bias,
    init: ctx.init,
    generator: ctx.generator,
  };
}

/** LoRA as a registered PEFT method. */
export const loraMethod: PeftMethod<LoraConfig> = {
  peftType: 'LORA',
  fields: LORA_FIELDS,
  validate: validateLoraConfig,
  defaultTargetModules: LORA_TARGET_MODULES,
  canMerge: true,

  adaptModule(target: AnyModule, ctx: AdaptContext<LoraConfig>): AdapterLayer {
    const config = ctx.config;
    const o = layerOptions(config, ctx);
    if (target instanceof LoraLayer) {
      target.updateLayer(ctx.adapterName, o);
      return target;
    }
    if (target instanceof Linear) {
      if (config.fan_in_fan_out) {
        // PEFT's rule: nn.Linear stores (out, in), so the flag is wrong for it and is reset in the config
        ctx.warn('fan_in_fan_out is set to True but the target module is `torch.nn.Linear`. Setting fan_in_fan_out to False.');
        config.fan_in_fan_out = false;
      }
      return new LoraLinear(target, ctx.adapterName, o);
    }
    if (target instanceof Embedding) return new LoraEmbedding(target, ctx.adapterName, o);
    throw new PeftTargetError(
      'peft_target_unsupported',
      `LoRA: target module '${ctx.key}' is a ${target.constructor.name}; LoRA adapts Linear and Embedding layers (narrow target_modules to those)`,
    );
  },

  markTrainable(model: AnyModule, config: LoraConfig, base: ReadonlyMap<string, Parameter>): void {
    for (const p of biasesToTrain(model, config, base).values()) p.requiresGrad_(true);
  },

  extraTensors(model: AnyModule, config: LoraConfig, base: ReadonlyMap<string, Parameter>): Map<string, Tensor> {
    return biasesToTrain(model, config, base);
  },
};

/**
 * The base biases a LoRA config trains (and saves): every bias for 'all', the adapted layers'
 * own biases for 'lora_only', none for 'none'. PEFT's file selector for 'lora_only' looks for
 * `query.bias`, a key a wrapped layer does not have (its bias is `query.base_layer.bias`), so
 * PEFT's files lose those trained biases; Graft saves them under the key PEFT loads them from.
 */
function biasesToTrain(model: AnyModule, config: LoraConfig, base: ReadonlyMap<string, Parameter>): Map<string, Parameter> {
  const out = new Map<string, Parameter>();
  if (config.bias === 'all') {
    for (const [path, p] of base) if (path === 'bias' || path.endsWith('.bias')) out.set(path, p);
  } else if (config.bias === 'lora_only') {
    for (const [path, m] of model.namedModules()) {
      const bias = m instanceof LoraLayer ? (m.base_layer as { bias?: Parameter | null }).bias : null;
      if (bias) out.set(`${path}.base_layer.bias`, bias);
    }
  }
  return out;
}
