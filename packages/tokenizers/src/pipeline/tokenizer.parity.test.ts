/**
 * Parity with HF `tokenizers` on every fixture case, for the tokenizer.json files: BERT uncased
 * (WordPiece; ids, tokens, type ids, offsets, pair), GPT-2 (byte-level BPE; ids, tokens, decode)
 * and ALBERT (Unigram + Precompiled; ids, tokens). Truncation and padding set in the files are
 * switched off, as the fixtures were made without them.
 */
import { describe, expect, it } from 'vitest';
import { asFixture, expected, loadFixture, tokenizerText } from '../../../../test-utils/tokenizers/fixtures';
import { Tokenizer } from './tokenizer';

function load(name: string): Tokenizer {
  return Tokenizer.fromJSON(tokenizerText(name, 'tokenizer.json')).setTruncation(null).setPadding(null);
}

describe.each(['bert-base-uncased', 'gpt2', 'albert-base-v2'])('%s tokenizer.json', (name) => {
  const fixture = loadFixture(name);
  const tokenizer = load(name);
  const addSpecialTokens = fixture.add_special_tokens ?? true;

  it('has cases to check', () => {
    expect(fixture.cases.length).toBeGreaterThan(40);
  });

  it.each(fixture.cases.map((c, i) => [i, JSON.stringify(c.text).slice(0, 50), c] as const))('case %i %s', (_, __, c) => {
    const e = tokenizer.encode(c.text, null, { addSpecialTokens });
    expect(asFixture(c, e)).toEqual(expected(c));
    if (c.decoded !== undefined) expect(tokenizer.decode(e.ids)).toBe(c.decoded);
  });
});

describe('bert-base-uncased pair', () => {
  it('encodes the pair example with type ids 0 then 1', () => {
    const p = loadFixture('bert-base-uncased').pair_example!;
    const e = load('bert-base-uncased').encode(p.a, p.b);
    expect({ ids: e.ids, tokens: e.tokens, type_ids: e.typeIds }).toEqual({ ids: p.ids, tokens: p.tokens, type_ids: p.type_ids });
    expect(e.sequenceIds()).toEqual([null, 0, 0, 0, 0, null, 1, 1, 1, 1, null]);
  });
});

describe('settings stored in tokenizer.json', () => {
  it('honours the truncation and padding of the file unless disabled', () => {
    const t = Tokenizer.fromJSON(tokenizerText('gpt2', 'tokenizer.json'));
    expect(t.truncation).toMatchObject({ maxLength: 50, strategy: 'LongestFirst' });
    const long = 'word '.repeat(80);
    expect(t.encode(long).ids).toHaveLength(50);
    expect(t.encode(long).overflowing.length).toBeGreaterThan(0);
    const bert = Tokenizer.fromJSON(tokenizerText('bert-base-uncased', 'tokenizer.json'));
    const [a, b] = bert.encodeBatch(['short', 'a much longer sentence here']);
    expect(a.length).toBe(b.length);
    expect(a.tokens.at(-1)).toBe('[PAD]');
    expect(a.attentionMask.at(-1)).toBe(0);
  });
});
