/**
 * A seeded random generator in the style of PyTorch's Philox generator: a u64 seed (the key) and
 * a u64 offset counting the Philox counters used so far. Its whole state is those two numbers,
 * so checkpoints save it as two strings and a resumed run continues the exact same stream.
 */
import { ArgumentError } from '../errors';
import {
  checkBernoulliArgs,
  checkNormalArgs,
  checkRandintArgs,
  countersFor,
  fillBernoulli,
  fillNormal,
  fillPermutation,
  fillRandint,
  fillUniform,
  type SampleKind,
} from './distributions';
import { philox4x32, splitU64, toU64 } from './philox';

/** A generator's state, JSON-serialisable (decimal strings, since u64 values do not fit a JSON number). */
export interface GeneratorState {
  seed: string;
  offset: string;
}

/** The seed of a fresh default generator: PyTorch's default CPU seed, so "unseeded" runs are still reproducible. */
export const DEFAULT_SEED = 67280421310721n;

const U64_LIMIT = 1n << 64n;

/** A counter-based random generator; see `distributions.ts` for how each draw maps to Philox counters. */
export class Generator {
  #seed: bigint;
  #offset = 0n;

  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.#seed = toU64(seed, 'seed');
  }

  /** A generator seeded from the platform's cryptographic randomness (for runs that need not repeat). */
  static fromEntropy(): Generator {
    const words = new Uint32Array(2);
    globalThis.crypto.getRandomValues(words);
    return new Generator((BigInt(words[1]) << 32n) | BigInt(words[0]));
  }

  /** The u64 seed (the Philox key). */
  get seed(): bigint {
    return this.#seed;
  }

  /** The number of Philox counters consumed since seeding: the next draw starts here. */
  get offset(): bigint {
    return this.#offset;
  }

  /** Reseeds and restarts the stream at offset 0. */
  manualSeed(seed: number | bigint): this {
    this.#seed = toU64(seed, 'seed');
    this.#offset = 0n;
    return this;
  }

  /**
   * Claims the counters for a draw of `n` elements of `kind` and returns where that draw starts,
   * advancing the offset past it. A GPU kernel given this (seed, offset) produces the same numbers
   * as the CPU methods below.
   */
  reserve(kind: SampleKind, n: number): { seed: bigint; offset: bigint } {
    checkCount(n);
    const start = { seed: this.#seed, offset: this.#offset };
    this.#offset = (this.#offset + BigInt(countersFor(kind, n))) % U64_LIMIT;
    return start;
  }

  /** `n` uniform samples in [0, 1). */
  uniform(n: number, dtype?: 'float32'): Float32Array;
  uniform(n: number, dtype: 'float64'): Float64Array;
  uniform(n: number, dtype: 'float32' | 'float64' = 'float32'): Float32Array | Float64Array {
    const out = floatArray(n, dtype);
    const { seed, offset } = this.reserve(dtype === 'float32' ? 'uniform32' : 'uniform64', n);
    fillUniform(out, seed, offset);
    return out;
  }

  /** `n` normal samples with the given mean and standard deviation. */
  normal(n: number, dtype?: 'float32', mean?: number, std?: number): Float32Array;
  normal(n: number, dtype: 'float64', mean?: number, std?: number): Float64Array;
  normal(n: number, dtype: 'float32' | 'float64' = 'float32', mean = 0, std = 1): Float32Array | Float64Array {
    const out = floatArray(n, dtype);
    // Validate before reserving, so a bad argument does not move the stream.
    checkNormalArgs(mean, std);
    const { seed, offset } = this.reserve(dtype === 'float32' ? 'normal32' : 'normal64', n);
    fillNormal(out, seed, offset, mean, std);
    return out;
  }

  /** `n` integers uniform in [low, high) (high exclusive, as in `torch.randint`). */
  randint(n: number, low: number, high: number): Int32Array {
    checkCount(n);
    const out = new Int32Array(n);
    checkRandintArgs(low, high);
    const { seed, offset } = this.reserve('randint', n);
    fillRandint(out, seed, offset, low, high);
    return out;
  }

  /**
   * A uniformly random permutation of 0 … n − 1 (Fisher–Yates driven by a randint draw of n − 1
   * elements; `distributions.ts` gives the exact mapping). Advances the offset by ceil((n − 1) / 2).
   */
  permutation(n: number): Int32Array {
    checkCount(n);
    if (n > 2 ** 31) throw new ArgumentError(`a permutation of int32 values holds at most 2^31 elements, got ${n}`);
    const out = new Int32Array(n);
    const { seed, offset } = this.reserve('randint', Math.max(n - 1, 0));
    fillPermutation(out, seed, offset);
    return out;
  }

  /** `n` draws that are 1 with probability `p` and 0 otherwise. */
  bernoulli(n: number, p: number): Uint8Array {
    checkCount(n);
    const out = new Uint8Array(n);
    checkBernoulliArgs(p);
    const { seed, offset } = this.reserve('bernoulli', n);
    fillBernoulli(out, seed, offset, p);
    return out;
  }

  /** The current state, for checkpoints. */
  getState(): GeneratorState {
    return { seed: this.#seed.toString(), offset: this.#offset.toString() };
  }

  /** Restores a state from {@link getState}; the stream continues exactly where it was. */
  setState(state: GeneratorState): this {
    const seed = parseU64(state?.seed, 'seed');
    const offset = parseU64(state?.offset, 'offset');
    this.#seed = seed;
    this.#offset = offset;
    return this;
  }

  /** An independent copy with the same state: both produce the same numbers from here on. */
  clone(): Generator {
    return new Generator(this.#seed).setState(this.getState());
  }

  /**
   * A new generator on its own stream, seeded from this one's next counter (which this one then
   * skips): deterministic given this generator's state, and different from it and from other forks.
   */
  fork(): Generator {
    const { seed, offset } = this.reserve('uniform32', 4);
    const [k0, k1] = splitU64(seed);
    const [c0, c1] = splitU64(offset);
    const [w0, w1] = philox4x32([c0, c1, 0, 0], [k0, k1]);
    return new Generator((BigInt(w1) << 32n) | BigInt(w0));
  }
}

function checkCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ArgumentError(`sample count must be a non-negative integer, got ${n}`);
}

function floatArray(n: number, dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  checkCount(n);
  if (dtype === 'float32') return new Float32Array(n);
  if (dtype === 'float64') return new Float64Array(n);
  throw new ArgumentError(`random floats are float32 or float64, got '${String(dtype)}'`);
}

function parseU64(text: unknown, what: string): bigint {
  if (typeof text !== 'string' || !/^\d{1,20}$/.test(text) || BigInt(text) >= U64_LIMIT) {
    throw new ArgumentError(`generator state ${what} must be a decimal string of an unsigned 64-bit integer, got ${JSON.stringify(text)}`);
  }
  return BigInt(text);
}

let defaultGen: Generator | undefined;

/** The process-wide generator used when no generator is passed (seeded with {@link DEFAULT_SEED} until reseeded). */
export function defaultGenerator(): Generator {
  defaultGen ??= new Generator(DEFAULT_SEED);
  return defaultGen;
}

/** Reseeds the default generator (like `torch.manual_seed`) and returns it. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator().manualSeed(seed);
}
