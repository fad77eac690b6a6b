/**
 * Parquet sources through hyparquet (pure JavaScript, no dependencies, runs in browsers; it
 * reads every Parquet type and encoding Hugging Face writes). Snappy is built into hyparquet;
 * files with gzip, zstd, brotli or lz4 pages load `hyparquet-compressors` on first use (its
 * snappy compiles WebAssembly when imported, so importing it eagerly would make importing
 * @graft/data do work). `streamParquet` reads one row group at a time. 64-bit integers become
 * numbers (an error beyond ±2^53), and the `huggingface` metadata gives the dataset's features.
 */
import { GraftError } from '@graft/core';
import { type AsyncBuffer, type Compressors, type FileMetaData, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { type ColumnTypes, checkTypes, typeProblem } from './column-types';
import { Dataset } from './dataset';
import { DataFormatError } from './errors';
import { featuresFrom, type Features } from './features';
import { Hasher, stableJson } from './fingerprint';
import { IterableDataset } from './iterable-dataset';
import { checkOptions, newReport, type ReadOptions, type ReadReport, reject } from './options';

/** A Parquet file: bytes, a Blob/File, or hyparquet's `AsyncBuffer` (ranged reads, for large files and URLs). */
export type ParquetSource = Uint8Array | ArrayBuffer | Blob | AsyncBuffer;

/** Options of the Parquet readers. */
export interface ParquetOptions extends Omit<ReadOptions, 'compression'> {
  /** Read only these columns. */
  columns?: readonly string[];
  /** Types the values must have; a value of another type is a `wrong_type` error naming its row. */
  types?: ColumnTypes;
}

const KEYS = ['file', 'onError', 'onSkip', 'columns', 'types'];
const BUILT_IN_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY']);
let extraCompressors: Promise<Compressors> | undefined;

/** Reads a Parquet file into a Dataset (with the HF features its metadata holds). */
export async function readParquet<Row extends object = Record<string, unknown>>(source: ParquetSource, opts: ParquetOptions = {}): Promise<Dataset<Row>> {
  checkParquetOptions(opts, 'readParquet');
  const report = newReport();
  const hasher = new Hasher();
  const file = asyncBuffer(source, hasher);
  const { metadata, features, compressors } = await open(file, opts);
  const rows: Row[] = [];
  for await (const row of parquetRows(file, metadata, compressors, opts, report)) rows.push(row as Row);
  report.bytes = file.byteLength;
  const fingerprint =
    source instanceof Uint8Array || source instanceof ArrayBuffer
      ? hasher.update(`\nparquet:${stableJson([opts.columns ?? null, opts.types ?? null])}`).hex()
      : undefined;
  return new Dataset(rows, { report, features, fingerprint });
}

/** A Parquet file as an IterableDataset, read one row group at a time. */
export function streamParquet<Row extends object = Record<string, unknown>>(
  source: ParquetSource | (() => ParquetSource | Promise<ParquetSource>),
  opts: ParquetOptions = {},
): IterableDataset<Row> {
  checkParquetOptions(opts, 'streamParquet');
  return new IterableDataset<Row>(async function* (report) {
    yield* parquetPass(asyncBuffer(typeof source === 'function' ? await source() : source), opts, report) as AsyncIterable<Row>;
  });
}

/** One pass over a Parquet file's rows, a row group at a time. */
export async function* parquetPass(file: AsyncBuffer, opts: ParquetOptions, report: ReadReport): AsyncGenerator<Record<string, unknown>> {
  const { metadata, compressors } = await open(file, opts);
  yield* parquetRows(file, metadata, compressors, opts, report);
}

/** The HF features stored in a Parquet file's metadata (undefined when it has none). */
export async function parquetFeatures(source: ParquetSource, opts: Pick<ParquetOptions, 'file'> = {}): Promise<Features | undefined> {
  return (await open(asyncBuffer(source), opts)).features;
}

/** Checks the options of a Parquet reader. */
export function checkParquetOptions(opts: ParquetOptions, where: string): void {
  checkOptions(opts, KEYS, where);
  checkTypes(opts.types, where);
}

function asyncBuffer(source: ParquetSource, hasher?: Hasher): AsyncBuffer {
  if (source instanceof ArrayBuffer) source = new Uint8Array(source);
  if (source instanceof Uint8Array) {
    const bytes = source;
    hasher?.update(bytes);
    return { byteLength: bytes.byteLength, slice: (start, end) => bytes.slice(start, end).buffer };
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const blob = source;
    return { byteLength: blob.size, slice: (start, end) => blob.slice(start, end).arrayBuffer() };
  }
  return source as AsyncBuffer;
}

function corrupt(e: unknown, opts: ParquetOptions, row?: number): unknown {
  if (e instanceof GraftError) return e;
  const why = (e as Error)?.message ?? String(e);
  return new DataFormatError(
    'parquet_corrupt',
    { file: opts.file, row },
    `cannot read the Parquet data (${why}): the file is truncated or corrupt, or uses an encoding hyparquet does not read`,
    { cause: e },
  );
}

async function open(
  file: AsyncBuffer,
  opts: ParquetOptions,
): Promise<{ metadata: FileMetaData; features: Features | undefined; compressors: Compressors | undefined }> {
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw corrupt(e, opts);
  }
  const hf = metadata.key_value_metadata?.find((kv) => kv.key === 'huggingface')?.value;
  let features: Features | undefined;
  try {
    features = hf ? featuresFrom(JSON.parse(hf)) : undefined;
  } catch {
    features = undefined; // unreadable HF metadata only loses the class names, not the rows
  }
  const codecs = metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec ?? 'UNCOMPRESSED'));
  const compressors = codecs.every((c) => BUILT_IN_CODECS.has(c)) ? undefined : await loadCompressors();
  return { metadata, features, compressors };
}

function loadCompressors(): Promise<Compressors> {
  extraCompressors ??= import('hyparquet-compressors').then((m) => m.compressors as Compressors);
  return extraCompressors;
}

async function* parquetRows(file: AsyncBuffer, metadata: FileMetaData, compressors: Compressors | undefined, opts: ParquetOptions, report: ReadReport) {
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file, metadata, compressors, rowStart: start, rowEnd: end, columns: opts.columns ? [...opts.columns] : undefined });
    } catch (e) {
      throw corrupt(e, opts, start);
    }
    report.maxBufferedRows = Math.max(report.maxBufferedRows, rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = normalizeRow(rows[i], opts, report, start + i);
      if (!row) continue;
      report.rows++;
      yield row;
    }
    start = end;
  }
}

/** bigints to numbers, declared types checked; null (after rejecting) for a bad row. */
function normalizeRow(row: Record<string, unknown>, opts: ParquetOptions, report: ReadReport, index: number): Record<string, unknown> | null {
  for (const key in row) {
    const v = row[key];
    if (typeof v === 'bigint' || (v !== null && typeof v === 'object')) {
      const n = toNumbers(v);
      if (n === OUT_OF_RANGE) {
        reject(
          new DataFormatError(
            'int64_out_of_range',
            { file: opts.file, row: index, field: key },
            'a 64-bit integer is outside the exact range of JavaScript numbers (±2^53); store the column as a string',
          ),
          opts,
          report,
        );
        return null;
      }
      row[key] = n;
    }
  }
  if (opts.types) {
    for (const [field, type] of Object.entries(opts.types)) {
      const problem = typeProblem(row[field], type);
      if (problem === null) continue;
      reject(new DataFormatError('wrong_type', { file: opts.file, row: index, field }, `${problem}, but the column is declared ${type}`), opts, report);
      return null;
    }
  }
  return row;
}

const OUT_OF_RANGE = Symbol('out of range');

function toNumbers(v: unknown): unknown {
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : OUT_OF_RANGE;
  }
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) {
      const n = Number(v[i]);
      if (!Number.isSafeInteger(n)) return OUT_OF_RANGE;
      out[i] = n;
    }
    return out;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const n = typeof v[i] === 'bigint' || (v[i] !== null && typeof v[i] === 'object') ? toNumbers(v[i]) : v[i];
      if (n === OUT_OF_RANGE) return OUT_OF_RANGE;
      v[i] = n;
    }
    return v;
  }
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const n = toNumbers(o[k]);
      if (n === OUT_OF_RANGE) return OUT_OF_RANGE;
      o[k] = n;
    }
  }
  return v;
}
