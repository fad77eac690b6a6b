/**
 * Writes small SentencePiece `.model` files (ModelProto in protobuf wire format) for tests, so
 * that model types with no published fixture, such as BPE, can be exercised. Only the fields
 * that `parseSentencePieceModel` reads are written. Test support for @graft/tokenizers.
 */
import { PieceType } from '@graft/tokenizers';

/** One piece of the model. */
export interface PieceSpec {
  piece: string;
  score?: number;
  type?: number;
}

/** The model to write. */
export interface ModelSpec {
  pieces: PieceSpec[];
  /** 1 = Unigram, 2 = BPE. */
  modelType: number;
  byteFallback?: boolean;
  unkId?: number;
  addDummyPrefix?: boolean;
}

const utf8 = new TextEncoder();

/** Varint of a non-negative or int32 value (negatives as 10-byte two's complement). */
function varint(v: number): number[] {
  let x = v < 0 ? (1n << 64n) + BigInt(v) : BigInt(v);
  const out: number[] = [];
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x > 0n ? b | 0x80 : b);
  } while (x > 0n);
  return out;
}

const key = (field: number, wire: number) => varint(field * 8 + wire);
const bytesField = (field: number, b: ArrayLike<number>) => [...key(field, 2), ...varint(b.length), ...Array.from(b)];
const varintField = (field: number, v: number) => [...key(field, 0), ...varint(v)];

function floatField(field: number, v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return [...key(field, 5), ...b];
}

/** The bytes of a `.model` file for `spec`. */
export function writeSentencePieceModel(spec: ModelSpec): Uint8Array {
  const out: number[] = [];
  for (const p of spec.pieces) {
    const body = [...bytesField(1, utf8.encode(p.piece)), ...floatField(2, p.score ?? 0), ...varintField(3, p.type ?? PieceType.NORMAL)];
    out.push(...bytesField(1, body));
  }
  const trainer = [
    ...varintField(3, spec.modelType),
    ...varintField(35, spec.byteFallback ? 1 : 0),
    ...varintField(40, spec.unkId ?? 0),
    ...varintField(43, -1),
  ];
  out.push(...bytesField(2, trainer));
  const normalizer = [
    ...bytesField(1, utf8.encode('identity')),
    ...varintField(3, spec.addDummyPrefix === false ? 0 : 1),
    ...varintField(4, 1),
    ...varintField(5, 1),
  ];
  out.push(...bytesField(3, normalizer));
  return Uint8Array.from(out);
}

/** The 256 `<0xNN>` byte pieces of a byte-fallback model. */
export function bytePieces(): PieceSpec[] {
  return Array.from({ length: 256 }, (_, b) => ({ piece: `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, type: PieceType.BYTE }));
}
