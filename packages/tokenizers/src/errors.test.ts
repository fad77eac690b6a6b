/**
 * Bad input: malformed JSON, unknown `type` tags, missing and mistyped fields, broken vocab and
 * SentencePiece files. Each raises a TokenizerError whose code and message name the problem.
 */
import { describe, expect, it } from 'vitest';
import { TokenizerError } from './errors';
import { parseSentencePieceModel } from './loaders/sentencepiece-model';
import { fromVocabMerges, parseMergesTxt } from './loaders/vocab-merges';
import { parseVocabTxt } from './loaders/vocab-txt';
import { WordLevel } from './models/word-level';
import { Tokenizer } from './pipeline/tokenizer';

const minimal = () => ({
  version: '1.0',
  added_tokens: [],
  normalizer: null,
  pre_tokenizer: null,
  post_processor: null,
  decoder: null,
  model: { type: 'WordLevel', vocab: { '<unk>': 0, a: 1 }, unk_token: '<unk>' },
});

function fails(fn: () => unknown, code: string, ...parts: string[]): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(TokenizerError);
  expect((error as TokenizerError).code).toBe(code);
  for (const p of parts) expect((error as Error).message).toContain(p);
}

describe('bad tokenizer.json', () => {
  it('works when well formed', () => {
    expect(Tokenizer.fromJSON(minimal()).encode('a').ids).toEqual([1]);
  });

  it('reports malformed JSON', () => {
    fails(() => Tokenizer.fromJSON('{"model": {'), 'E_JSON', 'tokenizer.json', 'malformed JSON');
  });

  it.each([
    ['normalizer', { type: 'Lowercaser' }, 'normalizer', 'Lowercaser'],
    ['pre_tokenizer', { type: 'Whitespaces' }, 'pre_tokenizer', 'Whitespaces'],
    ['post_processor', { type: 'Nope' }, 'post_processor', 'Nope'],
    ['decoder', { type: 'Sequence', decoders: [{ type: 'Fuse' }, { type: 'Bogus' }] }, 'decoder', 'Bogus'],
    ['model', { type: 'Magic', vocab: {} }, 'model', 'Magic'],
  ])('reports an unknown %s type tag', (field, value, stage, tag) => {
    fails(() => Tokenizer.fromJSON({ ...minimal(), [field]: value }), 'E_UNKNOWN_TYPE', stage, `"${tag}"`);
  });

  it.each([
    ['model', { type: 'WordPiece', unk_token: '[UNK]' }, 'E_MISSING_FIELD', 'model "WordPiece"', '"vocab"'],
    ['model', { type: 'BPE', vocab: { a: 0 } }, 'E_MISSING_FIELD', 'model "BPE"', '"merges"'],
    ['model', { type: 'BPE', vocab: { a: 0 }, merges: ['a b'] }, 'E_VOCAB', 'model "BPE"', '"b"'],
    ['model', { type: 'Unigram', vocab: [['a', 'high']] }, 'E_BAD_FIELD', 'model "Unigram"', 'vocab[0]'],
    ['normalizer', { type: 'BertNormalizer', lowercase: 'yes' }, 'E_BAD_FIELD', 'normalizer "BertNormalizer"', '"lowercase"'],
    ['normalizer', { type: 'Replace', content: 'x' }, 'E_MISSING_FIELD', 'normalizer "Replace"', '"pattern"'],
    ['normalizer', { type: 'Replace', pattern: { Glob: '*' }, content: 'x' }, 'E_BAD_FIELD', 'normalizer "Replace"', '"pattern"'],
    ['normalizer', { type: 'Precompiled', precompiled_charsmap: 'AAAA' }, 'E_FORMAT', 'Precompiled'],
    ['pre_tokenizer', { type: 'Split', pattern: { Regex: '(' }, behavior: 'Isolated' }, 'E_BAD_FIELD', 'regex'],
    ['pre_tokenizer', { type: 'Split', pattern: { String: ' ' }, behavior: 'Sideways' }, 'E_BAD_FIELD', 'pre_tokenizer "Split"', '"behavior"'],
    ['pre_tokenizer', { type: 'Metaspace', replacement: '▁▁' }, 'E_BAD_FIELD', 'pre_tokenizer "Metaspace"', '"replacement"'],
    ['post_processor', { type: 'BertProcessing', sep: ['[SEP]'], cls: ['[CLS]', 101] }, 'E_BAD_FIELD', 'post_processor "BertProcessing"', '"sep"'],
    ['post_processor', { type: 'TemplateProcessing', single: '[CLS] $A', pair: '$A $B', special_tokens: {} }, 'E_BAD_FIELD', 'TemplateProcessing', '[CLS]'],
    ['decoder', { type: 'Strip', content: '▁', start: -1, stop: 0 }, 'E_BAD_FIELD', 'decoder "Strip"', '"start"'],
    ['truncation', { max_length: 'long' }, 'E_BAD_FIELD', 'truncation', '"max_length"'],
    ['padding', { strategy: 'Shortest' }, 'E_BAD_FIELD', 'padding', '"strategy"'],
    ['added_tokens', [{ content: '<x>' }], 'E_MISSING_FIELD', 'added_tokens[0]', '"id"'],
  ] as [string, unknown, string, ...string[]][])('reports bad field in %s: %j', (field, value, code, ...parts) => {
    fails(() => Tokenizer.fromJSON({ ...minimal(), [field]: value }), code, ...parts);
  });

  it('bounds how deeply components nest (a recursive build would overflow the stack)', () => {
    const nested = (depth: number) => {
      let n: unknown = { type: 'Lowercase' };
      for (let i = 0; i < depth; i++) n = { type: 'Sequence', normalizers: [n] };
      return n;
    };
    expect(Tokenizer.fromJSON({ ...minimal(), normalizer: nested(40) }).encode('A').ids).toEqual([1]);
    fails(() => Tokenizer.fromJSON({ ...minimal(), normalizer: nested(100_000) }), 'E_LIMIT', 'normalizer', 'nested more than 64 levels');
    let d: unknown = { type: 'Fuse' };
    for (let i = 0; i < 70; i++) d = { type: 'Sequence', decoders: [d] };
    fails(() => Tokenizer.fromJSON({ ...minimal(), decoder: d }), 'E_LIMIT', 'decoder');
  });

  it('reports a component without a type tag', () => {
    fails(() => Tokenizer.fromJSON({ ...minimal(), normalizer: { lowercase: true } }), 'E_MISSING_FIELD', 'normalizer', '"type"');
  });

  it('reports a missing model', () => {
    const { model: _, ...rest } = minimal();
    fails(() => Tokenizer.fromJSON(rest), 'E_MISSING_FIELD', 'tokenizer.json', '"model"');
  });
});

describe('token ids are u32, as in HF', () => {
  const big = 2 ** 32;
  const bpe = (vocab: Record<string, number>) => ({ ...minimal(), model: { type: 'BPE', vocab, merges: ['a b'] } });

  it('keeps ids from 2^31 to 2^32 - 1 exact through BPE merges, added tokens and templates', () => {
    const t = Tokenizer.fromJSON({
      ...bpe({ a: 2 ** 31, b: 2 ** 32 - 1, ab: 2 ** 31 + 5, c: 7 }),
      pre_tokenizer: { type: 'WhitespaceSplit' },
      added_tokens: [{ id: 2 ** 32 - 2, content: '<x>', special: true }],
      post_processor: {
        type: 'TemplateProcessing',
        single: '<x> $A',
        pair: '$A $B',
        special_tokens: { '<x>': { id: '<x>', ids: [2 ** 32 - 2], tokens: ['<x>'] } },
      },
    });
    const e = t.encode('ab b a c');
    expect(e.ids).toEqual([2 ** 32 - 2, 2 ** 31 + 5, 2 ** 32 - 1, 2 ** 31, 7]);
    expect(t.decode(e.ids, { skipSpecialTokens: false })).toBe('<x> ab b a c');
  });

  it.each([
    ['a BPE vocab id', bpe({ a: 0, b: big, ab: 2 }), 'model "BPE" field "vocab"', '"b"'],
    ['a negative vocab id', bpe({ a: -1, b: 1, ab: 2 }), 'model "BPE"', '"a"'],
    ['a fractional vocab id', { ...minimal(), model: { type: 'WordLevel', vocab: { '<unk>': 0.5 }, unk_token: '<unk>' } }, 'model "WordLevel"', '"<unk>"'],
    ['an added token id', { ...minimal(), added_tokens: [{ id: big, content: '<big>' }] }, 'added_tokens[0]', '"<big>"', '"id"'],
    [
      'a template id',
      {
        ...minimal(),
        post_processor: { type: 'TemplateProcessing', single: 'X $A', pair: '$A $B', special_tokens: { X: { id: 'X', ids: [big], tokens: ['X'] } } },
      },
      'TemplateProcessing',
      'ids[0]',
    ],
    [
      'a BertProcessing id',
      { ...minimal(), post_processor: { type: 'BertProcessing', sep: ['[SEP]', 2 ** 53], cls: ['[CLS]', 1] } },
      'BertProcessing',
      '"sep"',
      '"[SEP]"',
    ],
    ['a pad id', { ...minimal(), padding: { strategy: 'BatchLongest', pad_id: big } }, 'padding', '"pad_id"'],
  ] as [string, unknown, ...string[]][])('rejects %s out of range (E_BAD_FIELD naming where and which)', (_, json, ...parts) => {
    fails(() => Tokenizer.fromJSON(json), 'E_BAD_FIELD', ...parts, '4294967295');
  });

  it('checks vocab.json, programmatic vocabularies, padding options and new added ids', () => {
    fails(() => fromVocabMerges(`{"a": ${big}}`, ''), 'E_FORMAT', 'vocab.json', '"a"', '4294967295');
    fails(() => new Tokenizer(new WordLevel(new Map([['a', big]]))), 'E_BAD_FIELD', 'WordLevel', '"a"');
    fails(() => Tokenizer.fromJSON(minimal()).setPadding({ padId: -3 }), 'E_BAD_FIELD', 'padId');
    const t = Tokenizer.fromJSON({ ...minimal(), added_tokens: [{ id: 2 ** 32 - 1, content: '<last>' }] });
    fails(() => t.addTokens(['<one-more>']), 'E_BAD_FIELD', '<one-more>', '4294967295');
  });
});

describe('bad classic files', () => {
  it('rejects empty vocab.txt and malformed merges', () => {
    fails(() => parseVocabTxt(''), 'E_FORMAT', 'vocab.txt');
    fails(() => parseMergesTxt('#version: 0.2\na b c\n'), 'E_FORMAT', 'merges.txt line 2');
    fails(() => fromVocabMerges('[1, 2]', ''), 'E_FORMAT', 'vocab.json');
    fails(() => fromVocabMerges('{"a": 0', ''), 'E_JSON', 'vocab.json');
  });

  it('rejects truncated or foreign SentencePiece models', () => {
    fails(() => parseSentencePieceModel(new Uint8Array([0x0a, 0x05, 0x0a])), 'E_FORMAT', 'SentencePiece');
    fails(() => parseSentencePieceModel(new TextEncoder().encode('{"not": "protobuf"}')), 'E_FORMAT', 'SentencePiece');
    fails(() => parseSentencePieceModel(new Uint8Array(0)), 'E_FORMAT', 'no pieces');
  });
});
