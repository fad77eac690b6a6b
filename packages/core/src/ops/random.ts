/**
 * Random tensors from the seeded counter-based generator. The numbers depend only on the seed
 * and the generator's position, never on the device, so a seeded run is reproducible anywhere.
 */
import { type DType, isFloat } from '../dtype';
import { ArgumentError, DTypeError } from '../errors';
import { defaultGenerator, type Generator } from '../random/index';
import { checkShape, sizeOf } from '../shape';
import type { Tensor } from '../tensor';
import { type CreateOptions, fromArray } from './creation';
import { cast } from './elementwise';
import { scope } from '../memory';

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
