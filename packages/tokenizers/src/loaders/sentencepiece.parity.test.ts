/**
 * Parity with the `sentencepiece` library on T5's spiece.model (ids and pieces) and ALBERT's
 * spiece.model (raw pieces), plus the tokenizer.json conversion of T5's model.
 */
import { describe, expect, it } from 'vitest';
import { loadFixture, tokenizerBytes } from '../../../../test-utils/tokenizers/fixtures';
import { SentencePieceProcessor } from './sentencepiece-processor';
import { fromSentencePiece } from './sentencepiece-tokenizer';

describe('t5 spiece.model', () => {
  const fixture = loadFixture('t5-spiece');
  const spm = SentencePieceProcessor.fromBytes(tokenizerBytes('t5', 'spiece.model'));
  const converted = fromSentencePiece(tokenizerBytes('t5', 'spiece.model'));
  const rows = fixture.cases.map((c, i) => [i, JSON.stringify(c.text).slice(0, 50), c] as const);

  it.each(rows)('SentencePieceProcessor case %i %s', (_i, _t, c) => {
    const e = spm.encode(c.text);
    expect({ ids: e.ids, pieces: e.pieces }).toEqual({ ids: c.ids, pieces: c.pieces });
  });

  it.each(rows)('converted Tokenizer case %i %s', (_i, _t, c) => {
    const e = converted.encode(c.text);
    expect({ ids: e.ids, pieces: e.tokens }).toEqual({ ids: c.ids, pieces: c.pieces });
  });

  it('decodes back to normalized text', () => {
    expect(spm.decode(spm.encode('Hello, world!').ids)).toBe('Hello, world!');
    expect(converted.decode(converted.encode('Hello, world!').ids)).toBe('Hello, world!');
  });

  it('knows the model layout', () => {
    expect(spm.vocabSize).toBe(32000);
    expect(spm.model.unkId).toBe(2);
    expect(spm.model.normalizer.addDummyPrefix).toBe(true);
  });
});

describe('albert-base-v2 spiece.model', () => {
  const fixture = loadFixture('albert-base-v2');
  const spm = SentencePieceProcessor.fromBytes(tokenizerBytes('albert-base-v2', 'spiece.model'));
  const rows = fixture.cases.filter((c) => c.spm_pieces_raw).map((c, i) => [i, JSON.stringify(c.text).slice(0, 50), c] as const);

  it('has raw-piece cases', () => {
    expect(rows.length).toBeGreaterThan(40);
  });

  it.each(rows)('raw pieces case %i %s', (_i, _t, c) => {
    expect(spm.encode(c.text).pieces).toEqual(c.spm_pieces_raw);
  });
});
