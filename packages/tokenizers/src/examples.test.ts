/** Runs the README examples (packages/tokenizers/examples) and checks what they print. */
import { describe, expect, it } from 'vitest';
import { main as batch } from '../examples/batch-truncate-pad';
import { main as bert } from '../examples/encode-bert';
import { main as sentencepiece } from '../examples/sentencepiece';
import { main as train } from '../examples/train-wordpiece';

describe('examples', () => {
  it('encode-bert', () => {
    const out = bert();
    expect(out.pieces).toContain('naive → "Naïve"');
    expect(out.pieces).toContain('[UNK] → "😀"');
    expect(out.typeIds.at(-1)).toBe(1);
    expect(out.decoded).toBe('naive cafe owners love emoji! is it good?');
  });

  it('batch-truncate-pad', () => {
    const [short, long] = batch();
    expect(short.ids.length).toBe(16);
    expect(long.ids.length).toBe(16);
    expect(short.attentionMask.filter((m) => m === 0).length).toBe(10); // [CLS] a short one . [SEP]
    expect(long.overflowing.length).toBeGreaterThan(0);
    expect(long.overflowing[0].startsWith('[CLS]')).toBe(true);
  });

  it('train-wordpiece', () => {
    const out = train();
    expect(out.tokens[0]).toBe('[CLS]');
    expect(out.tokens).toContain('the');
    expect(out.tokens).toContain('tokenizer');
    expect(out.vocabSize).toBeLessThanOrEqual(200);
  });

  it('sentencepiece', () => {
    const out = sentencepiece();
    expect(out.pieces).toEqual(['▁Hello', ',', '▁world', '!']);
    expect(out.ids).toEqual([8774, 6, 296, 55]);
    expect(out.convertedIds).toEqual(out.ids);
    expect(out.decoded).toBe('Hello, world!');
  });
});
