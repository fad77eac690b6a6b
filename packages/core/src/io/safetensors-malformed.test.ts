import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { DTypeError, GraftError } from '../errors';
import { defaultDTypeFor } from './safetensors-dtype';
import { decodeTensor } from './safetensors-decode';
import { SafetensorsError } from './safetensors-error';
import { parseSafetensors } from './safetensors-read';

/** A file with this header text (used verbatim) followed by `dataLength` zero bytes. */
function fileWith(header: string | object, dataLength = 0): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + dataLength);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 8);
  return bytes;
}

/** The SafetensorsError `fn` throws (failing the test if it throws anything else, or nothing). */
function errorOf(fn: () => unknown): SafetensorsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SafetensorsError);
    return err as SafetensorsError;
  }
  throw new Error('expected a SafetensorsError, but nothing was thrown');
}

const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

describe('malformed safetensors files', () => {
  it.each([0, 1, 7])('rejects a %i-byte file as truncated', (n) => {
    expect(errorOf(() => parseSafetensors(new Uint8Array(n))).code).toBe('safetensors_truncated');
  });

  it('rejects a header length past the end of the file', () => {
    const bytes = fileWith({ w: f32([1], 0, 4) }, 4);
    new DataView(bytes.buffer).setUint32(0, bytes.length, true);
    expect(errorOf(() => parseSafetensors(bytes)).code).toBe('safetensors_truncated');
  });

  it('refuses a huge declared header before reading it', () => {
    const low = new Uint8Array(16);
    new DataView(low.buffer).setUint32(0, 100_000_001, true);
    expect(errorOf(() => parseSafetensors(low)).code).toBe('safetensors_header_too_large');
    const high = new Uint8Array(16);
    new DataView(high.buffer).setUint32(4, 1, true);
    const err = errorOf(() => parseSafetensors(high));
    expect(err.code).toBe('safetensors_header_too_large');
    expect(err.message).toContain('4294967296');
  });

  it.each([
    ['invalid UTF-8', '{"a\xff":1}', /UTF-8/],
    ['not JSON', '{"w": ', /not valid JSON/],
    ['a JSON array', '[1,2]', /not an object/],
    ['JSON null', 'null', /not an object/],
    ['a JSON string', '"{}"', /not an object/],
    ['a JSON object followed by junk', '{} x', /not valid JSON/],
  ])('rejects a header that is %s', (_, header, message) => {
    const bytes = header.includes('\xff') ? withByte(fileWith(header.replace('\xff', 'X')), 'X', 0xff) : fileWith(header);
    const err = errorOf(() => parseSafetensors(bytes));
    expect(err.code).toBe('safetensors_invalid_json');
    expect(err.message).toMatch(message);
  });

  it.each([
    ['an entry that is not an object', { w: 3 }, 'safetensors_invalid_entry'],
    ['a missing dtype', { w: { shape: [1], data_offsets: [0, 4] } }, 'safetensors_invalid_entry'],
    ['dtype F8_E4M3', { w: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }, 'safetensors_unknown_dtype'],
    ['dtype U16', { w: { dtype: 'U16', shape: [2], data_offsets: [0, 4] } }, 'safetensors_unknown_dtype'],
    ['dtype C64', { w: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, 'safetensors_unknown_dtype'],
    ['dtype FLOAT', { w: { dtype: 'FLOAT', shape: [1], data_offsets: [0, 4] } }, 'safetensors_unknown_dtype'],
    ['a negative shape', { w: f32([-1], 0, 4) }, 'safetensors_invalid_shape'],
    ['a fractional shape', { w: f32([1.5], 0, 4) }, 'safetensors_invalid_shape'],
    ['a string shape entry', { w: { dtype: 'F32', shape: ['1'], data_offsets: [0, 4] } }, 'safetensors_invalid_shape'],
    ['a shape that is not a list', { w: { dtype: 'F32', shape: 1, data_offsets: [0, 4] } }, 'safetensors_invalid_shape'],
    ['an astronomically large shape', { w: f32([2 ** 30, 2 ** 30, 2 ** 30], 0, 4) }, 'safetensors_invalid_shape'],
    ['offsets that end before they begin', { w: f32([0], 4, 0) }, 'safetensors_bad_offsets'],
    ['one offset', { w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 'safetensors_bad_offsets'],
    ['string offsets', { w: { dtype: 'F32', shape: [1], data_offsets: ['0', '4'] } }, 'safetensors_bad_offsets'],
    ['a negative offset', { w: f32([1], -4, 0) }, 'safetensors_bad_offsets'],
    ['a byte size that disagrees with the shape', { w: f32([2], 0, 4) }, 'safetensors_shape_mismatch'],
    ['a hole between tensors', { a: f32([1], 0, 4), w: f32([1], 8, 12) }, 'safetensors_bad_offsets'],
    ['a hole at the start', { w: f32([1], 4, 8) }, 'safetensors_bad_offsets'],
    ['overlapping tensors', { a: f32([2], 0, 8), w: f32([1], 4, 8) }, 'safetensors_overlap'],
    ['two tensors on the same bytes', { a: f32([1], 0, 4), w: f32([1], 0, 4) }, 'safetensors_overlap'],
    ['data past the end of the file', { a: f32([1], 0, 4), w: f32([4], 4, 20) }, 'safetensors_truncated'],
    ['metadata with a number value', { __metadata__: { epochs: 3 } }, 'safetensors_invalid_metadata'],
    ['metadata that is a list', { __metadata__: ['pt'] }, 'safetensors_invalid_metadata'],
  ])('rejects %s', (_, header, code) => {
    const err = errorOf(() => parseSafetensors(fileWith(header, 12)));
    expect(err.code).toBe(code);
    if (code !== 'safetensors_invalid_metadata') {
      expect(err.tensor).toBe('w');
      expect(err.message).toContain("'w'");
    }
  });

  it('names the unsupported dtype in the message', () => {
    const err = errorOf(() => parseSafetensors(fileWith({ w: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }, 4)));
    expect(err.message).toMatch(/'w'.*F8_E4M3.*not supported/);
  });

  it('accepts JSON whitespace around the header object, as Python does', () => {
    const file = parseSafetensors(fileWith(' \n{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}\t', 1));
    expect([...file.tensors.keys()]).toEqual(['w']);
  });

  it('rejects trailing bytes that belong to no tensor, as Python does', () => {
    const err = errorOf(() => parseSafetensors(fileWith({ w: f32([1], 0, 4) }, 5)));
    expect(err.code).toBe('safetensors_bad_offsets');
    expect(err.message).toContain('1 trailing');
  });

  it('is a FormatError and GraftError with a stable code', () => {
    const err = errorOf(() => parseSafetensors(new Uint8Array(3)));
    expect(err).toBeInstanceOf(GraftError);
    expect(err.name).toBe('SafetensorsError');
  });
});

/** `bytes` with the first occurrence of `marker` replaced by the raw byte `value`. */
function withByte(bytes: Uint8Array, marker: string, value: number): Uint8Array {
  const at = bytes.indexOf(marker.charCodeAt(0), 8);
  bytes[at] = value;
  return bytes;
}

/** mulberry32: a tiny seeded generator, so the fuzz cases are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('fuzzing a real fixture', () => {
  it('throws nothing but SafetensorsError for 500 truncations and bit flips', () => {
    const original = new Uint8Array(readFileSync(assetPath('fixtures', 'losses', 'ce-and-distill', 'io.safetensors')));
    const headerEnd = 8 + new DataView(original.buffer).getUint32(0, true);
    const random = rng(1234);
    const outcomes = { parsed: 0, rejected: 0 };
    for (let iter = 0; iter < 500; iter++) {
      let bytes: Uint8Array;
      const kind = iter % 3;
      if (kind === 0) {
        bytes = original.slice(0, Math.floor(random() * original.length));
      } else {
        bytes = original.slice();
        // Most flips land in the header (where they matter); some in the length prefix and the data.
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f++) {
          const region = random();
          const at = region < 0.1 ? Math.floor(random() * 8) : region < 0.85 ? 8 + Math.floor(random() * (headerEnd - 8)) : Math.floor(random() * bytes.length);
          bytes[at] ^= 1 << Math.floor(random() * 8);
        }
        if (kind === 2) bytes = bytes.subarray(0, bytes.length - Math.floor(random() * 16));
      }
      try {
        const file = parseSafetensors(bytes);
        for (const raw of file.tensors.values()) {
          try {
            decodeTensor(raw, defaultDTypeFor(raw.dtype));
          } catch (err) {
            // A flipped high word of an I64 label can legitimately leave the int32 range.
            if (!(err instanceof SafetensorsError || err instanceof DTypeError)) throw err;
          }
        }
        outcomes.parsed++;
      } catch (err) {
        if (!(err instanceof SafetensorsError)) throw new Error(`case ${iter}: ${String(err)}`);
        outcomes.rejected++;
      }
    }
    expect(outcomes.parsed + outcomes.rejected).toBe(500);
    expect(outcomes.rejected).toBeGreaterThan(250);
  }, 20_000);
});
