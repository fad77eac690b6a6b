/**
 * `Dataset<Row>`: rows in memory with random access, and the operations of Hugging Face
 * datasets. Rows are plain objects. `select`, `shuffle`, `filter`, `take`, `skip` and splits are
 * views (an index array over the same rows, as HF's indices mapping), so they cost 4 bytes a row;
 * `map` makes new rows. Datasets never change: every operation returns a new one.
 *
 * Every dataset has a fingerprint (see fingerprint.ts) that `map`'s cache is keyed by. It is
 * derived from content, not from function source, wherever it can be: a filter's fingerprint
 * includes the rows it kept, so changing a value its predicate closes over cannot serve stale
 * rows from a later `map`'s cache.
 */
import { ArgumentError, Generator } from '@graft/core';
import { ColumnNotFoundError } from './errors';
import { classLabelNames, type Features, pickFeatures } from './features';
import { fingerprintOf, Hasher, stableJson } from './fingerprint';
import { countValues, encodeValues, encodingOf, type LabelEncoding, sortedNames } from './labels';
import type { MapCache } from './map-cache';
import { type BatchedMapFn, type MapFn, type Mapped, type Merged, mapRows, type RowOf } from './map-rows';
import { after, loop } from './maybe-async';
import { checkOptions, checkPositiveInt, type ReadReport } from './options';
import { type SplitOptions, splitIndices, splitSizes } from './split';

/** Options of {@link Dataset.map}. */
export interface MapOptions<Row, Removed extends keyof Row & string = never> {
  /** Pass batches of rows as columns (`{ text: [...] }`) instead of rows. */
  batched?: boolean;
  /** Rows per batch when batched (default 1000, as HF). */
  batchSize?: number;
  /** Columns to drop from the result (after the function has seen them). */
  removeColumns?: readonly Removed[];
  /** Keep results between runs (`diskCache(dir)` from `@graft/data/node`, or `memoryCache()`). */
  cache?: MapCache;
  /**
   * More key material for the cache: the values the function closes over (a tokenizer's
   * fingerprint, a max length). The key already holds the input's fingerprint, the function's
   * source text and these options, but not the variables the source refers to.
   */
  cacheKey?: unknown;
}

/** What a dataset is made with besides its rows. */
export interface DatasetInit {
  /** A fingerprint, or a function computing it on first use (default: a hash of the rows). */
  fingerprint?: string | (() => string);
  /** HF features of the columns (class-label names, dtypes). */
  features?: Features;
  /** What the reader that made it saw (skipped rows…). */
  report?: ReadReport;
  /** The column names when there are no rows to read them from (a CSV with only a header). */
  columns?: readonly string[];
}

/** The result of {@link Dataset.encodeLabels}. */
export interface EncodedLabels<Row extends object> extends LabelEncoding {
  /** The dataset with the column replaced by ids. */
  dataset: Dataset<Row>;
}

const MAP_OPTIONS = ['batched', 'batchSize', 'removeColumns', 'cache', 'cacheKey'];
const SPLIT_OPTIONS = ['testSize', 'trainSize', 'seed', 'stratifyBy', 'shuffle'];

/** The dataset `map` returns: rows of the mapped type. */
export type Rows<Out> = Dataset<Out & object>;

/** Rows in memory, with random access and HF-style operations that return new datasets. */
export class Dataset<Row extends object = Record<string, unknown>> implements Iterable<Row> {
  readonly #base: readonly Row[];
  #indices: Int32Array | null = null;
  #fingerprint: string | (() => string);
  #columns: string[] | undefined;
  readonly #emptyColumns: readonly string[] | undefined;
  /** HF features of the columns, when the source had them (or `encodeLabels` made them). */
  readonly features: Features | undefined;
  /** What the reader that made this dataset saw (rows, skipped rows and their first errors). */
  readonly report: ReadReport | undefined;

  constructor(rows: readonly Row[], init: DatasetInit = {}) {
    if (!Array.isArray(rows)) throw new ArgumentError(`new Dataset(rows): rows must be an array of objects, got ${typeof rows}`);
    this.#base = rows;
    this.#fingerprint = init.fingerprint ?? (() => hashRows(this));
    this.features = init.features;
    this.report = init.report;
    this.#emptyColumns = init.columns;
  }

  /** A dataset of `rows` (not copied: do not change them afterwards). */
  static fromRows<Row extends object>(rows: readonly Row[], init?: DatasetInit): Dataset<Row> {
    return new Dataset(rows, init);
  }

  /** A dataset of equally long columns: `fromColumns({ text: ['a', 'b'], label: [0, 1] })`. */
  static fromColumns<C extends Record<string, readonly unknown[]>>(columns: C, init?: DatasetInit): Dataset<RowOf<C>> {
    const entries = Object.entries(columns);
    const n = entries.length ? entries[0][1].length : 0;
    for (const [name, values] of entries) {
      if (!Array.isArray(values)) throw new ArgumentError(`Dataset.fromColumns: column "${name}" must be an array`);
      if (values.length !== n) throw new ArgumentError(`Dataset.fromColumns: column "${entries[0][0]}" has ${n} values but "${name}" has ${values.length}`);
    }
    const rows = Array.from({ length: n }, (_, i) => {
      const row: Record<string, unknown> = {};
      for (const [name, values] of entries) row[name] = values[i];
      return row as RowOf<C>;
    });
    return new Dataset(rows, init);
  }

  /** Number of rows. */
  get length(): number {
    return this.#indices ? this.#indices.length : this.#base.length;
  }

  /** Rows skipped as malformed by the reader that made it (`onError: 'skip'`). */
  get skipped(): number {
    return this.report?.skipped ?? 0;
  }

  /** The row at `index` (0-based). */
  get(index: number): Row {
    if (!Number.isInteger(index) || index < 0 || index >= this.length)
      throw new ArgumentError(`Dataset.get: index ${index} is out of range for a dataset of ${this.length} rows`);
    return this.#base[this.#indices ? this.#indices[index] : index];
  }

  /** The rows, in order. */
  *[Symbol.iterator](): Iterator<Row> {
    for (let i = 0; i < this.length; i++) yield this.#base[this.#indices ? this.#indices[i] : i];
  }

  /** The rows as an array. */
  toArray(): Row[] {
    return this.#indices ? Array.from(this.#indices, (i) => this.#base[i]) : this.#base.slice();
  }

  /** The column names: every key of every row, in first-seen order (for an empty dataset, the source's or the features'). */
  get columns(): string[] {
    if (!this.#columns) {
      const seen = new Set<string>();
      for (const row of this) for (const k in row) seen.add(k);
      this.#columns = this.length === 0 ? [...(this.#emptyColumns ?? Object.keys(this.features ?? {}))] : [...seen];
    }
    return [...this.#columns];
  }

  /** The values of one column, in row order. */
  column<K extends keyof Row & string>(name: K): Row[K][] {
    this.#requireColumn(name, 'Dataset.column');
    return Array.from(this, (row) => row[name]);
  }

  /** A SHA-256 of what made the dataset (content, or source bytes and options); map's cache key builds on it. */
  get fingerprint(): string {
    if (typeof this.#fingerprint === 'function') this.#fingerprint = this.#fingerprint();
    return this.#fingerprint;
  }

  /**
   * Applies `fn` to every row and merges the columns it returns into the row (HF's `map`).
   * Sync functions give a Dataset; async ones, or a `cache`, a Promise of one. Batched, `fn` gets
   * and returns columns, and may return a different number of rows when the input columns are
   * removed. With `cache`, a result made earlier by the same function source and options on the
   * same input is read back instead of computed.
   */
  map<Out extends object, R extends keyof Row & string = never>(
    fn: MapFn<Row, Promise<Out>>,
    opts?: MapOptions<Row, R> & { batched?: false },
  ): Promise<Rows<Merged<Row, Out, R>>>;
  map<Out extends object, R extends keyof Row & string = never>(
    fn: MapFn<Row, Out>,
    opts: MapOptions<Row, R> & { batched?: false; cache: MapCache },
  ): Promise<Rows<Merged<Row, Out, R>>>;
  map<Out extends object, R extends keyof Row & string = never>(
    fn: MapFn<Row, Out>,
    opts?: MapOptions<Row, R> & { batched?: false },
  ): Rows<Merged<Row, Out, R>>;
  map<Out extends Record<string, readonly unknown[]>, R extends keyof Row & string = never>(
    fn: BatchedMapFn<Row, Promise<Out>>,
    opts: MapOptions<Row, R> & { batched: true },
  ): Promise<Rows<Merged<Row, RowOf<Out>, R>>>;
  map<Out extends Record<string, readonly unknown[]>, R extends keyof Row & string = never>(
    fn: BatchedMapFn<Row, Out>,
    opts: MapOptions<Row, R> & { batched: true; cache: MapCache },
  ): Promise<Rows<Merged<Row, RowOf<Out>, R>>>;
  map<Out extends Record<string, readonly unknown[]>, R extends keyof Row & string = never>(
    fn: BatchedMapFn<Row, Out>,
    opts: MapOptions<Row, R> & { batched: true },
  ): Rows<Merged<Row, RowOf<Out>, R>>;
  map(fn: (...args: never[]) => unknown, opts: MapOptions<Row, keyof Row & string> = {}): Dataset<object> | Promise<Dataset<object>> {
    const where = 'Dataset.map';
    checkOptions(opts, MAP_OPTIONS, where);
    if (typeof fn !== 'function') throw new ArgumentError(`${where}: the first argument must be a function`);
    const batchSize = opts.batchSize ?? 1000;
    checkPositiveInt(batchSize, 'batchSize', where);
    const removeColumns: string[] = [...(opts.removeColumns ?? [])];
    for (const c of removeColumns) this.#requireColumn(c, where);
    if (opts.cache !== undefined && (typeof opts.cache?.get !== 'function' || typeof opts.cache?.set !== 'function'))
      throw new ArgumentError(`${where}: cache must be a MapCache (diskCache(dir) from @graft/data/node, or memoryCache())`);
    const plan = { batched: opts.batched === true, batchSize, removeColumns, columns: this.columns, where };
    const make = (m: Mapped, fingerprint: string | undefined) =>
      new Dataset(m.rows, {
        fingerprint,
        report: this.report,
        features: pickFeatures(
          this.features,
          this.columns.filter((c) => !removeColumns.includes(c) && !m.changed.includes(c)),
        ),
      });
    if (!opts.cache) {
      const m = mapRows(this.toArray(), fn, plan);
      return m instanceof Promise ? m.then((r) => make(r, undefined)) : make(m, undefined);
    }
    const cache = opts.cache;
    const key = fingerprintOf('map', this.fingerprint, fn.toString(), { batched: plan.batched, batchSize, removeColumns }, opts.cacheKey ?? null);
    return (async () => {
      const hit = await cache.get(key);
      if (hit) return make(hit, key);
      const m = await mapRows(this.toArray(), fn, plan);
      await cache.set(key, m);
      return make(m, key);
    })();
  }

  /** The rows for which `predicate` is true; a Promise when the predicate is async. */
  filter(predicate: (row: Row, index: number) => Promise<boolean>): Promise<Dataset<Row>>;
  filter(predicate: (row: Row, index: number) => boolean): Dataset<Row>;
  filter(predicate: (row: Row, index: number) => boolean | Promise<boolean>): Dataset<Row> | Promise<Dataset<Row>> {
    if (typeof predicate !== 'function') throw new ArgumentError('Dataset.filter: the argument must be a function (row, index) => boolean');
    const kept: number[] = [];
    const pending = loop(
      this.length,
      (i) => predicate(this.get(i), i),
      (i, keep) => {
        if (keep) kept.push(i);
      },
    );
    return after(pending, () => this.#view(kept, 'filter'));
  }

  /** The rows at `indices`, in that order (repeats allowed). */
  select(indices: Iterable<number> | ArrayLike<number>): Dataset<Row> {
    const list = Array.from(indices as ArrayLike<number>);
    for (const [k, i] of list.entries()) {
      if (!Number.isInteger(i) || i < 0 || i >= this.length)
        throw new ArgumentError(`Dataset.select: index ${i} (position ${k}) is out of range for a dataset of ${this.length} rows`);
    }
    return this.#view(list, 'select');
  }

  /** The rows in a random order drawn from core's Philox generator seeded with `seed` (default 0). */
  shuffle(opts: { seed?: number } = {}): Dataset<Row> {
    checkOptions(opts, ['seed'], 'Dataset.shuffle');
    return this.#view(new Generator(opts.seed ?? 0).permutation(this.length), 'shuffle');
  }

  /** The first `n` rows (all of them when there are fewer). */
  take(n: number): Dataset<Row> {
    if (!Number.isSafeInteger(n) || n < 0) throw new ArgumentError(`Dataset.take: n must be a non-negative integer, got ${n}`);
    return this.#view(range(0, Math.min(n, this.length)), 'take');
  }

  /** All rows but the first `n`. */
  skip(n: number): Dataset<Row> {
    if (!Number.isSafeInteger(n) || n < 0) throw new ArgumentError(`Dataset.skip: n must be a non-negative integer, got ${n}`);
    return this.#view(range(Math.min(n, this.length), this.length), 'skip');
  }

  /**
   * Splits into `{ train, test }` (HF's `train_test_split`), shuffled with `seed`; with
   * `stratifyBy`, both parts keep that column's class proportions (scikit-learn's rule).
   */
  trainTestSplit(opts: SplitOptions = {}): { train: Dataset<Row>; test: Dataset<Row> } {
    const where = 'Dataset.trainTestSplit';
    checkOptions(opts, SPLIT_OPTIONS, where);
    const sizes = splitSizes(this.length, opts, where);
    if (opts.stratifyBy !== undefined) this.#requireColumn(opts.stratifyBy, where);
    const labels = opts.stratifyBy === undefined ? null : this.column(opts.stratifyBy as keyof Row & string);
    const { train, test } = splitIndices(this.length, sizes, opts, labels, where);
    return { train: this.#view(train, 'train'), test: this.#view(test, 'test') };
  }

  /**
   * Replaces a label column's values by class ids (HF's `class_encode_column`): the names are
   * the sorted distinct values, or `labels` when given, or the column's ClassLabel names when
   * the features have them (then the ids are kept). Returns the dataset, `id2label` and `label2id`.
   */
  encodeLabels<K extends keyof Row & string>(column: K, opts: { labels?: readonly string[] } = {}): EncodedLabels<Omit<Row, K> & Record<K, number>> {
    const where = 'Dataset.encodeLabels';
    checkOptions(opts, ['labels'], where);
    this.#requireColumn(column, where);
    const values = this.column(column);
    const known = classLabelNames(this.features, column);
    if (opts.labels === undefined && known) {
      values.forEach((v, row) => {
        if (v !== null && v !== undefined && !(Number.isInteger(v) && (v as number) >= 0 && (v as number) < known.length))
          throw new ArgumentError(`${where}: "${column}" is a ClassLabel of ${known.length} classes, but row ${row} holds ${String(v)}`);
      });
      return { ...encodingOf(known), dataset: this as unknown as Dataset<Omit<Row, K> & Record<K, number>> };
    }
    if (
      opts.labels !== undefined &&
      (!Array.isArray(opts.labels) || opts.labels.some((l) => typeof l !== 'string') || new Set(opts.labels).size !== opts.labels.length)
    )
      throw new ArgumentError(`${where}: labels must be an array of distinct strings`);
    // A ClassLabel column re-encoded in another order: its ids stand for its names.
    const named = known ? values.map((v) => (typeof v === 'number' && known[v] !== undefined ? known[v] : v)) : values;
    const encoding = encodingOf(opts.labels ?? sortedNames(named, column, where));
    const ids = encodeValues(named, encoding, column, where);
    const rows = this.toArray().map((row, i) => ({ ...row, [column]: ids[i] }));
    const features: Features = { ...this.features, [column]: { _type: 'ClassLabel', names: encoding.names } };
    const dataset = new Dataset(rows, {
      features,
      report: this.report,
      fingerprint: () => fingerprintOf('encodeLabels', this.fingerprint, column, encoding.names),
    });
    return { ...encoding, dataset: dataset as unknown as Dataset<Omit<Row, K> & Record<K, number>> };
  }

  /** How many rows have each value of `column`, in sorted value order (nulls are not counted). */
  classCounts<K extends keyof Row & string>(column: K): Map<Row[K], number> {
    this.#requireColumn(column, 'Dataset.classCounts');
    return countValues(this.column(column));
  }

  /** The dataset with column `from` renamed to `to`. */
  renameColumn<F extends keyof Row & string, T extends string>(from: F, to: T): Dataset<Omit<Row, F> & Record<T, Row[F]>> {
    const where = 'Dataset.renameColumn';
    this.#requireColumn(from, where);
    if (typeof to !== 'string' || to === '') throw new ArgumentError(`${where}: the new name must be a non-empty string`);
    if ((to as string) !== from && this.columns.includes(to)) throw new ArgumentError(`${where}: there is already a column "${to}"; remove it first`);
    const rows = this.toArray().map((row) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) out[k === from ? to : k] = v;
      return out;
    });
    const features = this.features && Object.fromEntries(Object.entries(this.features).map(([k, f]) => [k === from ? to : k, f]));
    return new Dataset(rows, {
      features,
      report: this.report,
      fingerprint: () => fingerprintOf('renameColumn', this.fingerprint, from, to),
    }) as unknown as Dataset<Omit<Row, F> & Record<T, Row[F]>>;
  }

  /** The dataset without `columns`. */
  removeColumns<K extends keyof Row & string>(columns: K | readonly K[]): Dataset<Omit<Row, K>> {
    const list: string[] = Array.isArray(columns) ? [...columns] : [columns as string];
    for (const c of list) this.#requireColumn(c, 'Dataset.removeColumns');
    const rows = this.toArray().map((row) => {
      const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
      for (const c of list) delete out[c];
      return out;
    });
    return new Dataset(rows, {
      features: pickFeatures(
        this.features,
        this.columns.filter((c) => !list.includes(c)),
      ),
      report: this.report,
      fingerprint: () => fingerprintOf('removeColumns', this.fingerprint, list),
    }) as unknown as Dataset<Omit<Row, K>>;
  }

  #requireColumn(name: string, where: string): void {
    if (typeof name !== 'string') throw new ArgumentError(`${where}: a column name must be a string, got ${typeof name}`);
    if (!this.columns.includes(name)) throw new ColumnNotFoundError(name, this.columns, where);
  }

  /** A view of the rows at `positions` (positions in this dataset). */
  #view(positions: ArrayLike<number>, op: string): Dataset<Row> {
    const indices = Int32Array.from(positions as ArrayLike<number>, (p) => (this.#indices ? this.#indices[p] : p));
    const view = new Dataset(this.#base, {
      features: this.features,
      report: this.report,
      columns: indices.length === 0 ? this.columns : undefined, // an empty view still has its parent's columns
      fingerprint: () =>
        new Hasher()
          .update(`${op}:${this.fingerprint}:`)
          .update(new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength))
          .hex(),
    });
    view.#indices = indices;
    return view;
  }
}

/** The default fingerprint: a hash of every row's JSON (computed only when asked for). */
function hashRows(ds: Dataset<object>): string {
  const h = new Hasher().update('rows:');
  for (const row of ds) h.update(stableJson(row)).update('\n');
  return h.hex();
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
