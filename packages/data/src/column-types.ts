/**
 * Column types: how CSV text becomes values (declared with `types`, or inferred from a whole
 * column as pandas and Hugging Face's CSV loader do), and how typed sources (JSON, Parquet) are
 * checked against declared types. An empty CSV cell is null in every type but `string`.
 */
import { ArgumentError } from '@graft/core';

/** The types a column can be declared with. */
export type ColumnType = 'string' | 'int' | 'float' | 'bool' | 'json';

/** Declared types by column name. */
export type ColumnTypes = Record<string, ColumnType>;

const TYPES: readonly ColumnType[] = ['string', 'int', 'float', 'bool', 'json'];
const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_FLOATS: Record<string, number> = {
  nan: Number.NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '-infinity': -Infinity,
};

/** Checks a `types` option: an object of known type names. */
export function checkTypes(types: unknown, where: string): asserts types is ColumnTypes | undefined {
  if (types === undefined) return;
  if (types === null || typeof types !== 'object' || Array.isArray(types))
    throw new ArgumentError(`${where}: types must be an object of column name → type, e.g. { label: 'int' }`);
  for (const [column, type] of Object.entries(types)) {
    if (!TYPES.includes(type as ColumnType))
      throw new ArgumentError(`${where}: the type of column "${column}" must be one of ${TYPES.join(', ')}, got ${JSON.stringify(type)}`);
  }
}

/** Why a text is not a value of its column's type (a class, so no parsed value can look like one). */
export class Problem {
  constructor(readonly problem: string) {}
}

/** The value of CSV text in `type`, or a {@link Problem} saying why it is not one. */
export function parseText(text: string, type: ColumnType): unknown {
  if (type === 'string') return text;
  if (text === '') return null;
  switch (type) {
    case 'int': {
      const v = INT.test(text) ? Number(text) : Number.NaN;
      if (Number.isSafeInteger(v)) return v;
      return new Problem(`${quote(text)} is not an integer${INT.test(text) ? ' in the exact range ±2^53 (declare the column as string)' : ''}`);
    }
    case 'float': {
      if (FLOAT.test(text)) return Number(text);
      const special = SPECIAL_FLOATS[text.toLowerCase()];
      return special !== undefined ? special : new Problem(`${quote(text)} is not a number`);
    }
    case 'bool': {
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return new Problem(`${quote(text)} is not a boolean (true or false)`);
    }
    default:
      try {
        return JSON.parse(text);
      } catch {
        return new Problem(`${quote(text)} is not JSON`);
      }
  }
}

/**
 * The narrowest type every non-empty text of a column parses as: int, float, bool, or string.
 * A column with no non-empty text stays string.
 */
export function inferType(texts: Iterable<string>): ColumnType {
  let int = true;
  let float = true;
  let bool = true;
  let any = false;
  for (const t of texts) {
    if (t === '') continue;
    any = true;
    if (int && !(INT.test(t) && Number.isSafeInteger(Number(t)))) int = false;
    if (float && !FLOAT.test(t) && SPECIAL_FLOATS[t.toLowerCase()] === undefined) float = false;
    if (bool && t.toLowerCase() !== 'true' && t.toLowerCase() !== 'false') bool = false;
    if (!int && !float && !bool) return 'string';
  }
  if (!any) return 'string';
  return int ? 'int' : float ? 'float' : bool ? 'bool' : 'string';
}

/** Why a typed value (from JSON or Parquet) is not of `type`, or null when it is (null always is). */
export function typeProblem(value: unknown, type: ColumnType): string | null {
  if (value === null || value === undefined || type === 'json') return null;
  const ok =
    type === 'string'
      ? typeof value === 'string'
      : type === 'int'
        ? Number.isSafeInteger(value)
        : type === 'float'
          ? typeof value === 'number'
          : typeof value === 'boolean';
  return ok ? null : `${describeValue(value)} is not ${type === 'int' ? 'an int' : `a ${type}`}`;
}

/** A short description of a value for messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
