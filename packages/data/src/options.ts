/**
 * Options every reader shares, their checks, and the report a reader fills while it reads
 * (skipped rows, bytes, and the most rows and bytes it held at once, which is how the streaming
 * tests prove memory stays bounded without timing anything).
 */
import { ArgumentError } from '@graft/core';
import type { DataFormatError } from './errors';

/** What to do with a malformed row: throw (the default), or skip it and count it. */
export type OnError = 'throw' | 'skip';

/** Options of every reader. */
export interface ReadOptions {
  /** The name used in error messages (the Node entry sets the path). Default `<input>`. */
  file?: string;
  /** `'throw'` (default): a malformed row throws a `DataFormatError`; `'skip'`: it is skipped and counted. */
  onError?: OnError;
  /** Called with each skipped row's error when `onError` is `'skip'`. */
  onSkip?: (error: DataFormatError) => void;
  /** `'auto'` (default) decompresses gzip when the bytes start with gzip's magic number. */
  compression?: 'auto' | 'gzip' | 'none';
}

export const READ_OPTION_KEYS = ['file', 'onError', 'onSkip', 'compression'] as const;

/** How many skipped rows' errors a report keeps (the count covers all of them). */
export const KEPT_ERRORS = 10;

/** What a reader saw; live while a stream is read, final once it ends. */
export interface ReadReport {
  /** Rows produced. */
  rows: number;
  /** Malformed rows skipped (with `onError: 'skip'`). */
  skipped: number;
  /** The first ten skipped rows' errors (the count covers all of them). */
  errors: DataFormatError[];
  /** Bytes read from the source (compressed bytes for gzip). */
  bytes: number;
  /** The most characters of text held at once, unparsed (a chunk plus an unfinished row). */
  maxBufferedChars: number;
  /** The most parsed rows held at once, not yet handed to the consumer. */
  maxBufferedRows: number;
}

/** An empty report. */
export function newReport(): ReadReport {
  return { rows: 0, skipped: 0, errors: [], bytes: 0, maxBufferedChars: 0, maxBufferedRows: 0 };
}

/**
 * Throws `error` in `'throw'` mode; in `'skip'` mode counts it in `report`, tells `onSkip`,
 * and returns so the reader moves on.
 */
export function reject(error: DataFormatError, opts: ReadOptions, report: ReadReport): void {
  if (opts.onError !== 'skip') throw error;
  report.skipped++;
  if (report.errors.length < KEPT_ERRORS) report.errors.push(error);
  opts.onSkip?.(error);
}

/** Checks that `opts` is an object with only `allowed` keys, and the shared read options' values. */
export function checkOptions(opts: object | undefined, allowed: readonly string[], where: string): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object') throw new ArgumentError(`${where}: options must be an object, got ${opts === null ? 'null' : typeof opts}`);
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) throw new ArgumentError(`${where}: unknown option "${key}"; the options are ${allowed.join(', ')}`);
  }
  const o = opts as ReadOptions;
  if (o.onError !== undefined && o.onError !== 'throw' && o.onError !== 'skip')
    throw new ArgumentError(`${where}: onError must be 'throw' or 'skip', got ${JSON.stringify(o.onError)}`);
  if (o.compression !== undefined && !['auto', 'gzip', 'none'].includes(o.compression))
    throw new ArgumentError(`${where}: compression must be 'auto', 'gzip' or 'none', got ${JSON.stringify(o.compression)}`);
  if (o.onSkip !== undefined && typeof o.onSkip !== 'function') throw new ArgumentError(`${where}: onSkip must be a function`);
  if (o.file !== undefined && typeof o.file !== 'string') throw new ArgumentError(`${where}: file must be a string (the name used in messages)`);
}

/** Checks a positive integer option. */
export function checkPositiveInt(value: unknown, name: string, where: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new ArgumentError(`${where}: ${name} must be a positive integer, got ${String(value)}`);
}

/** Checks a non-negative integer option. */
export function checkNonNegativeInt(value: unknown, name: string, where: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new ArgumentError(`${where}: ${name} must be a non-negative integer, got ${String(value)}`);
}
