/**
 * The Trainer's view of data: a random-access dataset of rows, a collate function that turns
 * rows into a batch, and a loader whose position a checkpoint stores. These are the shapes of
 * @graft/data's `Dataset` and `DataLoader` (issue-10 contracts), written structurally so any
 * object of that shape plugs in.
 */
import { Generator } from '@graft/core';

/** A dataset the Trainer can batch: `length` rows, read by index. */
export interface DatasetLike<Row> {
  readonly length: number;
  /** The row at `index`. */
  get(index: number): Row;
}

/** Rows → one batch (tensors), e.g. @graft/data's `padCollate`. */
export type Collate<Row, B> = (rows: Row[]) => B;

/** Where a loader is: the epoch, the batches already yielded in it, and the shuffling seed. */
export interface LoaderState {
  epoch: number;
  batchIndex: number;
  seed: number;
}

/** A loader over one dataset: batches of an epoch, in an order fixed by `(seed, epoch)`. */
export interface BatchLoader<B> extends Iterable<B> {
  /** Batches per epoch. */
  readonly length: number;
  /** Starts epoch `epoch` (reshuffles from `(seed, epoch)`), at its first batch. */
  setEpoch(epoch: number): void;
  /** The current position, for a checkpoint. */
  state(): LoaderState;
  /** Continues from `state`: the next batch is the one after the `batchIndex` already yielded. */
  loadState(state: LoaderState): void;
}

/** What the Trainer asks of a loader. */
export interface LoaderOptions<Row, B> {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  dropLast: boolean;
  collate: Collate<Row, B>;
  bucketByLength?: boolean;
}

/** A loader of `dataset` with `opts`. */
export function createLoader<Row, B>(dataset: DatasetLike<Row>, opts: LoaderOptions<Row, B>): BatchLoader<B> {
  return new SimpleLoader(dataset, opts);
}

/** A minimal loader with the contract's semantics, used until @graft/data's DataLoader is available. */
class SimpleLoader<Row, B> implements BatchLoader<B> {
  #epoch = 0;
  #batchIndex = 0;
  #order: Int32Array | null = null;

  constructor(
    readonly dataset: DatasetLike<Row>,
    readonly opts: LoaderOptions<Row, B>,
  ) {}

  get length(): number {
    const n = this.dataset.length / this.opts.batchSize;
    return this.opts.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  setEpoch(epoch: number): void {
    this.#epoch = epoch;
    this.#batchIndex = 0;
    this.#order = null;
  }

  state(): LoaderState {
    return { epoch: this.#epoch, batchIndex: this.#batchIndex, seed: this.opts.seed };
  }

  loadState(state: LoaderState): void {
    this.setEpoch(state.epoch);
    this.#batchIndex = state.batchIndex;
  }

  #orderOf(): Int32Array {
    if (!this.#order) {
      const n = this.dataset.length;
      this.#order = this.opts.shuffle
        ? new Generator(BigInt(this.opts.seed) * 1_000_003n + BigInt(this.#epoch)).permutation(n)
        : Int32Array.from({ length: n }, (_, i) => i);
    }
    return this.#order;
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.#orderOf();
    const { batchSize, collate } = this.opts;
    while (this.#batchIndex < this.length) {
      const start = this.#batchIndex * batchSize;
      const rows = Array.from(order.subarray(start, Math.min(start + batchSize, order.length)), (i) => this.dataset.get(i));
      this.#batchIndex++;
      yield collate(rows);
    }
  }
}
