/**
 * DataLoaders: batches of a dataset, collated lazily (a batch's tensors are made when it is
 * asked for, and the loader keeps no reference to them, so the step that uses them can free
 * them), with a position a checkpoint stores.
 *
 * Position and epochs: `state()` is `{ epoch, batchIndex, seed }`, where `batchIndex` counts the
 * batches of the epoch already handed out. An iteration starts at the current position and,
 * when it runs to the end of the epoch, moves the loader to the next epoch's start; breaking
 * out of a loop keeps the position. `setEpoch(e)` moves to the start of epoch e unless the
 * loader is already in epoch e (so a Trainer that calls it at the top of each epoch does not
 * undo a `loadState`). PyTorch's DataLoader would reshuffle with its global generator on each
 * pass; here epoch e's order is a function of (seed, e) only, see batch-plan.ts.
 */
import { ArgumentError } from '@graft/core';
import { batchCount, epochGenerator, type PlanOptions, planEpoch } from './batch-plan';
import { type Collate, padCollate, type TextBatch } from './collate';
import type { Dataset } from './dataset';
import { ColumnNotFoundError } from './errors';
import { bufferShuffle, type IterableDataset } from './iterable-dataset';
import { checkNonNegativeInt, checkOptions, checkPositiveInt } from './options';

/** A loader's position: what a checkpoint stores (`data_state.json`). */
export interface LoaderState {
  epoch: number;
  /** Batches of `epoch` already handed out. */
  batchIndex: number;
  seed: number;
}

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions<Row, Batch> {
  /** Rows per batch (default 1, as PyTorch). */
  batchSize?: number;
  /** Shuffle the rows each epoch (default false). */
  shuffle?: boolean;
  /** Seed of the shuffling (default 0). */
  seed?: number;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Rows → batch (default `padCollate()`). */
  collate?: Collate<Row, Batch>;
  /** Group rows of similar length into batches (less padding): `key` names the sequence column (default `inputIds`), `bucketSize` the batches per group (default 50). */
  bucketByLength?: { key?: string; bucketSize?: number };
}

/** Options of {@link IterableDataLoader}. */
export interface IterableDataLoaderOptions<Row, Batch> extends Omit<DataLoaderOptions<Row, Batch>, 'bucketByLength'> {
  /** Rows in the shuffle buffer (default 1000). */
  bufferSize?: number;
}

const OPTIONS = ['batchSize', 'shuffle', 'seed', 'dropLast', 'collate', 'bucketByLength'];

/** The state checks both loaders share. */
abstract class Positioned {
  protected epochNow = 0;
  protected position = 0;
  protected seedNow: number;

  constructor(seed: number | undefined, where: string) {
    this.seedNow = seed ?? 0;
    checkSeed(this.seedNow, where);
  }

  /** The current epoch. */
  get epoch(): number {
    return this.epochNow;
  }

  /** The position, for a checkpoint. */
  state(): LoaderState {
    return { epoch: this.epochNow, batchIndex: this.position, seed: this.seedNow };
  }

  /** Restores a position from {@link DataLoader.state | state()}: the next iteration continues with the batch after the last one handed out. */
  loadState(state: LoaderState): void {
    const where = `${this.constructor.name}.loadState`;
    if (!state || typeof state !== 'object') throw new ArgumentError(`${where}: expected { epoch, batchIndex, seed }, got ${String(state)}`);
    checkNonNegativeInt(state.epoch, 'epoch', where);
    checkNonNegativeInt(state.batchIndex, 'batchIndex', where);
    checkSeed(state.seed, where);
    this.checkPosition(state.batchIndex, where);
    this.epochNow = state.epoch;
    this.position = state.batchIndex;
    this.seedNow = state.seed;
  }

  /** Moves to the start of epoch `epoch` (a no-op when already in it, keeping a loaded position). */
  setEpoch(epoch: number): void {
    checkNonNegativeInt(epoch, 'epoch', `${this.constructor.name}.setEpoch`);
    if (epoch === this.epochNow) return;
    this.epochNow = epoch;
    this.position = 0;
  }

  /** @internal checks a restored position against what this loader can produce */
  protected checkPosition(_batchIndex: number, _where: string): void {}
}

function checkSeed(seed: unknown, where: string): void {
  if (!Number.isSafeInteger(seed) || (seed as number) < 0) throw new ArgumentError(`${where}: seed must be a non-negative integer, got ${String(seed)}`);
}

/** Batches of an in-memory Dataset: `for (const batch of loader)` (or `for await`). */
export class DataLoader<Row extends object = Record<string, unknown>, Batch = TextBatch> extends Positioned implements Iterable<Batch>, AsyncIterable<Batch> {
  readonly dataset: Dataset<Row>;
  readonly #opts: Omit<PlanOptions, 'seed'>;
  readonly #collate: Collate<Row, Batch>;
  readonly #bucket: { key: string; bucketSize: number } | undefined;
  #plan: { key: string; batches: Int32Array[] } | undefined;

  constructor(dataset: Dataset<Row>, opts: DataLoaderOptions<Row, Batch> = {}) {
    const where = 'DataLoader';
    checkOptions(opts, OPTIONS, where);
    super(opts.seed, where);
    if (!dataset || typeof dataset.get !== 'function' || typeof dataset.length !== 'number')
      throw new ArgumentError(`${where}: the first argument must be a Dataset (use IterableDataLoader for an IterableDataset)`);
    const batchSize = opts.batchSize ?? 1;
    checkPositiveInt(batchSize, 'batchSize', where);
    if (opts.collate !== undefined && typeof opts.collate !== 'function') throw new ArgumentError(`${where}: collate must be a function (rows) => batch`);
    this.dataset = dataset;
    this.#collate = opts.collate ?? (padCollate() as unknown as Collate<Row, Batch>);
    this.#opts = { batchSize, shuffle: opts.shuffle === true, dropLast: opts.dropLast === true };
    if (opts.bucketByLength !== undefined) {
      const b = opts.bucketByLength;
      checkOptions(b, ['key', 'bucketSize'], `${where} bucketByLength`);
      const key = b.key ?? 'inputIds';
      const bucketSize = b.bucketSize ?? 50;
      checkPositiveInt(bucketSize, 'bucketByLength.bucketSize', where);
      if (dataset.length > 0 && !dataset.columns.includes(key)) throw new ColumnNotFoundError(key, dataset.columns, `${where} bucketByLength`);
      this.#bucket = { key, bucketSize };
    }
  }

  /** Batches per epoch. */
  get length(): number {
    return batchCount(this.dataset.length, this.#opts.batchSize, this.#opts.dropLast);
  }

  /** The row indices of every batch of `epoch` (default: the current one), in order. */
  batchIndices(epoch: number = this.epochNow): Int32Array[] {
    checkNonNegativeInt(epoch, 'epoch', 'DataLoader.batchIndices');
    const key = `${this.seedNow}:${epoch}`;
    if (this.#plan?.key !== key)
      this.#plan = { key, batches: planEpoch(this.dataset.length, epoch, { ...this.#opts, seed: this.seedNow, bucket: this.#lengths() }) };
    return this.#plan.batches;
  }

  /** The remaining batches of the current epoch, collated one at a time; the next epoch starts when it ends. */
  *[Symbol.iterator](): Iterator<Batch> {
    const epoch = this.epochNow;
    const batches = this.batchIndices(epoch);
    while (this.position < batches.length) {
      const rows = Array.from(batches[this.position], (i) => this.dataset.get(i));
      const batch = this.#collate(rows);
      this.position++;
      yield batch;
      if (this.epochNow !== epoch) return; // moved by setEpoch/loadState during the loop
    }
    this.epochNow = epoch + 1;
    this.position = 0;
  }

  /** The remaining batches of the current epoch, for `for await`. */
  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const it = this[Symbol.iterator]();
    try {
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
    } finally {
      it.return?.();
    }
  }

  /** @internal */
  protected override checkPosition(batchIndex: number, where: string): void {
    if (batchIndex > this.length)
      throw new ArgumentError(`${where}: batchIndex ${batchIndex} is past the ${this.length} batches of an epoch (a different dataset or batch size?)`);
  }

  #lengthsCache: Int32Array | undefined;
  #lengths(): PlanOptions['bucket'] {
    if (!this.#bucket) return undefined;
    const { key, bucketSize } = this.#bucket;
    this.#lengthsCache ??= Int32Array.from(this.dataset, (row, i) => {
      const v = (row as Record<string, unknown>)[key] as ArrayLike<unknown> | undefined;
      if (v === null || typeof v !== 'object' || typeof v.length !== 'number')
        throw new ArgumentError(`DataLoader bucketByLength: row ${i}'s "${key}" is not a sequence`);
      return v.length;
    });
    return { lengths: this.#lengthsCache, bucketSize };
  }
}

/**
 * Batches of an IterableDataset: `for await (const batch of loader)`. Shuffling is a buffer
 * shuffle drawn from (seed, epoch); resuming re-reads the epoch's first `batchIndex` batches
 * without collating them.
 */
export class IterableDataLoader<Row extends object = Record<string, unknown>, Batch = TextBatch> extends Positioned implements AsyncIterable<Batch> {
  readonly dataset: IterableDataset<Row>;
  readonly #batchSize: number;
  readonly #shuffle: boolean;
  readonly #dropLast: boolean;
  readonly #bufferSize: number;
  readonly #collate: Collate<Row, Batch>;

  constructor(dataset: IterableDataset<Row>, opts: IterableDataLoaderOptions<Row, Batch> = {}) {
    const where = 'IterableDataLoader';
    checkOptions(opts, ['batchSize', 'shuffle', 'seed', 'dropLast', 'collate', 'bufferSize'], where);
    super(opts.seed, where);
    if (!dataset || typeof (dataset as AsyncIterable<Row>)[Symbol.asyncIterator] !== 'function')
      throw new ArgumentError(`${where}: the first argument must be an IterableDataset`);
    this.#batchSize = opts.batchSize ?? 1;
    checkPositiveInt(this.#batchSize, 'batchSize', where);
    this.#bufferSize = opts.bufferSize ?? 1000;
    checkPositiveInt(this.#bufferSize, 'bufferSize', where);
    if (opts.collate !== undefined && typeof opts.collate !== 'function') throw new ArgumentError(`${where}: collate must be a function (rows) => batch`);
    this.dataset = dataset;
    this.#shuffle = opts.shuffle === true;
    this.#dropLast = opts.dropLast === true;
    this.#collate = opts.collate ?? (padCollate() as unknown as Collate<Row, Batch>);
  }

  /** The remaining batches of the current epoch, for `for await`. */
  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const epoch = this.epochNow;
    const skip = this.position;
    const rows: AsyncIterable<Row> = this.#shuffle ? bufferShuffle(this.dataset, this.#bufferSize, epochGenerator(this.seedNow, epoch)) : this.dataset;
    let batch: Row[] = [];
    let index = 0; // batches of this epoch formed so far (the first `skip` were handed out before)
    for await (const row of rows) {
      batch.push(row);
      if (batch.length < this.#batchSize) continue;
      const rowsOfBatch = batch;
      batch = [];
      if (index++ < skip) continue;
      const out = this.#collate(rowsOfBatch);
      this.position = index;
      yield out;
      if (this.epochNow !== epoch) return; // moved by setEpoch/loadState during the loop
    }
    if (batch.length > 0 && !this.#dropLast && index++ >= skip) {
      const out = this.#collate(batch);
      this.position = index;
      yield out;
      if (this.epochNow !== epoch) return;
    }
    this.epochNow = epoch + 1;
    this.position = 0;
  }
}
