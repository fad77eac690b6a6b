/**
 * `IterableDataset<Row>`: rows that are read as they are iterated (Hugging Face's streaming
 * datasets). Each `for await` pass opens the source anew; `map`, `filter`, `take`, `skip` and
 * `shuffle` are lazy and hold at most a batch (or the shuffle buffer) of rows. `report` is
 * the source's report for the latest pass (rows, skipped rows, the most rows and bytes held).
 */
import { ArgumentError, Generator } from '@graft/core';
import { Dataset } from './dataset';
import type { Features } from './features';
import type { BatchedMapFn, MapFn, Merged, RowOf } from './map-rows';
import { mapRows } from './map-rows';
import { checkOptions, checkNonNegativeInt, checkPositiveInt, newReport, type ReadReport } from './options';

/** Opens one pass over the rows; the source fills `report` as it reads. */
export type OpenRows<Row> = (report: ReadReport) => AsyncIterable<Row>;

/** Options of {@link IterableDataset.map}. */
export interface IterableMapOptions<Row, Removed extends keyof Row & string = never> {
  /** Pass batches of rows as columns. */
  batched?: boolean;
  /** Rows per batch when batched (default 1000). */
  batchSize?: number;
  /** Columns to drop after the function has seen them. */
  removeColumns?: readonly Removed[];
}

/** Rows read lazily from a source, one pass per iteration. */
export class IterableDataset<Row extends object = Record<string, unknown>> implements AsyncIterable<Row> {
  readonly #open: OpenRows<Row>;
  #report: ReadReport = newReport();
  /** HF features of the columns, when the source has them. */
  readonly features: Features | undefined;

  /** A dataset over `open`, which starts a pass and fills the report it is given. */
  constructor(open: OpenRows<Row>, features?: Features) {
    if (typeof open !== 'function') throw new ArgumentError('new IterableDataset(open): open must be a function that starts a pass over the rows');
    this.#open = open;
    this.features = features;
  }

  /**
   * An IterableDataset over rows you have: an (async) iterable, or a function returning one for
   * each pass (a one-shot iterable, such as a generator object, can be iterated once).
   */
  static from<Row extends object>(rows: AsyncIterable<Row> | Iterable<Row> | (() => AsyncIterable<Row> | Iterable<Row>)): IterableDataset<Row> {
    return new IterableDataset<Row>(async function* (report) {
      for await (const row of typeof rows === 'function' ? rows() : rows) {
        report.rows++;
        yield row;
      }
    });
  }

  /** Reads the source again from the start and yields its rows. */
  [Symbol.asyncIterator](): AsyncIterator<Row> {
    const report = newReport();
    this.#report = report;
    return this.#open(report)[Symbol.asyncIterator]();
  }

  /** What the source saw in the latest pass (live while it runs). */
  get report(): ReadReport {
    return this.#report;
  }

  /** Rows skipped as malformed in the latest pass (`onError: 'skip'`). */
  get skipped(): number {
    return this.#report.skipped;
  }

  /** Applies `fn` lazily (merging the returned columns into the row, as Dataset.map); sync or async. */
  map<Out extends object, R extends keyof Row & string = never>(
    fn: MapFn<Row, Out | Promise<Out>>,
    opts?: IterableMapOptions<Row, R> & { batched?: false },
  ): IterableDataset<Merged<Row, Out, R> & object>;
  map<Out extends Record<string, readonly unknown[]>, R extends keyof Row & string = never>(
    fn: BatchedMapFn<Row, Out | Promise<Out>>,
    opts: IterableMapOptions<Row, R> & { batched: true },
  ): IterableDataset<Merged<Row, RowOf<Out>, R> & object>;
  map(fn: (...args: never[]) => unknown, opts: IterableMapOptions<Row, keyof Row & string> = {}): IterableDataset<object> {
    const where = 'IterableDataset.map';
    checkOptions(opts, ['batched', 'batchSize', 'removeColumns'], where);
    if (typeof fn !== 'function') throw new ArgumentError(`${where}: the first argument must be a function`);
    const batched = opts.batched === true;
    const batchSize = batched ? (opts.batchSize ?? 1000) : 1;
    checkPositiveInt(batchSize, 'batchSize', where);
    const removeColumns: string[] = [...(opts.removeColumns ?? [])];
    const open = this.#open;
    return new IterableDataset(async function* (report) {
      let base = 0;
      let chunk: object[] = [];
      const run = async function* () {
        const offset = base;
        const shifted = batched
          ? (batch: object, indices: number[]) =>
              (fn as BatchedMapFn<object, unknown>)(
                batch,
                indices.map((i) => i + offset),
              )
          : (row: object, i: number) => (fn as MapFn<object, unknown>)(row, i + offset);
        const columns = [...new Set(chunk.flatMap((r) => Object.keys(r)))];
        const { rows } = await mapRows(chunk, shifted, { batched, batchSize, removeColumns, columns, where });
        base += chunk.length;
        chunk = [];
        yield* rows;
      };
      for await (const row of open(report)) {
        chunk.push(row);
        if (chunk.length === batchSize) yield* run();
      }
      if (chunk.length) yield* run();
    });
  }

  /** The rows for which `predicate` (sync or async) is true. */
  filter(predicate: (row: Row, index: number) => boolean | Promise<boolean>): IterableDataset<Row> {
    if (typeof predicate !== 'function') throw new ArgumentError('IterableDataset.filter: the argument must be a function (row, index) => boolean');
    const open = this.#open;
    return new IterableDataset<Row>(async function* (report) {
      let i = 0;
      for await (const row of open(report)) if (await predicate(row, i++)) yield row;
    }, this.features);
  }

  /** The first `n` rows; the source stops being read after them. */
  take(n: number): IterableDataset<Row> {
    checkNonNegativeInt(n, 'n', 'IterableDataset.take');
    const open = this.#open;
    return new IterableDataset<Row>(async function* (report) {
      if (n === 0) return;
      let i = 0;
      for await (const row of open(report)) {
        yield row;
        if (++i >= n) return;
      }
    }, this.features);
  }

  /** All rows but the first `n`. */
  skip(n: number): IterableDataset<Row> {
    checkNonNegativeInt(n, 'n', 'IterableDataset.skip');
    const open = this.#open;
    return new IterableDataset<Row>(async function* (report) {
      let i = 0;
      for await (const row of open(report)) if (i++ >= n) yield row;
    }, this.features);
  }

  /**
   * Approximate shuffling with a buffer (HF's streaming shuffle): the buffer fills with
   * `bufferSize` rows (default 1000), then each new row takes the place of one drawn at random,
   * which is yielded. Draws come from core's generator seeded with `seed`, so every pass gives
   * the same order; the DataLoader varies it per epoch.
   */
  shuffle(opts: { seed?: number; bufferSize?: number } = {}): IterableDataset<Row> {
    checkOptions(opts, ['seed', 'bufferSize'], 'IterableDataset.shuffle');
    const bufferSize = opts.bufferSize ?? 1000;
    checkPositiveInt(bufferSize, 'bufferSize', 'IterableDataset.shuffle');
    const open = this.#open;
    const seed = opts.seed ?? 0;
    return new IterableDataset<Row>((report) => bufferShuffle(open(report), bufferSize, new Generator(seed)), this.features);
  }

  /** Reads every row into a Dataset (the source's report goes with it). */
  async toDataset(): Promise<Dataset<Row>> {
    const rows: Row[] = [];
    const report = newReport();
    this.#report = report;
    for await (const row of this.#open(report)) rows.push(row);
    return new Dataset(rows, { report, features: this.features });
  }
}

/** Yields the rows of `rows` in a buffered random order drawn from `gen`. */
export async function* bufferShuffle<Row>(rows: AsyncIterable<Row>, bufferSize: number, gen: Generator): AsyncGenerator<Row> {
  const buffer: Row[] = [];
  let draws: Float64Array = new Float64Array(0);
  let next = 0;
  const draw = (n: number): number => {
    if (next === draws.length) (draws = gen.uniform(1024, 'float64')), (next = 0);
    return Math.floor(draws[next++] * n);
  };
  for await (const row of rows) {
    if (buffer.length < bufferSize) {
      buffer.push(row);
      continue;
    }
    const j = draw(bufferSize);
    yield buffer[j];
    buffer[j] = row;
  }
  // Drain the rest in a random order (Fisher–Yates on the same draws).
  for (let i = buffer.length - 1; i >= 0; i--) {
    const j = draw(i + 1);
    yield buffer[j];
    buffer[j] = buffer[i];
  }
}
