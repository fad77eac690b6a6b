/**
 * BottleneckAdapterConfig: Houlsby et al. (2019)'s bottleneck adapters, a Graft method (PEFT has
 * none), with fields in PEFT's style. Each adapter is `h + up(f(down(h)))` on the output `h` of
 * the attention's output projection and of the feed-forward block's output projection, inside
 * their residual branch. The width of the bottleneck is `bottleneck_size`, or the module's output
 * width divided by `reduction_factor` (16 when neither is set, AdapterHub's Houlsby default);
 * `non_linearity` is f (`swish` by default, as AdapterHub). With `init_weights` the up-projection
 * starts at zero, so a new adapter leaves the model exactly as it was.
 */
import { bool, type FieldSpecs, indexOrIndices, int, namesOrPattern, nullable, oneOf, positive, stringList, stringOrList } from '../config/fields';
import { ensure, type PeftConfig, parseFields } from '../config/peft-config';

/** The nonlinearities between the down- and the up-projection (`swish` and `silu` are the same function). */
export type BottleneckNonLinearity = 'relu' | 'gelu' | 'gelu_new' | 'swish' | 'silu' | 'tanh';

/** A bottleneck-adapter config (fields in PEFT's style). */
export interface BottleneckAdapterConfig extends PeftConfig {
  peft_type: 'BOTTLENECK_ADAPTER';
  /** The Linear layers whose output gets an adapter: names (exact or dotted suffix), a whole-path regular expression, or null for the model type's default (the attention and feed-forward output projections). */
  target_modules: string[] | string | null;
  exclude_modules: string[] | string | null;
  /** The bottleneck's width; null: the module's output width / `reduction_factor`. */
  bottleneck_size: number | null;
  /** Output width / bottleneck width, when `bottleneck_size` is null (null: 16). */
  reduction_factor: number | null;
  non_linearity: BottleneckNonLinearity;
  /** true: the down-projection ~ N(0, 0.01) truncated at ±0.02 (Houlsby's near-zero init) and the up-projection zero, so the adapter starts as the identity; false: both random. */
  init_weights: boolean;
  modules_to_save: string[] | null;
  layers_to_transform: number | number[] | null;
  layers_pattern: string | string[] | null;
}

/** The nonlinearities accepted. */
export const BOTTLENECK_NON_LINEARITIES: readonly BottleneckNonLinearity[] = ['relu', 'gelu', 'gelu_new', 'swish', 'silu', 'tanh'];

/** The reduction factor when neither width field is set. */
export const DEFAULT_REDUCTION_FACTOR = 16;

/** BottleneckAdapterConfig's fields with their defaults. */
export const BOTTLENECK_FIELDS: FieldSpecs = {
  target_modules: { default: null, check: nullable(namesOrPattern) },
  exclude_modules: { default: null, check: nullable(namesOrPattern) },
  bottleneck_size: { default: null, check: nullable(int(1)) },
  reduction_factor: { default: null, check: nullable(positive), float: true },
  non_linearity: { default: 'swish', check: oneOf(BOTTLENECK_NON_LINEARITIES) },
  init_weights: { default: true, check: bool },
  modules_to_save: { default: null, check: nullable(stringList) },
  layers_to_transform: { default: null, check: nullable(indexOrIndices) },
  layers_pattern: { default: null, check: nullable(stringOrList) },
};

/** One width field at most. */
export function validateBottleneckConfig(config: BottleneckAdapterConfig, where: string): void {
  ensure(
    config.bottleneck_size === null || config.reduction_factor === null,
    where,
    'reduction_factor',
    `set bottleneck_size (${config.bottleneck_size}) or reduction_factor (${config.reduction_factor}), not both`,
  );
}

/** The bottleneck width for a module of `outFeatures` outputs (at least 1). */
export function bottleneckWidth(config: BottleneckAdapterConfig, outFeatures: number): number {
  return config.bottleneck_size ?? Math.max(1, Math.floor(outFeatures / (config.reduction_factor ?? DEFAULT_REDUCTION_FACTOR)));
}

/**
 * A validated bottleneck-adapter config from options.
 * @example bottleneckAdapterConfig({ task_type: 'SEQ_CLS', reduction_factor: 16, non_linearity: 'relu' })
 */
export function bottleneckAdapterConfig(options: Partial<Omit<BottleneckAdapterConfig, 'peft_type'>> = {}): BottleneckAdapterConfig {
  const config = parseFields<BottleneckAdapterConfig>({ ...options, peft_type: 'BOTTLENECK_ADAPTER' }, 'BOTTLENECK_ADAPTER', BOTTLENECK_FIELDS, 'user', 'BottleneckAdapterConfig');
  validateBottleneckConfig(config, 'BottleneckAdapterConfig');
  return config;
}
