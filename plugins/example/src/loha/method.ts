/**
 * LoHa as a PEFT method for @graft/peft's registry (`peft_type` 'LOHA', PEFT's `LoHaModel`
 * rules): ranks and alphas per module from `rank_pattern` / `alpha_pattern`, Linear layers
 * adapted, and PEFT's default targets, which for LoHa are LoRA's (`query`/`value` for BERT).
 * Register it once with `registerPeftMethod(lohaMethod)`; from then on `getPeftModel`,
 * `PeftModel.fromPretrained` and the adapter files know it.
 */
import { type AnyModule, Linear } from '@graft/nn';
import { type AdaptContext, type AdapterLayer, LORA_TARGET_MODULES, type PeftMethod, PeftTargetError, patternFor } from '@graft/peft';
import { LOHA_FIELDS, type LoHaConfig, validateLoHaConfig } from './config';
import { LoHaLinear, type LoHaLayerOptions } from './layer';

function layerOptions(config: LoHaConfig, ctx: AdaptContext<LoHaConfig>): LoHaLayerOptions {
  const rKey = patternFor(config.rank_pattern, ctx.key);
  const alphaKey = patternFor(config.alpha_pattern, ctx.key);
  return {
    r: rKey === null ? config.r : config.rank_pattern[rKey],
    alpha: alphaKey === null ? config.alpha : config.alpha_pattern[alphaKey],
    rankDropout: config.rank_dropout,
    moduleDropout: config.module_dropout,
    initWeights: config.init_weights,
    init: ctx.init,
    generator: ctx.generator,
  };
}

/** LoHa as a registered PEFT method. */
export const lohaMethod: PeftMethod<LoHaConfig> = {
  peftType: 'LOHA',
  fields: LOHA_FIELDS,
  validate: validateLoHaConfig,
  // PEFT: TRANSFORMERS_MODELS_TO_LOHA_TARGET_MODULES_MAPPING is a copy of LoRA's table
  defaultTargetModules: LORA_TARGET_MODULES,
  canMerge: true,

  adaptModule(target: AnyModule, ctx: AdaptContext<LoHaConfig>): AdapterLayer {
    const o = layerOptions(ctx.config, ctx);
    if (target instanceof LoHaLinear) {
      target.updateLayer(ctx.adapterName, o);
      return target;
    }
    if (target instanceof Linear) return new LoHaLinear(target, ctx.adapterName, o);
    throw new PeftTargetError(
      'peft_target_unsupported',
      `LoHa: target module '${ctx.key}' is a ${target.constructor.name}; this LoHa adapts Linear layers (narrow target_modules to those)`,
    );
  },
};
