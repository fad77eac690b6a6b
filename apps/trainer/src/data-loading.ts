/**
 * From the `data` argument to datasets: a built-in name (`sst2`, `imdb`), a file (CSV/TSV,
 * JSON, JSONL, Parquet, gzipped too, or a format a plugin registered with @graft/data's
 * `registerDataFormat`) or a Hugging Face dataset folder. Columns are checked here,
 * with the fix in the message (`--text-column`), and labels are turned into ids with names.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { Dataset } from '@graft/data';
import { dataFormatOf, loadHfDataset, readDataFile } from '@graft/data/node';
import { isBuiltinDataset, locateBuiltinDataset } from './builtin-datasets';
import type { CliContext } from './command';
import { dataError, usageError } from './errors';

/** A row as read from a file. */
export type RawRow = Record<string, unknown>;

/** Where the rows of one split came from, for messages, the report and the model card. */
export interface LoadedSplit {
  dataset: Dataset<RawRow>;
  /** A path or `sst2 (dev.tsv)`. */
  source: string;
}

/** The built-in extensions the CLI names in messages (also with `.gz`; @graft/data reads a few aliases too). */
const EXTENSIONS = ['.csv', '.tsv', '.json', '.jsonl', '.parquet'];

function isHfDatasetDir(dir: string): boolean {
  return existsSync(join(dir, 'dataset_info.json')) || existsSync(join(dir, 'data'));
}

/** Reads one file into a dataset; a missing file or an unknown extension is a usage error. */
export async function readTable(path: string, cwd: string, flag = 'data'): Promise<LoadedSplit> {
  const full = resolve(cwd, path);
  if (!existsSync(full)) throw usageError(`${flag} ${path}: no such file or folder (${full})`, 'file_not_found');
  const ext = extname(full.replace(/\.gz$/, '')).toLowerCase();
  if (statSync(full).isDirectory()) {
    if (!isHfDatasetDir(full))
      throw usageError(
        `${flag} ${path}: a folder without dataset_info.json or data/*.parquet; pass a data file or a Hugging Face dataset folder`,
        'not_a_dataset',
      );
    return { dataset: (await loadHfDataset(full, { split: 'train' })) as Dataset<RawRow>, source: `${path} (train)` };
  }
  if (dataFormatOf(full) === null)
    throw usageError(
      `${flag} ${path}: unknown file type "${ext || extname(full)}"; use ${EXTENSIONS.join(', ')} (optionally .gz), or load a --plugin that reads it`,
      'unknown_format',
    );
  return { dataset: (await readDataFile(full)) as Dataset<RawRow>, source: path };
}

/** The splits of the `data` argument: a built-in name, a Hugging Face folder or a file. */
export async function loadSplits(
  data: string,
  ctx: CliContext,
  want: { train?: boolean; eval?: boolean; split?: string } = { train: true, eval: true },
): Promise<{ train?: LoadedSplit; eval?: LoadedSplit; builtin?: ReturnType<typeof locateBuiltinDataset>['dataset'] }> {
  // a local file or dataset folder of the same name wins over a built-in name (a run directory called sst2 does not)
  const local = resolve(ctx.cwd, data);
  const isLocalData = existsSync(local) && (statSync(local).isFile() || isHfDatasetDir(local));
  if (isBuiltinDataset(data) && !isLocalData) {
    const { dataset, dir } = locateBuiltinDataset(data, ctx.env, ctx.cwd);
    const read = async (split: keyof typeof dataset.splits): Promise<LoadedSplit | undefined> => {
      const s = dataset.splits[split];
      if (!s) return undefined;
      const table = await readTable(join(dir, s.file), ctx.cwd);
      return { dataset: table.dataset, source: `${dataset.name} (${s.file})` };
    };
    if (want.split) {
      if (!Object.hasOwn(dataset.splits, want.split))
        throw usageError(`--split ${want.split}: ${dataset.name} has the splits ${Object.keys(dataset.splits).join(', ')}`);
      return { eval: await read(want.split as keyof typeof dataset.splits), builtin: dataset };
    }
    return { train: want.train ? await read('train') : undefined, eval: want.eval ? await read('validation') : undefined, builtin: dataset };
  }
  const full = resolve(ctx.cwd, data);
  if (existsSync(full) && statSync(full).isDirectory() && isHfDatasetDir(full)) {
    const split = async (name: string): Promise<LoadedSplit | undefined> => {
      try {
        return { dataset: (await loadHfDataset(full, { split: name })) as Dataset<RawRow>, source: `${data} (${name})` };
      } catch (e) {
        if ((e as { code?: string }).code === 'split_not_found') return undefined;
        throw e;
      }
    };
    if (want.split) {
      const one = await split(want.split);
      if (!one) throw usageError(`--split ${want.split}: ${data} has no such split`, 'split_not_found');
      return { eval: one };
    }
    return { train: want.train ? await split('train') : undefined, eval: want.eval ? ((await split('validation')) ?? (await split('test'))) : undefined };
  }
  const table = await readTable(data, ctx.cwd);
  return want.split ? { eval: table } : { train: table };
}

/** Column names that usually hold the text, in preference order. */
const TEXT_COLUMNS = ['text', 'sentence', 'review', 'content', 'document', 'sentence1', 'question', 'premise'];
/** Column names that usually hold the label. */
const LABEL_COLUMNS = ['label', 'labels', 'sentiment', 'class', 'target', 'category'];

/** Checks that `column` exists in `split`; otherwise a usage error listing the columns and the flag to pass. */
export function requireColumn(split: LoadedSplit, column: string, flag: string): void {
  const columns = split.dataset.columns;
  if (!columns.includes(column)) {
    const near = columns.find((c) => c.toLowerCase() === column.toLowerCase());
    throw usageError(
      `${split.source} has no column "${column}"${near ? ` (did you mean "${near}"?)` : ''}; its columns are ${columns.map((c) => `"${c}"`).join(', ')}; pass ${flag} <name>`,
      'column_not_found',
    );
  }
}

/** The text column: the flag, the built-in's, or the first conventional name present. */
export function pickTextColumn(split: LoadedSplit, given: string | undefined, fallback?: string): string {
  const column = given ?? fallback ?? TEXT_COLUMNS.find((c) => split.dataset.columns.includes(c));
  if (!column) {
    throw usageError(
      `${split.source}: cannot tell which column holds the text (columns: ${split.dataset.columns.map((c) => `"${c}"`).join(', ')}); pass --text-column <name>`,
      'column_not_found',
    );
  }
  requireColumn(split, column, '--text-column');
  return column;
}

/** The label column: the flag, the built-in's, or the first conventional name present. */
export function pickLabelColumn(split: LoadedSplit, given: string | undefined, fallback?: string): string {
  const column = given ?? fallback ?? LABEL_COLUMNS.find((c) => split.dataset.columns.includes(c));
  if (!column) {
    throw usageError(
      `${split.source}: cannot tell which column holds the label (columns: ${split.dataset.columns.map((c) => `"${c}"`).join(', ')}); pass --label-column <name>`,
      'column_not_found',
    );
  }
  requireColumn(split, column, '--label-column');
  return column;
}

/** Label names by id for a training set: integer labels 0…K−1 keep their ids, anything else is sorted and numbered. */
export function labelNames(split: LoadedSplit, column: string, known?: readonly string[]): string[] {
  const values = new Set<unknown>();
  split.dataset.toArray().forEach((row, i) => {
    const v = row[column];
    if (v === null || v === undefined || v === '')
      throw dataError(`${split.source}: row ${i + 1} has no value in the label column "${column}"; remove the row or fill it in`, 'missing_label');
    values.add(v);
  });
  const all = [...values];
  if (all.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
    const max = Math.max(...(all as number[]));
    if (max > 10_000) throw dataError(`${split.source}: label ${max} in "${column}" is not a class id; labels must be 0…K−1 or names`, 'bad_label');
    return Array.from({ length: Math.max(max + 1, known?.length ?? 0) }, (_, i) => known?.[i] ?? String(i));
  }
  return all.map(String).sort();
}

/**
 * The label id of every row, for the label names `names` (`id2label` of a model or of the
 * training set): a name maps to its index, an integer to itself when in range. A label the names
 * do not know is a data error naming it and the known ones.
 */
export function labelIds(split: LoadedSplit, column: string, names: readonly string[]): number[] {
  const byName = new Map(names.map((n, i) => [n, i]));
  return split.dataset.toArray().map((row, i) => {
    const v = row[column];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < names.length && !byName.has(String(v))) return v;
    const id = byName.get(String(v));
    if (id === undefined) {
      throw dataError(
        `${split.source}: row ${i + 1} has label ${JSON.stringify(v)}, which the model does not know (labels: ${names.join(', ')}); check --label-column or the model`,
        'unknown_label',
      );
    }
    return id;
  });
}

/** `count` rows drawn with a seed (all rows when `count` is undefined or not smaller). */
export function subsample<R extends object>(dataset: Dataset<R>, count: number | undefined, seed: number, flag: string): Dataset<R> {
  if (count === undefined) return dataset;
  if (count < 1) throw usageError(`${flag} must be at least 1, got ${count}`);
  if (count >= dataset.length) return dataset;
  return dataset.shuffle({ seed }).take(count);
}

/** A short name for a data argument (for run directory names). */
export function dataName(data: string): string {
  return basename(data)
    .replace(/\.(gz)$/, '')
    .replace(/\.[a-z]+$/, '');
}
