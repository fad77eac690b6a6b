/**
 * The range fast path (BertPreTokenizer + WordPiece) must build exactly the Encoding of the
 * general path. The general path is forced by wrapping the pre-tokenizer in a Sequence, which
 * offers no `splitRanges`; both run on random Unicode, long words, added tokens and pairs.
 */
import { describe, expect, it } from 'vitest';
import { fromVocabTxt } from '../loaders/vocab-txt';
import { FlatTrie } from '../models/flat-trie';
import { WordPiece } from '../models/wordpiece';
import { BertPreTokenizer } from '../pre-tokenizers/bert-pre-tokenizer';
import { PreTokenizerSequence } from '../pre-tokenizers/sequence';
import { seededRandom } from '../rng';
import { tokenizerText } from '../../../../test-utils/tokenizers/fixtures';
import { supportsRanges } from './range-encoding';
import { Tokenizer } from './tokenizer';

const POOLS: [number, number][] = [
  [0x61, 0x7a],
  [0x61, 0x7a],
  [0x20, 0x7e],
  [0xc0, 0x17f],
  [0x300, 0x36f],
  [0x4e00, 0x9fff],
  [0x1f300, 0x1f6ff],
  [0x0, 0x1f],
  [0x2000, 0x206f],
  [0xd800, 0xdfff], // lone surrogates
];

function randomStrings(seed: number, count: number): string[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, () => {
    let s = '';
    for (let k = Math.floor(rand() * 60); k > 0; k--) {
      const [lo, hi] = POOLS[Math.floor(rand() * POOLS.length)];
      s += String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)));
    }
    return s;
  });
}

const loaders: [string, () => Tokenizer][] = [
  ['bert-base-uncased', () => Tokenizer.fromJSON(tokenizerText('bert-base-uncased', 'tokenizer.json')).setTruncation(null).setPadding(null)],
  ['bert-base-chinese', () => fromVocabTxt(tokenizerText('bert-base-chinese', 'vocab.txt'), { do_lower_case: false })],
];

describe.each(loaders)('range fast path of %s', (_, load) => {
  const fast = load();
  const general = load();
  general.preTokenizer = new PreTokenizerSequence([new BertPreTokenizer()]);
  const texts = [
    ...randomStrings(99, 400),
    'unaffable [MASK] playing [SEP]x',
    `${'a'.repeat(120)} ${'é'.repeat(101)} ${'😀'.repeat(60)} end`,
    'Naïve café owners love 😀 emoji!',
    '',
    '   ',
  ];

  it('is taken, and the general path is not', () => {
    expect(supportsRanges(fast.preTokenizer, fast.model)).toBe(true);
    expect(supportsRanges(general.preTokenizer, general.model)).toBe(false);
  });

  it('builds the same Encoding for single texts and pairs', () => {
    for (let i = 0; i < texts.length; i++) {
      expect(fast.encode(texts[i])).toEqual(general.encode(texts[i]));
      const other = texts[(i * 7 + 3) % texts.length];
      expect(fast.encode(texts[i], other)).toEqual(general.encode(texts[i], other));
    }
  });
});

describe('WordPiece on the trie', () => {
  const vocab = new Map(['[UNK]', 'un', 'una', '##ff', '##f', '##able', 'a', '😀', '##😀', '\ud83d'].map((t, i) => [t, i]));
  const wp = new WordPiece(vocab, { max_input_chars_per_word: 8 });
  const run = (w: string) => wp.tokenize(w).map((t) => [t.value, ...t.offsets]);

  it('matches greedily, longest first, with the prefix after the first piece', () => {
    expect(run('unaffable')).toEqual([['[UNK]', 0, 9]]); // more than 8 characters
    expect(run('unaffabl')).toEqual([['[UNK]', 0, 8]]); // "##abl" is missing
    expect(run('unaff')).toEqual([
      ['una', 0, 3],
      ['##ff', 3, 5],
    ]);
    expect(run('a😀😀')).toEqual([
      ['a', 0, 1],
      ['##😀', 1, 3],
      ['##😀', 3, 5],
    ]);
  });

  it('never ends a piece inside a surrogate pair', () => {
    // "\ud83d" is a key, but taking it would cut 😀 in half.
    expect(run('😀')).toEqual([['😀', 0, 2]]);
    expect(run('\ud83d')).toEqual([['\ud83d', 0, 1]]);
  });

  it('counts code points, not code units, against max_input_chars_per_word', () => {
    expect(run(`a${'😀'.repeat(7)}`)).toHaveLength(8);
  });
});

describe('FlatTrie', () => {
  it('finds the longest key from any node', () => {
    const keys = ['a', 'ab', 'abcd', 'b', 'bc', '##x', '##xy', ...Array.from({ length: 40 }, (_, i) => `z${String.fromCharCode(33 + i)}`)];
    const trie = new FlatTrie(keys.map((k, i) => [k, i] as const));
    expect(trie.longestMatch(trie.root, 'abcx', 0, 4)).toBe(2);
    expect(trie.matchedValue).toBe(1);
    expect(trie.longestMatch(trie.root, 'abcd', 0, 4)).toBe(4);
    expect(trie.longestMatch(trie.root, 'xabcd', 1, 3)).toBe(3);
    expect(trie.longestMatch(trie.root, 'c', 0, 1)).toBe(-1);
    const cont = trie.walk(trie.root, '##');
    expect(trie.longestMatch(cont, 'xyz', 0, 3)).toBe(2);
    expect(trie.walk(trie.root, 'q')).toBe(-1);
    for (let i = 0; i < 40; i++) {
      expect(trie.longestMatch(trie.root, keys[7 + i], 0, 2)).toBe(2); // a node with 40 children
      expect(trie.matchedValue).toBe(7 + i);
    }
  });
});
