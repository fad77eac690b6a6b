import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileWriteError } from '@graft/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { fixtureFiles, fixtureIO } from '../../../test-utils/models/parity';
import { ModelFileError } from './errors';
import type { ModelOutput } from './modeling/model-io';
import { dirFiles, fromPretrained, loadTokenizer, pipeline, savePretrained } from './node';
import { tokenizerFiles } from './tokenizer/load-tokenizer';

const root = mkdtempSync(join(tmpdir(), 'graft-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('@graft/models/node', () => {
  it('savePretrained writes transformers’ layout that fromPretrained(dir) reads back identically', async () => {
    const model = await fromPretrained(fixtureFiles('roberta-seqcls'));
    const dir = join(root, 'roberta');
    const written = await savePretrained(model, dir);
    expect(written).toEqual(['model.safetensors', 'config.json']);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors']);
    expect(readFileSync(join(dir, 'model.safetensors')).equals(readFileSync(assetPath('fixtures', 'models', 'roberta-seqcls', 'model.safetensors')))).toBe(
      true,
    );
    const again = await fromPretrained(dir);
    const io = fixtureIO('roberta-seqcls');
    const inputs = { inputIds: io.get('input_ids')!, attentionMask: io.get('attention_mask') };
    expect(Array.from((again.call(inputs) as ModelOutput).logits.dataSync())).toEqual(Array.from((model.call(inputs) as ModelOutput).logits.dataSync()));
    model.dispose();
    again.dispose();
  });

  it('saves the tokenizer beside the model, and a pipeline runs from the saved directory', async () => {
    const source = assetPath('models', 'bert-tiny-imdb-mlm');
    const model = await fromPretrained(source);
    const dir = join(root, 'tiny');
    await savePretrained(model, dir, { tokenizer: await tokenizerFiles(dirFiles(source)) });
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt']);
    const fill = await pipeline('fill-mask', dir);
    const [a, b] = [await fill('a [MASK] film.'), await (await pipeline('fill-mask', source))('a [MASK] film.')];
    expect(a).toEqual(b);
    const tokDir = join(root, 'tok');
    await savePretrained(model, tokDir, { tokenizer: await loadTokenizer(source) });
    expect((await loadTokenizer(tokDir)).encode('hello world').ids).toEqual((await loadTokenizer(source)).encode('hello world').ids);
    model.dispose();
    fill.dispose();
  });

  it('replaces a checkpoint of the other layout (shards ↔ single file)', async () => {
    const model = await fromPretrained(fixtureFiles('bert-seqcls'));
    const dir = join(root, 'layouts');
    await savePretrained(model, dir, { maxShardSize: 60_000 });
    expect(readdirSync(dir)).toContain('model.safetensors.index.json');
    expect(readdirSync(dir)).not.toContain('model.safetensors');
    await savePretrained(model, dir);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors']);
    await savePretrained(model, dir, { maxShardSize: 60_000 });
    expect(readdirSync(dir).filter((f) => f === 'model.safetensors')).toEqual([]);
    expect((await fromPretrained(dir)).loadingInfo!.missing).toEqual([]);
    model.dispose();
  });

  it('fails with typed errors for a missing directory, a file path, paths outside, and an unwritable target', async () => {
    expect(() => dirFiles(join(root, 'nope'))).toThrow(ModelFileError);
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => dirFiles(file)).toThrow(/is a file/);
    await expect(dirFiles(root).read('../etc/passwd')).rejects.toThrow(/outside/);
    expect(await dirFiles(root).read('absent.json')).toBeNull();
    const model = await fromPretrained(fixtureFiles('bert-seqcls'));
    await expect(savePretrained(model, join(file, 'sub'))).rejects.toThrow();
    const dir = join(root, 'target-is-dir');
    await savePretrained(model, dir);
    rmSync(join(dir, 'config.json'));
    mkdirSync(join(dir, 'config.json'));
    await expect(savePretrained(model, dir)).rejects.toBeInstanceOf(FileWriteError);
    model.dispose();
  });
});
