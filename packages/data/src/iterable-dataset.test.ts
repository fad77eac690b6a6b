import { describe, expect, it } from 'vitest';
import { IterableDataset } from './iterable-dataset';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A stream of `n` rows that counts how many rows were read. */
function counted(n: number) {
  const stats = { read: 0 };
  const ds = IterableDataset.from(async function* () {
    for (let i = 0; i < n; i++) {
      stats.read++;
      yield { i, text: `t${i}` };
    }
  });
  return { ds, stats };
}

describe('IterableDataset', () => {
  it('maps (sync, async, batched) and filters lazily, merging columns as Dataset.map', async () => {
    const { ds } = counted(7);
    expect(await collect(ds.map((r) => ({ twice: r.i * 2 })).take(2))).toEqual([
      { i: 0, text: 't0', twice: 0 },
      { i: 1, text: 't1', twice: 2 },
    ]);
    expect((await collect(ds.map(async (r, k) => ({ k: k + r.i })))).map((r) => r.k)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    const sizes: number[] = [];
    const batched = ds.map(
      (b, indices) => {
        sizes.push(b.i.length);
        return { idx: indices };
      },
      { batched: true, batchSize: 3, removeColumns: ['text'] },
    );
    expect(await collect(batched)).toEqual(Array.from({ length: 7 }, (_, k) => ({ i: k, idx: k })));
    expect(sizes).toEqual([3, 3, 1]);
    expect((await collect(ds.filter((r) => r.i % 3 === 0))).map((r) => r.i)).toEqual([0, 3, 6]);
    expect((await collect(ds.skip(5))).map((r) => r.i)).toEqual([5, 6]);
  });

  it('stops reading the source after take(n)', async () => {
    const { ds, stats } = counted(1000);
    expect((await collect(ds.take(3))).length).toBe(3);
    expect(stats.read).toBe(3);
  });

  it('shuffles with a seeded buffer: a permutation, the same for the same seed, and every row once', async () => {
    const { ds } = counted(100);
    const a = (await collect(ds.shuffle({ seed: 1, bufferSize: 10 }))).map((r) => r.i);
    expect(a.slice().sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, k) => k));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, k) => k));
    expect((await collect(ds.shuffle({ seed: 1, bufferSize: 10 }))).map((r) => r.i)).toEqual(a);
    expect((await collect(ds.shuffle({ seed: 2, bufferSize: 10 }))).map((r) => r.i)).not.toEqual(a);
  });

  it('materialises into a Dataset with the report of its pass', async () => {
    const { ds } = counted(5);
    const full = await ds.toDataset();
    expect(full.length).toBe(5);
    expect(full.report!.rows).toBe(5);
  });
});
