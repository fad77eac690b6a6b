/**
 * SentencePiece BPE on a tiny hand-built `.model`: merges by piece score, the leftmost pair on
 * ties, frozen user-defined symbols, UNUSED pieces split back, unknown runs merged, byte
 * fallback. Every expected segmentation below was worked out by hand from bpe_model.cc's rules
 * (the steps are in the comments). The converted tokenizer.json agrees where the two algorithms
 * are equivalent, and both converted pipelines (BPE and Unigram) survive a save/load round trip.
 */
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../pipeline/tokenizer';
import { bytePieces, writeSentencePieceModel, type PieceSpec } from '../../../../test-utils/tokenizers/sentencepiece-writer';
import { tokenizerBytes } from '../../../../test-utils/tokenizers/fixtures';
import { parseSentencePieceModel, PieceType } from './sentencepiece-model';
import { SentencePieceProcessor } from './sentencepiece-processor';
import { fromSentencePiece } from './sentencepiece-tokenizer';

const PIECES: PieceSpec[] = [
  { piece: '<unk>', type: PieceType.UNKNOWN }, // 0
  { piece: '<s>', type: PieceType.CONTROL }, // 1
  { piece: '</s>', type: PieceType.CONTROL }, // 2
  { piece: '▁', score: -10 }, // 3
  { piece: 'a', score: -10 }, // 4
  { piece: 'b', score: -10 }, // 5
  { piece: 'ab', score: -1 }, // 6
  { piece: 'ba', score: -1 }, // 7: ties with "ab"
  { piece: '▁a', score: -2 }, // 8
  { piece: '▁ab', score: -2.5 }, // 9
  { piece: 'bb', score: -0.5, type: PieceType.UNUSED }, // 10
  { piece: 'abb', score: -4 }, // 11
  { piece: 'xy', type: PieceType.USER_DEFINED }, // 12
];

const plainBytes = writeSentencePieceModel({ pieces: PIECES, modelType: 2 });
const fallbackBytes = writeSentencePieceModel({ pieces: [...PIECES, ...bytePieces()], modelType: 2, byteFallback: true });
const plain = SentencePieceProcessor.fromBytes(plainBytes);
const fallback = SentencePieceProcessor.fromBytes(fallbackBytes);
const byteId = (b: number) => PIECES.length + b;

describe('SentencePiece BPE model', () => {
  it('reads the hand-written protobuf', () => {
    const m = parseSentencePieceModel(fallbackBytes);
    expect(m.modelType).toBe(2);
    expect(m.byteFallback).toBe(true);
    expect(m.padId).toBe(-1);
    expect(m.pieces[9]).toEqual({ piece: '▁ab', score: -2.5, type: PieceType.NORMAL });
  });

  it('merges the highest-scoring pair first, the leftmost on ties', () => {
    // ▁ a b a: ab@1 and ba@2 tie at -1, ab is leftmost → ▁ ab a; then ▁+ab (-2.5) → ▁ab a.
    // (Rightmost first would give ▁a ba.)
    expect(plain.encode('aba')).toEqual({ pieces: ['▁ab', 'a'], ids: [9, 4] });
    // ▁ a b a b: ab@1, then ab@3 (ba@2 is stale), then ▁+ab; ▁a (-2) went stale before it.
    expect(plain.encode('abab')).toEqual({ pieces: ['▁ab', 'ab'], ids: [9, 6] });
    // Whitespace is just another symbol: ▁ a b ▁ b a → ab, ba, then ▁+ab.
    expect(plain.encode('ab  ba')).toEqual({ pieces: ['▁ab', '▁', 'ba'], ids: [9, 3, 7] });
  });

  it('merges through UNUSED pieces and splits them back at the end', () => {
    // ▁ a b b: bb (-0.5) beats ab (-1) → ▁ a bb; ab is stale, ▁a (-2) → ▁a bb; bb is UNUSED → b b.
    expect(plain.encode('abb')).toEqual({ pieces: ['▁a', 'b', 'b'], ids: [8, 5, 5] });
  });

  it('never merges a user-defined symbol', () => {
    expect(plain.encode('axyb')).toEqual({ pieces: ['▁a', 'xy', 'b'], ids: [8, 12, 5] });
  });

  it('merges runs of unknown characters, or falls back to bytes', () => {
    expect(plain.encode('aqqb')).toEqual({ pieces: ['▁a', 'qq', 'b'], ids: [8, 0, 5] });
    expect(fallback.encode('aqqb')).toEqual({ pieces: ['▁a', '<0x71>', '<0x71>', 'b'], ids: [8, byteId(0x71), byteId(0x71), 5] });
    expect(fallback.encode('é')).toEqual({ pieces: ['▁', '<0xC3>', '<0xA9>'], ids: [3, byteId(0xc3), byteId(0xa9)] });
    expect(fallback.decode(fallback.encode('aébb').ids)).toBe('aébb');
  });

  it('looks pieces up as SentencePiece does', () => {
    expect(fallback.pieceToId('<0x41>')).toBe(byteId(0x41));
    expect(fallback.pieceToId('bb')).toBe(10);
    expect(fallback.pieceToId('zzz')).toBe(0);
  });
});

describe('SentencePiece BPE converted to a tokenizer.json pipeline', () => {
  const texts = ['aba', 'abab', 'ab  ba', 'aqqb', 'é', 'b a ba ab'];

  it('gives the same ids as SentencePiece where merge order by rank and by score agree', () => {
    for (const [bytes, spm] of [
      [plainBytes, plain],
      [fallbackBytes, fallback],
    ] as const) {
      const converted = fromSentencePiece(bytes);
      for (const t of texts) expect(converted.encode(t).ids, t).toEqual(spm.encode(t).ids);
    }
  });

  it('decodes byte-fallback tokens back to text', () => {
    const converted = fromSentencePiece(fallbackBytes);
    expect(converted.decode(converted.encode('aé b').ids)).toBe('aé b');
  });

  it.each([
    ['BPE', () => fallbackBytes],
    ['Unigram (t5)', () => tokenizerBytes('t5', 'spiece.model')],
  ])('%s round-trips through tokenizer.json', (_, bytes) => {
    const converted = fromSentencePiece(bytes());
    const json = converted.toString();
    const reloaded = Tokenizer.fromJSON(json);
    expect(reloaded.toString()).toBe(json);
    for (const t of [...texts, 'Hello, world! ünïcödé 😀', '  leading and trailing  ']) expect(reloaded.encode(t)).toEqual(converted.encode(t));
  });
});
