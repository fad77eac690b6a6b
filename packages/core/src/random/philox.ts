/**
 * Philox4x32-10, the counter-based generator of Salmon et al., "Parallel Random Numbers: As Easy
 * as 1, 2, 3" (SC11), as in Random123 and PyTorch/cuRAND. Its output is a pure function of a
 * 128-bit counter and a 64-bit key, so the CPU and a WGSL kernel can produce the same stream, in
 * any order and any chunking. Everything here is 32-bit integer arithmetic that WGSL also has.
 *
 * One round, with M0 = 0xD2511F53 and M1 = 0xCD9E8D57 and (hi, lo) the 64-bit product's halves:
 *   (hi0, lo0) = M0 · c0;  (hi1, lo1) = M1 · c2
 *   c' = [hi1 ^ c1 ^ k0,  lo1,  hi0 ^ c3 ^ k1,  lo0]
 * Ten rounds; before every round but the first the key is bumped: k0 += 0x9E3779B9,
 * k1 += 0xBB67AE85 (mod 2^32).
 */
import { ArgumentError } from '../errors';

/** The first round multiplier of Philox4x32 (from Random123). */
export const PHILOX_M0 = 0xd2511f53;
/** The second round multiplier of Philox4x32 (from Random123). */
export const PHILOX_M1 = 0xcd9e8d57;
/** The Weyl increment of the first key word per round (the golden ratio, as in Random123). */
export const PHILOX_W0 = 0x9e3779b9;
/** The Weyl increment of the second key word per round (√3 − 1, as in Random123). */
export const PHILOX_W1 = 0xbb67ae85;

/** Number of rounds: the "-10" of Philox4x32-10, the variant Random123 recommends and PyTorch uses. */
export const PHILOX_ROUNDS = 10;

/**
 * The high 32 bits of the 64-bit product of two u32s. JS doubles hold only 53 bits, so the operands
 * are split into 16-bit halves whose partial products (< 2^32) are exact, then recombined with
 * carries. (Math.imul gives the low half directly.)
 */
export function mulhi32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** The 64-bit product of two u32s as `[hi, lo]`. */
export function mulhilo32(a: number, b: number): [number, number] {
  return [mulhi32(a >>> 0, b >>> 0), Math.imul(a, b) >>> 0];
}

/** Philox4x32-10 of a counter (four u32 words) under a key (two u32 words): four u32 words. */
export function philox4x32(ctr: readonly [number, number, number, number], key: readonly [number, number]): [number, number, number, number] {
  const out = new Uint32Array(4);
  philox4x32Into(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
  return [out[0], out[1], out[2], out[3]];
}

/**
 * Philox4x32-10 written into `out[0..3]` without allocating: the form the samplers call once per
 * block of four words. Arguments are u32 words (numbers in [0, 2^32)).
 */
export function philox4x32Into(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < PHILOX_ROUNDS; round++) {
    if (round > 0) {
      key0 = (key0 + PHILOX_W0) >>> 0;
      key1 = (key1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi32(PHILOX_M0, x0);
    const lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, x2);
    const lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

const U64_MASK = (1n << 64n) - 1n;

/**
 * A seed or offset as an unsigned 64-bit integer. Numbers must be safe integers; negative values
 * wrap modulo 2^64 (so `-1` is 2^64 − 1, as `torch.manual_seed(-1)` does).
 */
export function toU64(value: number | bigint, what = 'seed'): bigint {
  if (typeof value === 'bigint') return value & U64_MASK;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ArgumentError(`${what} must be an integer (a safe-integer number or a bigint), got ${String(value)}`);
  }
  return BigInt(value) & U64_MASK;
}

/** A u64 as its two u32 words `[lo, hi]` — the key layout for a seed and the counter layout for an offset. */
export function splitU64(value: bigint): [number, number] {
  return [Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn)];
}
