import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../errors';
import { bernoulliAt, countersFor, fillBernoulli, fillNormal, fillRandint, fillUniform, normalAt, randintAt, uniformAt } from './distributions';
import { philox4x32 } from './philox';

/**
 * The contract in distributions.ts, re-implemented from its text with BigInt counters: block j of a
 * draw at (seed, offset) is philox4x32_10([(offset + j) lo, hi, 0, 0], [seed lo, seed hi]).
 */
function block(seed: bigint, offset: bigint, j: number): number[] {
  const c = (offset + BigInt(j)) % 2n ** 64n;
  return philox4x32([Number(c & 0xffffffffn), Number(c >> 32n), 0, 0], [Number(seed & 0xffffffffn), Number(seed >> 32n)]);
}
const ref = {
  uniform32: (s: bigint, o: bigint, i: number) => Math.fround((block(s, o, Math.floor(i / 4))[i % 4] >>> 8) / 2 ** 24),
  uniform64: (s: bigint, o: bigint, i: number) => {
    const x = block(s, o, Math.floor(i / 2));
    const l = i % 2;
    return ((x[2 * l] >>> 5) * 2 ** 26 + (x[2 * l + 1] >>> 6)) / 2 ** 53;
  },
  normal32: (s: bigint, o: bigint, i: number) => {
    const x = block(s, o, Math.floor(i / 4));
    const p = (i % 4) >> 1;
    const u1 = ((x[2 * p] >>> 8) + 1) / 2 ** 24;
    const u2 = (x[2 * p + 1] >>> 8) / 2 ** 24;
    const r = Math.sqrt(-2 * Math.log(u1));
    return Math.fround(i % 2 === 0 ? r * Math.cos(2 * Math.PI * u2) : r * Math.sin(2 * Math.PI * u2));
  },
  randint: (s: bigint, o: bigint, i: number, low: number, high: number) => {
    const x = block(s, o, Math.floor(i / 2));
    const l = i % 2;
    const u64 = (BigInt(x[2 * l]) << 32n) | BigInt(x[2 * l + 1]);
    return low + Number((u64 * BigInt(high - low)) >> 64n);
  },
};

describe('the element → counter contract', () => {
  const seeds = [0n, 42n, 2n ** 64n - 1n, 0x0123456789abcdefn];
  // Offsets chosen so the draw crosses the low word's wrap (carry into the high word) and the u64 wrap.
  const offsets = [0n, 5n, 2n ** 32n - 2n, 2n ** 64n - 2n];

  it('uniform float32/float64 and normal float32 follow the documented formulas', () => {
    for (const s of seeds) {
      for (const o of offsets) {
        const u32 = new Float32Array(13);
        const u64 = new Float64Array(13);
        const n32 = new Float32Array(13);
        fillUniform(u32, s, o);
        fillUniform(u64, s, o);
        fillNormal(n32, s, o);
        for (let i = 0; i < 13; i++) {
          expect(u32[i]).toBe(ref.uniform32(s, o, i));
          expect(u64[i]).toBe(ref.uniform64(s, o, i));
          expect(n32[i]).toBe(ref.normal32(s, o, i));
        }
      }
    }
  });

  it('randint is floor(u64 · range / 2^64), exactly', () => {
    const ranges: Array<[number, number]> = [
      [0, 1],
      [0, 2],
      [-5, 5],
      [0, 30522],
      [0, 2 ** 31],
      [-(2 ** 31), 2 ** 31],
      [-(2 ** 31), 2 ** 31 - 1],
      [7, 2 ** 31 - 3],
    ];
    for (const s of seeds) {
      for (const o of offsets) {
        for (const [low, high] of ranges) {
          const out = new Int32Array(9);
          fillRandint(out, s, o, low, high);
          for (let i = 0; i < 9; i++) expect(out[i]).toBe(ref.randint(s, o, i, low, high));
        }
      }
    }
  });

  it('bernoulli(p) is exactly "uniform float32 < p"', () => {
    for (const p of [0, 1e-9, 0.1, 0.3, 0.5, 0.999, 1]) {
      const u = new Float32Array(101);
      const b = new Uint8Array(101);
      fillUniform(u, 9n, 3n);
      fillBernoulli(b, 9n, 3n, p);
      for (let i = 0; i < 101; i++) expect(b[i]).toBe(u[i] < p ? 1 : 0);
    }
  });

  it('counts counters per draw: ceil(n / elements per block)', () => {
    expect(countersFor('uniform32', 10)).toBe(3);
    expect(countersFor('normal32', 8)).toBe(2);
    expect(countersFor('bernoulli', 1)).toBe(1);
    expect(countersFor('uniform64', 5)).toBe(3);
    expect(countersFor('normal64', 4)).toBe(2);
    expect(countersFor('randint', 0)).toBe(0);
  });
});

describe('element-wise determinism', () => {
  const chunks = [0, 5, 6, 20, 37];

  it('any chunking of a draw gives the same numbers', () => {
    const arrays = () => ({
      u32: new Float32Array(37),
      u64: new Float64Array(37),
      n32: new Float32Array(37),
      n64: new Float64Array(37),
      ri: new Int32Array(37),
      be: new Uint8Array(37),
    });
    const full = arrays();
    fillUniform(full.u32, 11, 7);
    fillUniform(full.u64, 11, 7);
    fillNormal(full.n32, 11, 7, 1, 2);
    fillNormal(full.n64, 11, 7, 1, 2);
    fillRandint(full.ri, 11, 7, -3, 100);
    fillBernoulli(full.be, 11, 7, 0.4);
    const parts = arrays();
    for (let c = 0; c + 1 < chunks.length; c++) {
      const [a, b] = [chunks[c], chunks[c + 1]];
      fillUniform(parts.u32.subarray(a, b), 11, 7, a);
      fillUniform(parts.u64.subarray(a, b), 11, 7, a);
      fillNormal(parts.n32.subarray(a, b), 11, 7, 1, 2, a);
      fillNormal(parts.n64.subarray(a, b), 11, 7, 1, 2, a);
      fillRandint(parts.ri.subarray(a, b), 11, 7, -3, 100, a);
      fillBernoulli(parts.be.subarray(a, b), 11, 7, 0.4, a);
    }
    expect(parts).toEqual(full);
    for (const i of [0, 3, 4, 17, 36]) {
      expect(uniformAt(11, 7, i)).toBe(full.u32[i]);
      expect(uniformAt(11, 7, i, 'float64')).toBe(full.u64[i]);
      expect(normalAt(11, 7, i, 'float32', 1, 2)).toBe(full.n32[i]);
      expect(normalAt(11, 7, i, 'float64', 1, 2)).toBe(full.n64[i]);
      expect(randintAt(11, 7, i, -3, 100)).toBe(full.ri[i]);
      expect(bernoulliAt(11, 7, i, 0.4)).toBe(full.be[i]);
    }
  });

  it('takes seeds and offsets as numbers or bigints alike', () => {
    expect(uniformAt(123, 456, 9)).toBe(uniformAt(123n, 456n, 9));
  });

  it('rejects bad arguments', () => {
    expect(() => fillRandint(new Int32Array(1), 0, 0, 5, 5)).toThrow(ArgumentError);
    expect(() => fillRandint(new Int32Array(1), 0, 0, 0, 2 ** 31 + 1)).toThrow(ArgumentError);
    expect(() => fillRandint(new Int32Array(1), 0, 0, 0.5, 3)).toThrow(ArgumentError);
    expect(() => fillBernoulli(new Uint8Array(1), 0, 0, 1.5)).toThrow(ArgumentError);
    expect(() => fillBernoulli(new Uint8Array(1), 0, 0, NaN)).toThrow(ArgumentError);
    expect(() => fillNormal(new Float32Array(1), 0, 0, 0, -1)).toThrow(ArgumentError);
    expect(() => fillUniform(new Float32Array(1), 0, 0, -1)).toThrow(ArgumentError);
  });
});

describe('statistics (1e5 samples)', () => {
  const N = 100_000;
  const moments = (xs: ArrayLike<number>) => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < xs.length; i++) {
      s += xs[i];
      s2 += xs[i] * xs[i];
    }
    const mean = s / xs.length;
    return { mean, variance: s2 / xs.length - mean * mean };
  };

  it.each([
    ['float32', new Float32Array(N)],
    ['float64', new Float64Array(N)],
  ])('uniform %s: in [0, 1), mean 1/2, variance 1/12', (_, out) => {
    fillUniform(out, 2024, 0);
    const { mean, variance } = moments(out);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    expect(Math.min(...out.subarray(0, 50_000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out.subarray(0, 50_000))).toBeLessThan(1);
  });

  it.each([
    ['float32', new Float32Array(N)],
    ['float64', new Float64Array(N)],
  ])('normal %s: mean, variance and the one-sigma mass', (_, out) => {
    fillNormal(out, 2024, 0, 3, 2);
    const { mean, variance } = moments(out);
    expect(Math.abs(mean - 3)).toBeLessThan(0.04);
    expect(Math.abs(variance - 4)).toBeLessThan(0.12);
    const within = out.filter((v) => Math.abs(v - 3) < 2).length / N;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.01);
  });

  it('randint covers [low, high) uniformly (chi-square, 9 degrees of freedom)', () => {
    const out = new Int32Array(N);
    fillRandint(out, 77, 0, -3, 7);
    const counts = new Array(10).fill(0);
    for (const v of out) counts[v + 3]++;
    const expected = N / 10;
    const chi2 = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    // P(chi2_9 > 40) is about 1e-5: loose enough never to flake, tight enough to catch bias or gaps.
    expect(chi2).toBeLessThan(40);
    expect(Math.min(...out)).toBe(-3);
    expect(Math.max(...out)).toBe(6);
  });

  it('bernoulli hits its rate', () => {
    const out = new Uint8Array(N);
    fillBernoulli(out, 5, 0, 0.3);
    const rate = out.reduce((a, b) => a + b, 0) / N;
    expect(Math.abs(rate - 0.3)).toBeLessThan(0.01);
    fillBernoulli(out, 5, 0, 0);
    expect(out.every((v) => v === 0)).toBe(true);
    fillBernoulli(out, 5, 0, 1);
    expect(out.every((v) => v === 1)).toBe(true);
  });
});
