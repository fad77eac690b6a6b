import { describe, expect, it } from 'vitest';
import {
  decodeBFloat16,
  decodeBFloat16Array,
  decodeFloat16,
  decodeFloat16Array,
  encodeBFloat16,
  encodeBFloat16Array,
  encodeFloat16,
  encodeFloat16Array,
} from './half-float';

describe('binary16', () => {
  it.each([
    [0x0000, 0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125],
    [0x7bff, 65504],
    [0x0400, 2 ** -14],
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('decodes 0x%s', (bits, value) => {
    expect(decodeFloat16(bits)).toBe(value);
  });

  it('decodes -0 and NaN', () => {
    expect(Object.is(decodeFloat16(0x8000), -0)).toBe(true);
    expect(decodeFloat16(0x7e00)).toBeNaN();
    expect(decodeFloat16(0xfc01)).toBeNaN();
  });

  it('round-trips every non-NaN bit pattern', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const v = decodeFloat16(h);
      const ok = Number.isNaN(v) ? Number.isNaN(decodeFloat16(encodeFloat16(v))) : encodeFloat16(v) === h;
      if (!ok) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['1 + 2^-11 (tie, to even 1)', 1 + 2 ** -11, 0x3c00],
    ['1 + 3·2^-11 (tie, to even 1 + 2^-9)', 1 + 3 * 2 ** -11, 0x3c02],
    ['just above the tie', 1 + 2 ** -11 + 2 ** -20, 0x3c01],
    ['65519 (below the overflow boundary)', 65519, 0x7bff],
    ['65520 (the overflow boundary)', 65520, 0x7c00],
    ['1e10', 1e10, 0x7c00],
    ['-1e10', -1e10, 0xfc00],
    ['2^-25 (subnormal tie, to even 0)', 2 ** -25, 0x0000],
    ['3·2^-25 (subnormal tie, to even 2)', 3 * 2 ** -25, 0x0002],
    ['just above 2^-25', 2 ** -25 * (1 + 2 ** -20), 0x0001],
    ['2^-14 − 2^-25 (tie between largest subnormal and smallest normal)', 2 ** -14 - 2 ** -25, 0x0400],
    ['-2^-30 (underflows to -0)', -(2 ** -30), 0x8000],
  ])('rounds %s to nearest even', (_, x, bits) => {
    expect(encodeFloat16(x)).toBe(bits);
  });

  it('matches a nearest-value search on 20000 random float32 values', () => {
    // Oracle: all finite non-negative halves in increasing order; pick the nearest, ties to the even pattern.
    const halves = Array.from({ length: 0x7c00 }, (_, h) => decodeFloat16(h));
    const oracle = (x: number): number => {
      const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
      const a = Math.abs(x);
      if (a >= 65520) return sign | 0x7c00;
      let lo = 0;
      let hi = halves.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (halves[mid] <= a) lo = mid;
        else hi = mid;
      }
      const dLo = a - halves[lo];
      const dHi = halves[hi] - a;
      const pick = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
      return sign | pick;
    };
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    let seed = 42;
    const wrong: number[] = [];
    for (let i = 0; i < 20000; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      // Exponents near the half range, where rounding decisions happen.
      u[0] = (seed & 0x807fffff) | ((((seed >>> 23) & 0x3f) + 92) << 23);
      if (encodeFloat16(f[0]) !== oracle(f[0])) wrong.push(f[0]);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps NaN a NaN and converts arrays', () => {
    expect(decodeFloat16(encodeFloat16(NaN))).toBeNaN();
    const bits = encodeFloat16Array(new Float32Array([1, -2, 0.5, 65504]));
    expect(Array.from(bits)).toEqual([0x3c00, 0xc000, 0x3800, 0x7bff]);
    expect(Array.from(decodeFloat16Array(bits))).toEqual([1, -2, 0.5, 65504]);
    expect(decodeFloat16Array(bits, new Float64Array(4))).toBeInstanceOf(Float64Array);
  });
});

describe('bfloat16', () => {
  it('decodes bit patterns as the top half of a float32', () => {
    expect(decodeBFloat16(0x3f80)).toBe(1);
    expect(decodeBFloat16(0xc040)).toBe(-3);
    expect(decodeBFloat16(0x7f80)).toBe(Infinity);
    expect(decodeBFloat16(0x0001)).toBe(2 ** -133);
    expect(decodeBFloat16(0x7fc0)).toBeNaN();
  });

  it('round-trips every non-NaN bit pattern', () => {
    const wrong: number[] = [];
    for (let b = 0; b < 65536; b++) {
      const v = decodeBFloat16(b);
      if (!Number.isNaN(v) && encodeBFloat16(v) !== b) wrong.push(b);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['1 + 2^-8 (tie, to even 1)', 1 + 2 ** -8, 0x3f80],
    ['1 + 3·2^-8 (tie, to even 1 + 2^-6)', 1 + 3 * 2 ** -8, 0x3f82],
    ['just above the tie', 1 + 2 ** -8 + 2 ** -20, 0x3f81],
    ['the largest float32 (rounds to Infinity, as torch does)', 3.4028234663852886e38, 0x7f80],
    ['-0', -0, 0x8000],
  ])('rounds %s to nearest even', (_, x, bits) => {
    expect(encodeBFloat16(x)).toBe(bits);
  });

  it('keeps NaN a quiet NaN and converts arrays', () => {
    const nan = encodeBFloat16(NaN);
    expect(nan & 0x7fc0).toBe(0x7fc0);
    // A signalling NaN whose payload sits only in the dropped bits must not turn into Infinity.
    const f = new Float32Array(1);
    new Uint32Array(f.buffer)[0] = 0x7f800001;
    expect(decodeBFloat16(encodeBFloat16(f[0]))).toBeNaN();
    const bits = encodeBFloat16Array(new Float32Array([1, -3, 0.15625]));
    expect(Array.from(bits)).toEqual([0x3f80, 0xc040, 0x3e20]);
    expect(Array.from(decodeBFloat16Array(bits))).toEqual([1, -3, 0.15625]);
    expect(Array.from(decodeBFloat16Array(bits, new Float64Array(3)))).toEqual([1, -3, 0.15625]);
  });
});
