/**
 * The Trainer's data: @graft/data's `Dataset` of rows, a collate function that turns rows into a
 * batch (default: `padCollate()`), and its `DataLoader`, whose position (`{ epoch, batchIndex,
 * seed }`) a checkpoint stores. Epoch e's order is a function of (seed, e) alone, so a resumed
 * run sees the same batches from the same position.
 */
import { type Collate, DataLoader, type Dataset } from '@graft/data';

/** What the Trainer asks of a loader. */
export interface LoaderOptions<Row, B> {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  dropLast: boolean;
  /** Rows → batch; @graft/data's `padCollate()` when omitted. */
  collate?: Collate<Row, B>;
  /** Batch rows of similar length together (transformers' `group_by_length`). */
  groupByLength?: boolean;
}

/** A `DataLoader` of `dataset` with the Trainer's options. */
export function createLoader<Row extends object, B>(dataset: Dataset<Row>, opts: LoaderOptions<Row, B>): DataLoader<Row, B> {
  return new DataLoader<Row, B>(dataset, {
    batchSize: opts.batchSize,
    shuffle: opts.shuffle,
    seed: opts.seed,
    dropLast: opts.dropLast,
    ...(opts.collate ? { collate: opts.collate } : {}),
    ...(opts.groupByLength ? { bucketByLength: {} } : {}),
  });
}
