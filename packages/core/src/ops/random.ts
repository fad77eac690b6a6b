/**
 * Random tensors from the seeded counter-based generator. The numbers depend only on the seed
 * and the generator's position, never on the device, so a seeded run is reproducible anywhere.
 */
import { type DType, isFloat } from '../dtype';
import { ArgumentError, DTypeError } from '../errors';
import { defaultGenerator, type Generator } from '../random/generator';
import { checkShape, normalizeAxis, sizeOf } from '../shape';
import type { Tensor } from '../tensor';
import { type CreateOptions, fromArray } from './creation';
import { cast } from './elementwise';
import { indexSelect } from './indexing';
import { scope } from '../memory';

/** Options of the random ops: which generator to draw from. */
export interface RandomOptions {
  /** The generator to draw from (the global one, seeded by `manualSeed`, when omitted). */
  generator?: Generator;
}

type FloatOptions = CreateOptions & RandomOptions;

function floatDType(dtype: DType | undefined): 'float32' | 'float64' {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') throw new DTypeError(`random floats come as float32 or float64, not ${d}`);
  return d;
}

/** Uniform on `[low, high)`. */
export function rand(shape: readonly number[], opts: FloatOptions & { low?: number; high?: number } = {}): Tensor {
  checkShape(shape);
  const { low = 0, high = 1 } = opts;
  const dtype = floatDType(opts.dtype);
  const gen = opts.generator ?? defaultGenerator();
  const u: Float32Array | Float64Array = dtype === 'float64' ? gen.uniform(sizeOf(shape), 'float64') : gen.uniform(sizeOf(shape), 'float32');
  if (low !== 0 || high !== 1) for (let i = 0; i < u.length; i++) u[i] = low + (high - low) * u[i];
  return fromArray(u, shape, { ...opts, dtype });
}

/** Normal with `mean` and `std` (standard normal by default). */
export function randn(shape: readonly number[], opts: FloatOptions & { mean?: number; std?: number } = {}): Tensor {
  checkShape(shape);
  const dtype = floatDType(opts.dtype);
  const gen = opts.generator ?? defaultGenerator();
  const [n, mean, std] = [sizeOf(shape), opts.mean ?? 0, opts.std ?? 1];
  const data = dtype === 'float64' ? gen.normal(n, 'float64', mean, std) : gen.normal(n, 'float32', mean, std);
  return fromArray(data, shape, { ...opts, dtype });
}

/** Integers uniform on `[low, high)`, int32. */
export function randint(low: number, high: number, shape: readonly number[], opts: CreateOptions & RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) throw new ArgumentError(`randint needs integers low < high, got [${low}, ${high})`);
  checkShape(shape);
  const data = (opts.generator ?? defaultGenerator()).randint(sizeOf(shape), low, high);
  return fromArray(data, shape, { ...opts, dtype: 'int32' });
}

/** 1 with probability `p`, else 0, as float32 (or `dtype`). */
export function bernoulli(shape: readonly number[], p: number, opts: CreateOptions & RandomOptions = {}): Tensor {
  const dtype = opts.dtype ?? 'float32';
  if (dtype === 'bool') return bernoulliMask(shape, p, opts);
  if (!isFloat(dtype) && dtype !== 'int32') throw new DTypeError(`bernoulli cannot produce ${dtype}`);
  return scope(() => cast(bernoulliMask(shape, p, opts), dtype));
}

/** @internal a bool mask that is true with probability `p` */
export function bernoulliMask(shape: readonly number[], p: number, opts: CreateOptions & RandomOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`bernoulli probability must be in [0, 1], got ${p}`);
  checkShape(shape);
  const data = (opts.generator ?? defaultGenerator()).bernoulli(sizeOf(shape), p);
  return fromArray(data, shape, { device: opts.device, dtype: 'bool' });
}

/**
 * A uniformly random permutation of `0 … n − 1`, as int32 (`torch.randperm`). Seeded runs give
 * the same permutation on every device: it is drawn on the host from the generator (Fisher–Yates
 * driven by Philox; `random/distributions.ts` documents the exact mapping) and then uploaded.
 * @example const order = randperm(dataset.length, { generator: new Generator(0) });
 */
export function randperm(n: number, opts: RandomOptions & Pick<CreateOptions, 'device'> & { dtype?: 'int32' } = {}): Tensor {
  if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 31) throw new ArgumentError(`randperm needs an integer count in [0, 2^31], got ${n}`);
  if (opts.dtype !== undefined && opts.dtype !== 'int32') throw new DTypeError(`randperm gives int32 indices, not ${String(opts.dtype)}`);
  const data = (opts.generator ?? defaultGenerator()).permutation(n);
  return fromArray(data, [n], { device: opts.device, dtype: 'int32' });
}

/**
 * `x` with its slices along `axis` (default 0: the rows) in a random order, the same order for
 * every column: `indexSelect(x, axis, randperm(x.shape[axis]))`. Differentiable like indexSelect.
 * @example const [xs, ys] = … // shuffle features and labels together: take one randperm and indexSelect both
 */
export function shuffle(x: Tensor, opts: RandomOptions & { axis?: number } = {}): Tensor {
  if (x.rank === 0) throw new ArgumentError('shuffle needs a tensor with at least one dimension');
  const axis = normalizeAxis(opts.axis ?? 0, x.rank);
  return scope(() => indexSelect(x, axis, randperm(x.shape[axis], { generator: opts.generator, device: x.device })));
}
