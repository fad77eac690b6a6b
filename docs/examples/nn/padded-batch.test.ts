import { scope } from '@graft/core';
import { AttentionMaskError, encodingsToTensors, TransformerEncoderLayer } from '@graft/nn';
import type { BatchInput, Tokenizer } from '@graft/tokenizers';
import { loadTokenizer } from '@graft/tokenizers/node';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { sentenceVectors, toyTokenizer } from './padded-batch';

const texts = ['the cat sat on the mat.', 'a dog ran.', 'cats ran'];

it('the padded-batch example: padding leaves every sentence vector as it is alone', async () => {
  const lengths = toyTokenizer()
    .encodeBatch(texts)
    .map((e) => e.length);
  expect(new Set(lengths).size).toBe(3);
  const { batched, alone } = await sentenceVectors(texts);
  batched.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo(alone[i][j], 5)));
});

// real tokenizers: encodingsToTensors over unpadded encodings must give exactly what the
// tokenizer's own padding gives (ids, attention mask, type ids), on either side
describe('encodingsToTensors on real tokenizers', () => {
  const inputs: BatchInput[] = ['Hello, world!', 'Graft fine-tunes pretrained models in TypeScript.', ['A pair', 'of texts'], 'hi'];

  function samePadding(tokenizer: Tokenizer, padding: { padId: number; direction: 'right' | 'left' }) {
    const unpadded = tokenizer.setPadding(null).encodeBatch(inputs);
    expect(new Set(unpadded.map((e) => e.length)).size).toBeGreaterThan(1);
    const padded = tokenizer.setPadding({ ...padding, padToken: tokenizer.idToToken(padding.padId) }).encodeBatch(inputs);
    scope(() => {
      const b = encodingsToTensors(unpadded, padding);
      expect(b.inputIds.arraySync()).toEqual(padded.map((e) => e.ids));
      expect(b.attentionMask.arraySync()).toEqual(padded.map((e) => e.attentionMask));
      expect(b.tokenTypeIds!.arraySync()).toEqual(padded.map((e) => e.typeIds));
      expect(b.keyPaddingMask.arraySync()).toEqual(padded.map((e) => e.attentionMask.map((m) => m === 0)));
      // what the tokenizer padded already passes through unchanged
      expect(encodingsToTensors(padded).inputIds.arraySync()).toEqual(padded.map((e) => e.ids));
    });
  }

  it('bert-base-uncased pads on the right with [PAD] = 0', () => {
    samePadding(loadTokenizer(assetPath('tokenizers', 'bert-base-uncased')), { padId: 0, direction: 'right' });
  });

  it('roberta-base pads on the left with <pad> = 1', () => {
    samePadding(loadTokenizer(assetPath('tokenizers', 'roberta-base')), { padId: 1, direction: 'left' });
  });

  it("a real batch's int32 attention mask is refused by an encoder layer; its key padding mask is taken", () => {
    const tokenizer = loadTokenizer(assetPath('tokenizers', 'bert-base-uncased'));
    scope(() => {
      const b = encodingsToTensors(tokenizer.encodeBatch(inputs));
      const [n, l] = b.inputIds.shape;
      const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
      const x = b.attentionMask.cast('float32').unsqueeze(-1).expand(n, l, 8);
      expect(() => layer.call(x, { srcKeyPaddingMask: b.attentionMask })).toThrow(AttentionMaskError);
      expect(layer.call(x, { srcKeyPaddingMask: b.keyPaddingMask }).shape).toEqual([n, l, 8]);
      layer.dispose();
    });
  });
});
