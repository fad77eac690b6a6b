/**
 * PEFT configs as data. A config is a plain object under PEFT's own field names (it is what
 * adapter_config.json holds), validated against its method's field specs: missing fields take
 * PEFT's defaults, a bad value or a feature Graft does not implement throws a `PeftConfigError`
 * naming the field. Fields every method has (`peft_type`, `task_type`, `inference_mode`, …) are
 * declared here once.
 */
import { PeftConfigError } from '../errors';
import { anyJson, bool, type FieldSpecs, invalid, isJsonObject, isOff, nullable, oneOf, show, string } from './fields';

/** The PEFT release whose adapter format Graft reads and writes (written as `peft_version`). */
export const PEFT_FORMAT_VERSION = '0.21.0';

/** PEFT's task types: they decide which heads go into `modules_to_save` by default. */
export type TaskType = 'SEQ_CLS' | 'SEQ_2_SEQ_LM' | 'CAUSAL_LM' | 'TOKEN_CLS' | 'QUESTION_ANS' | 'FEATURE_EXTRACTION';

/** Every `task_type` PEFT accepts. */
export const TASK_TYPES: readonly TaskType[] = ['SEQ_CLS', 'SEQ_2_SEQ_LM', 'CAUSAL_LM', 'TOKEN_CLS', 'QUESTION_ANS', 'FEATURE_EXTRACTION'];

/** The fields of every PEFT config. */
export interface PeftConfig {
  /** The method (`'LORA'`, `'IA3'`, …): the key of the method registry. */
  peft_type: string;
  task_type: TaskType | null;
  /** The base model the adapter was trained on: a Hub name or a path relative to the adapter. */
  base_model_name_or_path: string | null;
  revision: string | null;
  /** Whether the adapter is frozen (PEFT writes true into saved files; loading sets it from `isTrainable`). */
  inference_mode: boolean;
  /** The PEFT version that wrote the file (Graft writes {@link PEFT_FORMAT_VERSION}). */
  peft_version: string | null;
  /** transformers' auto-class mapping, kept as read. */
  auto_mapping: unknown;
}

/** Where a config comes from: code (strict about unknown fields) or a file (lenient with unknown fields that are off). */
export type ConfigSource = 'user' | 'file';

/** The fields of {@link PeftConfig} (peft_type is checked by the registry). */
export const COMMON_FIELDS: FieldSpecs = {
  task_type: { default: null, check: nullable(oneOf(TASK_TYPES)) },
  base_model_name_or_path: { default: null, check: nullable(string) },
  revision: { default: null, check: nullable(string) },
  inference_mode: { default: false, check: bool },
  peft_version: { default: null, check: nullable(string) },
  auto_mapping: { default: null, check: anyJson },
};

/** snake_case of a camelCase name (`loraAlpha` → `lora_alpha`), for "did you mean" hints. */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Levenshtein distance, bounded: anything above `max` counts as `max + 1`. */
function distance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The known field `name` was probably meant to be, or null. */
export function suggestField(name: string, known: readonly string[]): string | null {
  if (known.includes(snake(name))) return snake(name);
  const close = known.filter((k) => distance(name, k) <= 2);
  return close.length === 1 ? close[0] : null;
}

function copyDefault(v: unknown): unknown {
  if (Array.isArray(v)) return [...v];
  if (isJsonObject(v)) return { ...v };
  return v;
}

/**
 * Validates `json` against `specs` (plus the common fields) and fills the defaults. An unknown
 * field is an error when the config comes from code; in a file it is kept when its value is off
 * (null, false, empty), since newer PEFT releases add fields that way, and an error otherwise,
 * because ignoring a feature the file turns on would load a different adapter than was saved.
 */
export function parseFields<C extends PeftConfig>(json: unknown, peftType: string, specs: FieldSpecs, source: ConfigSource, where: string): C {
  if (!isJsonObject(json)) throw new PeftConfigError('peft_config_invalid', `${where}: a config must be a JSON object, got ${show(json)}`);
  const all = { ...COMMON_FIELDS, ...specs };
  const out: Record<string, unknown> = { peft_type: peftType };
  for (const [field, spec] of Object.entries(all)) {
    const value = Object.hasOwn(json, field) ? spec.check(json[field], field, where) : copyDefault(spec.default);
    const why = spec.unsupported?.(value);
    if (why) throw new PeftConfigError('peft_config_unsupported', `${where}: field '${field}' is ${show(value)}, but ${why}`, field);
    out[field] = value;
  }
  for (const [field, value] of Object.entries(json)) {
    if (field === 'peft_type' || Object.hasOwn(all, field)) continue;
    if (source === 'file' && isOff(value)) {
      out[field] = value;
      continue;
    }
    const hint = suggestField(field, Object.keys(all));
    const tail =
      source === 'file'
        ? `; it sets a field this version of Graft does not know to ${show(value)}, which would change the adapter, so it is refused rather than ignored`
        : hint
          ? `; did you mean '${hint}'? (config fields keep PEFT's snake_case names)`
          : `; known fields: ${Object.keys(all).sort().join(', ')}`;
    throw new PeftConfigError('peft_config_unknown_field', `${where}: unknown field '${field}' for peft_type '${peftType}'${tail}`, field);
  }
  return out as C;
}

/** Throws `peft_config_invalid` for `field` unless `ok`. */
export function ensure(ok: boolean, where: string, field: string, message: string): void {
  if (!ok) throw new PeftConfigError('peft_config_invalid', `${where}: ${message}`, field);
}

/** Re-exported for method folders: the error of a value that fails its check. */
export { invalid };
