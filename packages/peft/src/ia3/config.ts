/**
 * IA3Config: PEFT's `IA3Config` fields and defaults. (IA)³ (Liu et al. 2022) learns one vector
 * per adapted layer that rescales its output, or its input for the `feedforward_modules`.
 */
import { bool, type FieldSpecs, namesOrPattern, nullable, stringList } from '../config/fields';
import { ensure, type PeftConfig, parseFields } from '../config/peft-config';

/** An (IA)³ config (PEFT's `IA3Config`, its field names and defaults). */
export interface IA3Config extends PeftConfig {
  peft_type: 'IA3';
  /** Names (exact or dotted suffix), a whole-path regular expression, `'all-linear'`, or null for the model type's default. */
  target_modules: string[] | string | null;
  exclude_modules: string[] | string | null;
  /** The targets whose input is rescaled instead of their output (a subset of target_modules). */
  feedforward_modules: string[] | string | null;
  fan_in_fan_out: boolean;
  modules_to_save: string[] | null;
  /** Start the vectors at one, so the adapter starts as the identity (default true). */
  init_ia3_weights: boolean;
}

/** IA3Config's fields with PEFT's defaults. */
export const IA3_FIELDS: FieldSpecs = {
  target_modules: { default: null, check: nullable(namesOrPattern) },
  exclude_modules: { default: null, check: nullable(namesOrPattern) },
  feedforward_modules: { default: null, check: nullable(namesOrPattern) },
  fan_in_fan_out: { default: false, check: bool },
  modules_to_save: { default: null, check: nullable(stringList) },
  init_ia3_weights: { default: true, check: bool },
};

/** PEFT's check: listed feedforward modules must be among the listed targets. */
export function validateIA3Config(config: IA3Config, where: string): void {
  const ff = config.feedforward_modules;
  const targets = config.target_modules;
  if (Array.isArray(ff) && Array.isArray(targets)) {
    const extra = ff.filter((m) => !targets.includes(m));
    ensure(
      extra.length === 0,
      where,
      'feedforward_modules',
      `\`feedforward_modules\` should be a subset of \`target_modules\` (${JSON.stringify(extra)} are not targets)`,
    );
  }
}

/**
 * A validated (IA)³ config from options under PEFT's field names.
 * @example ia3Config({ task_type: 'SEQ_CLS' }) // BERT: key, value and output.dense, the latter as feedforward
 */
export function ia3Config(options: Partial<Omit<IA3Config, 'peft_type'>> = {}): IA3Config {
  const config = parseFields<IA3Config>({ ...options, peft_type: 'IA3' }, 'IA3', IA3_FIELDS, 'user', 'IA3Config');
  validateIA3Config(config, 'IA3Config');
  return config;
}
