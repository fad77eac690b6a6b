/**
 * A minimal protobuf wire-format reader: enough to walk a SentencePiece ModelProto (varints,
 * 32/64-bit fields, length-delimited fields). Unknown fields are skipped by wire type, so newer
 * SentencePiece files with extra fields still load.
 */
import { TokenizerError } from '../errors';

/** One decoded field: its number, wire type and raw value. */
export interface ProtoField {
  field: number;
  wireType: number;
  /** Varint value (wire type 0). */
  varint: number;
  /** Raw bytes (wire types 1, 2 and 5). */
  bytes: Uint8Array;
}

/** Iterates over the fields of one message. */
export function* readFields(buf: Uint8Array, where: string): Generator<ProtoField> {
  let pos = 0;
  const fail = (what: string): never => {
    throw new TokenizerError('E_FORMAT', `${where}: malformed protobuf (${what} at byte ${pos})`);
  };
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) fail('truncated varint');
      const b = buf[pos++];
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    return fail('varint longer than 10 bytes');
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) fail('field number 0');
    let value = 0;
    let bytes: Uint8Array = new Uint8Array(0);
    if (wireType === 0) value = varint();
    else if (wireType === 1 || wireType === 5) {
      const n = wireType === 1 ? 8 : 4;
      if (pos + n > buf.length) fail('truncated fixed-size field');
      bytes = buf.subarray(pos, pos + n);
      pos += n;
    } else if (wireType === 2) {
      const n = varint();
      if (pos + n > buf.length) fail(`length ${n} past the end`);
      bytes = buf.subarray(pos, pos + n);
      pos += n;
    } else fail(`unsupported wire type ${wireType}`);
    yield { field, wireType, varint: value, bytes };
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a length-delimited field as UTF-8 text. */
export function fieldString(f: ProtoField, where: string): string {
  if (f.wireType !== 2) throw new TokenizerError('E_FORMAT', `${where}: field ${f.field} should be a string`);
  try {
    return utf8.decode(f.bytes);
  } catch {
    throw new TokenizerError('E_FORMAT', `${where}: field ${f.field} is not valid UTF-8`);
  }
}

/** Decodes a 32-bit float field. */
export function fieldFloat(f: ProtoField, where: string): number {
  if (f.wireType !== 5) throw new TokenizerError('E_FORMAT', `${where}: field ${f.field} should be a float`);
  return new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true);
}

/** Decodes a varint field as a boolean. */
export function fieldBool(f: ProtoField): boolean {
  return f.varint !== 0;
}
