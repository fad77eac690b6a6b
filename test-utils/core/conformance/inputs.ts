/**
 * Host-side inputs of conformance cases: plain values and shapes that become tensors on the device
 * under test and, upcast to float64, on the CPU reference. Values come from the seeded generator,
 * so every run and every backend sees the same numbers.
 */
import { Generator, tensor, type DType, type Tensor } from '@graft/core';

export interface HostInput {
  readonly data: readonly number[];
  readonly shape: readonly number[];
  readonly dtype: DType;
}

const gen = new Generator(20260105);

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Uniform float32 values in `[lo, hi)`, rounded to float32 so both sides start from equal numbers. */
export function f32(shape: readonly number[], lo = -1, hi = 1): HostInput {
  const u = gen.uniform(size(shape), 'float32');
  return { data: Array.from(u, (v) => Math.fround(lo + (hi - lo) * v)), shape, dtype: 'float32' };
}

/** Explicit float32 values. */
export function vals(data: readonly number[], shape: readonly number[] = [data.length]): HostInput {
  return { data: data.map(Math.fround), shape, dtype: 'float32' };
}

/** Integers in `[lo, hi)`. */
export function ints(shape: readonly number[], lo: number, hi: number): HostInput {
  const u = gen.uniform(size(shape), 'float64');
  return { data: Array.from(u, (v) => lo + Math.floor((hi - lo) * v)), shape, dtype: 'int32' };
}

/** Explicit int32 values. */
export function ivals(data: readonly number[], shape: readonly number[] = [data.length]): HostInput {
  return { data, shape, dtype: 'int32' };
}

/** Booleans with probability `p` of true. */
export function bools(shape: readonly number[], p = 0.5): HostInput {
  const u = gen.uniform(size(shape), 'float64');
  return { data: Array.from(u, (v) => (v < p ? 1 : 0)), shape, dtype: 'bool' };
}

/**
 * The tensor for `h` on `device`. `reference` upcasts float inputs to float64: the CPU reference
 * computes the same graph in float64, so every backend's float32 result is judged against it.
 */
export function materialize(h: HostInput, device: string, reference: boolean, requiresGrad = false): Tensor {
  const dtype = reference && h.dtype === 'float32' ? 'float64' : h.dtype;
  const t = tensor(h.data as number[], { shape: h.shape, dtype, device });
  return requiresGrad ? t.requiresGrad_() : t;
}
