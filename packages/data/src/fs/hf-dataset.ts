/**
 * Hugging Face dataset folders: what `huggingface-cli download --repo-type dataset` gives
 * (`data/train-00000-of-00001.parquet`), the Hub's parquet export (`<config>/<split>/0000.parquet`),
 * folders of CSV/JSON/JSONL shards, and plain folders such as GLUE's (`train.tsv`, `dev.tsv`).
 * Files are assigned to splits as `datasets.load_dataset(dir)` does: first by the
 * `<split>-NNNNN-of-NNNNN` shard names, else by split keywords bounded by non-letters in the
 * path (`dev`, `valid`, `val` → validation; `testing`, `eval` → test; …), else everything is
 * train. Features (class names for `id2label`) come from `dataset_info.json` (the folder's or
 * the split's), else from the `huggingface` metadata of the Parquet files.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ArgumentError } from '@graft/core';
import { concatDatasets } from '../concat';
import { Dataset } from '../dataset';
import { DataSourceError } from '../errors';
import { type Features, featuresFrom } from '../features';
import { IterableDataset } from '../iterable-dataset';
import { checkOptions, KEPT_ERRORS } from '../options';
import { parquetFeatures } from '../parquet';
import { formatOf } from './files';
import { type DataFileOptions, readDataFile, streamDataFile } from './readers';

/** Options of {@link loadHfDataset}: the split, streaming, and the readers' options. */
export interface HfDatasetOptions extends DataFileOptions {
  /** The split to load (`train`, `validation`/`dev`, `test`, or any shard-named split). */
  split?: string;
  /** Give an IterableDataset that reads the shards as it is iterated. */
  streaming?: boolean;
}

const GROUPS: Record<string, string[]> = {
  train: ['train', 'training'],
  validation: ['validation', 'valid', 'dev', 'val'],
  test: ['test', 'testing', 'eval', 'evaluation'],
};
const SHARD = /(?:^|\/)([^/]+?)-\d{5}-of-\d{5}[^/]*$/;
const MAX_DEPTH = 4;
const HF_OPTIONS = [
  ...['file', 'onError', 'onSkip', 'compression', 'chunkSize', 'types', 'split', 'streaming'],
  ...['delimiter', 'quote', 'header', 'columns', 'relaxQuotes', 'skipEmptyLines', 'inferTypes', 'field'],
];

/** The split names of a dataset folder and their files (relative paths, sorted). */
export async function hfDatasetSplits(dir: string): Promise<Record<string, string[]>> {
  const { files, arrow } = await dataFiles(dir);
  const splits: Record<string, string[]> = {};
  const sharded = files.filter((f) => SHARD.test(f));
  if (sharded.length) {
    for (const f of sharded) (splits[SHARD.exec(f)![1]] ??= []).push(f);
  } else {
    for (const [name, keywords] of Object.entries(GROUPS)) {
      const matched = files.filter((f) => keywords.some((k) => hasKeyword(f, k)));
      if (matched.length) splits[name] = matched;
    }
    if (!Object.keys(splits).length && files.length) splits.train = files;
  }
  // train, validation, test first (as HF lists them), then other splits by name.
  const rank = (s: string) => (s in GROUPS ? Object.keys(GROUPS).indexOf(s) : 3);
  const ordered = Object.fromEntries(Object.entries(splits).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)));
  if (!Object.keys(splits).length) {
    if (arrow.length)
      throw new DataSourceError(
        'unsupported_format',
        dir,
        `${dir} holds Arrow shards (${arrow[0]}…), as datasets' save_to_disk writes them; Graft reads Parquet, CSV and JSON: export the dataset with ds.to_parquet('${dir}/data/train-00000-of-00001.parquet') (one per split)`,
      );
    throw new DataSourceError('split_not_found', dir, `${dir} has no data files (.parquet, .csv, .tsv, .json, .jsonl, optionally .gz)`);
  }
  return ordered;
}

/** Loads a split of a Hugging Face dataset folder (all splits, by name, without `split`). */
export async function loadHfDataset<Row extends object = Record<string, unknown>>(
  dir: string,
  opts: HfDatasetOptions & { split: string; streaming: true },
): Promise<IterableDataset<Row>>;
export async function loadHfDataset<Row extends object = Record<string, unknown>>(
  dir: string,
  opts: HfDatasetOptions & { split: string },
): Promise<Dataset<Row>>;
export async function loadHfDataset<Row extends object = Record<string, unknown>>(dir: string, opts?: HfDatasetOptions): Promise<Record<string, Dataset<Row>>>;
export async function loadHfDataset(
  dir: string,
  opts: HfDatasetOptions = {},
): Promise<Dataset<object> | IterableDataset<object> | Record<string, Dataset<object>>> {
  const where = 'loadHfDataset';
  const { split, streaming, ...read } = opts;
  if (split !== undefined && (typeof split !== 'string' || split === '')) throw new ArgumentError(`${where}: split must be a non-empty string`);
  checkOptions(opts, HF_OPTIONS, where);
  const splits = await hfDatasetSplits(dir);
  if (split === undefined) {
    if (streaming) throw new ArgumentError(`${where}: streaming needs a split (one of ${Object.keys(splits).join(', ')})`);
    const out: Record<string, Dataset<object>> = {};
    for (const name of Object.keys(splits)) out[name] = await loadSplit(dir, name, splits[name], read);
    return out;
  }
  const name = resolveSplit(split, splits);
  if (!name)
    throw new DataSourceError(
      'split_not_found',
      dir,
      `${dir} has no split "${split}"; its splits are ${Object.entries(splits)
        .map(([s, f]) => `${s} (${f.join(', ')})`)
        .join('; ')}`,
    );
  if (!streaming) return loadSplit(dir, name, splits[name], read);
  const features = await splitFeatures(dir, name, splits[name]);
  return new IterableDataset<object>(async function* (report) {
    for (const f of splits[name]) {
      const part = streamDataFile<object>(join(dir, f), read);
      for await (const row of part) yield row;
      report.rows += part.report.rows;
      report.skipped += part.report.skipped;
      report.bytes += part.report.bytes;
      report.errors.push(...part.report.errors.slice(0, Math.max(0, KEPT_ERRORS - report.errors.length)));
      report.maxBufferedChars = Math.max(report.maxBufferedChars, part.report.maxBufferedChars);
      report.maxBufferedRows = Math.max(report.maxBufferedRows, part.report.maxBufferedRows);
    }
  }, features);
}

/** The split name in `splits` that `requested` means (`dev` finds `validation`). */
function resolveSplit(requested: string, splits: Record<string, string[]>): string | undefined {
  if (splits[requested]) return requested;
  const group = Object.entries(GROUPS).find(([name, kws]) => name === requested || kws.includes(requested.toLowerCase()));
  if (!group) return undefined;
  return [group[0], ...group[1]].find((s) => splits[s]);
}

async function loadSplit(dir: string, name: string, files: string[], read: DataFileOptions): Promise<Dataset<object>> {
  const parts: Dataset<object>[] = [];
  for (const f of files) parts.push(await readDataFile<object>(join(dir, f), read));
  const columns = parts.map((p) => p.columns.slice().sort().join(','));
  const other = columns.findIndex((c) => c !== columns[0]);
  if (other > 0)
    throw new DataSourceError(
      'schema_mismatch',
      join(dir, files[other]),
      `the shards of split "${name}" have different columns: ${files[0]} has ${parts[0].columns.join(', ')}, but ${files[other]} has ${parts[other].columns.join(', ')}`,
    );
  const all = parts.length === 1 ? parts[0] : concatDatasets(parts);
  const features = (await infoFeatures(dir, name)) ?? all.features;
  return features === all.features ? all : new Dataset(all.toArray(), { features, report: all.report, fingerprint: all.fingerprint });
}

async function splitFeatures(dir: string, name: string, files: string[]): Promise<Features | undefined> {
  const info = await infoFeatures(dir, name);
  if (info) return info;
  const parquet = files.find((f) => formatOf(f)?.format === 'parquet');
  return parquet ? parquetFeatures(new Uint8Array(await readFile(join(dir, parquet))), { file: join(dir, parquet) }) : undefined;
}

/** Features from `<dir>/<split>/dataset_info.json`, `<dir>/dataset_info.json` or `dataset_infos.json` (first config). */
async function infoFeatures(dir: string, split: string): Promise<Features | undefined> {
  for (const path of [join(dir, split, 'dataset_info.json'), join(dir, 'dataset_info.json'), join(dir, 'dataset_infos.json')]) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new DataSourceError('unsupported_format', path, `${path} is not valid JSON (${(e as Error).message}); fix or remove it`, { cause: e });
    }
    const features = featuresFrom(json) ?? featuresFrom(Object.values((json as Record<string, unknown>) ?? {})[0]);
    if (features) return features;
  }
  return undefined;
}

/** True when `keyword` appears in `path` bounded by start/end or one of `/ - . _ space digit`. */
function hasKeyword(path: string, keyword: string): boolean {
  return new RegExp(`(?:^|[/\\-._ 0-9])${keyword}(?:$|[/\\-._ 0-9])`).test(path.toLowerCase());
}

/** Data files under `dir` (relative, `/`-separated, sorted), skipping hidden entries; and any Arrow shards. */
async function dataFiles(dir: string): Promise<{ files: string[]; arrow: string[] }> {
  try {
    if (!(await stat(dir)).isDirectory())
      throw new DataSourceError('file_not_found', dir, `${dir} is a file; loadHfDataset takes a dataset folder (use readDataFile for one file)`);
  } catch (e) {
    if (e instanceof DataSourceError) throw e;
    throw new DataSourceError('file_not_found', dir, `${dir}: no such folder; check the path`, { cause: e });
  }
  const files: string[] = [];
  const arrow: string[] = [];
  const walk = async (folder: string, depth: number) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) await walk(path, depth + 1);
        continue;
      }
      const rel = relative(dir, path).split(sep).join('/');
      if (formatOf(rel) && !/^dataset_infos?\.json$|^dataset_dict\.json$|^state\.json$/.test(entry.name)) files.push(rel);
      else if (entry.name.endsWith('.arrow')) arrow.push(rel);
    }
  };
  await walk(dir, 0);
  return { files: files.sort(), arrow: arrow.sort() };
}
