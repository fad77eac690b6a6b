/**
 * Parity with transformers on WebGPU (Dawn on lavapipe under Node): the same fixtures and bounds
 * as the CPU test (logits and hidden states 1e-4, loss 1e-5, gradients 1e-3 relative), then
 * saving from the GPU, float16 weights, prefix keys/values and input embeddings, and a pipeline. With CI=true a missing adapter fails the
 * run; elsewhere the tests are skipped.
 */
import { concat, Generator, noGrad, ones, parseSafetensors, type Tensor, tensor } from '@graft/core';
import { registerWebGPU } from '@graft/core/webgpu';
import { describe, expect, inject, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { expectClose } from '../../../test-utils/close';
import { fixtureFiles, fixtureIO, MODEL_FIXTURES, runParity } from '../../../test-utils/models/parity';
import { fromPretrained } from './auto';
import type { BertForSequenceClassification } from './modeling/bert';
import type { ModelOutput, PastKeyValue } from './modeling/model-io';
import { pipeline } from './node';

// priority -1: WebGPU serves tensors that ask for it, but never becomes the default device
const backend = await registerWebGPU({ priority: -1 });
if (!backend && inject('ci')) {
  it('finds a WebGPU adapter (CI=true)', () => {
    throw new Error('CI=true but no WebGPU adapter was found: install lavapipe (mesa-vulkan-drivers) for Node');
  });
}

describe.skipIf(!backend)('parity with transformers (webgpu)', () => {
  for (const fixture of MODEL_FIXTURES) {
    it(fixture, async () => {
      const r = await runParity(fixture, 'webgpu');
      console.log(
        `parity ${fixture} webgpu: logits ${r.logits.toExponential(2)}, hidden ${r.lastHiddenState?.toExponential(2) ?? '-'}, loss ${r.loss.toExponential(2)}, grad ${r.grad.toExponential(2)} (${r.gradKey}), ${r.gradCount} grads`,
      );
      expect(r.unmatchedGradKeys).toEqual([]);
      expect(r.paramsWithoutFixture).toEqual([]);
      expect(r.logits).toBeLessThan(1e-4);
      if (r.lastHiddenState !== null) expect(r.lastHiddenState).toBeLessThan(1e-4);
      expect(r.loss).toBeLessThan(1e-5);
      expect(r.grad).toBeLessThan(1e-3);
    });
  }
});

describe.skipIf(!backend)('models on webgpu', () => {
  it('save from the GPU asynchronously (the synchronous form says why it cannot)', async () => {
    const gpu = await fromPretrained(fixtureFiles('bert-seqcls'), { device: 'webgpu' });
    expect(() => gpu.toPretrainedFiles()).toThrow(expect.objectContaining({ code: 'sync_read_unsupported' }));
    const cpu = await fromPretrained(fixtureFiles('bert-seqcls'));
    const [a, b] = [await gpu.toPretrainedFilesAsync(), cpu.toPretrainedFiles()];
    expect(Buffer.from(a.get('model.safetensors')!).equals(Buffer.from(b.get('model.safetensors')!))).toBe(true);
    gpu.dispose();
    cpu.dispose();
  });

  it.skipIf(!backend?.dtypes.includes('float16'))('keep float16 weights on request, and save them as F16', async () => {
    const half = await fromPretrained(fixtureFiles('bert-seqcls'), { device: 'webgpu', dtype: 'float16' });
    expect(half.parameters().every((p) => p.dtype === 'float16')).toBe(true);
    const io = fixtureIO('bert-seqcls');
    const on = (k: string) => io.get(k)!.to('webgpu');
    const out = half.call({ inputIds: on('input_ids'), attentionMask: on('attention_mask'), tokenTypeIds: on('token_type_ids') }) as ModelOutput;
    const logits = await out.logits.cast('float32').data();
    const expected = io.get('logits')!.dataSync();
    logits.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(2e-2));
    const files = await half.toPretrainedFilesAsync();
    expect(JSON.parse(new TextDecoder().decode(files.get('config.json'))).dtype).toBe('float16');
    expect([...parseSafetensors(files.get('model.safetensors')!).tensors.values()].every((t) => t.dtype === 'F16')).toBe(true);
    const again = await fromPretrained(files, { device: 'webgpu', dtype: 'auto' });
    expect(again.parameters()[0].dtype).toBe('float16');
    half.dispose();
    again.dispose();
  });

  it('take pastKeyValues (fused attention over P + L keys) and inputsEmbeds as the CPU does', async () => {
    const io = fixtureIO('bert-seqcls');
    const [ids, mask, types] = [io.get('input_ids')!, io.get('attention_mask')!, io.get('token_type_ids')!];
    const [b, p] = [ids.shape[0], 3];
    const g = new Generator(5);
    const past = [0, 1].map(() => [0, 1].map(() => tensor(g.normal(b * 4 * p * 8), { shape: [b, 4, p, 8] }))) as unknown as PastKeyValue[];
    const longMask = concat([ones([b, p], { dtype: 'int32' }), mask], 1);
    const run = async (device: string, dtype?: 'float16') => {
      const model = (await fromPretrained(fixtureFiles('bert-seqcls'), { device, dtype })) as BertForSequenceClassification;
      const on = (t: Tensor) => t.to(device);
      const embeds = noGrad(() => model.bert.embeddings.word_embeddings.call(on(ids)));
      const pastOn = past.map(([k, v]) => [on(k), on(v)] as const);
      const withPast = (model.call({ inputIds: on(ids), attentionMask: on(longMask), pastKeyValues: pastOn }) as ModelOutput).logits;
      const withEmbeds = (model.call({ inputsEmbeds: embeds, attentionMask: on(mask), tokenTypeIds: on(types) }) as ModelOutput).logits;
      const out = [Array.from(await withPast.cast('float32').data()), Array.from(await withEmbeds.cast('float32').data())];
      model.dispose();
      return out;
    };
    const [cpu, gpu] = [await run('cpu'), await run('webgpu')];
    expectClose(gpu[0], cpu[0], { atol: 1e-4, rtol: 0 });
    expectClose(gpu[1], cpu[1], { atol: 1e-4, rtol: 0 });
    expectClose(cpu[1], Array.from(io.get('logits')!.dataSync()), { atol: 1e-5, rtol: 0 });
    // a float16 model takes the float32 prefix (cast in the attention)
    if (backend?.dtypes.includes('float16')) expectClose((await run('webgpu', 'float16'))[0], cpu[0], { atol: 2e-2, rtol: 0 });
  });

  it('run the fill-mask pipeline as on the CPU', async () => {
    const dir = assetPath('models', 'bert-tiny-imdb-mlm');
    const [gpu, cpu] = [await pipeline('fill-mask', dir, { device: 'webgpu' }), await pipeline('fill-mask', dir)];
    const [a, b] = [await gpu('this movie was absolutely [MASK].'), await cpu('this movie was absolutely [MASK].')];
    expect(a.map((r) => r.token)).toEqual(b.map((r) => r.token));
    a.forEach((r, i) => expect(Math.abs(r.score - b[i].score)).toBeLessThan(1e-4));
    gpu.dispose();
    cpu.dispose();
  });
});
