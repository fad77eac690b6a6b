/**
 * Training the plugin's LoHa from the command line, in a child process as a user's shell runs it:
 * `graft --plugin … train … --method peft --peft-config '{"peft_type": "LOHA", …}'` on the
 * embedded checkpoint, two steps. The adapter it writes loads back (with LoHa registered here,
 * through @graft/peft's public API) with exactly the trained model's logits, `graft merge` with
 * the plugin folds it into an HF checkpoint computing them within 1e-5, `graft eval` scores the
 * adapter folder as the run did, and without the plugin the method is refused with a message that
 * says to load it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors, noGrad, tensor } from '@graft/core';
import { fromPretrained } from '@graft/models/node';
import { getPeftModel, registerPeftMethod } from '@graft/peft';
import { PeftModel } from '@graft/peft/node';
import { afterAll, describe, expect, it } from 'vitest';
import { graft } from './graft-process';
import { lohaMethod } from './loha/method';
import { assetPath } from './test-model';

const work = mkdtempSync(join(tmpdir(), 'graft-plugin-train-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const embedded = assetPath('models', 'bert-tiny-imdb-mlm');
const SMALL = ['--train-samples', '48', '--eval-samples', '24', '--max-length', '24', '--per-device-train-batch-size', '8', '--seed', '3'];
const LOHA = '{"peft_type": "LOHA", "r": 4, "alpha": 8}';

const inputs = () => ({
  inputIds: tensor(
    [
      [101, 2023, 3185, 2001, 6429, 102],
      [101, 6659, 102, 0, 0, 0],
    ],
    { dtype: 'int32' },
  ),
  attentionMask: tensor(
    [
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0, 0],
    ],
    { dtype: 'int32' },
  ),
});
/** A fresh base, its missing pooler and head drawn with another seed than the run's, so only what the adapter saved can match. */
const base = () => fromPretrained(embedded, { task: 'sequence-classification', id2label: ['negative', 'positive'], seed: 11 });
const logitsOf = (m: { call(x: ReturnType<typeof inputs>): { logits?: { dataSync(): unknown } } }) =>
  noGrad(() => m.call(inputs()).logits!.dataSync() as Float32Array);

describe('graft --plugin @graft/plugin-example/cli train --method peft (LoHa)', () => {
  it('writes a LoHa adapter that loads back with the trained logits exactly, and merges with the plugin', async () => {
    const out = join(work, 'loha');
    const r = await graft([
      '--plugin',
      './src/cli.ts',
      'train',
      embedded,
      'sst2',
      ...SMALL,
      '--max-steps',
      '2',
      '--learning-rate',
      '1e-2',
      '--method',
      'peft',
      '--peft-config',
      LOHA,
      '--output-dir',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ method: 'peft', saved: 'adapter', methodSettings: { peft_type: 'LOHA', r: 4, alpha: 8, task_type: 'SEQ_CLS' } });
    // four factors of 128 × 4 or 4 × 128 on query and value of 2 layers, and the classifier (2 · 128 + 2)
    expect(result.trainableParameters).toBe(2 * 2 * 4 * (4 * 128) + 258);
    const best = join(out, 'best');
    const config = JSON.parse(readFileSync(join(best, 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({ peft_type: 'LOHA', r: 4, alpha: 8, task_type: 'SEQ_CLS' });
    // the pooler the checkpoint lacks is saved with the adapter, as for the built-in methods
    expect(config.modules_to_save).toEqual(expect.arrayContaining(['classifier', 'bert.pooler.dense']));

    // the model as trained (the run's final state in PEFT's in-memory layout) against the adapter folder loaded back
    registerPeftMethod(lohaMethod);
    const trained = getPeftModel(await base(), config);
    trained.loadStateDict(loadSafetensors(new Uint8Array(readFileSync(join(out, 'model.safetensors')))).tensors);
    const loaded = await PeftModel.fromPretrained(await base(), best);
    const a = logitsOf(trained.eval());
    const b = logitsOf(loaded.eval());
    expect([...b]).toEqual([...a]);
    const off = noGrad(() => loaded.withAdaptersDisabled(() => loaded.call(inputs()).logits!.dataSync() as Float32Array));
    expect(Math.max(...a.map((x, i) => Math.abs(x - off[i])))).toBeGreaterThan(1e-4);

    // graft eval takes the adapter folder given the plugin, and scores it as the run did
    const e = await graft(['--plugin', './src/cli.ts', 'eval', best, 'sst2', '--eval-samples', '24', '--max-length', '24', '--seed', '3', '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).metrics.loss).toBeCloseTo(result.metrics.loss, 5);

    // LoHa merges (its canMerge): an HF checkpoint computing the same logits
    const merged = join(work, 'loha-merged');
    const m = await graft(['--plugin', './src/cli.ts', 'merge', embedded, best, '--output', merged, '--json']);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout).peftType).toBe('LOHA');
    const plain = logitsOf((await fromPretrained(merged)).eval());
    expect(Math.max(...plain.map((x, i) => Math.abs(x - a[i])))).toBeLessThan(1e-5);
  }, 60_000);

  it('without the plugin, says to load it', async () => {
    const r = await graft(['train', embedded, 'sst2', '--method', 'peft', '--peft-config', LOHA]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^graft train: --peft-config: peft_type 'LOHA' is not a registered PEFT method \(registered: BITFIT, .*\); a method from a plugin is registered by loading the plugin: graft --plugin <module> train …\n$/,
    );
  });
});
