/**
 * File formats beyond the built-in ones, for the readers that choose by extension
 * (`readDataFile`, `streamDataFile`, and through them `graft train <model> <file>`). A plugin
 * registers a reader for its extensions (fastText's `.ft`, CoNLL's `.conll`); the built-in
 * extensions cannot be taken over, so `train.csv` always means the CSV reader. Like the other
 * registries it is a plain table filled by explicit calls: importing this module registers
 * nothing. Readers for data that is not a file need no registration: build a `Dataset` or an
 * `IterableDataset` from rows.
 */
import { ArgumentError } from '@graft/core';
import type { Dataset } from '../dataset';
import type { IterableDataset } from '../iterable-dataset';
import { BUILTIN_EXTENSIONS, formatOf } from './files';
import type { DataFileOptions } from './readers';

/** A file format the path readers dispatch to by extension (register it with {@link registerDataFormat}). */
export interface DataFileFormat {
  /** The format's name, shown in messages (`'fasttext'`). */
  readonly name: string;
  /** The extensions it reads, without the dot and in lower case (`['ft']`); `train.ft.gz` matches `ft` too, and the reader gets the path as it is. */
  readonly extensions: readonly string[];
  /** Reads the file at `path` into a Dataset; malformed input throws a `DataFormatError` with the file, line and column. */
  read(path: string, opts: DataFileOptions): Promise<Dataset<Record<string, unknown>>>;
  /** Streams the file in bounded memory; without it, `streamDataFile` reads the file whole on each pass. */
  stream?(path: string, opts: DataFileOptions): IterableDataset<Record<string, unknown>>;
}

/** Registered formats by extension. */
const byExtension = new Map<string, DataFileFormat>();

const EXTENSION = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Registers a reader for files with its extensions (or replaces the format of the same name). An
 * extension of a built-in format, or of another registered format, is an `ArgumentError`.
 */
export function registerDataFormat(format: DataFileFormat): void {
  if (!format || typeof format.name !== 'string' || format.name === '') throw new ArgumentError('registerDataFormat: a format needs a name (like "fasttext")');
  if (typeof format.read !== 'function') throw new ArgumentError(`registerDataFormat('${format.name}'): the format needs read(path, options)`);
  if (format.stream !== undefined && typeof format.stream !== 'function')
    throw new ArgumentError(`registerDataFormat('${format.name}'): stream must be a function when given`);
  if (!Array.isArray(format.extensions) || format.extensions.length === 0)
    throw new ArgumentError(`registerDataFormat('${format.name}'): list the file extensions it reads, like ['ft']`);
  for (const ext of format.extensions) {
    if (typeof ext !== 'string' || !EXTENSION.test(ext))
      throw new ArgumentError(`registerDataFormat('${format.name}'): extension ${JSON.stringify(ext)} must be lower case letters and digits, without the dot`);
    if (BUILTIN_EXTENSIONS.includes(ext) || ext === 'gz')
      throw new ArgumentError(`registerDataFormat('${format.name}'): .${ext} files are read by a built-in reader; choose an extension of your own`);
    const owner = byExtension.get(ext);
    if (owner && owner.name !== format.name)
      throw new ArgumentError(`registerDataFormat('${format.name}'): .${ext} is already registered by the '${owner.name}' format`);
  }
  for (const [ext, f] of byExtension) if (f.name === format.name) byExtension.delete(ext);
  for (const ext of format.extensions) byExtension.set(ext, format);
}

/** The registered format that reads `path` (by its extension, a trailing `.gz` ignored), if any. */
export function registeredFormatOf(path: string): DataFileFormat | undefined {
  const name = path.toLowerCase().split(/[\\/]/).pop() ?? '';
  const ext = (name.endsWith('.gz') ? name.slice(0, -3) : name).split('.').pop() ?? '';
  return byExtension.get(ext);
}

/** The name of the format `readDataFile` reads `path` as: a built-in one (`'csv'`, …) or a registered one; null when none. */
export function dataFormatOf(path: string): string | null {
  return formatOf(path)?.format ?? registeredFormatOf(path)?.name ?? null;
}

/** The extensions of the registered formats (for messages listing what can be read). */
export function registeredExtensions(): string[] {
  return [...byExtension.keys()];
}
