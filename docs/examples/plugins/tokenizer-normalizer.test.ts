/**
 * The CollapseRepeats normalizer: a tokenizer.json naming it fails to load until it is registered
 * (with the known types in the message), then loads; stretched words tokenize as the plain
 * word; offsets point into the text as written; and the tokenizer saves and reloads the same.
 */
import { readFileSync } from 'node:fs';
import { NormalizedString, Tokenizer, TokenizerError } from '@graft/tokenizers';
import { expect, it } from 'vitest';
import { CollapseRepeats, withCollapseRepeats } from './tokenizer-normalizer';

const json = JSON.parse(readFileSync(new URL('../../../assets/models/bert-tiny-imdb-mlm/tokenizer.json', import.meta.url), 'utf8'));

it('is unknown until registered, then loads from tokenizer.json and saves under its tag', () => {
  const named = { ...json, normalizer: { type: 'CollapseRepeats', max: 2 } };
  expect(() => Tokenizer.fromJSON(named)).toThrow(TokenizerError);
  expect(() => Tokenizer.fromJSON(named)).toThrow(/unknown type "CollapseRepeats" \(known: .*Lowercase/);
  const tokenizer = withCollapseRepeats(json);
  const saved = tokenizer.toJSON() as { normalizer: { normalizers: unknown[] } };
  expect(saved.normalizer.normalizers[0]).toEqual({ type: 'CollapseRepeats', max: 2 });
  const reloaded = Tokenizer.fromJSON(JSON.parse(tokenizer.toString()));
  expect(reloaded.encode('Sooooo gooood!!!!').ids).toEqual(tokenizer.encode('Sooooo gooood!!!!').ids);
  expect(() => Tokenizer.fromJSON({ ...json, normalizer: { type: 'CollapseRepeats', max: 0 } })).toThrow(/max must be a positive integer, got 0/);
});

it('tokenizes stretched words as the plain ones, with offsets into the text as written', () => {
  const tokenizer = withCollapseRepeats(json);
  const plain = Tokenizer.fromJSON(json);
  const text = 'Sooooo gooood!!!!';
  const e = tokenizer.encode(text);
  expect(e.tokens).toEqual(['[CLS]', 'soo', 'good', '!', '!', '[SEP]']);
  expect(e.ids.slice(2, 3)).toEqual(plain.encode('good').ids.slice(1, 2));
  expect(plain.encode(text).tokens).toEqual(['[CLS]', 'soo', '##oo', '##o', 'goo', '##ood', '!', '!', '!', '!', '[SEP]']);
  expect(e.offsets.slice(1, -1).map(([a, b]) => text.slice(a, b))).toEqual(['Soo', 'gooood', '!', '!']);
});

it('keeps at most max copies, counting code points, not UTF-16 units', () => {
  const s = new NormalizedString('aaaa-bb-😀😀😀-ccc');
  new CollapseRepeats(1).normalize(s);
  expect(s.normalized).toBe('a-b-😀-c');
  const t = new NormalizedString('xxxxy');
  new CollapseRepeats(3).normalize(t);
  expect(t.normalized).toBe('xxxy');
  expect(t.alignment(3)).toEqual([4, 5]);
});
