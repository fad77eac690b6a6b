/**
 * Typed access to the fields of one tokenizer.json component. Every failure becomes a
 * TokenizerError that names the component (e.g. `normalizer "BertNormalizer"`) and the field, so
 * a malformed file is reported where it is wrong instead of failing later with `undefined`.
 */
import { TokenizerError } from './errors';
import { isTokenId, TOKEN_ID_RANGE } from './token-id';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** Describes a JSON value in error messages without dumping large vocabularies. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** Reads typed fields of one component object and reports errors with its name. */
export class JsonReader {
  /** The raw object being read. */
  readonly json: JsonObject;
  /** Human-readable component name used in error messages. */
  readonly where: string;

  constructor(json: unknown, where: string) {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new TokenizerError('E_BAD_FIELD', `${where}: expected an object, got ${describe(json)}`);
    }
    this.json = json as JsonObject;
    this.where = where;
  }

  /** True when the field is present and not null. */
  has(field: string): boolean {
    return this.json[field] !== undefined && this.json[field] !== null;
  }

  /** Raises the standard "bad field" error for `field`. */
  fail(field: string, expected: string): never {
    const value = this.json[field];
    if (value === undefined) throw new TokenizerError('E_MISSING_FIELD', `${this.where}: missing field "${field}" (${expected})`);
    throw new TokenizerError('E_BAD_FIELD', `${this.where}: field "${field}" must be ${expected}, got ${describe(value)}`);
  }

  private get(field: string, fallback: unknown, expected: string): unknown {
    const value = this.json[field];
    if (value === undefined || value === null) {
      if (fallback === undefined) this.fail(field, expected);
      return fallback;
    }
    return value;
  }

  /** A string field; required unless `fallback` is given. */
  string(field: string, fallback?: string): string {
    const v = this.get(field, fallback, 'a string');
    if (typeof v !== 'string') this.fail(field, 'a string');
    return v;
  }

  /** A string field that may be null or absent. */
  optionalString(field: string): string | null {
    return this.has(field) ? this.string(field) : null;
  }

  /** A boolean field; required unless `fallback` is given. */
  bool(field: string, fallback?: boolean): boolean {
    const v = this.get(field, fallback, 'a boolean');
    if (typeof v !== 'boolean') this.fail(field, 'a boolean');
    return v;
  }

  /** A boolean field that may be null or absent. */
  optionalBool(field: string): boolean | null {
    return this.has(field) ? this.bool(field) : null;
  }

  /** A finite number field; required unless `fallback` is given. */
  number(field: string, fallback?: number): number {
    const v = this.get(field, fallback, 'a number');
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'a number');
    return v;
  }

  /** A non-negative integer field; required unless `fallback` is given. */
  uint(field: string, fallback?: number): number {
    const v = this.number(field, fallback);
    if (!Number.isInteger(v) || v < 0) this.fail(field, 'a non-negative integer');
    return v;
  }

  /** A token id field (an integer from 0 to 2^32 - 1); required unless `fallback` is given. */
  tokenId(field: string, fallback?: number): number {
    const v = this.number(field, fallback);
    if (!isTokenId(v)) this.fail(field, TOKEN_ID_RANGE);
    return v;
  }

  /** A non-negative integer field that may be null or absent. */
  optionalUint(field: string): number | null {
    return this.has(field) ? this.uint(field) : null;
  }

  /** An array field; required unless `fallback` is given. */
  array(field: string, fallback?: unknown[]): unknown[] {
    const v = this.get(field, fallback, 'an array');
    if (!Array.isArray(v)) this.fail(field, 'an array');
    return v;
  }

  /** An object field; required unless `fallback` is given. */
  object(field: string, fallback?: JsonObject): JsonObject {
    const v = this.get(field, fallback, 'an object');
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, 'an object');
    return v as JsonObject;
  }

  /** A string field restricted to `choices`; required unless `fallback` is given. */
  oneOf<T extends string>(field: string, choices: readonly T[], fallback?: T): T {
    const v = this.string(field, fallback);
    if (!(choices as readonly string[]).includes(v)) this.fail(field, `one of ${choices.map((c) => `"${c}"`).join(', ')}`);
    return v as T;
  }

  /** A single-character string field (one code point). */
  char(field: string, fallback?: string): string {
    const v = this.string(field, fallback);
    if ([...v].length !== 1) this.fail(field, 'a single character');
    return v;
  }
}

/** Reads the `type` tag of a component and returns it with a reader for the rest. */
export function readTagged(json: unknown, stage: string): { tag: string; reader: JsonReader } {
  const base = new JsonReader(json, stage);
  const tag = base.string('type');
  return { tag, reader: new JsonReader(json, `${stage} "${tag}"`) };
}
