/**
 * Which rows go into which batch in an epoch. The order is a pure function of (seed, epoch,
 * dataset length, options): epoch e draws from core's Philox generator keyed by `seed`,
 * starting at counter e · 2^32 (a permutation of n rows uses ⌈(n − 1)/2⌉ counters, so epochs
 * never share counters), with no global random state. A resumed run recomputes the same plan
 * and continues at the saved batch.
 *
 * Length bucketing (transformers' `group_by_length`): the shuffled rows are cut into groups of
 * `bucketSize` batches, each group is sorted by length (longest first) and cut into batches, so
 * a batch holds rows of similar length and pads little; then the batches are shuffled, so
 * lengths do not trend within an epoch.
 */
import { Generator } from '@graft/core';

/** How an epoch's batches are drawn. */
export interface PlanOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  dropLast: boolean;
  /** Rows' lengths and how many batches a bucket holds, when bucketing. */
  bucket?: { lengths: Int32Array; bucketSize: number };
}

/** The generator of epoch `epoch`: keyed by `seed`, at counter epoch · 2^32. */
export function epochGenerator(seed: number, epoch: number): Generator {
  return new Generator(seed).setState({ seed: String(BigInt(seed)), offset: String(BigInt(epoch) << 32n) });
}

/** Number of batches per epoch. */
export function batchCount(n: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** The row indices of every batch of `epoch`, in order. */
export function planEpoch(n: number, epoch: number, opts: PlanOptions): Int32Array[] {
  const { batchSize } = opts;
  const gen = epochGenerator(opts.seed, epoch);
  let order = opts.shuffle ? gen.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  if (opts.dropLast) order = order.subarray(0, Math.floor(n / batchSize) * batchSize);
  if (opts.bucket) order = bucketed(order, batchSize, opts.bucket.lengths, opts.bucket.bucketSize);
  const batches: Int32Array[] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  if (!opts.bucket || !opts.shuffle || batches.length < 2) return batches;
  const perm = gen.permutation(batches.length);
  return Array.from(perm, (p) => batches[p]);
}

/** `order` with each group of `bucketSize` batches sorted by length, longest first (ties keep their order). */
function bucketed(order: Int32Array, batchSize: number, lengths: Int32Array, bucketSize: number): Int32Array {
  const out = new Int32Array(order.length);
  const group = batchSize * bucketSize;
  for (let start = 0; start < order.length; start += group) {
    const part = Array.from(order.subarray(start, start + group));
    part.sort((a, b) => lengths[b] - lengths[a]); // Array.prototype.sort is stable
    out.set(part, start);
  }
  return out;
}
