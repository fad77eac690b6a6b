import { ArgumentError, Generator } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { concatDatasets } from './concat';
import { Dataset } from './dataset';
import { ColumnNotFoundError } from './errors';
import { memoryCache } from './map-cache';

interface Review {
  text: string;
  label: string;
}

function reviews(n: number): Dataset<Review> {
  return Dataset.fromRows(Array.from({ length: n }, (_, i) => ({ text: `review ${i}`, label: i % 4 === 0 ? 'neg' : 'pos' })));
}

describe('Dataset basics', () => {
  it('gives rows by index and by iteration, its columns, and column values', () => {
    const ds = Dataset.fromColumns({ text: ['a', 'b'], label: [0, 1] });
    expect(ds.length).toBe(2);
    expect(ds.get(1)).toEqual({ text: 'b', label: 1 });
    expect([...ds]).toEqual(ds.toArray());
    expect(ds.columns).toEqual(['text', 'label']);
    expect(ds.column('label')).toEqual([0, 1]);
    expect(() => ds.get(2)).toThrow(ArgumentError);
    expect(() => ds.column('lable' as never)).toThrow(ColumnNotFoundError);
    expect(() => Dataset.fromColumns({ a: [1], b: [1, 2] })).toThrow(/"a" has 1 values but "b" has 2/);
  });

  it('renames and removes columns', () => {
    const ds = Dataset.fromColumns({ text: ['a'], label: [0], extra: [true] });
    expect(ds.renameColumn('label', 'labels').toArray()).toEqual([{ text: 'a', labels: 0, extra: true }]);
    expect(ds.removeColumns(['extra', 'text']).toArray()).toEqual([{ label: 0 }]);
    expect(() => ds.renameColumn('text', 'label')).toThrow(/already a column "label"/);
    expect(() => ds.removeColumns('nope' as never)).toThrow(ColumnNotFoundError);
  });

  it('selects, takes and skips as views', () => {
    const ds = reviews(10);
    expect(ds.select([3, 1, 3]).column('text')).toEqual(['review 3', 'review 1', 'review 3']);
    expect(ds.take(2).column('text')).toEqual(['review 0', 'review 1']);
    expect(ds.skip(8).column('text')).toEqual(['review 8', 'review 9']);
    expect(ds.skip(8).select([1]).get(0).text).toBe('review 9');
    expect(ds.take(100).length).toBe(10);
    expect(() => ds.select([10])).toThrow(/index 10 \(position 0\) is out of range/);
  });

  it('filters with sync and async predicates', async () => {
    const ds = reviews(8);
    const neg = ds.filter((r) => r.label === 'neg');
    expect(neg.column('text')).toEqual(['review 0', 'review 4']);
    const odd = await ds.filter(async (_r, i) => i % 2 === 1);
    expect(odd.length).toBe(4);
  });

  it("shuffles with core's generator: the seed's permutation, the same on every run", () => {
    const ds = reviews(20);
    const a = ds.shuffle({ seed: 42 });
    const expected = Array.from(new Generator(42).permutation(20), (i) => `review ${i}`);
    expect(a.column('text')).toEqual(expected);
    expect(ds.shuffle({ seed: 42 }).column('text')).toEqual(expected);
    expect(ds.shuffle({ seed: 43 }).column('text')).not.toEqual(expected);
    expect(ds.shuffle().column('text')).toEqual(ds.shuffle({ seed: 0 }).column('text'));
  });

  it('has fingerprints that follow content: same rows, same print; a filter that keeps other rows, another', () => {
    const a = reviews(10);
    const b = reviews(10);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(a.fingerprint).toBe(b.fingerprint);
    let limit = 3;
    const pred = (r: Review) => Number(r.text.split(' ')[1]) < limit;
    const f1 = a.filter(pred).fingerprint;
    limit = 5; // the same function source, other rows kept
    expect(a.filter(pred).fingerprint).not.toBe(f1);
    expect(a.shuffle({ seed: 1 }).fingerprint).not.toBe(a.fingerprint);
    expect(reviews(11).fingerprint).not.toBe(a.fingerprint);
  });

  it('concatenates datasets', () => {
    const c = concatDatasets([reviews(2), reviews(3)]);
    expect(c.column('text')).toEqual(['review 0', 'review 1', 'review 0', 'review 1', 'review 2']);
  });
});

describe('Dataset.map', () => {
  it('merges the returned columns into each row (HF semantics), synchronously for sync functions', () => {
    const ds = reviews(3).map((r, i) => ({ length: r.text.length, index: i }));
    expect(ds).toBeInstanceOf(Dataset);
    expect(ds.get(2)).toEqual({ text: 'review 2', label: 'pos', length: 8, index: 2 });
    const replaced = reviews(2).map((r) => ({ text: r.text.toUpperCase() }), { removeColumns: ['label'] });
    expect(replaced.toArray()).toEqual([{ text: 'REVIEW 0' }, { text: 'REVIEW 1' }]);
  });

  it('takes async functions and returns a promise', async () => {
    const p = reviews(3).map(async (r) => ({ upper: r.text.toUpperCase() }));
    expect(p).toBeInstanceOf(Promise);
    expect((await p).column('upper')).toEqual(['REVIEW 0', 'REVIEW 1', 'REVIEW 2']);
  });

  it('passes batches as columns with their indices, in batchSize pieces', () => {
    const sizes: number[] = [];
    const ds = reviews(10).map(
      (batch, indices) => {
        sizes.push(batch.text.length);
        return { n: indices };
      },
      { batched: true, batchSize: 4 },
    );
    expect(sizes).toEqual([4, 4, 2]);
    expect(ds.column('n')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ds.get(0)).toEqual({ text: 'review 0', label: 'neg', n: 0 });
  });

  it('lets a batched function change the number of rows when the input columns are removed (packing)', () => {
    const packed = reviews(5).map((batch) => ({ chunk: [batch.text.join('|')] }), { batched: true, batchSize: 2, removeColumns: ['text', 'label'] });
    expect(packed.column('chunk')).toEqual(['review 0|review 1', 'review 2|review 3', 'review 4']);
    expect(() => reviews(5).map((batch) => ({ chunk: [batch.text.join('|')] }), { batched: true, batchSize: 2 })).toThrow(
      /returned 1 rows for a batch of 2, so the input columns "text", "label" cannot be kept: list them in removeColumns/,
    );
  });

  it('rejects bad results and options with the row and option named', () => {
    expect(() => reviews(3).map((_r, i) => (i === 1 ? 5 : {}) as object)).toThrow(/for row 1 it returned number 5/);
    expect(() => reviews(3).map(() => ({ a: [1], b: [1, 2] }), { batched: true })).toThrow(/different lengths/);
    expect(() => reviews(3).map(() => ({}), { batchsize: 2 } as never)).toThrow(/unknown option "batchsize"/);
    expect(() => reviews(3).map(() => ({}), { removeColumns: ['txt' as never] })).toThrow(ColumnNotFoundError);
  });

  it('reads a cached result instead of running the function again, and misses on a changed function or input', async () => {
    const cache = memoryCache();
    let calls = 0;
    const fn = (r: Review) => {
      calls++;
      return { n: r.text.length };
    };
    const first = await reviews(50).map(fn, { cache });
    expect(calls).toBe(50);
    const again = await reviews(50).map(fn, { cache });
    expect(calls).toBe(50);
    expect(again.toArray()).toEqual(first.toArray());
    expect(again.fingerprint).toBe(first.fingerprint);
    await reviews(50).map((r: Review) => ({ n: r.text.length + 0 }), { cache });
    expect(calls).toBe(50); // a new function: computed (by the new function, which does not count)
    await reviews(51).map(fn, { cache });
    expect(calls).toBe(101); // other input
    await reviews(50).map(fn, { cache, cacheKey: { maxLength: 128 } });
    expect(calls).toBe(151); // other key material
  });

  it('keeps the features of the columns the function did not write', () => {
    const ds = new Dataset([{ text: 'a', label: 1 }], {
      features: { label: { _type: 'ClassLabel', names: ['neg', 'pos'] }, text: { _type: 'Value', dtype: 'string' } },
    });
    const mapped = ds.map((r) => ({ text: r.text.toUpperCase(), n: 1 }));
    expect(mapped.features).toEqual({ label: { _type: 'ClassLabel', names: ['neg', 'pos'] } });
  });
});

describe('labels', () => {
  it('encodes labels in sorted order (HF class_encode_column), or in a given order', () => {
    const ds = Dataset.fromColumns({ label: ['pos', 'neg', 'neutral', 'pos', null] });
    const { dataset, id2label, label2id } = ds.encodeLabels('label');
    expect(id2label).toEqual({ 0: 'neg', 1: 'neutral', 2: 'pos' });
    expect(label2id).toEqual({ neg: 0, neutral: 1, pos: 2 });
    expect(dataset.column('label')).toEqual([2, 0, 1, 2, null]);
    expect(dataset.features?.label).toEqual({ _type: 'ClassLabel', names: ['neg', 'neutral', 'pos'] });
    const given = ds.encodeLabels('label', { labels: ['pos', 'neg', 'neutral'] });
    expect(given.dataset.column('label')).toEqual([0, 1, 2, 0, null]);
    expect(() => ds.encodeLabels('label', { labels: ['pos', 'neg'] })).toThrow(/row 2 of "label" holds "neutral", which is not one of the labels/);
    expect(Dataset.fromColumns({ y: [10, 2, 2] }).encodeLabels('y').id2label).toEqual({ 0: '2', 1: '10' });
    expect(() => Dataset.fromColumns({ y: [1, 'a'] }).encodeLabels('y')).toThrow(/mixes numbers and strings/);
  });

  it('uses the ClassLabel names of the features without changing the ids', () => {
    const ds = new Dataset([{ label: 1 }, { label: 0 }], { features: { label: { _type: 'ClassLabel', names: ['negative', 'positive'] } } });
    const enc = ds.encodeLabels('label');
    expect(enc.dataset).toBe(ds);
    expect(enc.id2label).toEqual({ 0: 'negative', 1: 'positive' });
    expect(() => new Dataset([{ label: 2 }], { features: ds.features }).encodeLabels('label')).toThrow(/ClassLabel of 2 classes, but row 0 holds 2/);
    // Another order (a checkpoint's id2label): the ids are mapped through the names.
    const reordered = ds.encodeLabels('label', { labels: ['positive', 'negative'] });
    expect(reordered.dataset.column('label')).toEqual([0, 1]);
    expect(reordered.dataset.features?.label).toEqual({ _type: 'ClassLabel', names: ['positive', 'negative'] });
  });

  it('counts classes in sorted order', () => {
    expect([...reviews(10).classCounts('label')]).toEqual([
      ['neg', 3],
      ['pos', 7],
    ]);
  });
});

describe('trainTestSplit', () => {
  it("splits with HF's sizes: ceil(testSize · n) test rows, the rest train, shuffled by the seed", () => {
    const ds = reviews(10);
    const { train, test } = ds.trainTestSplit({ testSize: 0.25, seed: 3 });
    expect([train.length, test.length]).toEqual([7, 3]);
    const perm = new Generator(3).permutation(10);
    expect(test.column('text')).toEqual(Array.from(perm.subarray(0, 3), (i) => `review ${i}`));
    expect(new Set([...train.column('text'), ...test.column('text')]).size).toBe(10);
    expect(ds.trainTestSplit({ testSize: 4 }).test.length).toBe(4);
    expect(ds.trainTestSplit({ testSize: 2, trainSize: 5 }).train.length).toBe(5);
    expect(ds.trainTestSplit({ testSize: 0.3, shuffle: false }).test.column('text')).toEqual(['review 7', 'review 8', 'review 9']);
    expect(() => ds.trainTestSplit({ testSize: 1.5 })).toThrow(/neither a fraction below 1 nor a whole number/);
    expect(() => ds.trainTestSplit({ testSize: 11 })).toThrow(/more than the 10 rows/);
  });

  it('keeps class proportions when stratified, within one row per class', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 < 7 ? 'a' : i % 10 < 9 ? 'b' : 'c')); // 700/200/100
    const ds = Dataset.fromColumns({ id: labels.map((_, i) => i), label: labels });
    const { train, test } = ds.trainTestSplit({ testSize: 0.15, seed: 1, stratifyBy: 'label' });
    expect([...test.classCounts('label')]).toEqual([
      ['a', 105],
      ['b', 30],
      ['c', 15],
    ]);
    expect([...train.classCounts('label')]).toEqual([
      ['a', 595],
      ['b', 170],
      ['c', 85],
    ]);
    expect(new Set([...train.column('id'), ...test.column('id')]).size).toBe(1000);
    // Uneven: 7 test rows from 3 classes.
    const small = Dataset.fromColumns({ label: [...Array(11).fill('x'), ...Array(7).fill('y'), ...Array(5).fill('z')] });
    for (const seed of [0, 1, 2]) {
      const t = small.trainTestSplit({ testSize: 7, seed, stratifyBy: 'label' }).test.classCounts('label');
      expect([...t.values()].reduce((a, b) => a + b)).toBe(7);
      for (const [k, v] of t) expect(Math.abs(v - (small.classCounts('label').get(k)! * 7) / 23)).toBeLessThan(1);
    }
    expect(ds.trainTestSplit({ testSize: 0.15, seed: 1, stratifyBy: 'label' }).test.column('id')).toEqual(test.column('id'));
  });

  it('refuses stratified splits that cannot keep every class', () => {
    const ds = Dataset.fromColumns({ label: ['a', 'a', 'a', 'b'] });
    expect(() => ds.trainTestSplit({ testSize: 0.5, stratifyBy: 'label' })).toThrow(/class "b" of "label" has only 1 row/);
    expect(() => ds.trainTestSplit({ stratifyBy: 'lable' })).toThrow(ColumnNotFoundError);
  });
});
