/**
 * A purpose-built reader for the JSON of a safetensors header. `JSON.parse` builds whatever the
 * header holds before anything can look at it: a 99 MB header whose `shape` was 49.5 million
 * nested brackets took 38 s and 5 GB (measured), then failed with a RangeError. This reader knows
 * the schema — an object of tensor entries `{dtype, shape, data_offsets}` and an optional
 * `__metadata__` object of strings — and checks each value as it reads it: it touches every
 * character once, never builds anything deeper than the schema, skips unknown fields without
 * building them (to a bounded depth), and stops at the first problem with a SafetensorsError that
 * quotes at most a few dozen characters of what it found.
 */
import { quoted, SafetensorsError, type SafetensorsErrorCode } from './safetensors-error';

/** Structural limits of a safetensors header, on top of its 100 MB byte limit. */
export interface SafetensorsHeaderLimits {
  /** Tensors plus metadata entries in one header. */
  maxEntries: number;
  /** Dimensions of one shape. */
  maxRank: number;
  /** Nesting depth of a value under a field the format does not define (skipped, never built). */
  maxUnknownDepth: number;
  /** Characters of one number. */
  maxNumberLength: number;
}

/** The default {@link SafetensorsHeaderLimits}; `ReadHeaderOptions.limits` can raise them for an unusual file. */
export const SAFETENSORS_HEADER_LIMITS: Readonly<SafetensorsHeaderLimits> = Object.freeze({
  /**
   * The largest real checkpoints hold about a hundred thousand tensors over all their shards
   * together. At this limit a header costs about 4 s and 350 MB to read on a 2-core machine
   * (measured), instead of whatever 100 MB of JSON allows.
   */
  maxEntries: 1_000_000,
  /** NumPy's own limit. */
  maxRank: 64,
  maxUnknownDepth: 32,
  /** No byte count or dimension needs more. */
  maxNumberLength: 32,
});

/** One tensor's entry, as read (offsets and size not yet checked against each other). */
export interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  offsets: number[];
}

/** The entries and metadata of a header, in the order the header lists them. */
export interface HeaderContents {
  entries: HeaderEntry[];
  metadata: Map<string, string>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Reads a header's JSON text; throws a SafetensorsError at the first thing that breaks the schema. */
export function readHeaderJson(text: string, limits: Readonly<SafetensorsHeaderLimits> = SAFETENSORS_HEADER_LIMITS): HeaderContents {
  const r = new Reader(text, limits);
  r.ws();
  if (r.peek() !== OPEN_OBJECT) {
    // Say whether it is JSON at all, without building it.
    r.skip(1);
    r.ws();
    if (!r.atEnd) r.fail('unexpected text after the value');
    throw new SafetensorsError('safetensors_invalid_json', 'safetensors header is JSON but not an object');
  }
  const entries: HeaderEntry[] = [];
  const names = new Set<string>();
  let metadata: Map<string, string> | undefined;
  for (let more = r.enter(CLOSE_OBJECT); more; more = r.next(CLOSE_OBJECT)) {
    const name = r.key();
    if (names.size + (metadata?.size ?? 0) >= limits.maxEntries) throw tooManyEntries(limits);
    if (name === '__metadata__') {
      if (metadata) throw new SafetensorsError('safetensors_invalid_metadata', 'safetensors header has two __metadata__ entries');
      metadata = readMetadata(r, names.size);
    } else {
      if (names.has(name)) {
        throw new SafetensorsError(
          'safetensors_duplicate_name',
          `tensor ${quoted(name)} appears twice in the safetensors header (Python's safetensors rejects such files too)`,
          name,
        );
      }
      names.add(name);
      entries.push(readEntry(r, name));
    }
  }
  r.ws();
  if (!r.atEnd) r.fail('unexpected text after the header object');
  return { entries, metadata: metadata ?? new Map() };
}

function readEntry(r: Reader, name: string): HeaderEntry {
  if (r.peek() !== OPEN_OBJECT) throw entryError(name, 'safetensors_invalid_entry', `header entry is ${r.kind()}, not an object`);
  let dtype: string | undefined;
  let shape: number[] | undefined;
  let offsets: number[] | undefined;
  for (let more = r.enter(CLOSE_OBJECT); more; more = r.next(CLOSE_OBJECT)) {
    const field = r.key();
    if (field === 'dtype') {
      if (dtype !== undefined) throw repeatedField(name, field);
      if (r.peek() !== QUOTE) throw entryError(name, 'safetensors_invalid_entry', `dtype is ${r.kind()}, not a string`);
      dtype = r.string();
    } else if (field === 'shape') {
      if (shape) throw repeatedField(name, field);
      shape = readIndices(r, name, 'shape', r.limits.maxRank, 'safetensors_invalid_shape');
    } else if (field === 'data_offsets') {
      if (offsets) throw repeatedField(name, field);
      offsets = readIndices(r, name, 'data_offsets', 2, 'safetensors_bad_offsets');
    } else {
      // Python's safetensors ignores fields it does not know; so do we, without building them.
      r.skip(1);
    }
  }
  if (dtype === undefined) throw entryError(name, 'safetensors_invalid_entry', 'header entry has no dtype');
  if (!shape) throw entryError(name, 'safetensors_invalid_shape', 'header entry has no shape');
  if (offsets?.length !== 2) {
    throw entryError(name, 'safetensors_bad_offsets', `data_offsets must be two non-negative integers, got ${offsets ? offsets.length : 'none'}`);
  }
  return { name, dtype, shape, offsets };
}

/** A JSON list of at most `max` non-negative safe integers; anything else fails at once, with `code`. */
function readIndices(r: Reader, name: string, field: string, max: number, code: SafetensorsErrorCode): number[] {
  if (r.peek() !== OPEN_ARRAY) throw entryError(name, code, `${field} is ${r.kind()}, not a list of non-negative integers`);
  const out: number[] = [];
  for (let more = r.enter(CLOSE_ARRAY); more; more = r.next(CLOSE_ARRAY)) {
    const c = r.peek();
    if (c !== MINUS && !(c >= 0x30 && c <= 0x39)) throw entryError(name, code, `${field} element ${out.length} is ${r.kind()}, not a non-negative integer`);
    const start = r.pos;
    const value = r.number();
    if (!(Number.isSafeInteger(value) && value >= 0)) {
      throw entryError(name, code, `${field} element ${out.length} is ${r.text.slice(start, r.pos)}, not a non-negative integer`);
    }
    if (out.length === max) {
      throw max === 2
        ? entryError(name, code, `${field} must be two non-negative integers, got more`)
        : limit(`tensor ${quoted(name)}: ${field} has more than ${max} dimensions`);
    }
    out.push(value);
  }
  return out;
}

function entryError(name: string, code: SafetensorsErrorCode, what: string): SafetensorsError {
  return new SafetensorsError(code, `tensor ${quoted(name)}: ${what}`, name);
}

function repeatedField(name: string, field: string): SafetensorsError {
  return entryError(name, 'safetensors_invalid_entry', `field '${field}' appears twice`);
}

function readMetadata(r: Reader, tensors: number): Map<string, string> {
  if (r.peek() !== OPEN_OBJECT) throw new SafetensorsError('safetensors_invalid_metadata', `__metadata__ is ${r.kind()}, but must be an object of strings`);
  const metadata = new Map<string, string>();
  for (let more = r.enter(CLOSE_OBJECT); more; more = r.next(CLOSE_OBJECT)) {
    const key = r.key();
    if (r.peek() !== QUOTE) throw new SafetensorsError('safetensors_invalid_metadata', `__metadata__ value for ${quoted(key)} is ${r.kind()}, not a string`);
    if (metadata.has(key)) throw new SafetensorsError('safetensors_invalid_metadata', `__metadata__ has the key ${quoted(key)} twice`);
    if (tensors + metadata.size >= r.limits.maxEntries) throw tooManyEntries(r.limits);
    metadata.set(key, r.string());
  }
  return metadata;
}

function tooManyEntries(limits: SafetensorsHeaderLimits): SafetensorsError {
  return limit(`safetensors header has more than ${limits.maxEntries} entries`);
}

function limit(what: string): SafetensorsError {
  return new SafetensorsError(
    'safetensors_header_limit',
    `${what}: beyond what a real checkpoint needs, so the file is refused before it costs unbounded time or memory (raise the limit with the \`limits\` option if the file is genuine)`,
  );
}

/** A cursor over JSON text, with just the pieces the schema needs. */
class Reader {
  pos = 0;

  constructor(
    readonly text: string,
    readonly limits: Readonly<SafetensorsHeaderLimits>,
  ) {}

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** The code unit at the cursor (NaN at the end). */
  peek(): number {
    return this.text.charCodeAt(this.pos);
  }

  /** Throws the syntax error `what`, at `at` (the cursor by default). */
  fail(what: string, at = this.pos): never {
    this.pos = at;
    const found = this.atEnd ? 'the end of the header' : quoted(this.text.slice(this.pos, this.pos + 16), 16);
    throw new SafetensorsError('safetensors_invalid_json', `safetensors header is not valid JSON: ${what} at position ${this.pos} (found ${found})`);
  }

  ws(): void {
    let c = this.peek();
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = this.text.charCodeAt(++this.pos);
  }

  /**
   * Enters an object or array (cursor at its bracket): true when a first member follows. Loops
   * are `for (let more = r.enter(); more; more = r.next(close))`, with no closure per member:
   * this runs once per tensor, and closures there cost a third of the time (measured).
   */
  enter(close: number): boolean {
    this.pos++;
    this.ws();
    if (this.peek() !== close) return true;
    this.pos++;
    return false;
  }

  /** After a member: true when another follows (`,`), false at the closing bracket. */
  next(close: number): boolean {
    this.ws();
    const c = this.peek();
    if (c === close) {
      this.pos++;
      return false;
    }
    if (c !== COMMA) this.fail(close === CLOSE_OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
    this.pos++;
    this.ws();
    return true;
  }

  /** An object key and its colon; leaves the cursor at the value. */
  key(): string {
    if (this.peek() !== QUOTE) this.fail('expected a string key');
    const key = this.string();
    this.ws();
    if (this.peek() !== COLON) this.fail("expected ':'");
    this.pos++;
    this.ws();
    return key;
  }

  /** A JSON string (cursor at its opening quote), with escapes decoded. */
  string(): string {
    const text = this.text;
    let i = this.pos + 1;
    let start = i;
    let out = '';
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        out += text.slice(start, i);
        const e = text[i + 1];
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape', i);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e];
          i += 2;
        } else {
          this.fail('invalid escape in a string', i);
        }
        start = i;
        continue;
      }
      if (!(c >= 0x20)) this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character in a string', i);
      i++;
    }
    out += text.slice(start, i);
    this.pos = i + 1;
    return out;
  }

  /** A JSON number (cursor at its first character), no longer than `maxNumberLength`. */
  number(): number {
    const start = this.pos;
    const text = this.text;
    if (this.peek() === MINUS) this.pos++;
    if (this.peek() === 0x30) this.pos++;
    else this.digits();
    if (this.peek() === 0x2e) {
      this.pos++;
      this.digits();
    }
    if ((this.peek() | 0x20) === 0x65) {
      this.pos++;
      if (this.peek() === 0x2b || this.peek() === MINUS) this.pos++;
      this.digits();
    }
    if (this.pos - start > this.limits.maxNumberLength) {
      throw limit(`a number of ${this.pos - start} characters at position ${start}`);
    }
    return Number(text.slice(start, this.pos));
  }

  /** One or more decimal digits. */
  digits(): void {
    const from = this.pos;
    let c = this.peek();
    while (c >= 0x30 && c <= 0x39) c = this.text.charCodeAt(++this.pos);
    if (this.pos === from) this.fail('expected a digit');
  }

  /** Skips any JSON value without building it; nesting deeper than `maxUnknownDepth` fails. */
  skip(depth: number): void {
    const c = this.peek();
    if (c === QUOTE) {
      this.string();
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth > this.limits.maxUnknownDepth) {
        throw limit(`a value nested more than ${this.limits.maxUnknownDepth} levels deep at position ${this.pos}`);
      }
      const close = c === OPEN_ARRAY ? CLOSE_ARRAY : CLOSE_OBJECT;
      for (let more = this.enter(close); more; more = this.next(close)) {
        if (close === CLOSE_OBJECT) this.key();
        this.skip(depth + 1);
      }
    } else if (c === MINUS || (c >= 0x30 && c <= 0x39)) {
      this.number();
    } else {
      for (const word of ['true', 'false', 'null']) {
        if (this.text.startsWith(word, this.pos)) {
          this.pos += word.length;
          return;
        }
      }
      this.fail('expected a value');
    }
  }

  /** What the value at the cursor is, for messages ("a string", "an array", …), without reading it. */
  kind(): string {
    const c = this.peek();
    if (c === QUOTE) return 'a string';
    if (c === OPEN_OBJECT) return 'an object';
    if (c === OPEN_ARRAY) return 'an array';
    if (c === MINUS || (c >= 0x30 && c <= 0x39)) return 'a number';
    for (const word of ['true', 'false', 'null']) if (this.text.startsWith(word, this.pos)) return word;
    return this.fail('expected a value');
  }
}
