import { ArgumentError, Generator, memory, scope } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { padCollate } from './collate';
import { Dataset } from './dataset';
import { IterableDataset } from './iterable-dataset';
import { DataLoader, IterableDataLoader } from './loader';

/** Rows whose `id` says which row they are, with lengths 1 … 9. */
function tokenized(n: number) {
  return Dataset.fromRows(Array.from({ length: n }, (_, id) => ({ id, inputIds: Array.from({ length: 1 + ((id * 7) % 9) }, () => 5) })));
}

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
const idLoader = (ds: Dataset<{ id: number; inputIds: number[] }>, opts: object = {}) => new DataLoader(ds, { collate: ids, ...opts });

describe('DataLoader', () => {
  it('batches in order, with the last batch short or dropped', () => {
    const all = [...idLoader(tokenized(10), { batchSize: 4 })];
    expect(all).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(idLoader(tokenized(10), { batchSize: 4 }).length).toBe(3);
    const dropped = idLoader(tokenized(10), { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect([...dropped].flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("shuffles each epoch from (seed, epoch) with core's generator, and moves to the next epoch after a full pass", () => {
    const loader = idLoader(tokenized(12), { batchSize: 5, shuffle: true, seed: 7 });
    const epoch0 = [...loader];
    expect(epoch0.flat()).toEqual(Array.from(new Generator(7).permutation(12)));
    expect(loader.state()).toEqual({ epoch: 1, batchIndex: 0, seed: 7 });
    const epoch1 = [...loader];
    expect(epoch1.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(epoch1).not.toEqual(epoch0);
    // The same (seed, epoch) gives the same batches in another loader.
    const other = idLoader(tokenized(12), { batchSize: 5, shuffle: true, seed: 7 });
    other.setEpoch(1);
    expect([...other]).toEqual(epoch1);
    expect(other.batchIndices(0).map((b) => Array.from(b))).toEqual(epoch0);
  });

  it('resumes from a saved state with exactly the remaining batches', () => {
    const make = () => idLoader(tokenized(50), { batchSize: 4, shuffle: true, seed: 3 });
    const full = make();
    full.setEpoch(2);
    const expected = [...full];
    const run = make();
    run.setEpoch(2);
    const seen: number[][] = [];
    for (const b of run) {
      seen.push(b);
      if (seen.length === 5) break;
    }
    const saved = JSON.parse(JSON.stringify(run.state()));
    expect(saved).toEqual({ epoch: 2, batchIndex: 5, seed: 3 });
    const resumed = make();
    resumed.loadState(saved);
    resumed.setEpoch(2); // what a Trainer does at the top of the epoch: keeps the loaded position
    expect([...seen, ...resumed]).toEqual(expected);
    expect(resumed.state()).toEqual({ epoch: 3, batchIndex: 0, seed: 3 });
  });

  it('moves to the start of an epoch with setEpoch when it changes the epoch', () => {
    const loader = idLoader(tokenized(8), { batchSize: 2 });
    for (const _ of loader) break;
    expect(loader.state().batchIndex).toBe(1);
    loader.setEpoch(5);
    expect(loader.state()).toEqual({ epoch: 5, batchIndex: 0, seed: 0 });
  });

  it('buckets by length: much less padding, every row once per epoch, the same batches for the same seed', () => {
    const ds = tokenized(400);
    const padding = (batches: Int32Array[]) =>
      batches.reduce((sum, b) => {
        const lengths = Array.from(b, (i) => ds.get(i).inputIds.length);
        return sum + lengths.reduce((a, l) => a + Math.max(...lengths) - l, 0);
      }, 0);
    const plain = new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 1 });
    const bucketed = new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 1, bucketByLength: { bucketSize: 10 } });
    expect(padding(bucketed.batchIndices(0))).toBeLessThan(padding(plain.batchIndices(0)) / 4);
    expect(
      bucketed
        .batchIndices(0)
        .flatMap((b) => Array.from(b))
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 400 }, (_, i) => i));
    const again = new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 1, bucketByLength: { bucketSize: 10 } });
    expect(again.batchIndices(3)).toEqual(bucketed.batchIndices(3));
    expect(bucketed.batchIndices(1)).not.toEqual(bucketed.batchIndices(0));
    expect(() => new DataLoader(ds, { bucketByLength: { key: 'ids' } })).toThrow(/no column "ids"/);
  });

  it('collates lazily with padCollate by default and keeps no tensors alive', async () => {
    const ds = tokenized(30);
    const loader = new DataLoader(ds, { batchSize: 8, shuffle: true, collate: padCollate({ padTokenId: 0 }) });
    const before = memory().tensors;
    for (const batch of loader) {
      scope(() => {
        expect(batch.inputIds.shape[0]).toBeLessThanOrEqual(8);
        batch.inputIds.sum();
      });
      for (const t of Object.values(batch)) t.dispose(); // what the Trainer's step scope does
    }
    expect(memory().tensors).toBe(before);
    let calls = 0;
    const counted = new DataLoader(ds, { batchSize: 8, collate: (rows) => (calls++, rows.length) });
    const it = counted[Symbol.iterator]();
    expect(calls).toBe(0);
    it.next();
    expect(calls).toBe(1);
    const sizes: number[] = [];
    for await (const size of new DataLoader(ds, { batchSize: 8, collate: (rows) => rows.length })) sizes.push(size);
    expect(sizes).toEqual([8, 8, 8, 6]);
  });

  it('rejects bad options and states, naming them', () => {
    const ds = tokenized(10);
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    expect(() => new DataLoader(ds, { batchsize: 2 } as never)).toThrow(/unknown option "batchsize"/);
    expect(() => new DataLoader(ds, { seed: -1 })).toThrow(/seed must be a non-negative integer/);
    const loader = new DataLoader(ds, { batchSize: 4 });
    expect(() => loader.loadState({ epoch: 0, batchIndex: 4, seed: 0 })).toThrow(/batchIndex 4 is past the 3 batches/);
    expect(() => loader.loadState({ epoch: -1, batchIndex: 0, seed: 0 })).toThrow(ArgumentError);
    expect(() => new DataLoader([] as never)).toThrow(/must be a Dataset/);
  });
});

describe('IterableDataLoader', () => {
  const stream = (n: number) => IterableDataset.from(() => Array.from({ length: n }, (_, id) => ({ id, inputIds: [id] })));

  it('batches a stream, shuffles it with a buffer per epoch, and resumes at a saved batch', async () => {
    const make = () => new IterableDataLoader(stream(23), { batchSize: 5, shuffle: true, seed: 2, bufferSize: 8, collate: ids });
    const collect = async (l: IterableDataLoader<{ id: number; inputIds: number[] }, number[]>) => {
      const out: number[][] = [];
      for await (const b of l) out.push(b);
      return out;
    };
    const a = make();
    const epoch0 = await collect(a);
    expect(epoch0.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
    expect(epoch0.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    const epoch1 = await collect(a);
    expect(epoch1).not.toEqual(epoch0);
    const b = make();
    let k = 0;
    const first: number[][] = [];
    for await (const batch of b) {
      first.push(batch);
      if (++k === 2) break;
    }
    const resumed = make();
    resumed.loadState(b.state());
    expect([...first, ...(await collect(resumed))]).toEqual(epoch0);
  });
});
