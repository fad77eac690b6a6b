/** randperm and shuffle: the documented Fisher–Yates mapping, determinism, and uniformity. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError } from '../errors';
import { arange, indexSelect, randperm, shuffle, tensor } from '../ops/index';
import { fillPermutation, randintAt } from './distributions';
import { Generator } from './generator';

/** The contract of distributions.ts, written out with one randint element at a time. */
function referencePermutation(n: number, seed: bigint, offset: bigint): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n - 1; k++) {
    const j = randintAt(seed, offset, k, 0, n - k);
    const i = n - 1 - k;
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const sorted = (a: ArrayLike<number>) => Array.from(a).sort((x, y) => x - y);

describe('randperm', () => {
  it('follows the documented mapping: Fisher–Yates on a randint draw with shrinking ranges', () => {
    for (const n of [0, 1, 2, 3, 7, 100]) {
      for (const [seed, offset] of [
        [0n, 0n],
        [42n, 5n],
        [2n ** 64n - 1n, 2n ** 32n - 1n],
      ] as const) {
        const out = new Int32Array(n);
        fillPermutation(out, seed, offset);
        expect(Array.from(out)).toEqual(referencePermutation(n, seed, offset));
      }
    }
  });

  it('is a permutation of 0 … n − 1, the same for a seed, different for another', () => {
    for (const n of [0, 1, 2, 5, 1000]) {
      const p = randperm(n, { generator: new Generator(3) });
      expect(p.dtype).toBe('int32');
      expect(p.shape).toEqual([n]);
      expect(sorted(p.dataSync())).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    const a = Array.from(randperm(50, { generator: new Generator(7) }).dataSync());
    expect(Array.from(randperm(50, { generator: new Generator(7) }).dataSync())).toEqual(a);
    expect(Array.from(randperm(50, { generator: new Generator(8) }).dataSync())).not.toEqual(a);
    // pinned values: a change of the mapping would silently change every seeded shuffle
    expect(Array.from(randperm(8, { generator: new Generator(0) }).dataSync())).toEqual(referencePermutation(8, 0n, 0n));
  });

  it('advances the generator by ceil((n − 1) / 2) counters, so later draws continue the stream', () => {
    const gen = new Generator(11);
    gen.permutation(10);
    expect(gen.offset).toBe(5n);
    gen.permutation(1);
    expect(gen.offset).toBe(5n);
    const clone = new Generator(11);
    clone.permutation(10);
    expect(gen.uniform(4)).toEqual(clone.uniform(4));
  });

  it('draws every permutation of 4 equally often (chi-square, fixed seed)', () => {
    const gen = new Generator(2024);
    const counts = new Map<string, number>();
    const draws = 24_000;
    for (let i = 0; i < draws; i++) {
      const key = gen.permutation(4).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const expected = draws / 24;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 23 degrees of freedom: P(chi2 > 49.7) = 0.001 for a uniform sampler
    expect(chi2).toBeLessThan(49.7);
  });

  it('puts every value at every position equally often (n = 10, chi-square, fixed seed)', () => {
    const gen = new Generator(99);
    const n = 10;
    const draws = 10_000;
    const counts = new Float64Array(n * n);
    for (let d = 0; d < draws; d++) gen.permutation(n).forEach((v, pos) => counts[pos * n + v]++);
    const expected = draws / n;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // (n − 1)² = 81 degrees of freedom: P(chi2 > 124.8) = 0.001
    expect(chi2).toBeLessThan(124.8);
  });

  it('refuses bad counts and dtypes', () => {
    for (const n of [-1, 1.5, NaN, 2 ** 31 + 1]) expect(() => randperm(n)).toThrow(ArgumentError);
    expect(() => randperm(3, { dtype: 'float32' as 'int32' })).toThrow(DTypeError);
  });
});

describe('shuffle', () => {
  it('reorders slices along an axis with one randperm, keeping each slice whole', () => {
    const x = arange(12).reshape([6, 2]);
    const rows = shuffle(x, { generator: new Generator(5) });
    expect(rows.arraySync()).toEqual(indexSelect(x, 0, randperm(6, { generator: new Generator(5) })).arraySync());
    const asRows = (rows.arraySync() as number[][]).map((r) => r.join(','));
    expect(asRows.sort()).toEqual((x.arraySync() as number[][]).map((r) => r.join(',')).sort());
    const cols = shuffle(tensor([[1, 2, 3]]), { axis: -1, generator: new Generator(1) });
    expect(sorted((cols.arraySync() as number[][])[0])).toEqual([1, 2, 3]);
    expect(() => shuffle(tensor(1))).toThrow(ArgumentError);
  });
});
