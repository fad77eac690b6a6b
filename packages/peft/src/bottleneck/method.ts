/**
 * The bottleneck-adapter method (`peft_type` 'BOTTLENECK_ADAPTER', Graft's own: PEFT has no
 * Houlsby adapter). It adapts Linear layers; with `target_modules` null, for the model types it
 * knows, it picks Houlsby's two insertion points in every layer as `mh_adapter` (the attention's
 * output projection) and `output_adapter` (the feed-forward block's output projection) say, and
 * writes them into the config as a whole-path pattern, as PEFT writes resolved targets.
 */
import { type AnyModule, Linear } from '@graft/nn';
import { PeftTargetError } from '../errors';
import type { AdaptContext, PeftMethod } from '../method';
import type { AdapterLayer } from '../tuners/adapter-layer';
import { modelTypeOf } from '../tuners/targets';
import { BOTTLENECK_FIELDS, type BottleneckAdapterConfig, bottleneckWidth, validateBottleneckConfig } from './config';
import { BottleneckLayer } from './layer';

/** Houlsby's insertion points by `model_type`, as whole-path patterns: the attention output projection and the feed-forward output projection. */
export const BOTTLENECK_PLACEMENTS: Readonly<Record<string, { mh: string; output: string }>> = {
  bert: { mh: '.*\\.layer\\.\\d+\\.attention\\.output\\.dense', output: '.*\\.layer\\.\\d+\\.output\\.dense' },
  roberta: { mh: '.*\\.layer\\.\\d+\\.attention\\.output\\.dense', output: '.*\\.layer\\.\\d+\\.output\\.dense' },
  'xlm-roberta': { mh: '.*\\.layer\\.\\d+\\.attention\\.output\\.dense', output: '.*\\.layer\\.\\d+\\.output\\.dense' },
  electra: { mh: '.*\\.layer\\.\\d+\\.attention\\.output\\.dense', output: '.*\\.layer\\.\\d+\\.output\\.dense' },
  distilbert: { mh: '.*\\.layer\\.\\d+\\.attention\\.out_lin', output: '.*\\.layer\\.\\d+\\.ffn\\.lin2' },
};

/** The default targets by `model_type` with both placements, as names (`output.dense` ends both of BERT's); listed in errors for unknown types. */
export const BOTTLENECK_TARGET_MODULES: Readonly<Record<string, readonly string[]>> = {
  bert: ['output.dense'],
  roberta: ['output.dense'],
  'xlm-roberta': ['output.dense'],
  electra: ['output.dense'],
  distilbert: ['attention.out_lin', 'ffn.lin2'],
};

/** The `target_modules` pattern `mh_adapter` and `output_adapter` select on a model type, or null for a type without placements. */
export function houlsbyTargets(modelType: string | null, config: BottleneckAdapterConfig): string | null {
  const p = modelType === null ? undefined : BOTTLENECK_PLACEMENTS[modelType];
  if (!p) return null;
  const parts = [config.mh_adapter ? p.mh : null, config.output_adapter ? p.output : null].filter((x): x is string => x !== null);
  return parts.length === 1 ? parts[0] : `(?:${parts.join('|')})`;
}

/** Bottleneck adapters as a registered PEFT method. */
export const bottleneckMethod: PeftMethod<BottleneckAdapterConfig> = {
  peftType: 'BOTTLENECK_ADAPTER',
  fields: BOTTLENECK_FIELDS,
  validate: validateBottleneckConfig,
  defaultTargetModules: BOTTLENECK_TARGET_MODULES,
  canMerge: false,

  prepareConfig(config: BottleneckAdapterConfig, model: AnyModule): void {
    // an unknown model type stays null: the shared loop then asks for target_modules
    if (config.target_modules === null) config.target_modules = houlsbyTargets(modelTypeOf(model), config);
  },

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
      scaling: config.scaling,
      dropout: config.dropout,
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
