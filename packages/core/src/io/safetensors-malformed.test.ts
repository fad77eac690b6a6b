import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { uniformStream } from '../../../../test-utils/random';
import { DTypeError, GraftError } from '../errors';
import { defaultDTypeFor } from './safetensors-dtype';
import { decodeTensor } from './safetensors-decode';
import { SafetensorsError } from './safetensors-error';
import { readHeaderJson, SAFETENSORS_HEADER_LIMITS } from './safetensors-header-json';
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

describe('hostile headers: bounded work, short messages, no untyped errors', () => {
  const deep = (n: number) => '['.repeat(n);

  // Each header below is cut short after its hostile part: the JSON never ends. A reader that
  // walked (or built) the whole value would report the header as unterminated JSON; reporting the
  // schema problem instead shows that it stopped at the first character that broke the schema.
  it.each([
    ['shape', `{"w":{"dtype":"F32","shape":${deep(1_000_000)}`, 'safetensors_invalid_shape'],
    ['data_offsets', `{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,${deep(1_000_000)}`, 'safetensors_bad_offsets'],
    ['__metadata__', `{"__metadata__":{"k":${deep(1_000_000)}`, 'safetensors_invalid_metadata'],
    ['an unknown field', `{"w":{"extra":${deep(1_000_000)}`, 'safetensors_header_limit'],
    ['the top-level value', deep(1_000_000), 'safetensors_header_limit'],
  ])('stops at a million nested brackets in %s', (_, header, code) => {
    const err = errorOf(() => parseSafetensors(fileWith(header)));
    expect(err.code).toBe(code);
    expect(err.message.length).toBeLessThan(400);
  });

  it('skips unknown fields nested up to the limit, and refuses one level more', () => {
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const withExtra = (n: number) => `{"w":{"dtype":"U8","shape":[1],"extra":{"a":${nested(n)},"b":"x\\u00e9"},"data_offsets":[0,1]}}`;
    const depth = SAFETENSORS_HEADER_LIMITS.maxUnknownDepth;
    // the field's object is one level, so its array may nest depth - 1 more
    expect([...parseSafetensors(fileWith(withExtra(depth - 1), 1)).tensors.keys()]).toEqual(['w']);
    const err = errorOf(() => parseSafetensors(fileWith(withExtra(depth), 1)));
    expect(err.code).toBe('safetensors_header_limit');
    expect(err.message).toMatch(/nested more than 32 levels deep at position \d+/);
  });

  it('stops counting entries at the limit, before reading the rest of the header', () => {
    const entries = Array.from({ length: 11 }, (_, i) => `"t${i}":{"dtype":"U8","shape":[1],"data_offsets":[${i},${i + 1}]}`);
    // a header that is broken after entry 11: hitting the limit at entry 11 must win
    const header = `{${entries.join(',')},"t11": this is not JSON`;
    const err = errorOf(() => parseSafetensors(fileWith(header, 11), { limits: { maxEntries: 10 } }));
    expect(err.code).toBe('safetensors_header_limit');
    expect(err.message).toContain('more than 10 entries');
    // metadata entries count too, and the default limit accepts the same header once it is whole
    const meta = errorOf(() =>
      parseSafetensors(fileWith(`{"__metadata__":{"a":"1","b":"2"},${entries.slice(0, 9).join(',')}}`, 9), { limits: { maxEntries: 10 } }),
    );
    expect(meta.code).toBe('safetensors_header_limit');
    expect(parseSafetensors(fileWith(`{${entries.join(',')}}`, 11)).tensors.size).toBe(11);
  });

  it('refuses more dimensions than maxRank and numbers longer than maxNumberLength', () => {
    const rank = (n: number) => ({ w: { dtype: 'U8', shape: new Array(n).fill(1), data_offsets: [0, 1] } });
    expect(parseSafetensors(fileWith(rank(64), 1)).tensors.get('w')!.shape).toHaveLength(64);
    const tooMany = errorOf(() => parseSafetensors(fileWith(rank(65), 1)));
    expect(tooMany.code).toBe('safetensors_header_limit');
    expect(tooMany.message).toContain('more than 64 dimensions');
    const long = errorOf(() => parseSafetensors(fileWith(`{"w":{"dtype":"U8","shape":[${'0'.repeat(5000)}1]`)));
    // a leading zero ends a JSON number: the next digit is a syntax error, found at once
    expect(long.code).toBe('safetensors_invalid_json');
    const digits = errorOf(() => parseSafetensors(fileWith(`{"w":{"dtype":"U8","shape":[${'9'.repeat(5000)}]`)));
    expect(digits.code).toBe('safetensors_header_limit');
    expect(digits.message.length).toBeLessThan(400);
  });

  it('quotes at most a few dozen characters of a huge dtype, name or key', () => {
    const huge = 'A'.repeat(1_000_000);
    const dtype = errorOf(() => parseSafetensors(fileWith({ w: { dtype: huge, shape: [1], data_offsets: [0, 4] } }, 4)));
    expect(dtype.code).toBe('safetensors_unknown_dtype');
    expect(dtype.message).toContain('(1000000 characters)');
    expect(dtype.message.length).toBeLessThan(200);
    const name = errorOf(() => parseSafetensors(fileWith({ [huge]: f32([2], 0, 4) }, 4)));
    expect(name.code).toBe('safetensors_shape_mismatch');
    expect(name.tensor).toBe(huge);
    expect(name.message.length).toBeLessThan(300);
    const key = errorOf(() => parseSafetensors(fileWith({ __metadata__: { [huge]: 1 } })));
    expect(key.code).toBe('safetensors_invalid_metadata');
    expect(key.message.length).toBeLessThan(300);
  });

  it('rejects a repeated tensor name, as Python does, instead of keeping the last', () => {
    const one = '{"dtype":"U8","shape":[1],"data_offsets":[0,1]}';
    const err = errorOf(() => parseSafetensors(fileWith(`{"w":${one},"w":${one}}`, 1)));
    expect(err.code).toBe('safetensors_duplicate_name');
    expect(err.tensor).toBe('w');
    // names are compared after unescaping: "\u0077" is "w"
    expect(errorOf(() => parseSafetensors(fileWith(`{"w":${one},"\\u0077":${one}}`, 1))).code).toBe('safetensors_duplicate_name');
    expect(errorOf(() => parseSafetensors(fileWith(`{"w":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, 1))).code).toBe(
      'safetensors_invalid_entry',
    );
    expect(errorOf(() => parseSafetensors(fileWith(`{"__metadata__":{},"__metadata__":{}}`))).code).toBe('safetensors_invalid_metadata');
    expect(errorOf(() => parseSafetensors(fileWith(`{"__metadata__":{"a":"1","a":"2"}}`))).code).toBe('safetensors_invalid_metadata');
  });

  it('reads escaped names and metadata exactly as JSON.parse does', () => {
    const header =
      '{"__metadata__":{"\\u00e9t\\u00e9":"a\\"b\\\\c\\n\\ud83d\\ude00","__proto__":"x"},"layer\\/0.\\tw":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}';
    const file = parseSafetensors(fileWith(header, 1));
    const parsed = JSON.parse(header) as Record<string, Record<string, string>>;
    expect([...file.tensors.keys()]).toEqual(['layer/0.\tw']);
    expect(Object.entries(file.metadata)).toEqual(Object.entries(parsed.__metadata__));
  });
});

/** A random header built from valid and broken pieces, for the differential fuzz test. */
function randomHeader(random: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const num = () => pick(['0', '1', '4', '-1', '1.5', '1e2', '01', '4.0', '9007199254740993', '', '"4"', 'null', '[]']);
  const list = () => `[${Array.from({ length: Math.floor(random() * 4) }, num).join(pick([',', ',', ' , ', ',,']))}]`;
  const name = () => pick(['"a"', '"b"', '"a"', '"\\u0061"', '"c\\n"', '"__metadata__"', 'a', '"\\x"', '""']);
  const entry = () => {
    const fields = [
      `"dtype":${pick(['"U8"', '"F32"', '"X"', '1', '"U8"'])}`,
      `"shape":${pick([list(), '[1]', '[4]', '1', '[[1]]'])}`,
      `"data_offsets":${pick([list(), '[0,1]', '[0,4]', '[1,2]'])}`,
    ];
    if (random() < 0.2) fields.push(`"extra":${pick(['{"x":[1,{"y":null}]}', 'true', '"s"', '[', '{]'])}`);
    if (random() < 0.1) fields.splice(Math.floor(random() * fields.length), 1);
    return `{${fields.join(',')}}`;
  };
  const members = Array.from(
    { length: Math.floor(random() * 4) },
    () => `${name()}:${random() < 0.15 ? pick(['{"k":"v"}', '{"k":1}', '[]', '"s"']) : entry()}`,
  );
  return pick(['', ' ', '\n']) + pick(['{', '{', '{', '[']) + members.join(pick([',', ',', ',', ''])) + pick(['}', '}', '}', '', '}x', ']']);
}

describe('differential fuzzing against JSON.parse', () => {
  it('reads exactly what JSON.parse reads, and fails with a JSON error only where JSON.parse fails', () => {
    const random = uniformStream(99);
    const outcomes = { read: 0, schema: 0, syntax: 0 };
    for (let iter = 0; iter < 3000; iter++) {
      const header = randomHeader(random);
      let json: unknown;
      try {
        json = JSON.parse(header);
      } catch {
        json = undefined;
      }
      let read: ReturnType<typeof readHeaderJson>;
      try {
        read = readHeaderJson(header);
      } catch (err) {
        if (!(err instanceof SafetensorsError)) throw new Error(`header ${header}: ${String(err)}`);
        // valid JSON that breaks the schema must say so, not call it invalid JSON
        if (json !== undefined && typeof json === 'object' && json !== null && !Array.isArray(json))
          expect(err.code, header).not.toBe('safetensors_invalid_json');
        outcomes[json === undefined ? 'syntax' : 'schema']++;
        continue;
      }
      expect(json, header).toBeTypeOf('object');
      const { __metadata__: metadata = {}, ...tensors } = json as Record<string, Record<string, unknown>>;
      expect(Object.fromEntries(read.metadata), header).toEqual(metadata);
      expect(Object.fromEntries(read.entries.map((e) => [e.name, { dtype: e.dtype, shape: e.shape, data_offsets: e.offsets }])), header).toEqual(
        Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, { dtype: t.dtype, shape: t.shape, data_offsets: t.data_offsets }])),
      );
      outcomes.read++;
    }
    // the generator is tuned so that every outcome is common: about 10% read, 11% schema errors
    // and 79% syntax errors over seeds; 200 of 3000 leaves room for the spread between seeds
    expect(Math.min(outcomes.read, outcomes.schema, outcomes.syntax)).toBeGreaterThan(200);
  });
});

/** `bytes` with the first occurrence of `marker` replaced by the raw byte `value`. */
function withByte(bytes: Uint8Array, marker: string, value: number): Uint8Array {
  const at = bytes.indexOf(marker.charCodeAt(0), 8);
  bytes[at] = value;
  return bytes;
}

describe('fuzzing a real fixture', () => {
  it('throws nothing but SafetensorsError for 500 truncations and bit flips', () => {
    const original = new Uint8Array(readFileSync(assetPath('fixtures', 'losses', 'ce-and-distill', 'io.safetensors')));
    const headerEnd = 8 + new DataView(original.buffer).getUint32(0, true);
    const random = uniformStream(1234);
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
