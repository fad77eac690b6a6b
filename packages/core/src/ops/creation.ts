/** Creating tensors from values, constants and ranges. */
import type { Backend } from '../backend/backend';
import { backends } from '../backend/global';
import { allocArray, arrayDType, type DType, isDType, type TypedArray } from '../dtype';
import { ArgumentError, DTypeError, ShapeError } from '../errors';
import { decodeFloat16Array, encodeFloat16, encodeFloat16Array } from '../io/half-float';
import { checkShape, contiguousStrides, formatShape, sizeOf } from '../shape';
import { Storage } from '../storage';
import { Tensor } from '../tensor';
import { fillInt32, type IntConversionOptions, toInt32 } from './int-conversion';

/** Where a new tensor lives and what it holds: dtype, device, and whether it requires gradients. */
export interface CreateOptions {
  /** The element type (default float32; `tensor()` infers it from its data: whole numbers give int32). */
  dtype?: DType;
  /** Backend name; the default backend when omitted. */
  device?: string;
  /** Make the new tensor a leaf that requires gradients (floating-point dtypes only). */
  requiresGrad?: boolean;
}

/** Nested arrays of numbers or booleans. */
export type NestedArray = number | boolean | readonly NestedArray[];

function backendFor(device?: string): Backend {
  return device === undefined ? backends.default() : backends.get(device);
}

/**
 * Wraps host data (already in the dtype's array type; float16 as binary16 bit patterns) as a
 * tensor on a device. Without `data` the tensor is all zeros: backends allocate zero-filled
 * buffers, so nothing is built on the host or uploaded.
 */
export function fromArray(data: TypedArray | null, shape: readonly number[], opts: CreateOptions & { dtype: DType }): Tensor {
  checkShape(shape);
  const backend = backendFor(opts.device);
  if (!backend.dtypes.includes(opts.dtype)) throw new DTypeError(`backend '${backend.name}' cannot hold ${opts.dtype}`);
  const size = sizeOf(shape);
  if (data && data.length !== size) throw new ShapeError(`${data.length} values do not fill shape ${formatShape(shape)} (${size} elements)`);
  const storage = Storage.alloc(backend, opts.dtype, size);
  if (data && size > 0) backend.write(storage.buffer, opts.dtype, data);
  const t = new Tensor(storage, shape, contiguousStrides(shape), 0);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * A host array of `size` elements of `dtype` to fill with numbers: float16 is filled as float32
 * and encoded by `storageArray`, since its storage array holds bit patterns, not values.
 */
function valueArray(dtype: DType, size: number): TypedArray {
  return dtype === 'float16' ? new Float32Array(size) : allocArray(dtype, size);
}

/** The storage array of `dtype` for an array from `valueArray` (float16 values become binary16 bits). */
function storageArray(dtype: DType, values: TypedArray): TypedArray {
  return dtype === 'float16' ? encodeFloat16Array(values) : values;
}

function inferDType(data: TypedArray | NestedArray): DType {
  if (ArrayBuffer.isView(data)) return arrayDType(data);
  let sawFloat = false;
  let sawNumber = false;
  const visit = (v: NestedArray) => {
    if (typeof v === 'boolean') return;
    if (typeof v === 'number') {
      sawNumber = true;
      if (!Number.isInteger(v)) sawFloat = true;
      return;
    }
    for (const x of v) visit(x);
  };
  visit(data as NestedArray);
  if (!sawNumber) return Array.isArray(data) && (data as NestedArray[]).length === 0 ? 'float32' : 'bool';
  return sawFloat ? 'float32' : 'int32';
}

function nestedShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

/** Fills `out` (of `dtype`'s value array) from nested arrays; int32 values are checked, bool ones become 0/1. */
function flatten(data: NestedArray, shape: number[], out: TypedArray, dtype: DType, rounding: IntConversionOptions['rounding']): void {
  let pos = 0;
  const visit = (v: NestedArray, d: number) => {
    if (d === shape.length) {
      if (Array.isArray(v)) throw new ShapeError('ragged nested array: every row must have the same length');
      const x = typeof v === 'boolean' ? Number(v) : (v as number);
      // bool is nonzero-is-true (as in PyTorch): a raw store into the Uint8Array would make 256 false
      out[pos] = dtype === 'int32' ? toInt32(x, pos, rounding, 'tensor()') : dtype === 'bool' ? Number(x !== 0) : x;
      pos++;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) throw new ShapeError(`ragged nested array: expected ${shape[d]} elements at depth ${d}`);
    for (const x of v) visit(x, d + 1);
  };
  visit(data, 0);
}

/**
 * A tensor from nested arrays, a typed array (flat, with `shape`), or a scalar. Integers give
 * int32, any fraction gives float32, booleans give bool, unless `dtype` says otherwise.
 *
 * Numbers become int32 only when that keeps their value: a fraction, NaN, ±Infinity or an integer
 * outside int32's range throws a LossyConversionError naming the first one and its index (so
 * `tensor([2 ** 32 + 5])` is an error, not 5); `rounding: 'truncate'` drops fractions toward zero
 * instead. Numbers become bool as PyTorch does: nonzero is true.
 * @example tensor([[1, 2], [3, 4]], { dtype: 'float32' })
 * @example tensor(new Float32Array([0, 1.7]), { dtype: 'int32', rounding: 'truncate' }) // [0, 1]
 */
export function tensor(data: NestedArray | TypedArray, opts: CreateOptions & IntConversionOptions & { shape?: readonly number[] } = {}): Tensor {
  const dtype = opts.dtype ?? inferDType(data);
  if (!isDType(dtype)) throw new ArgumentError(`unknown dtype '${String(dtype)}'`);
  if (opts.shape) checkShape(opts.shape);
  if (ArrayBuffer.isView(data)) {
    const shape = opts.shape ?? [data.length];
    const values = arrayDType(data) === dtype ? data : convertArray(data, dtype, opts.rounding);
    return fromArray(values, shape, { ...opts, dtype });
  }
  const shape = nestedShape(data as NestedArray);
  if (opts.shape && sizeOf(opts.shape) !== sizeOf(shape))
    throw new ShapeError(`data of shape ${formatShape(shape)} does not fit shape ${formatShape(opts.shape)}`);
  const out = valueArray(dtype, sizeOf(shape));
  flatten(data as NestedArray, shape, out, dtype, opts.rounding);
  return fromArray(storageArray(dtype, out), opts.shape ?? shape, { ...opts, dtype });
}

/** `data` converted to `dtype`'s storage array. A Uint16Array holds float16 bit patterns, decoded first. */
function convertArray(data: TypedArray, dtype: DType, rounding: IntConversionOptions['rounding']): TypedArray {
  const values = data instanceof Uint16Array ? decodeFloat16Array(data) : data;
  if (dtype === 'float16') return encodeFloat16Array(values);
  if (dtype === 'int32') return fillInt32(new Int32Array(values.length), values, rounding, 'tensor()');
  const out = allocArray(dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = dtype === 'bool' ? Number(values[i] !== 0) : values[i];
  return out;
}

/**
 * A tensor filled with `value` (float16 gets `value` rounded to the nearest half; int32 needs an
 * integer in range unless `rounding: 'truncate'`, as for {@link tensor}).
 */
export function full(shape: readonly number[], value: number, opts: CreateOptions & IntConversionOptions = {}): Tensor {
  checkShape(shape);
  const dtype = opts.dtype ?? 'float32';
  // +0 (not -0, whose sign bit a float tensor keeps) is what a fresh buffer already holds
  if (Object.is(value, 0)) return fromArray(null, shape, { ...opts, dtype });
  if (dtype === 'int32') value = toInt32(value, 0, opts.rounding, 'full()');
  const data = allocArray(dtype, sizeOf(shape));
  data.fill(dtype === 'bool' ? Number(value !== 0) : dtype === 'float16' ? encodeFloat16(value) : value);
  return fromArray(data, shape, { ...opts, dtype });
}

/** A tensor of zeros (float32 unless `dtype` says otherwise). */
export function zeros(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 0, opts);
}

/** A tensor of ones (float32 unless `dtype` says otherwise). */
export function ones(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/** Zeros with `t`'s shape, dtype and device (options override the last two). */
export function zerosLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, device: t.device, ...opts });
}

/** Ones with `t`'s shape, dtype and device (options override the last two). */
export function onesLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, device: t.device, ...opts });
}

/** `value` with `t`'s shape, dtype and device (options override the last two). */
export function fullLike(t: Tensor, value: number, opts: CreateOptions & IntConversionOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, device: t.device, ...opts });
}

/**
 * `[start, stop)` in steps of `step`; `arange(n)` is `0 … n-1`. int32 when all arguments are
 * integers, float32 otherwise (an int32 `dtype` with fractional values needs `rounding`, as for {@link tensor}).
 */
export function arange(start: number, stop?: number, step = 1, opts: CreateOptions & IntConversionOptions = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (![start, stop, step].every(Number.isFinite)) throw new ArgumentError(`arange needs finite numbers, got start ${start}, stop ${stop}, step ${step}`);
  if (step === 0) throw new ArgumentError('arange step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkShape([n], 'arange length');
  const dtype = opts.dtype ?? ([start, stop, step].every(Number.isInteger) ? 'int32' : 'float32');
  const data = valueArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = dtype === 'int32' ? toInt32(start + i * step, i, opts.rounding, 'arange()') : start + i * step;
  return fromArray(storageArray(dtype, data), [n], { ...opts, dtype });
}

/** `num` evenly spaced values from `start` to `stop` inclusive. */
export function linspace(start: number, stop: number, num: number, opts: CreateOptions & IntConversionOptions = {}): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new ArgumentError(`linspace needs a non-negative integer count, got ${num}`);
  const dtype = opts.dtype ?? 'float32';
  const data = valueArray(dtype, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) {
    const v = i === num - 1 && num > 1 ? stop : start + i * step;
    data[i] = dtype === 'int32' ? toInt32(v, i, opts.rounding, 'linspace()') : v;
  }
  return fromArray(storageArray(dtype, data), [num], { ...opts, dtype });
}

/** An `n × m` matrix with ones on the diagonal. */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  checkShape([n, m], 'eye size');
  const dtype = opts.dtype ?? 'float32';
  const data = valueArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromArray(storageArray(dtype, data), [n, m], { ...opts, dtype });
}
