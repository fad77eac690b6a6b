/**
 * Reading safetensors files: an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then
 * the data buffer. We check everything Python safetensors checks (and say which tensor is wrong),
 * so a file that loads here loads there, and a broken file fails with a typed error instead of a
 * RangeError or a silently wrong tensor. Parsing never copies tensor data, and the header's JSON is
 * read by a schema-aware reader (`safetensors-header-json.ts`) whose work is linear in its bytes.
 */
import { quoted, SafetensorsError } from './safetensors-error';
import { type HeaderEntry, readHeaderJson, SAFETENSORS_HEADER_LIMITS, type SafetensorsHeaderLimits } from './safetensors-header-json';
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
  /** Structural limits of the header (default {@link SAFETENSORS_HEADER_LIMITS}); raise them only for a file you trust. */
  limits?: Partial<SafetensorsHeaderLimits>;
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
    throw new SafetensorsError(
      'safetensors_header_too_large',
      `safetensors header declares ${declared} bytes, above the ${MAX_SAFETENSORS_HEADER_BYTES}-byte limit`,
    );
  }
  const headerLength = lengthLo;
  const dataStart = 8 + headerLength;
  if (dataStart > fileSize || dataStart > bytes.length) {
    throw new SafetensorsError(
      'safetensors_truncated',
      `safetensors header declares ${headerLength} bytes but only ${Math.min(bytes.length, fileSize) - 8} follow the length prefix`,
    );
  }
  const contents = readHeaderJson(decodeHeader(bytes.subarray(8, dataStart)), { ...SAFETENSORS_HEADER_LIMITS, ...options.limits });
  const metadata: Record<string, string> = {};
  // defineProperty, not assignment: a key named "__proto__" must stay an ordinary entry.
  for (const [key, value] of contents.metadata) Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
  const tensors = contents.entries.map(checkEntry);
  const dataLength = fileSize - dataStart;
  checkLayout(tensors, dataLength);
  return { headerLength, dataStart, dataLength, metadata, tensors };
}

/** Parses a whole safetensors file; each tensor's bytes are a view into `bytes`. */
export function parseSafetensors(bytes: Uint8Array, options: Pick<ReadHeaderOptions, 'limits'> = {}): SafetensorsFile {
  const header = readSafetensorsHeader(bytes, { limits: options.limits });
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

function decodeHeader(raw: Uint8Array): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw new SafetensorsError('safetensors_invalid_json', 'safetensors header is not valid UTF-8');
  }
}

/** Checks what the reader could not check alone: the dtype, and offsets against the shape's byte size. */
function checkEntry({ name, dtype, shape, offsets }: HeaderEntry): SafetensorsTensorInfo {
  if (!isSafetensorsDType(dtype)) {
    const why = isKnownUnsupportedDType(dtype) ? 'is not supported by Graft' : 'is not a safetensors dtype';
    throw new SafetensorsError('safetensors_unknown_dtype', `tensor ${quoted(name)}: dtype ${quoted(dtype, 24)} ${why}`, name);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    throw new SafetensorsError('safetensors_bad_offsets', `tensor ${quoted(name)}: data_offsets [${begin}, ${end}] end before they begin`, name);
  }
  const expected = byteSize(name, dtype, shape);
  if (end - begin !== expected) {
    throw new SafetensorsError(
      'safetensors_shape_mismatch',
      `tensor ${quoted(name)}: ${end - begin} bytes of data, but shape [${shape.join(', ')}] of ${dtype} needs ${expected}`,
      name,
    );
  }
  return { name, dtype, shape, dataOffsets: [begin, end] };
}

/** prod(shape) × item size, refusing sizes past 2^53 (no file that large can exist in memory). */
function byteSize(name: string, dtype: SafetensorsDType, shape: number[]): number {
  let size = safetensorsItemSize(dtype);
  for (const dim of shape) {
    size *= dim;
    if (size > Number.MAX_SAFE_INTEGER) {
      throw new SafetensorsError('safetensors_invalid_shape', `tensor ${quoted(name)}: shape [${shape.join(', ')}] is too large to address`, name);
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
      throw new SafetensorsError(
        'safetensors_overlap',
        `tensor ${quoted(t.name)}: bytes [${begin}, ${end}) overlap tensor ${quoted(previous!)}, which ends at ${cursor}`,
        t.name,
      );
    }
    if (begin > cursor) {
      throw new SafetensorsError('safetensors_bad_offsets', `tensor ${quoted(t.name)}: data begins at ${begin}, leaving a hole after byte ${cursor}`, t.name);
    }
    cursor = end;
    previous = t.name;
  }
  if (cursor > dataLength) {
    throw new SafetensorsError(
      'safetensors_truncated',
      `tensor ${quoted(previous!)}: data ends at byte ${cursor} but the file has only ${dataLength} data bytes (truncated?)`,
      previous,
    );
  }
  if (cursor < dataLength) {
    throw new SafetensorsError('safetensors_bad_offsets', `safetensors data buffer has ${dataLength - cursor} trailing bytes that belong to no tensor`);
  }
}
