/**
 * BitFitConfig. BitFit (Ben Zaken et al. 2022) trains only bias terms. PEFT has no BitFit, so
 * this is Graft's own `peft_type` ('BITFIT'), written in PEFT's adapter-file layout: the same
 * common fields, `target_modules` / `exclude_modules` / `modules_to_save` with PEFT's matching
 * rules, and the trained biases under the base model's own keys (see the README).
 */
import { type FieldSpecs, namesOrPattern, nullable, stringList } from '../config/fields';
import { type PeftConfig, parseFields } from '../config/peft-config';

/** A BitFit config. */
export interface BitFitConfig extends PeftConfig {
  peft_type: 'BITFIT';
  /** The modules whose bias trains (PEFT's matching rules), or null: every module with a bias. */
  target_modules: string[] | string | null;
  exclude_modules: string[] | string | null;
  modules_to_save: string[] | null;
}

/** BitFitConfig's fields. */
export const BITFIT_FIELDS: FieldSpecs = {
  target_modules: { default: null, check: nullable(namesOrPattern) },
  exclude_modules: { default: null, check: nullable(namesOrPattern) },
  modules_to_save: { default: null, check: nullable(stringList) },
};

/**
 * A validated BitFit config.
 * @example bitfitConfig({ task_type: 'SEQ_CLS' }) // every bias of the encoder, plus the classifier
 */
export function bitfitConfig(options: Partial<Omit<BitFitConfig, 'peft_type'>> = {}): BitFitConfig {
  return parseFields<BitFitConfig>({ ...options, peft_type: 'BITFIT' }, 'BITFIT', BITFIT_FIELDS, 'user', 'BitFitConfig');
}
