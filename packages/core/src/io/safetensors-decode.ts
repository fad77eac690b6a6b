/**
 * Turning a stored tensor's bytes into the typed array of a Graft dtype. Conversions that can
 * lose meaning are refused (floats to int32 or bool) or checked value by value (I64 token ids to
 * int32), so a model never trains on silently wrapped labels.
 */
import type { DType, TypedArrayFor } from '../dtype';
import { DTypeError } from '../errors';
import { decodeBFloat16Array, decodeFloat16Array, encodeFloat16 } from './half-float';
import { quoted, SafetensorsError } from './safetensors-error';
import { isSafetensorsFloat, safetensorsItemSize, type SafetensorsDType } from './safetensors-dtype';

/** The parts of a stored tensor {@link decodeTensor} needs (a {@link RawTensor} has them all). */
export interface EncodedTensor {
  name?: string;
  dtype: SafetensorsDType;
  bytes: Uint8Array;
}

/** Options for {@link decodeTensor}. */
export interface DecodeOptions {
  /** The name used in error messages (defaults to the tensor's own `name`). */
  name?: string;
}

/** Whether this machine stores numbers little-endian, as safetensors does (true on every mainstream CPU). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes a stored tensor into a fresh array of `target`: floats (F16, BF16, F32, F64) to float32,
 * float64 or float16 (bit patterns, round to nearest even); integers to int32 (I64 checked against
 * the int32 range), to floats, or to bool; BOOL and U8 to bool (any non-zero byte is 1).
 */
export function decodeTensor<D extends DType>(raw: EncodedTensor, target: D, options: DecodeOptions = {}): TypedArrayFor<D> {
  const name = options.name ?? raw.name ?? '<unnamed>';
  const itemSize = safetensorsItemSize(raw.dtype);
  if (raw.bytes.length % itemSize !== 0) {
    throw new SafetensorsError(
      'safetensors_shape_mismatch',
      `tensor ${quoted(name)}: ${raw.bytes.length} bytes is not a whole number of ${raw.dtype} elements`,
      name,
    );
  }
  const count = raw.bytes.length / itemSize;
  const src = sourceView(raw.dtype, raw.bytes, count);
  switch (target) {
    case 'float32':
    case 'float64': {
      const out = target === 'float32' ? new Float32Array(count) : new Float64Array(count);
      toFloat(raw.dtype, src, out);
      return out as TypedArrayFor<D>;
    }
    case 'float16':
      return toFloat16(raw.dtype, src, count) as TypedArrayFor<D>;
    case 'int32':
      if (isSafetensorsFloat(raw.dtype)) throw refused(name, raw.dtype, target);
      return toInt32(raw.dtype, src, count, name) as TypedArrayFor<D>;
    case 'bool':
      if (isSafetensorsFloat(raw.dtype)) throw refused(name, raw.dtype, target);
      return toBool(raw.dtype, src, count) as TypedArrayFor<D>;
  }
  throw new DTypeError(`tensor ${quoted(name)}: unknown target dtype '${String(target)}'`);
}

type SourceArray = Float64Array | Float32Array | Uint16Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/**
 * A typed view of the stored elements. Typed arrays need an aligned byte offset (and host byte
 * order), so when the view would be unaligned — a file slice at an odd offset — we copy first.
 * I64 is viewed as Int32 pairs (low word, high word) so no BigInt is ever created.
 */
function sourceView(dtype: SafetensorsDType, bytes: Uint8Array, count: number): SourceArray {
  const itemSize = safetensorsItemSize(dtype);
  const wordSize = dtype === 'I64' ? 4 : itemSize;
  let buf = bytes;
  if (!HOST_IS_LITTLE_ENDIAN || bytes.byteOffset % wordSize !== 0) {
    buf = bytes.slice();
    if (!HOST_IS_LITTLE_ENDIAN) swapBytes(buf, wordSize);
  }
  const { buffer, byteOffset } = buf;
  switch (dtype) {
    case 'F64':
      return new Float64Array(buffer, byteOffset, count);
    case 'F32':
      return new Float32Array(buffer, byteOffset, count);
    case 'F16':
    case 'BF16':
      return new Uint16Array(buffer, byteOffset, count);
    case 'I64':
      return new Int32Array(buffer, byteOffset, count * 2);
    case 'I32':
      return new Int32Array(buffer, byteOffset, count);
    case 'I16':
      return new Int16Array(buffer, byteOffset, count);
    case 'I8':
      return new Int8Array(buffer, byteOffset, count);
    case 'U8':
    case 'BOOL':
      return new Uint8Array(buffer, byteOffset, count);
  }
}

/** Reverses the bytes of each `size`-byte element in place (only on big-endian hosts). */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** The value of stored I64 element `i` as a double (exact below 2^53, correctly rounded above). */
function i64At(words: SourceArray, i: number): number {
  return words[2 * i + 1] * 2 ** 32 + (words[2 * i] >>> 0);
}

function toFloat(dtype: SafetensorsDType, src: SourceArray, out: Float32Array | Float64Array): void {
  switch (dtype) {
    case 'F16':
      decodeFloat16Array(src, out);
      return;
    case 'BF16':
      decodeBFloat16Array(src, out);
      return;
    case 'I64':
      for (let i = 0; i < out.length; i++) out[i] = i64At(src, i);
      return;
    case 'BOOL':
      for (let i = 0; i < out.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
      return;
    default:
      out.set(src);
  }
}

function toFloat16(dtype: SafetensorsDType, src: SourceArray, count: number): Uint16Array {
  if (dtype === 'F16') return Uint16Array.from(src);
  const wide = new Float32Array(count);
  toFloat(dtype, src, wide);
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) out[i] = encodeFloat16(wide[i]);
  return out;
}

function toInt32(dtype: SafetensorsDType, src: SourceArray, count: number, name: string): Int32Array {
  const out = new Int32Array(count);
  if (dtype === 'I64') {
    for (let i = 0; i < count; i++) {
      const lo = src[2 * i];
      // The value fits int32 exactly when the high word is the sign extension of the low word.
      if (src[2 * i + 1] !== lo >> 31) {
        throw new SafetensorsError(
          'safetensors_value_out_of_range',
          `tensor ${quoted(name)}: I64 value ${BigInt(src[2 * i + 1]) * 2n ** 32n + BigInt(lo >>> 0)} at index ${i} does not fit int32`,
          name,
        );
      }
      out[i] = lo;
    }
  } else if (dtype === 'BOOL') {
    for (let i = 0; i < count; i++) out[i] = src[i] !== 0 ? 1 : 0;
  } else {
    out.set(src);
  }
  return out;
}

function toBool(dtype: SafetensorsDType, src: SourceArray, count: number): Uint8Array {
  const out = new Uint8Array(count);
  if (dtype === 'I64') {
    for (let i = 0; i < count; i++) out[i] = src[2 * i] !== 0 || src[2 * i + 1] !== 0 ? 1 : 0;
  } else {
    for (let i = 0; i < count; i++) out[i] = src[i] !== 0 ? 1 : 0;
  }
  return out;
}

function refused(name: string, from: SafetensorsDType, to: DType): DTypeError {
  return new DTypeError(`tensor ${quoted(name)}: cannot load ${from} data as ${to} without losing values; load it as float32 or float64`);
}
