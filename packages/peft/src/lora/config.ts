/**
 * LoraConfig: PEFT's `LoraConfig` fields with PEFT 0.21's defaults, so an adapter_config.json
 * PEFT wrote parses as it is and one Graft writes has the same fields. Fields of PEFT features
 * Graft does not implement (PiSSA/OLoRA/LoftQ/EVA/CorDA inits, QALoRA, aLoRA, Megatron, layer
 * replication, trainable tokens, parameter targets, …) are accepted at their "off" values and
 * refused by name otherwise.
 */
import {
  anyJson,
  bool,
  dropoutProbability,
  type FieldSpecs,
  indexOrIndices,
  int,
  invalid,
  namesOrPattern,
  nullable,
  offOnly,
  oneOf,
  patternMap,
  positive,
  string,
  stringList,
  stringOrList,
} from '../config/fields';
import { ensure, type PeftConfig, parseFields } from '../config/peft-config';

/** How LoRA's weights start: true (Kaiming-uniform A, zero B), 'gaussian' (A ~ N(0, 1/r)), false (both random: not an identity). */
export type InitLoraWeights = boolean | 'gaussian';

/** Which biases train next to the adapter. */
export type LoraBias = 'none' | 'all' | 'lora_only';

/** A LoRA config (PEFT's `LoraConfig`, its field names and defaults). */
export interface LoraConfig extends PeftConfig {
  peft_type: 'LORA';
  /** The rank (default 8). */
  r: number;
  /** The scale numerator: updates are scaled by `lora_alpha / r` (default 8). */
  lora_alpha: number;
  lora_dropout: number;
  /** Names (exact or dotted suffix), a whole-path regular expression, `'all-linear'`, or null for the model type's default. */
  target_modules: string[] | string | null;
  exclude_modules: string[] | string | null;
  bias: LoraBias;
  modules_to_save: string[] | null;
  /** For layers that store weights as (in, out); nn's Linear stores (out, in), so PEFT's rule sets it back to false there. */
  fan_in_fan_out: boolean;
  init_lora_weights: InitLoraWeights;
  /** Scale by `lora_alpha / sqrt(r)` instead (rank-stabilised LoRA). */
  use_rslora: boolean;
  /** Weight-decomposed LoRA: a trainable magnitude per output row (`lora_magnitude_vector`). */
  use_dora: boolean;
  /** A trainable bias on lora_B. */
  lora_bias: boolean;
  layers_to_transform: number | number[] | null;
  layers_pattern: string | string[] | null;
  /** Module pattern → rank, for modules that differ from `r`. */
  rank_pattern: Record<string, number>;
  /** Module pattern → alpha, for modules that differ from `lora_alpha`. */
  alpha_pattern: Record<string, number>;
}

const INIT_VALUES = ['gaussian', 'eva', 'olora', 'pissa', 'corda', 'loftq', 'orthogonal'];

const initLoraWeights = (v: unknown, field: string, where: string): InitLoraWeights => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && (INIT_VALUES.includes(v) || /^pissa_niter_\d+$/.test(v))) return v as InitLoraWeights;
  throw invalid(where, field, `true, false or one of ${INIT_VALUES.map((x) => `'${x}'`).join(', ')}`, v);
};

/** LoraConfig's fields with PEFT 0.21's defaults (the common PeftConfig fields are added by the parser). */
export const LORA_FIELDS: FieldSpecs = {
  r: { default: 8, check: int(1) },
  lora_alpha: { default: 8, check: positive },
  lora_dropout: { default: 0, check: dropoutProbability, float: true },
  target_modules: { default: null, check: nullable(namesOrPattern) },
  exclude_modules: { default: null, check: nullable(namesOrPattern) },
  bias: { default: 'none', check: oneOf(['none', 'all', 'lora_only']) },
  modules_to_save: { default: null, check: nullable(stringList) },
  fan_in_fan_out: { default: false, check: bool },
  init_lora_weights: {
    default: true,
    check: initLoraWeights,
    unsupported: (v) => (typeof v === 'string' && v !== 'gaussian' ? `Graft implements init_lora_weights true, false and 'gaussian' only (not '${v}')` : null),
  },
  use_rslora: { default: false, check: bool },
  use_dora: { default: false, check: bool },
  lora_bias: { default: false, check: bool },
  layers_to_transform: { default: null, check: nullable(indexOrIndices) },
  layers_pattern: { default: null, check: nullable(stringOrList) },
  rank_pattern: { default: {}, check: patternMap(int(1)) },
  alpha_pattern: { default: {}, check: patternMap(positive) },
  // PEFT features Graft does not implement: accepted when off, refused by name when on
  use_qalora: { default: false, check: bool, unsupported: offOnly('QALoRA') },
  qalora_group_size: { default: 16, check: int(1) },
  use_bdlora: { default: null, check: anyJson, unsupported: offOnly('BD-LoRA') },
  alora_invocation_tokens: { default: null, check: anyJson, unsupported: offOnly('aLoRA (activated LoRA)') },
  arrow_config: { default: null, check: anyJson, unsupported: offOnly('Arrow routing') },
  corda_config: { default: null, check: anyJson, unsupported: offOnly('CorDA initialisation') },
  eva_config: { default: null, check: anyJson, unsupported: offOnly('EVA initialisation') },
  kasa_config: { default: null, check: anyJson, unsupported: offOnly('KaSA') },
  lora_ga_config: { default: null, check: anyJson, unsupported: offOnly('LoRA-GA initialisation') },
  monteclora_config: { default: null, check: anyJson, unsupported: offOnly('MonteCLoRA') },
  velora_config: { default: null, check: anyJson, unsupported: offOnly('VeLoRA') },
  loftq_config: { default: {}, check: anyJson, unsupported: offOnly('LoftQ') },
  megatron_config: { default: null, check: anyJson, unsupported: offOnly('Megatron parallel layers') },
  megatron_core: { default: 'megatron.core', check: nullable(string) },
  layer_replication: { default: null, check: anyJson, unsupported: offOnly('layer replication') },
  target_parameters: { default: null, check: anyJson, unsupported: offOnly('LoRA on bare parameters (target_parameters)') },
  trainable_token_indices: { default: null, check: anyJson, unsupported: offOnly('trainable tokens') },
  ensure_weight_tying: { default: false, check: bool, unsupported: offOnly('tied adapters (ensure_weight_tying)') },
};

/** Checks across LoRA's fields, as PEFT's `LoraConfig.__post_init__`. */
export function validateLoraConfig(config: LoraConfig, where: string): void {
  const regex = typeof config.target_modules === 'string';
  ensure(
    !(regex && config.layers_to_transform !== null),
    where,
    'layers_to_transform',
    '`layers_to_transform` cannot be used when `target_modules` is a str (a regular expression)',
  );
  ensure(
    !(regex && config.layers_pattern !== null),
    where,
    'layers_pattern',
    '`layers_pattern` cannot be used when `target_modules` is a str (a regular expression)',
  );
  ensure(
    !(config.layers_pattern !== null && config.layers_pattern.length > 0 && config.layers_to_transform === null),
    where,
    'layers_pattern',
    'when `layers_pattern` is specified, `layers_to_transform` must also be specified',
  );
}

/**
 * A validated LoRA config from options under PEFT's field names, with PEFT's defaults for the
 * rest; an unknown field or a bad value throws a `PeftConfigError` naming it.
 * @example loraConfig({ task_type: 'SEQ_CLS', r: 8, lora_alpha: 32, target_modules: ['query', 'value'] })
 */
export function loraConfig(options: Partial<Omit<LoraConfig, 'peft_type'>> = {}): LoraConfig {
  const config = parseFields<LoraConfig>({ ...options, peft_type: 'LORA' }, 'LORA', LORA_FIELDS, 'user', 'LoraConfig');
  validateLoraConfig(config, 'LoraConfig');
  return config;
}
