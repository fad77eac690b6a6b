/**
 * Reading safetensors files: an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then
 * the data buffer. We check everything Python safetensors checks (and say which tensor is wrong),
 * so a file that loads here loads there, and a broken file fails with a typed error instead of a
 * RangeError or a silently wrong tensor. Parsing never copies tensor data.
 */
import { SafetensorsError } from './safetensors-error';
import { isKnownUnsupportedDType, isSafetensorsDType, safetensorsItemSize, type SafetensorsDType } from './safetensors-dtype';

/** The largest header we accept, in bytes — the same limit as Python safetensors (MAX_HEADER_SIZE). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/** One tensor's entry in a safetensors header. */
export interface SafetensorsTensorInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** `[begin, end)` byte offsets relative to the start of the data buffer. */
  dataOffsets: [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** N, the JSON header's byte length (including padding). */
  headerLength: number;
  /** Where the data buffer starts in the file: 8 + N. */
  dataStart: number;
  /** The data buffer's length: the file size minus 8 + N. */
  dataLength: number;
  /** The `__metadata__` strings (empty when the file has none). */
  metadata: Record<string, string>;
  /** The tensors, in the order their data lies in the file. */
  tensors: SafetensorsTensorInfo[];
}

/** A tensor as stored in a file: its dtype tag, shape and raw little-endian bytes. */
export interface RawTensor {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** A view into the file's bytes (not a copy); its `byteOffset` may be unaligned for the dtype. */
  bytes: Uint8Array;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  metadata: Record<string, string>;
  /** The tensors by name, in the order their data lies in the file. */
  tensors: Map<string, RawTensor>;
}

/** Options for {@link readSafetensorsHeader}. */
export interface ReadHeaderOptions {
  /**
   * The size of the whole file when `bytes` holds only its beginning (at least 8 + N bytes), so a
   * large file's header can be checked without reading its data. Defaults to `bytes.length`.
   */
  fileSize?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads and validates the header of a safetensors file (the whole file, or its first 8 + N bytes with `fileSize`). */
export function readSafetensorsHeader(bytes: Uint8Array, options: ReadHeaderOptions = {}): SafetensorsHeader {
  const fileSize = options.fileSize ?? bytes.length;
  if (bytes.length < 8 || fileSize < 8) {
    throw new SafetensorsError('safetensors_truncated', `safetensors file is ${Math.min(bytes.length, fileSize)} bytes, shorter than its 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const lengthLo = view.getUint32(0, true);
  const lengthHi = view.getUint32(4, true);
  // Refuse before allocating anything: a corrupt length must not make us decode gigabytes.
  if (lengthHi !== 0 || lengthLo > MAX_SAFETENSORS_HEADER_BYTES) {
    const declared = lengthHi * 2 ** 32 + lengthLo;
    throw new SafetensorsError('safetensors_header_too_large', `safetensors header declares ${declared} bytes, above the ${MAX_SAFETENSORS_HEADER_BYTES}-byte limit`);
  }
  const headerLength = lengthLo;
  const dataStart = 8 + headerLength;
  if (dataStart > fileSize || dataStart > bytes.length) {
    throw new SafetensorsError('safetensors_truncated', `safetensors header declares ${headerLength} bytes but only ${Math.min(bytes.length, fileSize) - 8} follow the length prefix`);
  }
  const json = parseHeaderJson(bytes.subarray(8, dataStart));
  const metadata: Record<string, string> = {};
  const tensors: SafetensorsTensorInfo[] = [];
  for (const key of Object.keys(json)) {
    if (key === '__metadata__') readMetadata(json[key], metadata);
    else tensors.push(readEntry(key, json[key]));
  }
  const dataLength = fileSize - dataStart;
  checkLayout(tensors, dataLength);
  return { headerLength, dataStart, dataLength, metadata, tensors };
}

/** Parses a whole safetensors file; each tensor's bytes are a view into `bytes`. */
export function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  const header = readSafetensorsHeader(bytes);
  const tensors = new Map<string, RawTensor>();
  for (const info of header.tensors) {
    const [begin, end] = info.dataOffsets;
    tensors.set(info.name, {
      name: info.name,
      dtype: info.dtype,
      shape: info.shape,
      bytes: bytes.subarray(header.dataStart + begin, header.dataStart + end),
    });
  }
  return { metadata: header.metadata, tensors };
}

function parseHeaderJson(raw: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new SafetensorsError('safetensors_invalid_json', 'safetensors header is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SafetensorsError('safetensors_invalid_json', `safetensors header is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(value)) {
    throw new SafetensorsError('safetensors_invalid_json', 'safetensors header is JSON but not an object');
  }
  return value;
}

function readMetadata(value: unknown, into: Record<string, string>): void {
  if (!isPlainObject(value)) {
    throw new SafetensorsError('safetensors_invalid_metadata', '__metadata__ must be an object of strings');
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError('safetensors_invalid_metadata', `__metadata__ value for '${key}' is ${describe(v)}, not a string`);
    }
    // defineProperty, not assignment: a key named "__proto__" must stay an ordinary entry.
    Object.defineProperty(into, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
}

function readEntry(name: string, entry: unknown): SafetensorsTensorInfo {
  if (!isPlainObject(entry)) {
    throw new SafetensorsError('safetensors_invalid_entry', `tensor '${name}': header entry is ${describe(entry)}, not an object`, name);
  }
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string') {
    throw new SafetensorsError('safetensors_invalid_entry', `tensor '${name}': dtype is ${describe(dtype)}, not a string`, name);
  }
  if (!isSafetensorsDType(dtype)) {
    const why = isKnownUnsupportedDType(dtype) ? 'is not supported by Graft' : 'is not a safetensors dtype';
    throw new SafetensorsError('safetensors_unknown_dtype', `tensor '${name}': dtype '${dtype}' ${why}`, name);
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    throw new SafetensorsError('safetensors_invalid_shape', `tensor '${name}': shape ${JSON.stringify(shape)} must be a list of non-negative integers`, name);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    throw new SafetensorsError('safetensors_bad_offsets', `tensor '${name}': data_offsets ${JSON.stringify(offsets)} must be two non-negative integers`, name);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    throw new SafetensorsError('safetensors_bad_offsets', `tensor '${name}': data_offsets [${begin}, ${end}] end before they begin`, name);
  }
  const expected = byteSize(name, dtype, shape as number[]);
  if (end - begin !== expected) {
    throw new SafetensorsError(
      'safetensors_shape_mismatch',
      `tensor '${name}': ${end - begin} bytes of data, but shape [${shape.join(', ')}] of ${dtype} needs ${expected}`,
      name,
    );
  }
  return { name, dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/** prod(shape) × item size, refusing sizes past 2^53 (no file that large can exist in memory). */
function byteSize(name: string, dtype: SafetensorsDType, shape: number[]): number {
  let size = safetensorsItemSize(dtype);
  for (const dim of shape) {
    size *= dim;
    if (size > Number.MAX_SAFE_INTEGER) {
      throw new SafetensorsError('safetensors_invalid_shape', `tensor '${name}': shape [${shape.join(', ')}] is too large to address`, name);
    }
  }
  return size;
}

/**
 * The spec requires the tensors to tile the data buffer exactly: sorted by offset, each begins
 * where the previous ended, and the last ends at the end of the file (Python checks the same).
 */
function checkLayout(tensors: SafetensorsTensorInfo[], dataLength: number): void {
  tensors.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let cursor = 0;
  let previous: string | undefined;
  for (const t of tensors) {
    const [begin, end] = t.dataOffsets;
    if (begin < cursor) {
      throw new SafetensorsError('safetensors_overlap', `tensor '${t.name}': bytes [${begin}, ${end}) overlap tensor '${previous}', which ends at ${cursor}`, t.name);
    }
    if (begin > cursor) {
      throw new SafetensorsError('safetensors_bad_offsets', `tensor '${t.name}': data begins at ${begin}, leaving a hole after byte ${cursor}`, t.name);
    }
    cursor = end;
    previous = t.name;
  }
  if (cursor > dataLength) {
    throw new SafetensorsError(
      'safetensors_truncated',
      `tensor '${previous}': data ends at byte ${cursor} but the file has only ${dataLength} data bytes (truncated?)`,
      previous,
    );
  }
  if (cursor < dataLength) {
    throw new SafetensorsError('safetensors_bad_offsets', `safetensors data buffer has ${dataLength - cursor} trailing bytes that belong to no tensor`);
  }
}

function isIndex(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : `${typeof x} ${JSON.stringify(x)}`;
}
