/**
 * Decodes a SentencePiece `.model` file (a serialized ModelProto): the pieces with their scores
 * and types, the trainer spec fields that shape encoding (model type, special ids, byte
 * fallback), and the normalizer spec (precompiled charsmap, dummy prefix, whitespace handling).
 */
import { TokenizerError } from '../errors';
import { fieldBool, fieldFloat, fieldString, readFields } from './protobuf';

/** SentencePiece piece types (ModelProto.SentencePiece.Type). */
export const PieceType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

/** One vocabulary entry. */
export interface SentencePiecePiece {
  piece: string;
  score: number;
  type: number;
}

/** The parts of a ModelProto this package uses. */
export interface SentencePieceModel {
  pieces: SentencePiecePiece[];
  /** 1 = UNIGRAM, 2 = BPE, 3 = WORD, 4 = CHAR. */
  modelType: number;
  unkId: number;
  bosId: number;
  eosId: number;
  padId: number;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  normalizer: {
    name: string;
    precompiledCharsmap: Uint8Array;
    addDummyPrefix: boolean;
    removeExtraWhitespaces: boolean;
    escapeWhitespaces: boolean;
  };
}

/** Parses the bytes of a `.model` file. */
export function parseSentencePieceModel(bytes: Uint8Array): SentencePieceModel {
  const where = 'SentencePiece model';
  const model: SentencePieceModel = {
    pieces: [],
    modelType: 1,
    unkId: 0,
    bosId: 1,
    eosId: 2,
    padId: -1,
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    normalizer: { name: '', precompiledCharsmap: new Uint8Array(0), addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true },
  };
  for (const f of readFields(bytes, where)) {
    if (f.field === 1) model.pieces.push(parsePiece(f.bytes, `${where} piece ${model.pieces.length}`));
    else if (f.field === 2) parseTrainerSpec(f.bytes, model);
    else if (f.field === 3) parseNormalizerSpec(f.bytes, model);
  }
  if (model.pieces.length === 0) throw new TokenizerError('E_FORMAT', `${where}: no pieces (is this a SentencePiece .model file?)`);
  return model;
}

function parsePiece(bytes: Uint8Array, where: string): SentencePiecePiece {
  const p: SentencePiecePiece = { piece: '', score: 0, type: PieceType.NORMAL };
  let hasPiece = false;
  for (const f of readFields(bytes, where)) {
    if (f.field === 1) (p.piece = fieldString(f, where)), (hasPiece = true);
    else if (f.field === 2) p.score = fieldFloat(f, where);
    else if (f.field === 3) p.type = f.varint;
  }
  if (!hasPiece) throw new TokenizerError('E_FORMAT', `${where}: missing field "piece"`);
  return p;
}

function toSigned32(v: number): number {
  return v >= 2 ** 63 ? -1 : v > 0x7fffffff ? v - 2 ** 64 : v;
}

function parseTrainerSpec(bytes: Uint8Array, model: SentencePieceModel): void {
  for (const f of readFields(bytes, 'SentencePiece trainer_spec')) {
    if (f.field === 3) model.modelType = f.varint;
    else if (f.field === 35) model.byteFallback = fieldBool(f);
    else if (f.field === 24) model.treatWhitespaceAsSuffix = fieldBool(f);
    else if (f.field === 40) model.unkId = toSigned32(f.varint);
    else if (f.field === 41) model.bosId = toSigned32(f.varint);
    else if (f.field === 42) model.eosId = toSigned32(f.varint);
    else if (f.field === 43) model.padId = toSigned32(f.varint);
  }
}

function parseNormalizerSpec(bytes: Uint8Array, model: SentencePieceModel): void {
  const where = 'SentencePiece normalizer_spec';
  for (const f of readFields(bytes, where)) {
    if (f.field === 1) model.normalizer.name = fieldString(f, where);
    else if (f.field === 2) model.normalizer.precompiledCharsmap = f.bytes.slice();
    else if (f.field === 3) model.normalizer.addDummyPrefix = fieldBool(f);
    else if (f.field === 4) model.normalizer.removeExtraWhitespaces = fieldBool(f);
    else if (f.field === 5) model.normalizer.escapeWhitespaces = fieldBool(f);
  }
}
