import { readFileSync } from 'node:fs';
import { parseSafetensors } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { fixtureFiles, fixtureIO, MODEL_FIXTURES } from '../../../../test-utils/models/parity';
import { fromPretrained } from '../auto';
import { BertConfig } from '../config/bert-config';
import { BertForMaskedLM } from '../modeling/bert';
import { storedBytes } from './save-pretrained';
import type { ModelOutput } from '../modeling/model-io';

const fixturePath = (name: string, file: string) => assetPath('fixtures', 'models', name, file);

function header(bytes: Uint8Array) {
  return [...parseSafetensors(bytes).tensors.values()]
    .map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

describe('toPretrainedFiles', () => {
  for (const name of MODEL_FIXTURES) {
    it(`writes ${name} as transformers’ save_pretrained did: same tensors, same bytes, same config.json`, async () => {
      const model = await fromPretrained(fixtureFiles(name));
      const files = model.toPretrainedFiles();
      expect([...files.keys()].sort()).toEqual(['config.json', 'model.safetensors']);
      const original = new Uint8Array(readFileSync(fixturePath(name, 'model.safetensors')));
      expect(header(files.get('model.safetensors')!)).toEqual(header(original));
      // byte for byte: same sort order, header layout, padding and metadata as Python's safetensors
      expect(Buffer.from(files.get('model.safetensors')!).equals(Buffer.from(original))).toBe(true);
      const config = JSON.parse(new TextDecoder().decode(files.get('config.json')));
      const expected = JSON.parse(readFileSync(fixturePath(name, 'config.json'), 'utf8'));
      expect(config).toEqual(expected);
      expect(Object.keys(config)).toEqual(Object.keys(expected));
      const headerBytes = 8 + Number(new DataView(original.buffer, original.byteOffset).getBigUint64(0, true));
      expect(storedBytes(model)).toBe(original.length - headerBytes);
      model.dispose();
    });
  }

  it('round-trips: what it writes loads back with identical logits, from any device read', async () => {
    for (const name of MODEL_FIXTURES) {
      const io = fixtureIO(name);
      const inputs = { inputIds: io.get('input_ids')!, attentionMask: io.get('attention_mask'), tokenTypeIds: io.get('token_type_ids') };
      const model = await fromPretrained(fixtureFiles(name));
      const files = await model.toPretrainedFilesAsync();
      const sync = model.toPretrainedFiles();
      expect([...files.keys()]).toEqual([...sync.keys()]);
      for (const [k, v] of files) expect(Buffer.from(v).equals(Buffer.from(sync.get(k)!))).toBe(true);
      const again = await fromPretrained(files);
      expect(again.constructor).toBe(model.constructor);
      expect(again.loadingInfo!.newlyInitialized).toEqual([]);
      const a = (model.call(inputs) as ModelOutput).logits.dataSync();
      const b = (again.call(inputs) as ModelOutput).logits.dataSync();
      expect(Array.from(b)).toEqual(Array.from(a));
      model.dispose();
      again.dispose();
    }
  });

  it('leaves tied decoder weights out and records the architecture of a fresh model', async () => {
    const model = new BertForMaskedLM(new BertConfig({ vocab_size: 40, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16 }));
    const files = model.toPretrainedFiles();
    const names = header(files.get('model.safetensors')!).map((t) => t.name);
    expect(names).not.toContain('cls.predictions.decoder.weight');
    expect(names).not.toContain('cls.predictions.decoder.bias');
    expect(names).toContain('cls.predictions.bias');
    const config = JSON.parse(new TextDecoder().decode(files.get('config.json')));
    expect([config.architectures, config.model_type, config.dtype]).toEqual([['BertForMaskedLM'], 'bert', 'float32']);
    expect(model.config.architectures).toBeNull();
    const again = (await fromPretrained(files)) as BertForMaskedLM;
    expect(again.cls.predictions.decoder.weight).toBe(again.bert.embeddings.word_embeddings.weight);
    model.dispose();
    again.dispose();
  });

  it('writes shards and an index above maxShardSize, as transformers', async () => {
    const model = await fromPretrained(fixtureFiles('bert-seqcls'));
    const files = model.toPretrainedFiles({ maxShardSize: 100_000 });
    const shards = [...files.keys()].filter((k) => k.startsWith('model-')).sort();
    expect(shards.length).toBeGreaterThan(1);
    shards.forEach((s, i) => expect(s).toBe(`model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`));
    expect(files.has('model.safetensors')).toBe(false);
    const index = JSON.parse(new TextDecoder().decode(files.get('model.safetensors.index.json')));
    expect(Object.keys(index.weight_map)).toHaveLength(41);
    expect(new Set(Object.values(index.weight_map))).toEqual(new Set(shards));
    model.dispose();
  });
});
