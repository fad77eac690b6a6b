import { ArgumentError } from '@graft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureFiles } from '../../../test-utils/models/parity';
import { fromPretrained } from './auto';
import { BertConfig } from './config/bert-config';
import { UnsupportedModelError } from './errors';
import { blobFiles, hubFiles, memoryFiles, urlFiles } from './files/model-files';
import { BertModel } from './modeling/bert';
import { architectureClass, modelClassFor, modelTypes, registerModelType, supportedArchitectures } from './registry';

/** A plugin's model type: BERT's layers under another name. */
class TinyConfig extends BertConfig {
  static override readonly modelType: string = 'tiny-bert';
}
class TinyModel extends BertModel {
  static override readonly architecture: string = 'TinyModel';
  static override readonly configClass = TinyConfig;
}

afterAll(() => {
  delete modelTypes['tiny-bert'];
});

describe('the model-type registry', () => {
  it('knows the built-in types and their architectures', () => {
    expect(Object.keys(modelTypes).sort()).toEqual(['bert', 'distilbert', 'roberta']);
    expect(supportedArchitectures()).toContain('DistilBertForMaskedLM');
    expect(modelClassFor('roberta', 'masked-lm').architecture).toBe('RobertaForMaskedLM');
    expect(architectureClass('BertForTokenClassification').task).toBe('token-classification');
    expect(() => architectureClass('GPT2LMHeadModel')).toThrow(UnsupportedModelError);
  });

  it('lets a plugin add a model type that fromPretrained then loads', async () => {
    registerModelType('tiny-bert', { config: TinyConfig, tasks: { base: TinyModel } });
    const files = fixtureFiles('bert-seqcls');
    const json = JSON.parse(new TextDecoder().decode((await files.read('config.json'))!));
    const model = await fromPretrained({
      'config.json': new TextEncoder().encode(JSON.stringify({ ...json, model_type: 'tiny-bert', architectures: ['TinyModel'] })),
      'model.safetensors': (await files.read('model.safetensors'))!,
    });
    expect(model).toBeInstanceOf(TinyModel);
    expect(model.loadingInfo!.unexpected.sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(() => registerModelType('', { config: TinyConfig, tasks: {} })).toThrow(UnsupportedModelError);
    model.dispose();
  });
});

describe('model files', () => {
  const bytes = new TextEncoder().encode('{}');

  it('fetch Hub-layout URLs: <endpoint>/<repo>/resolve/<revision>/<file>, 404 as absent', async () => {
    const seen: string[] = [];
    const fetch = (async (url: string) => {
      seen.push(url);
      if (url.endsWith('missing.json')) return new Response('no', { status: 404 });
      if (url.endsWith('error.json')) return new Response('boom', { status: 500, statusText: 'Server Error' });
      return new Response(bytes);
    }) as typeof globalThis.fetch;
    const files = hubFiles('google/bert_uncased_L-2_H-128_A-2', { revision: 'v1.0', fetch });
    expect(await files.read('config.json')).toEqual(bytes);
    expect(seen[0]).toBe('https://huggingface.co/google/bert_uncased_L-2_H-128_A-2/resolve/v1.0/config.json');
    expect(await files.read('missing.json')).toBeNull();
    await expect(files.read('error.json')).rejects.toMatchObject({ code: 'model_file_read', file: 'error.json' });
    const failing = urlFiles('http://localhost:1/models/', {
      fetch: (async () => {
        throw new TypeError('connection refused');
      }) as typeof globalThis.fetch,
    });
    expect(failing.description).toBe('http://localhost:1/models');
    await expect(failing.read('config.json')).rejects.toThrow(/could not fetch http:\/\/localhost:1\/models\/config\.json: connection refused/);
  });

  it('read browser files by base name and in-memory maps', async () => {
    const blob = new Blob([bytes]);
    const files = blobFiles([Object.assign(blob, { name: 'folder/config.json' })]);
    expect(await files.read('config.json')).toEqual(bytes);
    expect(await files.read('model.safetensors')).toBeNull();
    expect(await memoryFiles(new Map([['a', bytes]])).read('a')).toBe(bytes);
    await expect(fromPretrained('some/dir' as never)).rejects.toThrow(/import fromPretrained from '@graft\/models\/node'/);
    await expect(fromPretrained(null as never)).rejects.toThrow(ArgumentError);
  });
});
