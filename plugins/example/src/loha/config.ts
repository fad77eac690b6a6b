/**
 * LoHaConfig: PEFT's `LoHaConfig` fields and defaults. LoHa (Hyeon-Woo, Ye-Bin and Oh, "FedPara:
 * Low-Rank Hadamard Product for Communication-Efficient Federated Learning", ICLR 2022; the
 * LyCORIS adapters) learns a weight update that is the Hadamard product of two low-rank products,
 * `ΔW = (w1a·w1b) ⊙ (w2a·w2b) · alpha/r`: rank up to r² for the parameters of a rank-2r LoRA.
 * Built from @graft/peft's public field checks, so it parses and writes adapter_config.json as
 * the built-in methods do.
 */
import {
  bool,
  dropoutProbability,
  type FieldCheck,
  type FieldSpecs,
  indexOrIndices,
  int,
  invalid,
  namesOrPattern,
  nullable,
  parseFields,
  patternMap,
  type PeftConfig,
  PeftConfigError,
  positive,
  stringList,
  stringOrList,
} from '@graft/peft';

/** A LoHa config (PEFT's `LoHaConfig`, its field names and defaults). */
export interface LoHaConfig extends PeftConfig {
  peft_type: 'LOHA';
  /** The rank of each of the two factors (default 8). */
  r: number;
  /** The update is scaled by `alpha / r` (default 8). */
  alpha: number;
  /** While training, each output row of the update is dropped with this probability (the kept ones rescaled to keep the mean). */
  rank_dropout: number;
  /** While training, the whole update of a layer is skipped for a forward pass with this probability. */
  module_dropout: number;
  /** Conv2d only (PEFT's Tucker form); Graft's LoHa adapts Linear layers, where it has no effect. */
  use_effective_conv2d: boolean;
  /** Names (exact or dotted suffix), a whole-path regular expression, `'all-linear'`, or null for the model type's default. */
  target_modules: string[] | string | null;
  exclude_modules: string[] | string | null;
  /** true: w2b starts at zero, so a new adapter is the identity; false: every factor random. */
  init_weights: boolean;
  layers_to_transform: number | number[] | null;
  layers_pattern: string | string[] | null;
  /** Module pattern → rank, for modules that differ from `r`. */
  rank_pattern: Record<string, number>;
  /** Module pattern → alpha, for modules that differ from `alpha`. */
  alpha_pattern: Record<string, number>;
  modules_to_save: string[] | null;
}

/** `init_weights`: PEFT also accepts 'abba' (an SVD initialisation), which is refused by name rather than ignored. */
const initWeights: FieldCheck<boolean | 'abba'> = (v, field, where) => {
  if (typeof v === 'boolean' || v === 'abba') return v;
  throw invalid(where, field, "true, false or 'abba'", v);
};

/** LoHaConfig's fields with PEFT's defaults (the common PeftConfig fields are added by the parser). */
export const LOHA_FIELDS: FieldSpecs = {
  r: { default: 8, check: int(1) },
  alpha: { default: 8, check: positive },
  rank_dropout: { default: 0, check: dropoutProbability, float: true },
  module_dropout: { default: 0, check: dropoutProbability, float: true },
  use_effective_conv2d: { default: false, check: bool },
  target_modules: { default: null, check: nullable(namesOrPattern) },
  exclude_modules: { default: null, check: nullable(namesOrPattern) },
  init_weights: {
    default: true,
    check: initWeights,
    unsupported: (v) => (v === 'abba' ? "Graft's LoHa implements init_weights true and false only (not ABBA's SVD initialisation)" : null),
  },
  layers_to_transform: { default: null, check: nullable(indexOrIndices) },
  layers_pattern: { default: null, check: nullable(stringOrList) },
  rank_pattern: { default: {}, check: patternMap(int(1)) },
  alpha_pattern: { default: {}, check: patternMap(positive) },
  modules_to_save: { default: null, check: nullable(stringList) },
};

/** PEFT's cross-field checks (`LycorisConfig.__post_init__`). */
export function validateLoHaConfig(config: LoHaConfig, where: string): void {
  const regex = typeof config.target_modules === 'string';
  for (const field of ['layers_to_transform', 'layers_pattern'] as const) {
    if (regex && config[field] !== null)
      throw new PeftConfigError('peft_config_invalid', `${where}: \`${field}\` cannot be used when \`target_modules\` is a str (a regular expression)`, field);
  }
  if (config.layers_pattern !== null && config.layers_pattern.length > 0 && config.layers_to_transform === null)
    throw new PeftConfigError(
      'peft_config_invalid',
      `${where}: when \`layers_pattern\` is specified, \`layers_to_transform\` must also be specified`,
      'layers_pattern',
    );
}

/**
 * A validated LoHa config from options under PEFT's field names, with PEFT's defaults for the
 * rest; an unknown field or a bad value throws a `PeftConfigError` naming it.
 * @example lohaConfig({ task_type: 'SEQ_CLS', r: 4, alpha: 8 }) // BERT: query and value, the classifier trained
 */
export function lohaConfig(options: Partial<Omit<LoHaConfig, 'peft_type'>> = {}): LoHaConfig {
  const config = parseFields<LoHaConfig>({ ...options, peft_type: 'LOHA' }, 'LOHA', LOHA_FIELDS, 'user', 'LoHaConfig');
  validateLoHaConfig(config, 'LoHaConfig');
  return config;
}
