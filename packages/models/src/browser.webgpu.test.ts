/**
 * The main entry in a browser (headless Chromium, WebGPU from navigator.gpu): a fixture model is
 * fetched over HTTP with `urlFiles`, loaded onto WebGPU, and reproduces transformers' logits and
 * loss (the same bounds as the Node parity tests); its files are saved back from the GPU. Only
 * browser APIs are used: this is what the playground does.
 */
import { loadSafetensors } from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';
import { describe, expect, inject, it } from 'vitest';
import { fromPretrained, type ModelOutput, urlFiles } from './index';

const backend = await registerWebGPU({ priority: -1 });
if (!backend && inject('ci')) {
  it('finds a WebGPU adapter (CI=true)', () => {
    throw new Error('CI=true but no WebGPU adapter was found: start Chromium with --enable-unsafe-webgpu');
  });
}

// through a variable: Vite rewrites `new URL(path, import.meta.url)` into a bundled-asset lookup
const here = import.meta.url;
/** The fixture folder as the dev server serves it: files outside the package root are under /@fs/<absolute path>. */
const fixtureUrl = (name: string) => `${location.origin}/@fs${new URL(`../../../assets/fixtures/models/${name}`, here).pathname.replace(/^\/@fs/, '')}`;

describe.skipIf(!backend)('models in the browser (webgpu)', () => {
  for (const name of ['bert-seqcls', 'distilbert-seqcls', 'roberta-seqcls']) {
    it(`${name}: fetched with urlFiles, loaded on WebGPU, matches transformers`, async () => {
      const files = urlFiles(fixtureUrl(name));
      const model = await fromPretrained(files, { device: 'webgpu' });
      const io = loadSafetensors((await files.read('io.safetensors'))!).tensors;
      const on = (k: string) => io.get(k)?.to('webgpu') ?? null;
      const out = model.call({
        inputIds: on('input_ids')!,
        attentionMask: on('attention_mask'),
        tokenTypeIds: on('token_type_ids'),
        labels: on('labels'),
      }) as ModelOutput;
      const [logits, expected] = [await out.logits.data(), io.get('logits')!.dataSync()];
      logits.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-4));
      expect(Math.abs((await out.loss!.item()) - io.get('loss')!.itemSync())).toBeLessThan(1e-5);
      const saved = await model.toPretrainedFilesAsync();
      const original = (await files.read('model.safetensors'))!;
      expect(saved.get('model.safetensors')!.length).toBe(original.length);
      model.dispose();
    });
  }
});
