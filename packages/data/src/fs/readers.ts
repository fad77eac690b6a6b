/**
 * The readers on paths. `read*File` reads a file into a Dataset; `stream*File` gives an
 * IterableDataset that opens the file for each pass and reads it `chunkSize` bytes at a time
 * (or, for Parquet, a row group at a time), so files larger than memory stream. Gzip follows
 * the name (`.gz`), the error messages name the path.
 */
import { readFile } from 'node:fs/promises';
import type { CsvOptions, ReadCsvOptions } from '../csv';
import { readCsvWith, streamCsvWith } from '../csv';
import type { Dataset } from '../dataset';
import { DataFormatError } from '../errors';
import type { IterableDataset } from '../iterable-dataset';
import { IterableDataset as Iterable } from '../iterable-dataset';
import type { JsonOptions, ReadJsonOptions } from '../json';
import { readJsonlWith, readJsonWith, streamJsonlWith } from '../json';
import type { ParquetOptions } from '../parquet';
import type { ColumnTypes } from '../column-types';
import type { OnError } from '../options';
import { checkParquetOptions, parquetPass, readParquet } from '../parquet';
import { checkFile, type FileOptions, fileAsyncBuffer, fileChunks, fileReadOptions, formatOf, nodeContext, openFile, requireFormat } from './files';
import { registeredExtensions, registeredFormatOf } from './formats';

/** Reads a CSV file (a TSV for `.tsv`/`.tab` names unless `delimiter` says otherwise). */
export async function readCsvFile<Row extends object = Record<string, unknown>>(path: string, opts?: ReadCsvOptions & FileOptions): Promise<Dataset<Row>> {
  const { read, chunkSize } = fileReadOptions(path, withTsv(path, opts), 'readCsvFile');
  await checkFile(path);
  return readCsvWith<Row>(fileChunks(path, chunkSize), read, nodeContext, 'readCsvFile');
}

/** Streams a CSV/TSV file row by row in bounded memory. */
export function streamCsvFile<Row extends object = Record<string, unknown>>(path: string, opts?: CsvOptions & FileOptions): IterableDataset<Row> {
  const { read, chunkSize } = fileReadOptions(path, withTsv(path, opts), 'streamCsvFile');
  return streamCsvWith<Row>(() => checked(path, chunkSize), read, nodeContext, 'streamCsvFile');
}

/** Reads a JSON Lines file. */
export async function readJsonlFile<Row extends object = Record<string, unknown>>(path: string, opts?: JsonOptions & FileOptions): Promise<Dataset<Row>> {
  const { read, chunkSize } = fileReadOptions(path, opts, 'readJsonlFile');
  await checkFile(path);
  return readJsonlWith<Row>(fileChunks(path, chunkSize), read, nodeContext, 'readJsonlFile');
}

/** Streams a JSON Lines file row by row in bounded memory. */
export function streamJsonlFile<Row extends object = Record<string, unknown>>(path: string, opts?: JsonOptions & FileOptions): IterableDataset<Row> {
  const { read, chunkSize } = fileReadOptions(path, opts, 'streamJsonlFile');
  return streamJsonlWith<Row>(() => checked(path, chunkSize), read, nodeContext, 'streamJsonlFile');
}

/** Reads a JSON file (an array of rows, or an object of columns). */
export async function readJsonFile<Row extends object = Record<string, unknown>>(path: string, opts?: ReadJsonOptions & FileOptions): Promise<Dataset<Row>> {
  const { read, chunkSize } = fileReadOptions(path, opts, 'readJsonFile');
  await checkFile(path);
  return readJsonWith<Row>(fileChunks(path, chunkSize), read, nodeContext, 'readJsonFile');
}

/** Reads a Parquet file (with the HF features of its metadata). */
export async function readParquetFile<Row extends object = Record<string, unknown>>(path: string, opts?: ParquetOptions): Promise<Dataset<Row>> {
  await checkFile(path);
  return readParquet<Row>(new Uint8Array(await readFile(path)), { file: path, ...opts });
}

/** Streams a Parquet file a row group at a time (ranged reads: only the footer and the current group are in memory). */
export function streamParquetFile<Row extends object = Record<string, unknown>>(path: string, opts?: ParquetOptions): IterableDataset<Row> {
  const o = { file: path, ...opts };
  checkParquetOptions(o, 'streamParquetFile');
  return new Iterable<Row>(async function* (report) {
    const { handle, size } = await openFile(path);
    try {
      report.bytes = size;
      yield* parquetPass(fileAsyncBuffer(handle, size), o, report) as AsyncIterable<Row>;
    } finally {
      await handle.close();
    }
  });
}

/** Options of {@link readDataFile}: those of every format (each reader takes its own). */
export interface DataFileOptions extends ReadCsvOptions, ReadJsonOptions, ParquetOptions, FileOptions {
  /** CSV: the column names of a file without a header; Parquet: read only these columns. */
  columns?: readonly string[];
  /** Types the values must have (declared columns are converted or checked, by format). */
  types?: ColumnTypes;
  /** The name used in error messages (default: the path). */
  file?: string;
  /** `'throw'` (default): a malformed row throws a `DataFormatError`; `'skip'`: it is skipped and counted. */
  onError?: OnError;
  /** Called with each skipped row's error when `onError` is `'skip'`. */
  onSkip?: (error: DataFormatError) => void;
}

/**
 * Reads a data file by its extension: `.csv`, `.tsv`, `.json`, `.jsonl`/`.ndjson`, `.parquet`,
 * each optionally `.gz`, or a format registered with `registerDataFormat`. A `.json` file that
 * holds JSON Lines is read as such (as HF's json loader does).
 */
export async function readDataFile<Row extends object = Record<string, unknown>>(path: string, opts: DataFileOptions = {}): Promise<Dataset<Row>> {
  const custom = formatOf(path) ? undefined : registeredFormatOf(path);
  if (custom) return (await custom.read(path, opts)) as unknown as Dataset<Row>;
  const { format } = requireFormat(path, registeredExtensions());
  const { inferTypes, delimiter, quote, header, columns, relaxQuotes, skipEmptyLines, field, ...common } = opts;
  const csv = { inferTypes, delimiter, quote, header, columns, relaxQuotes, skipEmptyLines };
  switch (format) {
    case 'csv':
    case 'tsv':
      return readCsvFile<Row>(path, { ...common, ...defined(csv) });
    case 'jsonl':
      return readJsonlFile<Row>(path, common);
    case 'parquet': {
      const { chunkSize: _c, compression: _z, ...parquet } = common;
      return readParquetFile<Row>(path, parquet);
    }
    case 'json':
      try {
        return await readJsonFile<Row>(path, { ...common, ...defined({ field }) });
      } catch (e) {
        if (field === undefined && e instanceof DataFormatError && e.code === 'json_syntax' && /after the end of the JSON value/.test(e.problem))
          return readJsonlFile<Row>(path, common);
        throw e;
      }
  }
}

/**
 * Streams a data file by its extension (a `.json` document is read whole, since JSON cannot
 * stream, as is a registered format without a `stream` reader).
 */
export function streamDataFile<Row extends object = Record<string, unknown>>(path: string, opts: DataFileOptions = {}): IterableDataset<Row> {
  const custom = formatOf(path) ? undefined : registeredFormatOf(path);
  if (custom) {
    if (custom.stream) return custom.stream(path, opts) as unknown as IterableDataset<Row>;
    return new Iterable<Row>(async function* (report) {
      const ds = await custom.read(path, opts);
      Object.assign(report, ds.report ?? { rows: ds.length });
      yield* ds as unknown as Dataset<Row>;
    });
  }
  const { format } = requireFormat(path, registeredExtensions());
  const { inferTypes: _i, field: _f, ...rest } = opts;
  switch (format) {
    case 'csv':
    case 'tsv':
      return streamCsvFile<Row>(path, rest);
    case 'jsonl':
      return streamJsonlFile<Row>(path, rest);
    case 'parquet': {
      const { chunkSize: _c, compression: _z, delimiter: _d, quote: _q, header: _h, relaxQuotes: _r, skipEmptyLines: _s, ...parquet } = rest;
      return streamParquetFile<Row>(path, parquet);
    }
    case 'json':
      return new Iterable<Row>(async function* (report) {
        const ds = await readDataFile<Row>(path, opts);
        Object.assign(report, ds.report);
        yield* ds;
      });
  }
}

function withTsv<O extends CsvOptions>(path: string, opts: O | undefined): O {
  const f = requireFormatLoose(path);
  return (f === 'tsv' && opts?.delimiter === undefined ? { ...opts, delimiter: '\t' } : { ...opts }) as O;
}

function requireFormatLoose(path: string): string | undefined {
  try {
    return requireFormat(path).format;
  } catch {
    return undefined; // any name can be read as CSV when the caller says so
  }
}

async function* checked(path: string, chunkSize: number): AsyncGenerator<Uint8Array> {
  await checkFile(path);
  yield* fileChunks(path, chunkSize);
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
