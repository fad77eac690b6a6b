import { describe, expect, it } from 'vitest';
import { BPE } from './bpe';
import { modelFromJSON } from './index';
import { Unigram } from './unigram';
import { WordLevel } from './word-level';
import { WordPiece } from './wordpiece';

const vocab = (tokens: string[]) => new Map(tokens.map((t, i) => [t, i]));
const values = (m: { tokenize(s: string): { value: string }[] }, s: string) => m.tokenize(s).map((t) => t.value);

describe('WordPiece', () => {
  const wp = new WordPiece(vocab(['[UNK]', 'un', '##aff', '##able', 'a', '##a', '##b']), { max_input_chars_per_word: 12 });

  it('matches the longest piece first', () => {
    expect(wp.tokenize('unaffable').map((t) => [t.value, t.offsets])).toEqual([
      ['un', [0, 2]],
      ['##aff', [2, 5]],
      ['##able', [5, 9]],
    ]);
  });

  it('gives the unknown token for unmatched or over-long words', () => {
    expect(values(wp, 'unx')).toEqual(['[UNK]']);
    expect(values(wp, 'unaffableab')).toEqual(['un', '##aff', '##able', '##a', '##b']);
    expect(values(wp, 'unaffableabab')).toEqual(['[UNK]']);
    expect(new WordPiece(vocab(['[UNK]', 'a', '##a']), { max_input_chars_per_word: 3 }).tokenize('aaaa')).toEqual([{ id: 0, value: '[UNK]', offsets: [0, 4] }]);
  });
});

describe('WordPiece with very long vocabulary entries', () => {
  it('builds its trie without recursion: 5,000- and 200,000-character tokens load and match', () => {
    const long = 'x'.repeat(5000);
    const longer = 'ab'.repeat(100_000);
    const wp = new WordPiece(vocab(['[UNK]', long, longer, 'x', '##x', 'a', '##b', '##a']), { max_input_chars_per_word: 1_000_000 });
    expect(values(wp, long)).toEqual([long]);
    expect(values(wp, longer)).toEqual([longer]);
    expect(values(wp, `${long}x`)).toEqual([long, '##x']);
    expect(values(wp, 'abab')).toEqual(['a', '##b', '##a', '##b']);
  });
});

describe('BPE', () => {
  const v = vocab(['a', 'b', 'c', 'ab', 'abc', '<unk>', '<0x64>']);
  const merges: [string, string][] = [
    ['a', 'b'],
    ['ab', 'c'],
  ];

  it('applies merges by rank', () => {
    expect(values(new BPE(v, merges), 'abcab')).toEqual(['abc', 'ab']);
  });

  it('falls back to unknown (fused or not) and to byte tokens', () => {
    expect(values(new BPE(v, merges, { unk_token: '<unk>' }), 'xxa')).toEqual(['<unk>', '<unk>', 'a']);
    expect(new BPE(v, merges, { unk_token: '<unk>', fuse_unk: true }).tokenize('xxa')).toEqual([
      { id: 5, value: '<unk>', offsets: [0, 2] },
      { id: 0, value: 'a', offsets: [2, 3] },
    ]);
    expect(values(new BPE(v, merges, { byte_fallback: true }), 'ad')).toEqual(['a', '<0x64>']);
  });

  it('dropout is reproducible from a seed and changes segmentations', () => {
    const words = Array.from({ length: 50 }, () => 'abcabc');
    const run = (seed: number) => {
      const m = new BPE(v, merges, { dropout: 0.5, seed });
      return words.map((w) => values(m, w).join(' '));
    };
    expect(run(1)).toEqual(run(1));
    expect(new Set(run(1)).size).toBeGreaterThan(1);
    expect(values(new BPE(v, merges, { dropout: 1 }), 'abc')).toEqual(['a', 'b', 'c']);
    expect(values(new BPE(v, merges, { dropout: 0 }), 'abc')).toEqual(['abc']);
  });

  it('respects continuing_subword_prefix and end_of_word_suffix', () => {
    const m = new BPE(vocab(['a', '##b', 'a##b', 'ab', 'c</w>']), [['a', '##b']], { continuing_subword_prefix: '##' });
    expect(values(m, 'ab')).toEqual(['ab']);
    const s = new BPE(vocab(['a', 'b</w>', 'ab</w>']), [['a', 'b</w>']], { end_of_word_suffix: '</w>' });
    expect(values(s, 'ab')).toEqual(['ab</w>']);
  });

  it('reads both merge formats', () => {
    const json = (m: unknown[]) => modelFromJSON({ type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: m });
    expect(values(json(['a b']), 'ab')).toEqual(['ab']);
    expect(values(json([['a', 'b']]), 'ab')).toEqual(['ab']);
  });
});

describe('Unigram', () => {
  const pieces: [string, number][] = [
    ['<unk>', 0],
    ['▁', -2],
    ['a', -3],
    ['b', -3],
    ['ab', -4],
    ['abc', -10],
    ['c', -3],
    ['<0xE4>', -5],
    ['<0xB8>', -5],
    ['<0xAD>', -5],
  ];

  it('finds the best segmentation (Viterbi)', () => {
    const u = new Unigram(pieces, 0);
    expect(values(u, 'ab')).toEqual(['ab']);
    expect(values(u, 'abc')).toEqual(['ab', 'c']);
  });

  it('fuses unknown runs and can fall back to bytes', () => {
    expect(new Unigram(pieces, 0).tokenize('xy😀a')).toEqual([
      { id: 0, value: 'xy😀', offsets: [0, 4] },
      { id: 2, value: 'a', offsets: [4, 5] },
    ]);
    expect(values(new Unigram(pieces, 0, true), '中')).toEqual(['<0xE4>', '<0xB8>', '<0xAD>']);
  });
});

describe('WordLevel', () => {
  it('looks up whole words', () => {
    const w = new WordLevel(vocab(['<unk>', 'hello']));
    expect(values(w, 'hello')).toEqual(['hello']);
    expect(w.tokenize('bye')).toEqual([{ id: 0, value: '<unk>', offsets: [0, 3] }]);
  });
});

describe('model JSON', () => {
  it.each([
    { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: { '[UNK]': 0, a: 1 } },
    { type: 'WordLevel', vocab: { '<unk>': 0, a: 1 }, unk_token: '<unk>' },
    {
      type: 'Unigram',
      unk_id: 0,
      vocab: [
        ['<unk>', 0],
        ['a', -1],
      ],
      byte_fallback: false,
    },
    {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: { a: 0, b: 1, ab: 2 },
      merges: ['a b'],
    },
  ])('$type round-trips', (json) => {
    expect(modelFromJSON(json).toJSON()).toEqual(json);
  });

  it('infers the type of untagged legacy models', () => {
    expect(modelFromJSON({ vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] })).toBeInstanceOf(BPE);
    expect(modelFromJSON({ vocab: [['a', 0]], unk_id: null })).toBeInstanceOf(Unigram);
    expect(modelFromJSON({ vocab: { a: 0 }, unk_token: 'a', continuing_subword_prefix: '##' })).toBeInstanceOf(WordPiece);
  });
});
