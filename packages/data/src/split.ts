/**
 * Train/test splits with the index arithmetic of Hugging Face's `train_test_split` (a test size
 * is a fraction or a count; the test part gets ceil(fraction · n), the train part the rest) and,
 * with `stratifyBy`, scikit-learn's StratifiedShuffleSplit: each class gives floor(share · size)
 * rows, and the rows left over go to the classes with the largest remainders, so each part keeps
 * the class proportions to within one row per class. Every draw comes from core's Philox
 * generator seeded with `seed`, so a split is the same on every machine.
 */
import { ArgumentError, Generator } from '@graft/core';

/** Options of `trainTestSplit`. */
export interface SplitOptions {
  /** A fraction in (0, 1) or a number of rows; default 0.25 (or the complement of `trainSize`). */
  testSize?: number;
  /** A fraction in (0, 1) or a number of rows; default: what the test part leaves. */
  trainSize?: number;
  /** The generator's seed; default 0. */
  seed?: number;
  /** A column whose class proportions both parts keep. */
  stratifyBy?: string;
  /** Shuffle before splitting (default true); false takes the first rows as train. */
  shuffle?: boolean;
}

/** Resolves `testSize`/`trainSize` to counts, as HF does. */
export function splitSizes(n: number, opts: SplitOptions, where: string): { nTest: number; nTrain: number } {
  const size = (v: number | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !(v > 0))
      throw new ArgumentError(`${where}: ${name} must be a fraction in (0, 1) or a positive number of rows, got ${String(v)}`);
    if (v < 1) return name === 'testSize' ? Math.ceil(v * n) : Math.floor(v * n);
    if (!Number.isInteger(v)) throw new ArgumentError(`${where}: ${name} ${v} is neither a fraction below 1 nor a whole number of rows`);
    return v;
  };
  let nTest = size(opts.testSize, 'testSize');
  let nTrain = size(opts.trainSize, 'trainSize');
  if (nTest === undefined && nTrain === undefined) nTest = Math.ceil(0.25 * n);
  if ((nTest ?? 0) > n || (nTrain ?? 0) > n || (nTest ?? 0) + (nTrain ?? 0) > n)
    throw new ArgumentError(`${where}: ${nTest ?? 0} test rows + ${nTrain ?? 0} train rows is more than the ${n} rows of the dataset`);
  nTest ??= n - nTrain!;
  nTrain ??= n - nTest;
  if (nTest === 0 || nTrain === 0)
    throw new ArgumentError(
      `${where}: with ${n} rows, this split leaves ${nTest === 0 ? 'the test' : 'the train'} part empty; choose a larger testSize/trainSize`,
    );
  return { nTest, nTrain };
}

/** Row indices of the two parts (positions in the dataset, 0 … n − 1). */
export function splitIndices(n: number, sizes: { nTest: number; nTrain: number }, opts: SplitOptions, labels: unknown[] | null, where: string) {
  const { nTest, nTrain } = sizes;
  const gen = new Generator(opts.seed ?? 0);
  if (!labels) {
    if (opts.shuffle === false) return { train: range(0, nTrain), test: range(n - nTest, n) };
    const perm = gen.permutation(n);
    return { test: Array.from(perm.subarray(0, nTest)), train: Array.from(perm.subarray(nTest, nTest + nTrain)) };
  }
  if (opts.shuffle === false) throw new ArgumentError(`${where}: a stratified split shuffles; remove shuffle: false or stratifyBy`);
  const byClass = new Map<unknown, number[]>();
  labels.forEach((label, i) => {
    const key = label;
    let members = byClass.get(key);
    if (!members) byClass.set(key, (members = []));
    members.push(i);
  });
  const classes = [...byClass.keys()].sort(compareLabels);
  const counts = classes.map((c) => byClass.get(c)!.length);
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    const c = classes[counts.indexOf(smallest)];
    throw new ArgumentError(`${where}: class ${JSON.stringify(c)} of "${opts.stratifyBy}" has only 1 row; a stratified split needs at least 2 in every class`);
  }
  if (nTest < classes.length || nTrain < classes.length)
    throw new ArgumentError(
      `${where}: each part needs at least one row per class (${classes.length} classes), but the split is ${nTrain} train / ${nTest} test`,
    );
  const testQuota = allocate(counts, nTest, n);
  const left = counts.map((c, k) => c - testQuota[k]);
  const trainQuota = allocate(counts, nTrain, n).map((q, k) => Math.min(q, left[k]));
  // Rows capped by a class's size go to the classes with room, largest remainder first.
  let missing = nTrain - trainQuota.reduce((a, b) => a + b, 0);
  for (let k = 0; missing > 0; k = (k + 1) % classes.length) {
    if (trainQuota[k] < left[k]) trainQuota[k]++, missing--;
  }
  const test: number[] = [];
  const train: number[] = [];
  classes.forEach((c, k) => {
    const members = byClass.get(c)!;
    const perm = gen.permutation(members.length);
    for (let j = 0; j < testQuota[k]; j++) test.push(members[perm[j]]);
    for (let j = testQuota[k]; j < testQuota[k] + trainQuota[k]; j++) train.push(members[perm[j]]);
  });
  return { test: permuted(test, gen), train: permuted(train, gen) };
}

/** Shares of `total` proportional to `counts` (of `n`): floors, then largest remainders (ties: first class). */
function allocate(counts: number[], total: number, n: number): number[] {
  const exact = counts.map((c) => (c * total) / n);
  const out = exact.map(Math.floor);
  let rest = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((_, k) => k).sort((a, b) => exact[b] - out[b] - (exact[a] - out[a]) || a - b);
  for (let j = 0; rest > 0; j = (j + 1) % order.length) {
    if (out[order[j]] < counts[order[j]]) out[order[j]]++, rest--;
  }
  return out;
}

function permuted(indices: number[], gen: Generator): number[] {
  const perm = gen.permutation(indices.length);
  return Array.from(perm, (p) => indices[p]);
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** Orders labels as Python's `sorted` does for one type: numbers by value, strings by code unit. */
export function compareLabels(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
