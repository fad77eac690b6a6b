import { describe, expect, it } from 'vitest';
import { DTypeError } from '../errors';
import { defaultDTypeFor, SAFETENSORS_DTYPES, type SafetensorsDType } from './safetensors-dtype';
import { decodeTensor, swapBytes } from './safetensors-decode';
import { SafetensorsError } from './safetensors-error';

/** A stored tensor whose bytes are the host bytes of `data`. */
function stored(dtype: SafetensorsDType, data: ArrayBufferView, name = 't') {
  return { name, dtype, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** The same bytes copied to an odd offset of a larger buffer, as a slice of a file would be. */
function unaligned(bytes: Uint8Array): Uint8Array {
  const buf = new Uint8Array(bytes.length + 3);
  buf.set(bytes, 1);
  return buf.subarray(1, 1 + bytes.length);
}

describe('decodeTensor', () => {
  it('decodes F16 to float32 and float64, including subnormals, infinities and NaN', () => {
    const raw = stored('F16', new Uint16Array([0x3c00, 0x0001, 0x03ff, 0x7c00, 0xfc00, 0x7e00, 0x8000]));
    for (const target of ['float32', 'float64'] as const) {
      const out = decodeTensor(raw, target);
      expect(out).toBeInstanceOf(target === 'float32' ? Float32Array : Float64Array);
      expect(Array.from(out.subarray(0, 5))).toEqual([1, 2 ** -24, 1023 * 2 ** -24, Infinity, -Infinity]);
      expect(out[5]).toBeNaN();
      expect(Object.is(out[6], -0)).toBe(true);
    }
  });

  it('decodes BF16, F32 and F64 to either float width', () => {
    expect(Array.from(decodeTensor(stored('BF16', new Uint16Array([0x3f80, 0xc040])), 'float32'))).toEqual([1, -3]);
    expect(Array.from(decodeTensor(stored('BF16', new Uint16Array([0x3e20])), 'float64'))).toEqual([0.15625]);
    expect(Array.from(decodeTensor(stored('F32', new Float32Array([0.1])), 'float64'))).toEqual([Math.fround(0.1)]);
    expect(Array.from(decodeTensor(stored('F64', new Float64Array([0.1, 1e300])), 'float32'))).toEqual([Math.fround(0.1), Infinity]);
    expect(Array.from(decodeTensor(stored('F64', new Float64Array([0.1])), 'float64'))).toEqual([0.1]);
  });

  it('encodes floats to float16 bit patterns', () => {
    expect(Array.from(decodeTensor(stored('F32', new Float32Array([1, 65520])), 'float16'))).toEqual([0x3c00, 0x7c00]);
    expect(Array.from(decodeTensor(stored('F16', new Uint16Array([0x3555])), 'float16'))).toEqual([0x3555]);
    expect(Array.from(decodeTensor(stored('BF16', new Uint16Array([0x3f80])), 'float16'))).toEqual([0x3c00]);
  });

  it('decodes I64 token ids and -100 labels to int32', () => {
    const raw = stored('I64', new BigInt64Array([0n, 30521n, -100n, 2147483647n, -2147483648n]));
    expect(Array.from(decodeTensor(raw, 'int32'))).toEqual([0, 30521, -100, 2147483647, -2147483648]);
  });

  it('refuses I64 values outside int32 with the tensor name and index', () => {
    for (const v of [2147483648n, -2147483649n, 2n ** 40n]) {
      const raw = stored('I64', new BigInt64Array([1n, v]), 'labels');
      const err = (() => {
        try {
          decodeTensor(raw, 'int32');
        } catch (e) {
          return e;
        }
      })() as SafetensorsError;
      expect(err).toBeInstanceOf(SafetensorsError);
      expect(err.code).toBe('safetensors_value_out_of_range');
      expect(err.message).toContain("'labels'");
      expect(err.message).toContain(`${v} at index 1`);
    }
  });

  it('decodes I64 to floats exactly below 2^53', () => {
    const raw = stored('I64', new BigInt64Array([2n ** 40n + 3n, -(2n ** 52n) - 1n, -1n]));
    expect(Array.from(decodeTensor(raw, 'float64'))).toEqual([2 ** 40 + 3, -(2 ** 52) - 1, -1]);
  });

  it('decodes narrow integers to int32 and floats', () => {
    expect(Array.from(decodeTensor(stored('I32', new Int32Array([-5, 7])), 'int32'))).toEqual([-5, 7]);
    expect(Array.from(decodeTensor(stored('I16', new Int16Array([-32768, 5])), 'int32'))).toEqual([-32768, 5]);
    expect(Array.from(decodeTensor(stored('I8', new Int8Array([-128, 127])), 'int32'))).toEqual([-128, 127]);
    expect(Array.from(decodeTensor(stored('U8', new Uint8Array([0, 255])), 'int32'))).toEqual([0, 255]);
    expect(Array.from(decodeTensor(stored('I16', new Int16Array([-3])), 'float32'))).toEqual([-3]);
  });

  it('decodes BOOL and U8 to bool as 0/1', () => {
    expect(Array.from(decodeTensor(stored('BOOL', new Uint8Array([0, 1, 1, 0])), 'bool'))).toEqual([0, 1, 1, 0]);
    expect(Array.from(decodeTensor(stored('U8', new Uint8Array([0, 2, 255])), 'bool'))).toEqual([0, 1, 1]);
    expect(Array.from(decodeTensor(stored('BOOL', new Uint8Array([0, 1])), 'float32'))).toEqual([0, 1]);
    expect(Array.from(decodeTensor(stored('I64', new BigInt64Array([0n, 2n ** 40n])), 'bool'))).toEqual([0, 1]);
  });

  it('refuses lossy float → int32 / bool conversions with a DTypeError', () => {
    expect(() => decodeTensor(stored('F32', new Float32Array([1])), 'int32')).toThrow(DTypeError);
    expect(() => decodeTensor(stored('BF16', new Uint16Array([1]), 'w'), 'bool')).toThrow(/'w'.*BF16.*bool/);
  });

  it('copies instead of failing when the bytes are not aligned', () => {
    const cases: Array<[SafetensorsDType, ArrayBufferView, number[]]> = [
      ['F32', new Float32Array([1.5, -2]), [1.5, -2]],
      ['F64', new Float64Array([0.1]), [0.1]],
      ['I64', new BigInt64Array([-100n, 5n]), [-100, 5]],
      ['F16', new Uint16Array([0x3c00]), [1]],
      ['I32', new Int32Array([123456]), [123456]],
    ];
    for (const [dtype, data, expected] of cases) {
      const bytes = unaligned(stored(dtype, data).bytes);
      expect(bytes.byteOffset % 2).toBe(1);
      const target = dtype === 'F64' ? 'float64' : dtype.startsWith('F') ? 'float32' : 'int32';
      expect(Array.from(decodeTensor({ dtype, bytes }, target))).toEqual(expected);
    }
  });

  it('returns a copy, never a view of the file', () => {
    const bytes = stored('F32', new Float32Array([1, 2])).bytes;
    const out = decodeTensor({ dtype: 'F32', bytes }, 'float32');
    out[0] = 9;
    expect(new Float32Array(bytes.buffer)[0]).toBe(1);
  });

  it('rejects a byte count that is not whole elements', () => {
    const err = (() => {
      try {
        decodeTensor({ name: 'x', dtype: 'F32', bytes: new Uint8Array(6) }, 'float32');
      } catch (e) {
        return e as SafetensorsError;
      }
    })();
    expect(err?.code).toBe('safetensors_shape_mismatch');
  });
});

describe('defaultDTypeFor', () => {
  it('maps floats to float32 (F64 to float64), integers to int32 and BOOL to bool', () => {
    const table = Object.fromEntries(SAFETENSORS_DTYPES.map((d) => [d, defaultDTypeFor(d)]));
    expect(table).toEqual({
      F64: 'float64',
      F32: 'float32',
      F16: 'float32',
      BF16: 'float32',
      I64: 'int32',
      I32: 'int32',
      I16: 'int32',
      I8: 'int32',
      U8: 'int32',
      BOOL: 'bool',
    });
  });
});

describe('swapBytes', () => {
  it('reverses each element in place (the big-endian path)', () => {
    const b = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    swapBytes(b, 4);
    expect(Array.from(b)).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    swapBytes(b, 8);
    expect(Array.from(b)).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
  });
});
