/**
 * The schema language of PEFT config fields. A field has PEFT's default, a check that returns the
 * value or throws a `PeftConfigError` naming the field, optionally a test of whether Graft
 * implements the value (a feature PEFT has and Graft does not is refused by name, never
 * ignored), and whether it is a Python float (written as `0.0`, as PEFT's json does).
 */
import { PeftConfigError } from '../errors';

/** Checks one field's value (already known to be present) and returns it. */
export type FieldCheck<T> = (value: unknown, field: string, where: string) => T;

/** One known config field. */
export interface FieldSpec<T = unknown> {
  /** PEFT's default (fresh objects and arrays are copied per config). */
  default: T;
  check: FieldCheck<T>;
  /** Why Graft cannot honour `value`, or null when it can (the default: every valid value). */
  unsupported?: (value: T) => string | null;
  /** A Python float field: written with a decimal point (`0.0`). */
  float?: boolean;
  /**
   * A Graft-only input that PEFT computes itself (prompt tuning's init token ids, which PEFT gets
   * from a tokenizer): accepted in configs, never written into adapter_config.json.
   */
  transient?: boolean;
}

/** The field specs of one config type, by field name. */
export type FieldSpecs = Record<string, FieldSpec>;

/** A JSON value in a message, kept short. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** The error of a value that fails its check. */
export function invalid(where: string, field: string, want: string, v: unknown): PeftConfigError {
  return new PeftConfigError('peft_config_invalid', `${where}: field '${field}' must be ${want}, got ${show(v)}`, field);
}

/** Whether `v` is a plain JSON object. */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An integer of at least `min`. */
export function int(min = 0): FieldCheck<number> {
  return (v, field, where) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw invalid(where, field, min === 1 ? 'a positive integer' : `an integer ≥ ${min}`, v);
    return v;
  };
}

/** A finite number above 0. */
export const positive: FieldCheck<number> = (v, field, where) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw invalid(where, field, 'a positive number', v);
  return v;
};

/** A probability in [0, 1). Dropout of 1 would zero every update, so PEFT's range is half open. */
export const dropoutProbability: FieldCheck<number> = (v, field, where) => {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw invalid(where, field, 'a probability in [0, 1)', v);
  return v;
};

/** true or false. */
export const bool: FieldCheck<boolean> = (v, field, where) => {
  if (typeof v !== 'boolean') throw invalid(where, field, 'true or false', v);
  return v;
};

/** Any string. */
export const string: FieldCheck<string> = (v, field, where) => {
  if (typeof v !== 'string') throw invalid(where, field, 'a string', v);
  return v;
};

/** One of `values`; the message lists them. */
export function oneOf<T extends string>(values: readonly T[]): FieldCheck<T> {
  return (v, field, where) => {
    if (typeof v !== 'string' || !values.includes(v as T)) throw invalid(where, field, `one of ${values.map((x) => `'${x}'`).join(', ')}`, v);
    return v as T;
  };
}

/** `check`, or null (JSON null, Python None). */
export function nullable<T>(check: FieldCheck<T>): FieldCheck<T | null> {
  return (v, field, where) => (v === null ? null : check(v, field, where));
}

/** A list of strings, duplicates dropped (PEFT keeps these as sets). */
export const stringList: FieldCheck<string[]> = (v, field, where) => {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw invalid(where, field, 'a list of strings', v);
  return [...new Set(v as string[])];
};

/**
 * A regular expression (matched against whole module paths) or a list of names (each matched as
 * a whole path or a dotted suffix): PEFT's `target_modules` / `exclude_modules` convention.
 */
export const namesOrPattern: FieldCheck<string[] | string> = (v, field, where) => {
  if (typeof v === 'string') {
    checkPattern(v, field, where);
    return v;
  }
  return stringList(v, field, where);
};

/** Throws unless `source` compiles as a JavaScript regular expression (PEFT's are Python's `re`). */
export function checkPattern(source: string, field: string, where: string): void {
  try {
    new RegExp(source);
  } catch (e) {
    throw new PeftConfigError(
      'peft_config_invalid',
      `${where}: field '${field}' is not a valid regular expression (${(e as Error).message}); Python-only syntax such as (?P<name>…) needs its JavaScript form`,
      field,
    );
  }
}

/** A map of pattern → number (`rank_pattern`, `alpha_pattern`), each pattern a valid regular expression. */
export function patternMap(value: FieldCheck<number>): FieldCheck<Record<string, number>> {
  return (v, field, where) => {
    if (!isJsonObject(v)) throw invalid(where, field, 'an object of pattern → number', v);
    const out: Record<string, number> = {};
    for (const [k, n] of Object.entries(v)) {
      checkPattern(k, field, where);
      out[k] = value(n, `${field}.${k}`, where);
    }
    return out;
  };
}

/** An integer ≥ 0 or a list of them (`layers_to_transform`). */
export const indexOrIndices: FieldCheck<number | number[]> = (v, field, where) => {
  if (Array.isArray(v)) {
    if (!v.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) throw invalid(where, field, 'an integer ≥ 0 or a list of them', v);
    return [...v] as number[];
  }
  return int(0)(v, field, where);
};

/** A string or a list of strings (`layers_pattern`). */
export const stringOrList: FieldCheck<string | string[]> = (v, field, where) => (typeof v === 'string' ? v : stringList(v, field, where));

/** Any JSON value (fields Graft keeps but never reads, such as `auto_mapping`). */
export const anyJson: FieldCheck<unknown> = (v) => v;

/** Unsupported unless the value is "off": null, false, an empty list or object. */
export function offOnly(what: string): (v: unknown) => string | null {
  return (v) => (isOff(v) ? null : `Graft does not implement ${what}`);
}

/** Whether a JSON value means "feature off": null, false, [] or {}. */
export function isOff(v: unknown): boolean {
  return v === null || v === false || (Array.isArray(v) && v.length === 0) || (isJsonObject(v) && Object.keys(v).length === 0);
}
