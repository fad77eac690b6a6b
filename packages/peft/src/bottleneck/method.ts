/**
 * The bottleneck-adapter method (`peft_type` 'BOTTLENECK_ADAPTER', Graft's own: PEFT has no
 * Houlsby adapter). It adapts Linear layers; by default, for the model types it knows, the
 * attention's output projection and the feed-forward block's output projection of every layer,
 * Houlsby's two insertion points.
 */
import { type AnyModule, Linear } from '@graft/nn';
import { PeftTargetError } from '../errors';
import type { AdaptContext, PeftMethod } from '../method';
import type { AdapterLayer } from '../tuners/adapter-layer';
import { BOTTLENECK_FIELDS, type BottleneckAdapterConfig, bottleneckWidth, validateBottleneckConfig } from './config';
import { BottleneckLayer } from './layer';

/**
 * The default targets by `model_type`: the attention output and feed-forward output projections
 * (`output.dense` matches BERT's `attention.output.dense` and `output.dense` of every layer).
 */
export const BOTTLENECK_TARGET_MODULES: Readonly<Record<string, readonly string[]>> = {
  bert: ['output.dense'],
  roberta: ['output.dense'],
  'xlm-roberta': ['output.dense'],
  electra: ['output.dense'],
  distilbert: ['attention.out_lin', 'ffn.lin2'],
};

/** Bottleneck adapters as a registered PEFT method. */
export const bottleneckMethod: PeftMethod<BottleneckAdapterConfig> = {
  peftType: 'BOTTLENECK_ADAPTER',
  fields: BOTTLENECK_FIELDS,
  validate: validateBottleneckConfig,
  defaultTargetModules: BOTTLENECK_TARGET_MODULES,
  canMerge: false,

  adaptModule(target: AnyModule, ctx: AdaptContext<BottleneckAdapterConfig>): AdapterLayer {
    const config = ctx.config;
    const base = target instanceof BottleneckLayer ? target.base_layer : target;
    if (!(base instanceof Linear)) {
      throw new PeftTargetError(
        'peft_target_unsupported',
        `BOTTLENECK_ADAPTER: target module '${ctx.key}' is a ${target.constructor.name}; bottleneck adapters go on Linear layers (narrow target_modules to those)`,
      );
    }
    const o = {
      size: bottleneckWidth(config, base.outFeatures),
      nonLinearity: config.non_linearity,
      initWeights: config.init_weights,
      init: ctx.init,
      generator: ctx.generator,
    };
    if (target instanceof BottleneckLayer) {
      target.updateLayer(ctx.adapterName, o);
      return target;
    }
    return new BottleneckLayer(base, ctx.adapterName, o);
  },
};
