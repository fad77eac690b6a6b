/**
 * Training data for the playground: the built-in SST-2 sample (GLUE's TSVs, served with the
 * site), or a CSV, TSV, JSON Lines, JSON or Parquet file the user gives (gzipped too), read with
 * @graft/data's readers. Columns and labels are chosen as the CLI chooses them: the first
 * conventional column name present, integer labels 0…K−1 kept as ids and anything else sorted
 * and numbered. Without a dev file, a stratified 10% of the training rows is held out.
 */
import { Dataset, readCsv, readJson, readJsonl, readParquet, readTsv } from '@graft/data';
import type { Tokenizer } from '@graft/tokenizers';
import type { DataInfo, DataOptions, DataSource } from '../protocol';
import { PlaygroundError } from './errors';

/** A raw row of a data file. */
export type RawRow = Record<string, unknown>;

/** A tokenized example (what padCollate batches). */
export interface Example {
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[];
  label: number;
}

/** A data source as a run's record keeps it (a user's file is stored with the run). */
export type StoredDataSource = Extract<DataSource, { kind: 'sst2' }> | { kind: 'stored'; name: string };

/** Loaded data, tokenized. */
export interface LoadedData {
  info: DataInfo;
  train: Dataset<Example>;
  eval: Dataset<Example>;
  /** The file's bytes when the user gave it (a resume stores them); null for the built-in sample. */
  bytes: { name: string; bytes: Uint8Array } | null;
  stored: StoredDataSource | null;
}

const TEXT_COLUMNS = ['text', 'sentence', 'review', 'content', 'document', 'sentence1', 'question', 'premise'];
const LABEL_COLUMNS = ['label', 'labels', 'sentiment', 'class', 'target', 'category'];
const SST2_LABELS = ['negative', 'positive'];
/** Evaluation rows at most, by default: evaluation runs every few steps and must stay short. */
const DEFAULT_EVAL_ROWS = 1000;

/** Reads a data file by its name's extension (`.gz` after it is fine). */
export async function readDataFile(name: string, bytes: Uint8Array): Promise<Dataset<RawRow>> {
  const ext = name.toLowerCase().replace(/\.gz$/, '').split('.').pop();
  const opts = { file: name };
  switch (ext) {
    case 'csv':
      return readCsv<RawRow>(bytes, opts);
    case 'tsv':
    case 'tab':
      return readTsv<RawRow>(bytes, opts);
    case 'jsonl':
    case 'ndjson':
      return readJsonl<RawRow>(bytes, opts);
    case 'json':
      return readJson<RawRow>(bytes, opts);
    case 'parquet':
      return readParquet<RawRow>(bytes, opts);
    default:
      throw new PlaygroundError(
        'unsupported_file',
        `${name}: the playground reads .csv, .tsv, .jsonl, .json and .parquet files (gzipped too), not .${ext ?? '(no extension)'}`,
      );
  }
}

/** The column `given`, else the first of `conventional` present; an error listing the columns otherwise. */
export function pickColumn(columns: readonly string[], given: string | undefined, conventional: readonly string[], what: string, source: string): string {
  const column = given || conventional.find((c) => columns.includes(c));
  if (!column || !columns.includes(column)) {
    const list = columns.map((c) => `"${c}"`).join(', ');
    throw new PlaygroundError(
      'column_not_found',
      column ? `${source} has no column "${column}"; its columns are ${list}` : `${source}: cannot tell which column holds the ${what} (columns: ${list})`,
    );
  }
  return column;
}

/** Label names by id: integers 0…K−1 keep their ids, anything else is sorted and numbered. */
export function labelNames(values: readonly unknown[], source: string, column: string): string[] {
  const seen = new Set<unknown>();
  values.forEach((v, i) => {
    if (v === null || v === undefined || v === '')
      throw new PlaygroundError('bad_label', `${source}: row ${i + 1} has no value in the label column "${column}"`);
    seen.add(v);
  });
  const all = [...seen];
  if (all.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
    const max = Math.max(...(all as number[]));
    if (max > 1000) throw new PlaygroundError('bad_label', `${source}: label ${max} in "${column}" is not a class id; labels must be 0…K−1 or names`);
    return Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  return all.map(String).sort();
}

/** Label ids of `values` for `names`; a label the names do not know is a `bad_label` error. */
export function labelIds(values: readonly unknown[], names: readonly string[], source: string): number[] {
  const byName = new Map(names.map((n, i) => [n, i]));
  return values.map((v, i) => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < names.length && !byName.has(String(v))) return v;
    const id = byName.get(String(v));
    if (id === undefined) throw new PlaygroundError('bad_label', `${source}: row ${i + 1} has label ${JSON.stringify(v)}, not one of ${names.join(', ')}`);
    return id;
  });
}

/** Tokenizes texts with truncation to `maxLength` (special tokens included). */
export function encodeTexts(tokenizer: Tokenizer, texts: readonly string[], maxLength: number): Omit<Example, 'label'>[] {
  tokenizer.setTruncation({ maxLength, strategy: 'longest_first' });
  try {
    return tokenizer.encodeBatch([...texts]).map((e) => ({ inputIds: e.ids, attentionMask: e.attentionMask, tokenTypeIds: e.typeIds }));
  } finally {
    tokenizer.setTruncation(null);
  }
}

/** Texts and label ids → tokenized examples. */
function examples(rows: Dataset<RawRow>, textColumn: string, labels: number[], tokenizer: Tokenizer, maxLength: number, source: string): Dataset<Example> {
  const texts = rows.column(textColumn).map((v, i) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    throw new PlaygroundError('bad_label', `${source}: row ${i + 1} has no text in "${textColumn}"`);
  });
  return new Dataset(encodeTexts(tokenizer, texts, maxLength).map((e, i) => ({ ...e, label: labels[i] })));
}

/** Draws `count` rows with the seed (all when not smaller). */
function sample<R extends object>(ds: Dataset<R>, count: number | undefined, seed: number): Dataset<R> {
  if (count === undefined || count >= ds.length) return ds;
  if (!Number.isInteger(count) || count < 1) throw new PlaygroundError('too_few_rows', `the number of rows must be a whole number of at least 1, got ${count}`);
  return ds.shuffle({ seed }).select(Array.from({ length: count }, (_, i) => i));
}

/** The built-in sample's files, fetched from the site. */
async function fetchText(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new PlaygroundError('no_data', `could not fetch ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Loads, splits and tokenizes data for a classifier. */
export async function loadData(
  source: DataSource | StoredDataSource,
  options: DataOptions,
  tokenizer: Tokenizer,
  base: string,
  stored?: { name: string; bytes: Uint8Array },
): Promise<LoadedData> {
  let train: Dataset<RawRow>;
  let dev: Dataset<RawRow> | null = null;
  let description: string;
  let bytes: LoadedData['bytes'] = null;
  let labelsGiven: string[] | null = null;
  if (source.kind === 'sst2') {
    // GLUE's TSVs have no quoting: a quote character is text
    train = await readTsv<RawRow>(await fetchText(new URL(source.trainUrl, base).href), { file: 'sst2/train.tsv', quote: null });
    dev = await readTsv<RawRow>(await fetchText(new URL(source.devUrl, base).href), { file: 'sst2/dev.tsv', quote: null });
    description = 'SST-2 sample';
    labelsGiven = SST2_LABELS;
  } else {
    const file =
      source.kind === 'file'
        ? { name: source.file.name, bytes: new Uint8Array(await source.file.arrayBuffer()) }
        : (stored ?? { name: source.name, bytes: null });
    if (!file.bytes) throw new PlaygroundError('not_resumable', `${file.name}: the run's copy of the data file is missing`);
    bytes = { name: file.name, bytes: file.bytes };
    train = await readDataFile(file.name, file.bytes);
    description = file.name;
  }
  if (train.length === 0) throw new PlaygroundError('too_few_rows', `${description} has no rows`);
  const columns = train.columns;
  const textColumn = pickColumn(columns, options.textColumn, TEXT_COLUMNS, 'text', description);
  const labelColumn = pickColumn(columns, options.labelColumn, LABEL_COLUMNS, 'label', description);
  const labels = labelsGiven ?? labelNames(train.column(labelColumn), description, labelColumn);
  if (labels.length < 2)
    throw new PlaygroundError('bad_label', `${description}: "${labelColumn}" has only one class (${labels[0]}); a classifier needs two or more`);
  const seed = options.seed;
  let evalRows: Dataset<RawRow>;
  let evalSource: string;
  if (dev) {
    evalRows = dev;
    evalSource = 'dev.tsv';
  } else {
    if (train.length < 10)
      throw new PlaygroundError('too_few_rows', `${description} has ${train.length} rows; at least 10 are needed to hold out an evaluation set`);
    const split = train.trainTestSplit({ testSize: 0.1, seed });
    train = split.train;
    evalRows = split.test;
    evalSource = '10% of the file, held out';
  }
  train = sample(train, options.trainSamples, seed);
  evalRows = sample(evalRows, options.evalSamples ?? DEFAULT_EVAL_ROWS, seed);
  const trainIds = labelIds(train.column(labelColumn), labels, description);
  const evalIds = labelIds(evalRows.column(labelColumn), labels, description);
  const preview = train
    .toArray()
    .slice(0, 5)
    .map((row, i) => ({ text: String(row[textColumn]), label: labels[trainIds[i]] }));
  return {
    info: {
      description,
      columns,
      textColumn,
      labelColumn,
      labels,
      trainRows: train.length,
      evalRows: evalRows.length,
      evalSource,
      preview,
    },
    train: examples(train, textColumn, trainIds, tokenizer, options.maxLength, description),
    eval: examples(evalRows, textColumn, evalIds, tokenizer, options.maxLength, description),
    bytes,
    stored: source.kind === 'sst2' ? source : bytes ? { kind: 'stored', name: bytes.name } : null,
  };
}
