import { readFileSync } from 'node:fs';
import { TokenizerError } from '@graft/tokenizers';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { loadFixture } from '../../../../test-utils/tokenizers/fixtures';
import { ModelFileError } from '../errors';
import { memoryFiles } from '../files/model-files';
import { dirFiles } from '../node';
import { loadTokenizer, loadTokenizerSettings, tokenizerFiles } from './load-tokenizer';

/** Some files of an asset folder, in memory. */
function pick(folder: string, names: string[]) {
  return memoryFiles(Object.fromEntries(names.map((n) => [n, new Uint8Array(readFileSync(assetPath(folder, n)))])), folder);
}

describe('loadTokenizer', () => {
  it('reads tokenizer.json, truncating to tokenizer_config.json’s model_max_length', async () => {
    const tok = await loadTokenizer(dirFiles(assetPath('models', 'bert-tiny-imdb-mlm')));
    expect(tok.encode('this movie was absolutely [MASK].').tokens).toEqual(['[CLS]', 'this', 'movie', 'was', 'absolutely', '[MASK]', '.', '[SEP]']);
    expect(tok.truncation?.maxLength).toBe(512);
    expect(tok.encode('word '.repeat(600)).ids).toHaveLength(512);
    const untruncated = await loadTokenizer(dirFiles(assetPath('models', 'bert-tiny-imdb-mlm')), { truncation: false });
    expect(untruncated.encode('word '.repeat(600)).ids).toHaveLength(602);
  });

  it('falls back to vocab.txt + tokenizer_config.json, with the same ids as tokenizer.json', async () => {
    const full = await loadTokenizer(pick('tokenizers/bert-base-uncased', ['tokenizer.json', 'tokenizer_config.json']));
    const vocab = await loadTokenizer(pick('tokenizers/bert-base-uncased', ['vocab.txt', 'tokenizer_config.json']));
    full.setTruncation(null);
    vocab.setTruncation(null);
    for (const c of loadFixture('bert-base-uncased').cases) expect(vocab.encode(c.text).ids, c.text).toEqual(c.ids);
    expect(vocab.encode('Hello [MASK] world').ids).toEqual(full.encode('Hello [MASK] world').ids);
  });

  it('falls back to vocab.json + merges.txt (RoBERTa), with its special tokens and <mask> taking the space before it', async () => {
    const files = pick('tokenizers/roberta-base', ['vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json']);
    const tok = await loadTokenizer(files);
    for (const c of loadFixture('roberta-base').cases) expect(tok.encode(c.text).ids, c.text).toEqual(c.ids);
    // lstrip: the space before <mask> joins the mask token (its string, as in HF tokenizers) instead of becoming a 'Ġ' token
    const enc = tok.encode('Paris is the <mask> of France.');
    expect(enc.tokens).toEqual(['<s>', 'Paris', 'Ġis', 'Ġthe', ' <mask>', 'Ġof', 'ĠFrance', '.', '</s>']);
    expect(enc.ids[4]).toBe(tok.tokenToId('<mask>'));
    const settings = await loadTokenizerSettings(files);
    expect([settings.maskToken, settings.padToken, settings.clsToken, settings.modelMaxLength]).toEqual(['<mask>', '<pad>', '<s>', 512]);
  });

  it('fails with typed errors naming the files', async () => {
    await expect(loadTokenizer(memoryFiles({}, 'empty'))).rejects.toThrow(ModelFileError);
    await expect(loadTokenizer(memoryFiles({}, 'empty'))).rejects.toThrow(/no tokenizer in empty: expected tokenizer.json, vocab.txt/);
    const broken = memoryFiles({ 'tokenizer.json': new TextEncoder().encode('{"model": {"type": "Nope"}}') }, 'some/dir');
    const e = await loadTokenizer(broken).catch((x) => x);
    expect(e).toBeInstanceOf(TokenizerError);
    expect(e.message).toMatch(/^some\/dir\/tokenizer\.json: /);
    const badConfig = memoryFiles({ 'tokenizer_config.json': new TextEncoder().encode('{oops') }, 'cfg');
    await expect(loadTokenizer(badConfig)).rejects.toMatchObject({ code: 'model_file_invalid', file: 'tokenizer_config.json' });
  });

  it('collects the tokenizer files of a model directory', async () => {
    const files = await tokenizerFiles(dirFiles(assetPath('models', 'bert-tiny-imdb-mlm')));
    expect([...files.keys()]).toEqual(['tokenizer.json', 'tokenizer_config.json', 'vocab.txt']);
    const settings = await loadTokenizerSettings(memoryFiles(files));
    expect([settings.modelMaxLength, settings.maskToken, settings.padToken, settings.unkToken]).toEqual([512, '[MASK]', '[PAD]', '[UNK]']);
    expect((await loadTokenizerSettings(memoryFiles({}))).modelMaxLength).toBeNull();
  });
});
