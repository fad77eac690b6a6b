/**
 * BottleneckAdapterConfig: Houlsby et al. (2019)'s bottleneck adapters, a Graft method (PEFT has
 * none). The adapter's own options carry the names and defaults of the `adapters` library's
 * Houlsby config (`DoubleSeqBnConfig`: `mh_adapter`, `output_adapter`, `reduction_factor`,
 * `non_linearity`, `init_weights`, `scaling`, `dropout`, `leave_out`); which modules it goes into
 * is chosen with PEFT's selection fields (`target_modules`, `exclude_modules`,
 * `layers_to_transform`, `modules_to_save`), since the files are PEFT's adapter directory.
 * Each adapter is `h + scaling·dropout(up(f(down(h))))` on the output `h` of the attention's
 * output projection (`mh_adapter`) and of the feed-forward block's (`output_adapter`).
 */
import {
  bool,
  dropoutProbability,
  type FieldCheck,
  type FieldSpecs,
  indexOrIndices,
  invalid,
  namesOrPattern,
  nullable,
  oneOf,
  positive,
  stringList,
  stringOrList,
} from '../config/fields';
import { ensure, type PeftConfig, parseFields } from '../config/peft-config';

/** The nonlinearities between the down- and the up-projection (`swish` and `silu` are the same function). */
export type BottleneckNonLinearity = 'relu' | 'gelu' | 'gelu_new' | 'swish' | 'silu' | 'tanh';

/**
 * The `adapters` library's initialisations: `bert` (its default) draws both projections from
 * N(0, 0.02); `houlsby` from N(0, 0.01) truncated at ±0.02; `mam_adapter` draws the
 * down-projection as a Linear does and zeroes the up-projection, so a new adapter is the
 * identity. Biases start at zero in all three.
 */
export type BottleneckInit = 'bert' | 'houlsby' | 'mam_adapter';

/** A bottleneck-adapter config (see the file comment for where its field names come from). */
export interface BottleneckAdapterConfig extends PeftConfig {
  peft_type: 'BOTTLENECK_ADAPTER';
  /** The Linear layers whose output gets an adapter: names (exact or dotted suffix), a whole-path regular expression, or null for what `mh_adapter` and `output_adapter` select on a known model type. */
  target_modules: string[] | string | null;
  exclude_modules: string[] | string | null;
  /** With `target_modules` null: adapt each layer's attention output projection (Houlsby: true). */
  mh_adapter: boolean;
  /** With `target_modules` null: adapt each layer's feed-forward output projection (Houlsby: true). */
  output_adapter: boolean;
  /** Output width / bottleneck width (Houlsby: 16); the bottleneck is at least 1 wide. */
  reduction_factor: number;
  non_linearity: BottleneckNonLinearity;
  init_weights: BottleneckInit;
  /** The factor the adapter's output is multiplied by before it is added (default 1.0). */
  scaling: number;
  /** Dropout on the adapter's output (default 0.0). */
  dropout: number;
  /** Layer indices that get no adapter (the `adapters` library's `leave_out`). */
  leave_out: number[];
  modules_to_save: string[] | null;
  layers_to_transform: number | number[] | null;
  layers_pattern: string | string[] | null;
}

/** The nonlinearities accepted. */
export const BOTTLENECK_NON_LINEARITIES: readonly BottleneckNonLinearity[] = ['relu', 'gelu', 'gelu_new', 'swish', 'silu', 'tanh'];

/** The initialisations accepted. */
export const BOTTLENECK_INITS: readonly BottleneckInit[] = ['bert', 'houlsby', 'mam_adapter'];

/** The Houlsby reduction factor (the `adapters` library's `DoubleSeqBnConfig`). */
export const DEFAULT_REDUCTION_FACTOR = 16;

const finite: FieldCheck<number> = (v, field, where) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(where, field, 'a finite number', v);
  return v;
};

const layerIndices: FieldCheck<number[]> = (v, field, where) => {
  if (!Array.isArray(v) || !v.every((n) => Number.isSafeInteger(n) && n >= 0)) throw invalid(where, field, 'a list of layer indices (integers ≥ 0)', v);
  return [...v] as number[];
};

/** BottleneckAdapterConfig's fields with their defaults (the `adapters` library's Houlsby values). */
export const BOTTLENECK_FIELDS: FieldSpecs = {
  target_modules: { default: null, check: nullable(namesOrPattern) },
  exclude_modules: { default: null, check: nullable(namesOrPattern) },
  mh_adapter: { default: true, check: bool },
  output_adapter: { default: true, check: bool },
  reduction_factor: { default: DEFAULT_REDUCTION_FACTOR, check: positive, float: true },
  non_linearity: { default: 'swish', check: oneOf(BOTTLENECK_NON_LINEARITIES) },
  init_weights: { default: 'bert', check: oneOf(BOTTLENECK_INITS) },
  scaling: { default: 1, check: finite, float: true },
  dropout: { default: 0, check: dropoutProbability, float: true },
  leave_out: { default: [], check: layerIndices },
  modules_to_save: { default: null, check: nullable(stringList) },
  layers_to_transform: { default: null, check: nullable(indexOrIndices) },
  layers_pattern: { default: null, check: nullable(stringOrList) },
};

/** Default placements need at least one of `mh_adapter` and `output_adapter`. */
export function validateBottleneckConfig(config: BottleneckAdapterConfig, where: string): void {
  ensure(
    config.target_modules !== null || config.mh_adapter || config.output_adapter,
    where,
    'output_adapter',
    'mh_adapter and output_adapter are both false and target_modules is null: the adapter would go nowhere; enable one or name target_modules',
  );
}

/** The bottleneck width for a module of `outFeatures` outputs (`outFeatures // reduction_factor`, at least 1, as the `adapters` library). */
export function bottleneckWidth(config: BottleneckAdapterConfig, outFeatures: number): number {
  return Math.max(1, Math.floor(outFeatures / config.reduction_factor));
}

/**
 * A validated bottleneck-adapter config from options.
 * @example bottleneckAdapterConfig({ task_type: 'SEQ_CLS', reduction_factor: 16, non_linearity: 'relu' })
 */
export function bottleneckAdapterConfig(options: Partial<Omit<BottleneckAdapterConfig, 'peft_type'>> = {}): BottleneckAdapterConfig {
  const config = parseFields<BottleneckAdapterConfig>(
    { ...options, peft_type: 'BOTTLENECK_ADAPTER' },
    'BOTTLENECK_ADAPTER',
    BOTTLENECK_FIELDS,
    'user',
    'BottleneckAdapterConfig',
  );
  validateBottleneckConfig(config, 'BottleneckAdapterConfig');
  return config;
}
