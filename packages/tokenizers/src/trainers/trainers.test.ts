/**
 * Training WordPiece and BPE tokenizers on SST-2 sentences: the result round-trips through
 * tokenizer.json, frequent words become single tokens, and encodings decode back sensibly.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { ByteLevelDecoder } from '../decoders/byte-level-decoder';
import { WordPieceDecoder } from '../decoders/wordpiece-decoder';
import { WordLevel } from '../models/word-level';
import { BertNormalizer } from '../normalizers/bert-normalizer';
import { Tokenizer } from '../pipeline/tokenizer';
import { BertPreTokenizer } from '../pre-tokenizers/bert-pre-tokenizer';
import { byteLevelAlphabet } from '../pre-tokenizers/byte-level-alphabet';
import { ByteLevel } from '../pre-tokenizers/byte-level';
import { TemplateProcessing } from '../processors/template-processing';
import { BpeTrainer, trainBpeFromCounts } from './bpe-trainer';
import { WordPieceTrainer } from './wordpiece-trainer';

const corpus = readFileSync(assetPath('datasets', 'sst2', 'train.tsv'), 'utf8')
  .split('\n')
  .slice(1, 8001)
  .map((line) => line.split('\t')[0])
  .filter((s) => s.length > 0);

describe('trainBpeFromCounts', () => {
  it('merges the most frequent pair first and honours min frequency', () => {
    const counts = new Map([
      ['hug', 10],
      ['pug', 5],
      ['pun', 12],
      ['bun', 4],
      ['hugs', 5],
    ]);
    const { merges, vocab } = trainBpeFromCounts(counts, { vocabSize: 100, minFrequency: 10 });
    expect(merges[0]).toEqual(['u', 'g']);
    expect(merges[1]).toEqual(['u', 'n']);
    expect(merges[2]).toEqual(['h', 'ug']);
    expect(merges[3]).toEqual(['p', 'un']);
    expect(vocab.has('hug')).toBe(true);
    expect(merges.length).toBe(4); // the next best pair, "hug s", occurs 5 < 10 times
  });

  it('limits the alphabet to the most frequent characters', () => {
    const { vocab } = trainBpeFromCounts(
      new Map([
        ['aab', 3],
        ['c', 1],
      ]),
      { vocabSize: 3, limitAlphabet: 2, specialTokens: ['<s>'] },
    );
    expect([...vocab.keys()]).toEqual(['<s>', 'a', 'b']);
  });
});

describe('WordPieceTrainer', () => {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const tokenizer = new Tokenizer(new WordLevel(new Map([['[UNK]', 0]]), '[UNK]'));
  tokenizer.normalizer = new BertNormalizer({ lowercase: true });
  tokenizer.preTokenizer = new BertPreTokenizer();
  tokenizer.decoder = new WordPieceDecoder();
  new WordPieceTrainer({ vocabSize: 3000, specialTokens: specials, limitAlphabet: 200 }).train(tokenizer, corpus);
  tokenizer.postProcessor = new TemplateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', [
    ['[CLS]', tokenizer.tokenToId('[CLS]')!],
    ['[SEP]', tokenizer.tokenToId('[SEP]')!],
  ]);

  it('builds a vocabulary of the requested size with special tokens first', () => {
    expect(tokenizer.getVocabSize()).toBe(3000);
    expect(specials.map((s) => tokenizer.tokenToId(s))).toEqual([0, 1, 2, 3, 4]);
  });

  it('encodes frequent words whole and rare words in ## pieces', () => {
    const e = tokenizer.encode('The movie was good, unflinchingly bleak.');
    expect(e.tokens[0]).toBe('[CLS]');
    expect(e.tokens).toContain('movie');
    expect(e.tokens).toContain('good');
    expect(e.tokens.some((t) => t.startsWith('##'))).toBe(true);
    expect(tokenizer.decode(e.ids)).toBe('the movie was good, unflinchingly bleak.');
    expect(tokenizer.encode('☃').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
  });

  it('round-trips through tokenizer.json', () => {
    const reloaded = Tokenizer.fromJSON(tokenizer.toString());
    for (const s of corpus.slice(0, 200)) expect(reloaded.encode(s).ids).toEqual(tokenizer.encode(s).ids);
  });
});

describe('BpeTrainer (byte level)', () => {
  const tokenizer = new Tokenizer(new WordLevel(new Map([['<unk>', 0]]), '<unk>'));
  tokenizer.preTokenizer = new ByteLevel({ add_prefix_space: false });
  tokenizer.decoder = new ByteLevelDecoder();
  new BpeTrainer({ vocabSize: 2000, specialTokens: ['<|endoftext|>'], initialAlphabet: byteLevelAlphabet() }).train(tokenizer, corpus);

  it('learns merges over the byte alphabet', () => {
    expect(tokenizer.getVocabSize()).toBe(2000);
    expect(tokenizer.tokenToId('<|endoftext|>')).toBe(0);
    expect(tokenizer.encode(' the film').tokens).toEqual(['Ġthe', 'Ġfilm']);
  });

  it('decodes anything back exactly, even unseen scripts', () => {
    for (const s of ['a charming movie', 'naïve 中文 😀', ...corpus.slice(0, 100)]) expect(tokenizer.decode(tokenizer.encode(s).ids)).toBe(s);
  });

  it('round-trips through tokenizer.json', () => {
    const reloaded = Tokenizer.fromJSON(tokenizer.toString());
    for (const s of corpus.slice(0, 200)) expect(reloaded.encode(s).ids).toEqual(tokenizer.encode(s).ids);
  });
});
