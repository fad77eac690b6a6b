import { describe, expect, it } from 'vitest';
import { decodeTensor } from './safetensors-decode';
import { SafetensorsError } from './safetensors-error';
import { parseSafetensors, readSafetensorsHeader } from './safetensors-read';
import { compareCodePoints, serializeSafetensors, type TensorToWrite } from './safetensors-write';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SafetensorsError);
    return (err as SafetensorsError).code;
  }
  return undefined;
}

describe('serializeSafetensors', () => {
  it('writes the exact bytes the spec (and Python) gives for a tiny file', () => {
    const bytes = serializeSafetensors(
      { b: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }, a: { dtype: 'I64', shape: [1], data: new BigInt64Array([7n]) } },
      { format: 'pt' },
    );
    // I64 sorts before F32 (wider dtypes first); the 139-byte JSON is padded with 5 spaces to 144.
    const header =
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}';
    expect(header.length).toBe(139);
    const expected = [
      ...[144, 0, 0, 0, 0, 0, 0, 0],
      ...Array.from(header, (c) => c.charCodeAt(0)),
      ...[0x20, 0x20, 0x20, 0x20, 0x20],
      ...[7, 0, 0, 0, 0, 0, 0, 0],
      ...[0x00, 0x00, 0x80, 0x3f],
      ...[0x00, 0x00, 0x00, 0x40],
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('omits __metadata__ unless given, and pads with spaces to 8 bytes', () => {
    const bytes = serializeSafetensors([{ name: 'x', dtype: 'U8', shape: [1], data: new Uint8Array([5]) }]);
    const text = new TextDecoder().decode(bytes.subarray(8, bytes.length - 1));
    expect(text).toBe('{"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}   ');
    expect((bytes.length - 1) % 8).toBe(0);
  });

  it('round-trips every dtype', () => {
    const tensors: TensorToWrite[] = [
      { name: 'f64', dtype: 'F64', shape: [2], data: new Float64Array([0.1, -1e300]) },
      { name: 'f32', dtype: 'F32', shape: [2, 2], data: new Float32Array([1, -2, 0.5, Infinity]) },
      { name: 'f16', dtype: 'F16', shape: [3], data: new Float32Array([1, 2 ** -24, 65520]) },
      { name: 'f16bits', dtype: 'F16', shape: [1], data: new Uint16Array([0x3555]) },
      { name: 'bf16', dtype: 'BF16', shape: [2], data: new Float32Array([1 + 3 * 2 ** -8, -3]) },
      { name: 'i64', dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 40n), 3n]) },
      { name: 'i64from32', dtype: 'I64', shape: [2], data: new Int32Array([-100, 30521]) },
      { name: 'i32', dtype: 'I32', shape: [1], data: new Int32Array([-7]) },
      { name: 'i16', dtype: 'I16', shape: [1], data: new Int16Array([-300]) },
      { name: 'i8', dtype: 'I8', shape: [1], data: new Int8Array([-8]) },
      { name: 'u8', dtype: 'U8', shape: [2], data: new Uint8Array([0, 255]) },
      { name: 'bool', dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 7]) },
      { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
    ];
    const file = parseSafetensors(serializeSafetensors(tensors, { note: 'round trip' }));
    expect(file.metadata).toEqual({ note: 'round trip' });
    const get = (n: string) => file.tensors.get(n)!;
    expect(get('f32').shape).toEqual([2, 2]);
    expect(Array.from(decodeTensor(get('f64'), 'float64'))).toEqual([0.1, -1e300]);
    expect(Array.from(decodeTensor(get('f32'), 'float32'))).toEqual([1, -2, 0.5, Infinity]);
    expect(Array.from(decodeTensor(get('f16'), 'float32'))).toEqual([1, 2 ** -24, Infinity]);
    expect(Array.from(decodeTensor(get('f16bits'), 'float16'))).toEqual([0x3555]);
    expect(Array.from(decodeTensor(get('bf16'), 'float32'))).toEqual([1 + 2 ** -6, -3]);
    expect(Array.from(decodeTensor(get('i64'), 'float64'))).toEqual([-(2 ** 40), 3]);
    expect(Array.from(decodeTensor(get('i64from32'), 'int32'))).toEqual([-100, 30521]);
    expect(Array.from(decodeTensor(get('i32'), 'int32'))).toEqual([-7]);
    expect(Array.from(decodeTensor(get('i16'), 'int32'))).toEqual([-300]);
    expect(Array.from(decodeTensor(get('i8'), 'int32'))).toEqual([-8]);
    expect(Array.from(decodeTensor(get('u8'), 'int32'))).toEqual([0, 255]);
    expect(Array.from(get('bool').bytes)).toEqual([1, 0, 1]);
    expect(get('empty').shape).toEqual([0, 4]);
    // Written in Python's order: dtype rank descending (I64 > F64 > F32 > I32 > BF16 > F16 > I16 > I8 > U8 > BOOL), then name.
    const order = readSafetensorsHeader(serializeSafetensors(tensors)).tensors.map((t) => t.name);
    expect(order).toEqual(['i64', 'i64from32', 'f64', 'empty', 'f32', 'i32', 'bf16', 'f16', 'f16bits', 'i16', 'i8', 'u8', 'bool']);
  });

  it('is deterministic: same tensors in any order or form give the same bytes', () => {
    const a = { name: 'a', dtype: 'F32', shape: [1], data: new Float32Array([1]) } as const;
    const b = { name: 'b', dtype: 'F32', shape: [1], data: new Float32Array([2]) } as const;
    const first = serializeSafetensors([a, b], { x: '1', y: '2' });
    expect(serializeSafetensors([a, b], { x: '1', y: '2' })).toEqual(first);
    expect(serializeSafetensors([b, a], { y: '2', x: '1' })).toEqual(first);
    expect(serializeSafetensors({ b, a }, { x: '1', y: '2' })).toEqual(first);
  });

  it('accepts raw bytes, so a parsed tensor can be written back unchanged', () => {
    const original = serializeSafetensors([{ name: 'w', dtype: 'BF16', shape: [2], data: new Uint16Array([0x3f80, 0x4000]) }]);
    const raw = parseSafetensors(original).tensors.get('w')!;
    expect(serializeSafetensors([raw])).toEqual(original);
  });

  it('sorts names by code point, as Rust does', () => {
    const names = ['\u{1F600}', '\uFFFD', 'a', 'B', 'a\u{1F600}', 'ab'];
    expect([...names].sort(compareCodePoints)).toEqual(['B', 'a', 'ab', 'a\u{1F600}', '\uFFFD', '\u{1F600}']);
    const bytes = serializeSafetensors(names.map((name) => ({ name, dtype: 'U8' as const, shape: [0], data: new Uint8Array(0) })));
    expect(readSafetensorsHeader(bytes).tensors.map((t) => t.name)).toEqual(['B', 'a', 'ab', 'a\u{1F600}', '\uFFFD', '\u{1F600}']);
  });

  it.each([
    [
      'a repeated name',
      [
        { name: 'w', dtype: 'U8', shape: [0], data: new Uint8Array(0) },
        { name: 'w', dtype: 'U8', shape: [0], data: new Uint8Array(0) },
      ],
    ],
    ['the reserved name __metadata__', [{ name: '__metadata__', dtype: 'U8', shape: [0], data: new Uint8Array(0) }]],
    ['too few elements', [{ name: 'w', dtype: 'F32', shape: [2, 2], data: new Float32Array(3) }]],
    ['the wrong array type', [{ name: 'w', dtype: 'F32', shape: [1], data: new Float64Array(1) }]],
    ['Int32Array data for I16', [{ name: 'w', dtype: 'I16', shape: [1], data: new Int32Array(1) }]],
    ['a bad shape', [{ name: 'w', dtype: 'F32', shape: [-1], data: new Float32Array(0) }]],
    ['an unwritable dtype', [{ name: 'w', dtype: 'U16', shape: [1], data: new Uint16Array(1) }]],
    ['raw bytes of the wrong length', [{ name: 'w', dtype: 'F32', shape: [2], bytes: new Uint8Array(4) }]],
    ['no data at all', [{ name: 'w', dtype: 'F32', shape: [2] }]],
  ])('rejects %s', (_, tensors) => {
    expect(codeOf(() => serializeSafetensors(tensors as unknown as TensorToWrite[]))).toBe('safetensors_invalid_tensor');
  });

  it('rejects metadata values that are not strings', () => {
    expect(codeOf(() => serializeSafetensors([], { epochs: 3 } as unknown as Record<string, string>))).toBe('safetensors_invalid_metadata');
  });

  it('writes an empty file that parses', () => {
    const file = parseSafetensors(serializeSafetensors([]));
    expect(file.tensors.size).toBe(0);
  });
});
