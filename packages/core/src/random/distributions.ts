/**
 * Samplers on top of Philox4x32-10. Element i of a draw is a pure function of (seed, offset, i),
 * so a draw can be computed in any chunks, in parallel, or by a GPU kernel, and give the same
 * numbers. This comment is the contract a WGSL kernel is written from:
 *
 * Words. key = [seed mod 2^32, floor(seed / 2^32)] for the u64 seed. A sampler yields E elements
 * per Philox block (E = 4 for uniform float32, normal float32 and bernoulli; E = 2 for uniform
 * float64, normal float64 and randint). Element i of a draw at the u64 offset o uses block
 * j = floor(i / E) and lane l = i mod E:
 *   c   = (o + j) mod 2^64, in u32 words: lo = (o_lo + j) mod 2^32, carry = (lo < j) ? 1 : 0,
 *         hi = (o_hi + carry) mod 2^32   (j < 2^32 within one dispatch)
 *   x   = philox4x32_10([lo, hi, 0, 0], key)
 * A draw of n elements consumes ceil(n / E) counters; a Generator's offset advances by that much,
 * so draws whose sizes are multiples of E concatenate into one longer draw.
 *
 * Transforms (all exact in float32/u32 arithmetic unless noted):
 * - uniform float32:  u = (x[l] >> 8) · 2^-24, in [0, 1 − 2^-24]: the top 24 bits, which float32 holds exactly.
 * - uniform float64:  u = ((x[2l] >> 5) · 2^26 + (x[2l+1] >> 6)) · 2^-53, in [0, 1 − 2^-53] (CPU only: WGSL has no f64).
 * - normal float32 (Box–Muller): lanes pair up as (0, 1) and (2, 3); for the pair p = floor(l / 2),
 *   u1 = ((x[2p] >> 8) + 1) · 2^-24 in (0, 1], u2 = (x[2p+1] >> 8) · 2^-24, r = sqrt(−2 ln u1),
 *   θ = 2π·u2; even lanes take r·cos θ, odd lanes r·sin θ; then mean + std·z. (Transcendentals
 *   differ between platforms in the last bits, so GPU normals match to float tolerance, not bitwise.)
 * - normal float64: u1 = 53-bit uniform of (x[0], x[1]) plus 2^-53, u2 = 53-bit uniform of (x[2], x[3]);
 *   lane 0 takes r·cos θ, lane 1 r·sin θ.
 * - randint in [low, high): with r = high − low in [1, 2^32], v = floor((x[2l]·2^32 + x[2l+1]) · r / 2^64),
 *   i.e. floor(u·r) for a 64-bit fixed-point uniform u, computed exactly with 32-bit multiplies:
 *   v = mulhi(x[2l], r) + carry(mullo(x[2l], r) + mulhi(x[2l+1], r)), and v = x[2l] when r = 2^32.
 *   Every value has probability within 2^-64 of 1/r, so there is no modulo bias to speak of.
 * - bernoulli(p): 1 when (x[l] >> 8) < t with t = ceil(p · 2^24), which is exactly "uniform float32 < p".
 * - permutation of n (randperm): a randint draw of n − 1 elements in which element k has its own
 *   range, low = 0 and high = n − k; starting from the identity [0, 1, …, n − 1], for k = 0 … n − 2
 *   swap positions n − 1 − k and v_k (Fisher–Yates, from the last position down). Each swap index
 *   is uniform to within 2^-64, as for randint, and the draw consumes ceil((n − 1) / 2) counters.
 *   It is sequential, so every backend computes it on the host and uploads the result.
 */
import { ArgumentError } from '../errors';
import { mulhi32, philox4x32Into, splitU64, toU64 } from './philox';

/** The samplers, each with its own number of elements per Philox block. */
export type SampleKind = 'uniform32' | 'uniform64' | 'normal32' | 'normal64' | 'randint' | 'bernoulli';

const PER_BLOCK: Record<SampleKind, number> = { uniform32: 4, normal32: 4, bernoulli: 4, uniform64: 2, normal64: 2, randint: 2 };

/** How many Philox counters a draw of `n` elements consumes (what a generator's offset advances by). */
export function countersFor(kind: SampleKind, n: number): number {
  return Math.ceil(n / PER_BLOCK[kind]);
}

/** Elements of `kind` produced per Philox block (E in the contract above). */
export function elementsPerBlock(kind: SampleKind): number {
  return PER_BLOCK[kind];
}

/** A seed or offset: a safe-integer number or a bigint, taken modulo 2^64. */
export type U64Like = number | bigint;

const TWO_NEG24 = 2 ** -24;
const TWO_NEG53 = 2 ** -53;
const TWO_32 = 2 ** 32;

/**
 * Calls `emit(x, first)` for each block covering elements [start, start + count) of the draw at
 * (seed, offset): `x` holds the block's four words and `first` is the index of its lane 0.
 */
function forBlocks(seed: U64Like, offset: U64Like, perBlock: number, start: number, count: number, emit: (x: Uint32Array, first: number) => void): void {
  if (!Number.isSafeInteger(start) || start < 0) throw new ArgumentError(`start must be a non-negative integer, got ${start}`);
  if (count === 0) return;
  const [k0, k1] = splitU64(toU64(seed, 'seed'));
  const [o0, o1] = splitU64(toU64(offset, 'offset'));
  const x = new Uint32Array(4);
  const last = Math.floor((start + count - 1) / perBlock);
  for (let j = Math.floor(start / perBlock); j <= last; j++) {
    const lo = o0 + (j % TWO_32);
    const carry = lo >= TWO_32 ? 1 : 0;
    philox4x32Into(lo - carry * TWO_32, o1 + Math.floor(j / TWO_32) + carry, 0, 0, k0, k1, x);
    emit(x, j * perBlock);
  }
}

/** The 53-bit uniform in [0, 1) built from two words (top 27 bits of `a`, top 26 of `b`). */
function uniform53(a: number, b: number): number {
  return ((a >>> 5) * 2 ** 26 + (b >>> 6)) * TWO_NEG53;
}

/**
 * Fills `out` with uniforms in [0, 1): elements [start, start + out.length) of the draw at
 * (seed, offset). A Float32Array gets the float32 sampler, a Float64Array the float64 one.
 */
export function fillUniform(out: Float32Array | Float64Array, seed: U64Like, offset: U64Like, start = 0): void {
  const n = out.length;
  if (out instanceof Float32Array) {
    forBlocks(seed, offset, 4, start, n, (x, first) => {
      for (let l = 0; l < 4; l++) {
        const k = first + l - start;
        if (k >= 0 && k < n) out[k] = (x[l] >>> 8) * TWO_NEG24;
      }
    });
  } else {
    forBlocks(seed, offset, 2, start, n, (x, first) => {
      for (let l = 0; l < 2; l++) {
        const k = first + l - start;
        if (k >= 0 && k < n) out[k] = uniform53(x[2 * l], x[2 * l + 1]);
      }
    });
  }
}

/** Fills `out` with normal samples (Box–Muller, see the contract above) of the given mean and std. */
export function fillNormal(out: Float32Array | Float64Array, seed: U64Like, offset: U64Like, mean = 0, std = 1, start = 0): void {
  checkNormalArgs(mean, std);
  const n = out.length;
  const z = [0, 0, 0, 0];
  const wide = out instanceof Float64Array;
  forBlocks(seed, offset, wide ? 2 : 4, start, n, (x, first) => {
    if (wide) {
      const r = Math.sqrt(-2 * Math.log(uniform53(x[0], x[1]) + TWO_NEG53));
      const theta = 2 * Math.PI * uniform53(x[2], x[3]);
      z[0] = r * Math.cos(theta);
      z[1] = r * Math.sin(theta);
    } else {
      for (let p = 0; p < 2; p++) {
        const r = Math.sqrt(-2 * Math.log(((x[2 * p] >>> 8) + 1) * TWO_NEG24));
        const theta = 2 * Math.PI * (x[2 * p + 1] >>> 8) * TWO_NEG24;
        z[2 * p] = r * Math.cos(theta);
        z[2 * p + 1] = r * Math.sin(theta);
      }
    }
    const perBlock = wide ? 2 : 4;
    for (let l = 0; l < perBlock; l++) {
      const k = first + l - start;
      if (k >= 0 && k < n) out[k] = mean + std * z[l];
    }
  });
}

/** Fills `out` with integers uniform in [low, high) (int32 bounds, high exclusive). */
export function fillRandint(out: Int32Array, seed: U64Like, offset: U64Like, low: number, high: number, start = 0): void {
  checkRandintArgs(low, high);
  const range = high - low;
  const n = out.length;
  forBlocks(seed, offset, 2, start, n, (x, first) => {
    for (let l = 0; l < 2; l++) {
      const k = first + l - start;
      if (k < 0 || k >= n) continue;
      const a = x[2 * l];
      const b = x[2 * l + 1];
      let v: number;
      if (range === TWO_32) v = a;
      else v = mulhi32(a, range) + ((Math.imul(a, range) >>> 0) + mulhi32(b, range) >= TWO_32 ? 1 : 0);
      out[k] = low + v;
    }
  });
}

/**
 * Fills `out` with a uniformly random permutation of 0 … out.length − 1, from the randint draw of
 * out.length − 1 elements at (seed, offset) (see the contract above).
 */
export function fillPermutation(out: Int32Array, seed: U64Like, offset: U64Like): void {
  const n = out.length;
  if (n > 2 ** 31) throw new ArgumentError(`a permutation holds at most 2^31 int32 values, got ${n}`);
  for (let i = 0; i < n; i++) out[i] = i;
  forBlocks(seed, offset, 2, 0, Math.max(n - 1, 0), (x, first) => {
    for (let l = 0; l < 2; l++) {
      const k = first + l;
      if (k >= n - 1) return;
      const range = n - k;
      // the randint transform with this element's range (range <= 2^31, so never 2^32)
      const a = x[2 * l];
      const j = mulhi32(a, range) + ((Math.imul(a, range) >>> 0) + mulhi32(x[2 * l + 1], range) >= TWO_32 ? 1 : 0);
      const i = n - 1 - k;
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
  });
}

/** Fills `out` with 1 (probability p) or 0. */
export function fillBernoulli(out: Uint8Array, seed: U64Like, offset: U64Like, p: number, start = 0): void {
  checkBernoulliArgs(p);
  const threshold = Math.ceil(p * 2 ** 24);
  const n = out.length;
  forBlocks(seed, offset, 4, start, n, (x, first) => {
    for (let l = 0; l < 4; l++) {
      const k = first + l - start;
      if (k >= 0 && k < n) out[k] = x[l] >>> 8 < threshold ? 1 : 0;
    }
  });
}

/** Throws an ArgumentError unless mean and std are finite and std >= 0. */
export function checkNormalArgs(mean: number, std: number): void {
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    throw new ArgumentError(`normal needs a finite mean and a finite std >= 0, got mean=${mean}, std=${std}`);
  }
}

/** Throws an ArgumentError unless low and high are integers with -2^31 <= low < high <= 2^31. */
export function checkRandintArgs(low: number, high: number): void {
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < -(2 ** 31) || high > 2 ** 31 || low >= high) {
    throw new ArgumentError(`randint needs integers -2^31 <= low < high <= 2^31, got low=${low}, high=${high}`);
  }
}

/** Throws an ArgumentError unless 0 <= p <= 1. */
export function checkBernoulliArgs(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`bernoulli needs 0 <= p <= 1, got ${p}`);
}

/** Element `i` of the uniform draw at (seed, offset), computed on its own. */
export function uniformAt(seed: U64Like, offset: U64Like, i: number, dtype: 'float32' | 'float64' = 'float32'): number {
  const out = dtype === 'float32' ? new Float32Array(1) : new Float64Array(1);
  fillUniform(out, seed, offset, i);
  return out[0];
}

/** Element `i` of the normal draw at (seed, offset), computed on its own. */
export function normalAt(seed: U64Like, offset: U64Like, i: number, dtype: 'float32' | 'float64' = 'float32', mean = 0, std = 1): number {
  const out = dtype === 'float32' ? new Float32Array(1) : new Float64Array(1);
  fillNormal(out, seed, offset, mean, std, i);
  return out[0];
}

/** Element `i` of the randint draw at (seed, offset), computed on its own. */
export function randintAt(seed: U64Like, offset: U64Like, i: number, low: number, high: number): number {
  const out = new Int32Array(1);
  fillRandint(out, seed, offset, low, high, i);
  return out[0];
}

/** Element `i` of the bernoulli draw at (seed, offset), computed on its own. */
export function bernoulliAt(seed: U64Like, offset: U64Like, i: number, p: number): number {
  const out = new Uint8Array(1);
  fillBernoulli(out, seed, offset, p, i);
  return out[0];
}
