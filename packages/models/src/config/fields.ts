/**
 * The schema language of config.json fields: each field has its transformers default, a check
 * that returns the value or throws a `ModelConfigError` naming the field, and whether it is
 * always written back (as transformers writes its model fields) or only when it was in the file
 * or differs from its default (legacy fields like `position_embedding_type`).
 */
import { ModelConfigError } from '../errors';

/** Checks one field's value (already known to be present) and returns it. */
export type FieldCheck<T> = (value: unknown, field: string, where: string) => T;

/** One known config.json field. */
export interface FieldSpec<T = unknown> {
  default: T;
  check: FieldCheck<T>;
  /** 'always' (default): written on save; 'ifSet': written only when read from the file or not the default. */
  emit?: 'always' | 'ifSet';
}

/** A JSON value in a message, kept short. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

function bad(where: string, field: string, want: string, v: unknown): ModelConfigError {
  return new ModelConfigError(`${where}: field '${field}' must be ${want}, got ${show(v)}`, field);
}

/** An integer of at least `min`. */
export function int(min = 0): FieldCheck<number> {
  return (v, field, where) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw bad(where, field, min === 1 ? 'a positive integer' : `an integer ≥ ${min}`, v);
    return v;
  };
}

/** A finite number above 0. */
export const positive: FieldCheck<number> = (v, field, where) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw bad(where, field, 'a positive number', v);
  return v;
};

/** A dropout probability in [0, 1]. */
export const probability: FieldCheck<number> = (v, field, where) => {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw bad(where, field, 'a probability in [0, 1]', v);
  return v;
};

/** true or false. */
export const bool: FieldCheck<boolean> = (v, field, where) => {
  if (typeof v !== 'boolean') throw bad(where, field, 'true or false', v);
  return v;
};

/** Any string. */
export const string: FieldCheck<string> = (v, field, where) => {
  if (typeof v !== 'string') throw bad(where, field, 'a string', v);
  return v;
};

/** One of `values`; the message lists them. */
export function oneOf<T extends string>(values: readonly T[], what = 'one of'): FieldCheck<T> {
  return (v, field, where) => {
    if (typeof v !== 'string' || !values.includes(v as T)) throw bad(where, field, `${what} ${values.map((x) => `'${x}'`).join(', ')}`, v);
    return v as T;
  };
}

/** `check`, or null (JSON null). */
export function nullable<T>(check: FieldCheck<T>): FieldCheck<T | null> {
  return (v, field, where) => (v === null ? null : check(v, field, where));
}

/** A list of strings (`architectures`). */
export const stringList: FieldCheck<string[]> = (v, field, where) => {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw bad(where, field, 'a list of strings', v);
  return [...v];
};

/** Exactly `value` (a feature Graft does not implement is refused, naming the field). */
export function only<T>(value: T, why: string): FieldCheck<T> {
  return (v, field, where) => {
    if (v !== value) throw new ModelConfigError(`${where}: field '${field}' is ${show(v)}, but ${why}`, field);
    return value;
  };
}

/** Whether `v` is a plain JSON object. */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
