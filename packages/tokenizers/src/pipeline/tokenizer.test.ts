/**
 * Tokenizer behaviour on top of the components: truncation (strategies, stride, direction,
 * overflowing), padding (longest, fixed, multiple, left), added tokens (lstrip, rstrip,
 * single_word, normalized), decode and batches.
 */
import { describe, expect, it } from 'vitest';
import { WordLevel } from '../models/word-level';
import { Lowercase } from '../normalizers/simple';
import { WhitespaceSplit } from '../pre-tokenizers/whitespace';
import { BertProcessing } from '../processors/bert-processing';
import { tokenizerText } from '../../../../test-utils/tokenizers/fixtures';
import { TokenizerError } from '../errors';
import { Tokenizer } from './tokenizer';

/** A word-level tokenizer where "wN" has id N: easy to read truncation results. */
function words(withSpecials = true): Tokenizer {
  const vocab = new Map<string, number>([
    ['[UNK]', 100],
    ['[CLS]', 101],
    ['[SEP]', 102],
    ['[PAD]', 0],
  ]);
  for (let i = 1; i < 20; i++) vocab.set(`w${i}`, i);
  const t = new Tokenizer(new WordLevel(vocab, '[UNK]'));
  t.preTokenizer = new WhitespaceSplit();
  if (withSpecials) t.postProcessor = new BertProcessing(['[SEP]', 102], ['[CLS]', 101]);
  return t;
}
const seq = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => `w${a + i}`).join(' ');

describe('truncation', () => {
  it('longest_first shares the budget between a pair (special tokens counted)', () => {
    const t = words().setTruncation({ maxLength: 9, strategy: 'longest_first' });
    const e = t.encode(seq(1, 6), seq(11, 13));
    expect(e.ids).toEqual([101, 1, 2, 3, 102, 11, 12, 13, 102]);
    const both = t.encode(seq(1, 6), seq(11, 16));
    expect(both.ids).toEqual([101, 1, 2, 3, 102, 11, 12, 13, 102]);
  });

  it('only_first and only_second cut one side, and fail when it is too short', () => {
    const first = words().setTruncation({ maxLength: 7, strategy: 'only_first' });
    expect(first.encode(seq(1, 4), seq(11, 12)).ids).toEqual([101, 1, 2, 102, 11, 12, 102]);
    const second = words().setTruncation({ maxLength: 7, strategy: 'only_second' });
    expect(second.encode(seq(1, 2), seq(11, 14)).ids).toEqual([101, 1, 2, 102, 11, 12, 102]);
    expect(() => second.encode(seq(1, 6), seq(11, 11))).toThrow(TokenizerError);
    expect(() => second.encode(seq(1, 9))).toThrow(/pair/);
  });

  it('keeps overflowing windows with stride, each wrapped in special tokens', () => {
    const t = words().setTruncation({ maxLength: 5, stride: 1 });
    const e = t.encode(seq(1, 7));
    expect(e.ids).toEqual([101, 1, 2, 3, 102]);
    expect(e.overflowing.map((o) => o.ids)).toEqual([
      [101, 3, 4, 5, 102],
      [101, 5, 6, 7, 102],
    ]);
  });

  it('truncates from the left', () => {
    const t = words(false).setTruncation({ maxLength: 3, direction: 'left' });
    const e = t.encode(seq(1, 5));
    expect(e.ids).toEqual([3, 4, 5]);
    expect(e.overflowing.map((o) => o.ids)).toEqual([[1, 2]]);
    expect(e.offsets[0]).toEqual([6, 8]);
  });
});

describe('padding', () => {
  it('pads a batch to its longest, on the right', () => {
    const t = words().setPadding({ padId: 0, padToken: '[PAD]' });
    const [a, b] = t.encodeBatch(['w1', ['w1 w2', 'w3']]);
    expect(a.ids).toEqual([101, 1, 102, 0, 0, 0]);
    expect(a.attentionMask).toEqual([1, 1, 1, 0, 0, 0]);
    expect(a.specialTokensMask).toEqual([1, 0, 1, 1, 1, 1]);
    expect(b.typeIds).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('pads to a fixed length rounded to a multiple, on the left', () => {
    const t = words().setPadding({ strategy: { fixed: 5 }, padToMultipleOf: 4, direction: 'left', padTypeId: 3 });
    const e = t.encode('w1');
    expect(e.ids).toEqual([0, 0, 0, 0, 0, 101, 1, 102]);
    expect(e.typeIds.slice(0, 5)).toEqual([3, 3, 3, 3, 3]);
    expect(e.wordIds).toEqual([null, null, null, null, null, null, 0, null]);
    expect(e.sequenceIds()[6]).toBe(0);
  });
});

describe('added tokens', () => {
  it('match before the model, with lstrip/rstrip and single_word', () => {
    const t = words(false);
    t.addSpecialTokens([{ content: '<m>', lstrip: true, rstrip: true }]);
    t.addTokens([{ content: 'w1', single_word: true }]);
    const e = t.encode('w2  <m>  w1 xw1');
    expect(e.tokens).toEqual(['w2', '  <m>  ', 'w1', '[UNK]']);
    expect(e.offsets).toEqual([
      [0, 2],
      [2, 9],
      [9, 11],
      [12, 15],
    ]);
    // Like HF, a new token gets the model's vocab size as id when no larger id is in use.
    expect(t.tokenToId('<m>')).toBe(t.getVocabSize(false));
    expect(t.decode(e.ids)).toBe('w2 w1 [UNK]');
    expect(t.decode(e.ids, { skipSpecialTokens: false })).toBe('w2 <m> w1 [UNK]');
  });

  it('normalized tokens match against the normalized text', () => {
    const t = words(false);
    t.normalizer = new Lowercase();
    t.addTokens(['W5']);
    const id = t.tokenToId('W5')!;
    expect(id).toBe(23);
    expect(t.encode('W5 w6').ids).toEqual([id, 6]);
    expect(t.encode('w5').tokens).toEqual(['w5']);
  });
});

describe('decode', () => {
  it('skips special tokens and can clean up spaces', () => {
    const t = Tokenizer.fromJSON(tokenizerText('bert-base-uncased', 'tokenizer.json')).setTruncation(null).setPadding(null);
    const ids = t.encode("Hello , world ! it ' s [MASK] .").ids;
    expect(t.decode(ids)).toBe("hello, world! it ' s.");
    expect(t.decode(ids, { skipSpecialTokens: false })).toBe("[CLS] hello, world! it ' s [MASK]. [SEP]");
    expect(t.decode(t.encode("it 's").ids)).toBe("it ' s");
    expect(t.decode(t.encode("it 's").ids, { cleanUpTokenizationSpaces: true })).toBe("it's");
    expect(t.decodeBatch([[7592], [2088]])).toEqual(['hello', 'world']);
  });
});
