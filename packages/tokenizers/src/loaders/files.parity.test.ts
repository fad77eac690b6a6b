/**
 * Parity with HF on the classic files: BERT vocab.txt (+ tokenizer_config.json), Chinese BERT
 * vocab.txt (no lowercasing, no accent stripping), GPT-2 and RoBERTa vocab.json + merges.txt.
 */
import { describe, expect, it } from 'vitest';
import type { Tokenizer } from '../pipeline/tokenizer';
import { asFixture, expected, loadFixture, tokenizerText } from '../../../../test-utils/tokenizers/fixtures';
import { fromVocabMerges } from './vocab-merges';
import { fromVocabTxt } from './vocab-txt';

const cases: [string, string, () => Tokenizer][] = [
  [
    'bert-base-uncased vocab.txt',
    'bert-base-uncased',
    () => fromVocabTxt(tokenizerText('bert-base-uncased', 'vocab.txt'), tokenizerText('bert-base-uncased', 'tokenizer_config.json')),
  ],
  [
    'bert-base-chinese vocab.txt',
    'bert-base-chinese',
    () => fromVocabTxt(tokenizerText('bert-base-chinese', 'vocab.txt'), { lowercase: false, stripAccents: false }),
  ],
  ['gpt2 vocab.json + merges.txt', 'gpt2', () => fromVocabMerges(tokenizerText('gpt2', 'vocab.json'), tokenizerText('gpt2', 'merges.txt'))],
  [
    'roberta-base vocab.json + merges.txt',
    'roberta-base',
    () => fromVocabMerges(tokenizerText('roberta-base', 'vocab.json'), tokenizerText('roberta-base', 'merges.txt'), { postProcessor: 'roberta' }),
  ],
];

describe.each(cases)('%s', (_, fixtureName, make) => {
  const fixture = loadFixture(fixtureName);
  const tokenizer = make();
  const addSpecialTokens = fixture.add_special_tokens ?? true;

  it.each(fixture.cases.map((c, i) => [i, JSON.stringify(c.text).slice(0, 50), c] as const))('case %i %s', (_i, _t, c) => {
    const e = tokenizer.encode(c.text, null, { addSpecialTokens });
    expect(asFixture(c, e)).toEqual(expected(c));
    if (c.decoded !== undefined) expect(tokenizer.decode(e.ids)).toBe(c.decoded);
  });
});

describe('vocab.txt details', () => {
  it('keeps the U+2028 lines of the Chinese vocab at their own ids', () => {
    const t = fromVocabTxt(tokenizerText('bert-base-chinese', 'vocab.txt'), { lowercase: false });
    expect(t.getVocabSize(false)).toBeLessThanOrEqual(21128);
    expect(t.tokenToId('[CLS]')).toBe(101);
    expect(t.tokenToId('[MASK]')).toBe(103);
  });

  it('reads do_lower_case from tokenizer_config.json', () => {
    const cased = fromVocabTxt(tokenizerText('bert-base-uncased', 'vocab.txt'), { do_lower_case: false });
    expect(cased.encode('Hello').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
  });
});
