import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { loadTokenizer, saveTokenizer } from './node';
import { TokenizerError } from './errors';
import { Tokenizer } from './pipeline/tokenizer';

const dir = (name: string) => dirname(assetPath('tokenizers', name, 'vocab.txt'));

describe('loadTokenizer', () => {
  it.each([
    ['bert-base-uncased', 'Hello, world!', [101, 7592, 1010, 2088, 999, 102]],
    ['bert-base-chinese', '你好', [101, 872, 1962, 102]],
    ['gpt2', 'Hello, world!', [15496, 11, 995, 0]],
    ['roberta-base', 'Hello, world!', [0, 31414, 6, 232, 328, 2]],
    ['t5', 'Hello, world!', [8774, 6, 296, 55]],
  ])('%s', (name, text, ids) => {
    const t = loadTokenizer(dir(name)).setTruncation(null).setPadding(null);
    expect(t.encode(text).ids).toEqual(ids);
  });

  it('fails clearly on a directory without tokenizer files', () => {
    expect(() => loadTokenizer(mkdtempSync(join(tmpdir(), 'graft-tok-')))).toThrow(TokenizerError);
  });
});

describe('saveTokenizer', () => {
  it('writes tokenizer.json atomically and it loads back', () => {
    const out = mkdtempSync(join(tmpdir(), 'graft-tok-'));
    const t = loadTokenizer(dir('roberta-base'));
    saveTokenizer(t, join(out, 'tokenizer.json'));
    expect(readdirSync(out)).toEqual(['tokenizer.json']);
    const back = Tokenizer.fromJSON(readFileSync(join(out, 'tokenizer.json'), 'utf8'));
    expect(back.encode('Hello, world!').ids).toEqual(t.encode('Hello, world!').ids);
    expect(existsSync(join(out, 'tokenizer.json'))).toBe(true);
  });
});
