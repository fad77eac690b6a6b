import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../errors';
import { mulhi32, mulhilo32, philox4x32, philox4x32Into, splitU64, toU64 } from './philox';

describe('philox4x32 (Random123 known-answer vectors)', () => {
  // From Random123's tests/kat_vectors, the three "philox4x32 10" lines: counter (4 words), key (2 words) → output.
  const kat: Array<[[number, number, number, number], [number, number], [number, number, number, number]]> = [
    [
      [0, 0, 0, 0],
      [0, 0],
      [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
    ],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    ],
  ];

  it.each(kat)('philox4x32_10(%j, %j)', (ctr, key, expected) => {
    expect(philox4x32(ctr, key)).toEqual(expected);
    const out = new Uint32Array(4);
    philox4x32Into(...ctr, ...key, out);
    expect(Array.from(out)).toEqual(expected);
  });

  it('changes every output word when one counter bit flips', () => {
    const a = philox4x32([0, 0, 0, 0], [0, 0]);
    const b = philox4x32([1, 0, 0, 0], [0, 0]);
    for (let w = 0; w < 4; w++) expect(a[w]).not.toBe(b[w]);
  });
});

describe('mulhilo32', () => {
  it('matches BigInt multiplication, including the extremes', () => {
    const cases: Array<[number, number]> = [
      [0, 0],
      [1, 0xffffffff],
      [0xffffffff, 0xffffffff],
      [0x80000000, 0x80000000],
      [0xd2511f53, 0x243f6a88],
      [0xcd9e8d57, 0xffff0001],
    ];
    let s = 7;
    for (let i = 0; i < 2000; i++) {
      s = (Math.imul(s, 747796405) + 2891336453) >>> 0;
      const a = s;
      s = (Math.imul(s, 747796405) + 2891336453) >>> 0;
      cases.push([a, s]);
    }
    const wrong = cases.filter(([a, b]) => {
      const p = BigInt(a) * BigInt(b);
      const [hi, lo] = mulhilo32(a, b);
      return BigInt(hi) !== p >> 32n || BigInt(lo) !== (p & 0xffffffffn) || mulhi32(a, b) !== hi;
    });
    expect(wrong).toEqual([]);
  });
});

describe('u64 helpers', () => {
  it('wraps negatives and large bigints modulo 2^64', () => {
    expect(toU64(-1)).toBe(2n ** 64n - 1n);
    expect(toU64(2n ** 64n + 5n)).toBe(5n);
    expect(toU64(Number.MAX_SAFE_INTEGER)).toBe(2n ** 53n - 1n);
  });

  it('refuses non-integers', () => {
    expect(() => toU64(1.5)).toThrow(ArgumentError);
    expect(() => toU64(2 ** 60)).toThrow(ArgumentError);
    expect(() => toU64(NaN, 'offset')).toThrow(/offset/);
  });

  it('splits into [lo, hi] words', () => {
    expect(splitU64(0x0123456789abcdefn)).toEqual([0x89abcdef, 0x01234567]);
    expect(splitU64(2n ** 64n - 1n)).toEqual([0xffffffff, 0xffffffff]);
  });
});
