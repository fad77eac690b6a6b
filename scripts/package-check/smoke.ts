/**
 * Runs in a fresh project that installed the packed tarballs (scripts/check-packages.mjs): a small
 * computation through every entry point except `@graft/core/webgpu` (see webgpu.ts), type-checked
 * with `skipLibCheck: false` against the published declarations first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraftError, ShapeError, scope, tensor, type Tensor } from '@graft/core';
import { loadSafetensorsFile, saveSafetensorsFile } from '@graft/core/node';
import { Linear, Module } from '@graft/nn';
import { loadStateDictFile, saveStateDict } from '@graft/nn/node';
import { Tokenizer } from '@graft/tokenizers';
import { loadTokenizer, saveTokenizer } from '@graft/tokenizers/node';
import { BertConfig, BertForSequenceClassification } from '@graft/models';
import { fromPretrained, savePretrained } from '@graft/models/node';
import { DistillError, distillationLoss, distillationStep } from '@graft/distill';
import { cachedTeacherLogits } from '@graft/distill/node';

const dir = mkdtempSync(join(tmpdir(), 'graft-smoke-'));
try {
  // @graft/core: autograd through a matmul, and a typed error
  const w = tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: 'float32' },
  ).requiresGrad_();
  const y = scope(() => {
    const out = tensor([[1, 1]], { dtype: 'float32' })
      .matmul(w)
      .sum();
    out.backward();
    return out;
  });
  assert.deepEqual(Array.from(await y.data()), [10]);
  assert.equal(w.grad!.dtype, 'float32');
  assert.deepEqual(Array.from(await w.grad!.data()), [1, 1, 1, 1]);
  assert.throws(
    () => tensor([1, 2, 3]).add(tensor([1, 2])),
    (e: unknown) => e instanceof ShapeError && e instanceof GraftError && e.code === 'shape_mismatch',
  );

  // @graft/core/node: a safetensors file round trip
  await saveSafetensorsFile(join(dir, 'w.safetensors'), { w });
  const loaded = await loadSafetensorsFile(join(dir, 'w.safetensors'));
  assert.deepEqual(Array.from(await loaded.tensors.get('w')!.data()), [1, 2, 3, 4]);

  // @graft/nn: a module, its state dict on disk (@graft/nn/node), and the class names users wrote
  class Net extends Module {
    fc = new Linear(2, 3);
    forward(x: Tensor): Tensor {
      return this.fc.call(x);
    }
  }
  const net = new Net();
  assert.deepEqual(net.call(tensor([[1, 2]], { dtype: 'float32' })).shape, [1, 3]);
  await saveStateDict(net, join(dir, 'net.safetensors'));
  const copy = new Net();
  await loadStateDictFile(copy, join(dir, 'net.safetensors'));
  assert.deepEqual(Array.from(await copy.fc.weight.data()), Array.from(await net.fc.weight.data()));
  assert.equal(Module.name, 'Module');
  assert.equal(Linear.name, 'Linear');

  // @graft/tokenizers and /node: BERT from the repository's assets, saved and loaded again
  const bert = loadTokenizer(process.env.GRAFT_BERT_DIR!);
  const enc = bert.encode('Naïve café owners love 😀 emoji!', 'Is it good?');
  assert.deepEqual(enc.ids, [101, 15743, 7668, 5608, 2293, 100, 7861, 29147, 2072, 999, 102, 2003, 2009, 2204, 1029, 102]);
  saveTokenizer(bert, join(dir, 'tokenizer.json'));
  const again = loadTokenizer(dir);
  assert.ok(again instanceof Tokenizer);
  assert.deepEqual(again.encode('Is it good?').ids, bert.encode('Is it good?').ids);
  assert.equal(Tokenizer.name, 'Tokenizer');

  // @graft/models and /node: a fresh BERT classifier saved as transformers does and loaded again
  const model = new BertForSequenceClassification(
    new BertConfig({ vocab_size: 40, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16 }),
  ).eval();
  await savePretrained(model, join(dir, 'bert'));
  const reloaded = await fromPretrained(join(dir, 'bert'));
  assert.ok(reloaded instanceof BertForSequenceClassification);
  const ids = tensor([[2, 5, 7]], { dtype: 'int32' });
  assert.deepEqual(Array.from(await reloaded.call({ inputIds: ids }).logits.data()), Array.from(await model.call({ inputIds: ids }).logits.data()));

  // @graft/distill and /node: the loss, teacher logits cached on disk (a hit the second time), an offline step
  const teacherLogits = model.call({ inputIds: ids }).logits;
  assert.equal(distillationLoss(teacherLogits, teacherLogits, null, { alpha: 1, temperature: 2 }).itemSync(), 0);
  assert.throws(() => distillationLoss(teacherLogits, teacherLogits, null, { alpha: 2, temperature: 2 }), DistillError);
  const rows = [{ inputIds: [2, 5, 7], idx: 0 }];
  const collate = (r: typeof rows) => ({
    inputIds: tensor(
      r.map((x) => x.inputIds),
      { dtype: 'int32' },
    ),
    idx: tensor([0], { dtype: 'int32' }),
  });
  const cacheOpts = { dir: join(dir, 'cache'), teacher: model, rows, collate };
  assert.equal((await cachedTeacherLogits(cacheOpts)).hit, false);
  const cached = await cachedTeacherLogits(cacheOpts);
  assert.equal(cached.hit, true);
  const step = distillationStep({ student: reloaded, cachedLogits: cached.logits, alpha: 1 });
  const out = step(collate(rows), { globalStep: 0, epoch: 0, microStep: 0, accumulationSteps: 1, training: true, generator: undefined as never });
  assert.ok(Math.abs(await out.loss.item()) < 1e-6);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('smoke: ok');
