/**
 * Writing safetensors files byte-for-byte as Python's `safetensors.torch.save_file` writes them:
 * tensors sorted by dtype (widest first, in the order of the Rust `Dtype` enum) then by name,
 * compact JSON, `__metadata__` first and only when given, the header padded with spaces so the
 * data starts 8-byte aligned. Same input, same bytes — checkpoints diff and hash cleanly.
 */
import { encodeBFloat16Array, encodeFloat16Array } from './half-float';
import { HOST_IS_LITTLE_ENDIAN, swapBytes } from './safetensors-decode';
import { quoted, SafetensorsError } from './safetensors-error';
import { isSafetensorsDType, safetensorsDTypeRank, safetensorsItemSize, type SafetensorsDType } from './safetensors-dtype';

/** The typed arrays a tensor's elements can be handed over in. */
export type TensorData = Float64Array | Float32Array | Uint16Array | Int32Array | BigInt64Array | Int16Array | Int8Array | Uint8Array;

/**
 * A tensor to write. Give either `data`, elements in the array type of the dtype (F64: Float64Array,
 * F32: Float32Array, F16/BF16: Uint16Array bit patterns or Float32Array/Float64Array values,
 * I64: BigInt64Array or Int32Array, I32: Int32Array, I16: Int16Array, I8: Int8Array,
 * U8/BOOL: Uint8Array), or `bytes`, the raw little-endian bytes (as in a parsed {@link RawTensor}).
 */
export type TensorToWrite = { name: string; dtype: SafetensorsDType; shape: readonly number[] } & (
  | { data: TensorData; bytes?: undefined }
  | { bytes: Uint8Array; data?: undefined }
);

/** Tensors to write: a list, or a record keyed by name. */
export type TensorsToWrite = readonly TensorToWrite[] | Record<string, Omit<TensorToWrite, 'name'>>;

/** Serializes tensors (and optional `__metadata__` strings) into the bytes of a safetensors file. */
export function serializeSafetensors(tensors: TensorsToWrite, metadata?: Record<string, string>): Uint8Array {
  const list = normalize(tensors);
  list.sort((a, b) => safetensorsDTypeRank(b.dtype) - safetensorsDTypeRank(a.dtype) || compareCodePoints(a.name, b.name));
  const entries: string[] = [];
  if (metadata !== undefined) entries.push(`"__metadata__":${metadataJson(metadata)}`);
  let offset = 0;
  const sizes: number[] = [];
  for (const t of list) {
    const size = checkedByteSize(t);
    sizes.push(size);
    entries.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + size}]}`);
    offset += size;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let cursor = 8 + headerLength;
  list.forEach((t, i) => {
    const region = out.subarray(cursor, cursor + sizes[i]);
    if (t.bytes !== undefined) {
      region.set(t.bytes);
    } else {
      const el = elementsFor(t.name, t.dtype, t.data);
      region.set(new Uint8Array(el.buffer, el.byteOffset, el.byteLength));
      if (!HOST_IS_LITTLE_ENDIAN) swapBytes(region, safetensorsItemSize(t.dtype));
    }
    cursor += sizes[i];
  });
  return out;
}

function normalize(tensors: TensorsToWrite): TensorToWrite[] {
  const list: TensorToWrite[] = Array.isArray(tensors)
    ? [...(tensors as readonly TensorToWrite[])]
    : Object.entries(tensors as Record<string, Omit<TensorToWrite, 'name'>>).map(([name, t]) => ({ ...t, name }) as TensorToWrite);
  const seen = new Set<string>();
  for (const t of list) {
    if (typeof t.name !== 'string') throw invalid('<unnamed>', `name ${String(t.name)} is not a string`);
    if (t.name === '__metadata__') throw invalid(t.name, "the name '__metadata__' is reserved by the format");
    if (seen.has(t.name)) throw invalid(t.name, 'the name appears more than once');
    seen.add(t.name);
    if (!isSafetensorsDType(t.dtype)) throw invalid(t.name, `dtype '${String(t.dtype)}' cannot be written`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw invalid(t.name, `shape ${JSON.stringify(t.shape)} must be a list of non-negative integers`);
    }
  }
  return list;
}

/** The byte size the shape implies, checked against the data given. */
function checkedByteSize(t: TensorToWrite): number {
  const count = t.shape.reduce((a, b) => a * b, 1);
  const size = count * safetensorsItemSize(t.dtype);
  if (!Number.isSafeInteger(size)) throw invalid(t.name, `shape [${t.shape.join(', ')}] is too large`);
  if (t.bytes !== undefined) {
    if (!(t.bytes instanceof Uint8Array)) throw invalid(t.name, '`bytes` must be a Uint8Array');
    if (t.bytes.length !== size) {
      throw invalid(t.name, `${t.bytes.length} bytes given but shape [${t.shape.join(', ')}] of ${t.dtype} needs ${size}`);
    }
  } else if (!ArrayBuffer.isView(t.data) || (t.data as TensorData).length !== count) {
    const got = ArrayBuffer.isView(t.data) ? `${(t.data as TensorData).length} elements` : 'no typed array';
    throw invalid(t.name, `${got} given but shape [${t.shape.join(', ')}] has ${count}`);
  }
  return size;
}

/** The elements as the typed array whose host-order bytes are the stored representation. */
function elementsFor(name: string, dtype: SafetensorsDType, data: TensorData): ArrayBufferView {
  const wrongType = () => invalid(name, `${data.constructor.name} cannot hold ${dtype} data`);
  switch (dtype) {
    case 'F64':
      if (data instanceof Float64Array) return data;
      throw wrongType();
    case 'F32':
      if (data instanceof Float32Array) return data;
      throw wrongType();
    case 'F16':
    case 'BF16':
      if (data instanceof Uint16Array) return data;
      if (data instanceof Float32Array || data instanceof Float64Array) {
        return dtype === 'F16' ? encodeFloat16Array(data) : encodeBFloat16Array(data);
      }
      throw wrongType();
    case 'I64':
      if (data instanceof BigInt64Array) return data;
      if (data instanceof Int32Array) return BigInt64Array.from(data, (v) => BigInt(v));
      throw wrongType();
    case 'I32':
      if (data instanceof Int32Array) return data;
      throw wrongType();
    case 'I16':
      if (data instanceof Int16Array) return data;
      throw wrongType();
    case 'I8':
      if (data instanceof Int8Array) return data;
      throw wrongType();
    case 'U8':
      if (data instanceof Uint8Array) return data;
      throw wrongType();
    case 'BOOL':
      // torch reads any byte other than 0/1 as undefined behaviour; store the truth value instead.
      if (data instanceof Uint8Array) return data.every((v) => v <= 1) ? data : data.map((v) => (v !== 0 ? 1 : 0));
      throw wrongType();
  }
}

/** Metadata as compact JSON, keys in code-point order so the bytes do not depend on insertion order. */
function metadataJson(metadata: Record<string, string>): string {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError('safetensors_invalid_metadata', '__metadata__ must be an object of strings');
  }
  const keys = Object.keys(metadata).sort(compareCodePoints);
  const parts = keys.map((k) => {
    const v = metadata[k];
    if (typeof v !== 'string') {
      throw new SafetensorsError('safetensors_invalid_metadata', `__metadata__ value for ${quoted(k)} is a ${typeof v}, not a string`);
    }
    return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
  });
  return `{${parts.join(',')}}`;
}

/**
 * Orders strings by Unicode code point, which is the byte order of their UTF-8 encodings and so
 * the order Rust sorts names in (JS `<` compares UTF-16 units and differs above U+FFFF).
 */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}

function invalid(name: string, why: string): SafetensorsError {
  return new SafetensorsError('safetensors_invalid_tensor', `tensor ${quoted(name)}: ${why}`, name);
}
